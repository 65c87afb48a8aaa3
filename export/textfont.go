package export

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Text layout constants, the board client's (static/textlayout.js).
const (
	lineHeight = 1.25 // line pitch per unit of font size
	// The line box's ascent and descent per unit of size, where a line's
	// baseline sits: the embedded Go font's (hhea 1935 and 432 of 2048
	// units) as the board client measures them, in whole pixels at 100 px
	// (textlayout.js fontMetrics; Chromium rounds a font's ascent and
	// descent to pixels). TestLineMetricsAreTheClients holds them to the
	// font.
	fontAscent    = 0.94
	fontDescent   = 0.21
	stickyPadding = 12 // inner margin of a sticky, board units
)

// goRegular is the one font every format measures and draws text with: the
// Go font, embedded in the binary (no font files on disk). A parsed
// sfnt.Font is safe for concurrent use; each user brings its own Buffer.
var goRegular = sync.OnceValue(func() *sfnt.Font {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		panic("export: parse the embedded Go font: " + err.Error())
	}
	return f
})

// typeface measures and finds glyphs of goRegular for one render; it is
// not safe for concurrent use.
type typeface struct {
	f    *sfnt.Font
	buf  sfnt.Buffer
	upem float64
	adv  map[rune]float64 // advance per rune, in em
	idx  map[rune]sfnt.GlyphIndex
	outl map[sfnt.GlyphIndex]sfnt.Segments
}

func newTypeface() *typeface {
	f := goRegular()
	return &typeface{f: f, upem: float64(f.UnitsPerEm()), adv: map[rune]float64{}, idx: map[rune]sfnt.GlyphIndex{},
		outl: map[sfnt.GlyphIndex]sfnt.Segments{}}
}

// glyph is r's glyph index; 0 (the "missing" box) when the font lacks it.
func (t *typeface) glyph(r rune) sfnt.GlyphIndex {
	if g, ok := t.idx[r]; ok {
		return g
	}
	g, err := t.f.GlyphIndex(&t.buf, r)
	if err != nil {
		g = 0
	}
	t.idx[r] = g
	return g
}

// advance is how far r moves the pen, in em.
func (t *typeface) advance(r rune) float64 {
	if a, ok := t.adv[r]; ok {
		return a
	}
	a, err := t.f.GlyphAdvance(&t.buf, t.glyph(r), t.ppem(), font.HintingNone)
	v := 0.0
	if err == nil {
		v = float64(a) / 64 / t.upem
	}
	t.adv[r] = v
	return v
}

// outline is glyph g's contours in font units (y down, origin on the
// baseline at the pen); nil when it has none.
func (t *typeface) outline(g sfnt.GlyphIndex) sfnt.Segments {
	if o, ok := t.outl[g]; ok {
		return o
	}
	segs, err := t.f.LoadGlyph(&t.buf, g, t.ppem(), nil)
	var o sfnt.Segments
	if err == nil {
		o = append(o, segs...) // segs belongs to the buffer
	}
	t.outl[g] = o
	return o
}

// ppem asks sfnt for outlines and advances in font units.
func (t *typeface) ppem() fixed.Int26_6 { return fixed.Int26_6(t.upem * 64) }

// width of s at a font size.
func (t *typeface) width(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += t.advance(r)
	}
	return w * size
}

// cleanText makes text drawable the same way in every format: CR LF and
// CR become LF, tabs spaces, and other control characters go.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\r':
			return '\n'
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}
