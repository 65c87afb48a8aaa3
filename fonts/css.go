package fonts

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
)

// Family is the CSS font family every face of the set is declared under;
// the page's font stack starts with it (static/fonts.js).
const Family = "Easel"

// URLPrefix is where the faces are served: URLPrefix + Face.Name.
const URLPrefix = "/fonts/"

// CSS is one @font-face per face of the set, all in Family, each with the
// unicode-range of the code points it draws, so a browser fetches a face
// only when text needs it. Faces are declared last-first: where the
// bounded ranges of two faces overlap, CSS consults the face declared last
// first, which must be the one the server's fallback order puts first.
func (s *Set) CSS() string {
	var b strings.Builder
	b.WriteString("/* Easel's font set: the same files the server draws exports with. */\n")
	for i := len(s.Faces) - 1; i >= 0; i-- {
		f := s.Faces[i]
		var later Coverage // what faces after this one draw: never pull this face in for it
		for _, g := range s.Faces[i+1:] {
			later = later.Union(g.Uses)
		}
		ranges := f.Uses.Minus(invisible()).coalesce(s.limits.MaxRanges, later)
		if len(ranges) == 0 {
			continue
		}
		format := "truetype"
		if f.ContentType() == "font/otf" {
			format = "opentype"
		}
		fmt.Fprintf(&b, "/* %s: %s */\n@font-face {\n  font-family: %q;\n  src: url(%q) format(%q);\n  font-style: normal;\n  font-weight: 400;\n  font-display: swap;\n  unicode-range: %s;\n}\n",
			cssComment(f.Family), cssComment(strings.Join(f.Scripts, ", ")), Family, URLPrefix+f.Name, format, ranges.css())
	}
	return b.String()
}

// cssComment keeps a font's own name from closing the comment.
func cssComment(s string) string { return strings.ReplaceAll(s, "*/", "* /") }

// invisible are control, format (ZWJ, ZWNJ, direction marks) and variation
// selector code points: they occur inside text of any script, so a face
// must not be fetched for them.
var invisible = sync.OnceValue(func() Coverage {
	return tableCoverage(unicode.Cc).Union(tableCoverage(unicode.Cf)).Union(tableCoverage(unicode.Variation_Selector))
})
