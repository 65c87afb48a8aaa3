package fonts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"golang.org/x/image/font/gofont/goregular"
)

// Limits bound discovery, so a huge or hostile font directory cannot
// stall or bloat the start.
type Limits struct {
	MaxFiles           int   // font files looked at, all directories together
	MaxFileBytes       int64 // larger files are skipped
	MaxCollectionFaces int   // faces read from one collection
	MaxSetBytes        int64 // bytes of the chosen faces kept in memory
	MaxRanges          int   // unicode-range entries of one @font-face
}

// DefaultLimits fit Debian's Noto packages (the CJK collections are about
// 20 MB, colour emoji 11 MB) with room to spare.
var DefaultLimits = Limits{MaxFiles: 4000, MaxFileBytes: 64 << 20, MaxCollectionFaces: 16, MaxSetBytes: 256 << 20, MaxRanges: 256}

// SystemDirs are where Linux distributions and users put fonts.
func SystemDirs() []string {
	dirs := []string{"/usr/share/fonts", "/usr/local/share/fonts"}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".fonts"), filepath.Join(home, ".local", "share", "fonts"))
	}
	return dirs
}

// Options say where Load looks.
type Options struct {
	Dirs   []string // --fonts: searched first, preferred over the system's
	System []string // the system directories (SystemDirs); nil: none
	Limits Limits   // zero: DefaultLimits
	Logger *slog.Logger
}

// Face is one font file of the set.
type Face struct {
	Family  string   // the font's own family name
	Source  string   // file it came from ("embedded" for the Go font)
	Index   int      // face in a collection file
	Scripts []string // scripts this face is in the set for
	// Coverage is every code point the face maps; Uses is the part no
	// earlier face of the set covers (what it draws).
	Coverage, Uses Coverage
	Name           string // URL file name: family, content hash, extension
	Data           []byte // a standalone OpenType file
}

// ContentType is the MIME type of Data.
func (f *Face) ContentType() string {
	if strings.HasSuffix(f.Name, ".otf") {
		return "font/otf"
	}
	return "font/ttf"
}

// Set is the server's font set: faces in fallback order (the first that
// has a glyph draws it) and which script each face covers.
type Set struct {
	Faces   []*Face
	covered map[string]string // script → family of the face covering it
	byName  map[string]*Face
	limits  Limits
}

// Face is the face with URL file name name, or nil.
func (s *Set) Face(name string) *Face { return s.byName[name] }

// Covered are the scripts some face of the set covers, in Scripts order;
// Missing the ones drawn as boxes.
func (s *Set) Covered() (covered, missing []string) {
	for _, sc := range Scripts {
		if _, ok := s.covered[sc.Name]; ok {
			covered = append(covered, sc.Name)
		} else {
			missing = append(missing, sc.Name)
		}
	}
	return covered, missing
}

// FamilyOf is the family of the face that covers script, "" if none.
func (s *Set) FamilyOf(script string) string { return s.covered[script] }

// Summary is one line saying which scripts have a font and which are drawn
// as boxes (for /readyz and the log).
func (s *Set) Summary() string {
	covered, missing := s.Covered()
	var b strings.Builder
	b.WriteString("scripts with a font: ")
	for i, name := range covered {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", name, s.covered[name])
	}
	b.WriteString("; boxes: ")
	if len(missing) == 0 {
		b.WriteString("none")
	}
	b.WriteString(strings.Join(missing, ", "))
	return b.String()
}

// Embedded is the set of the embedded Go font alone (built once; a Set is
// immutable, so every caller shares it).
var Embedded = sync.OnceValue(func() *Set {
	s, err := build([]candidate{goCandidate()}, nil, DefaultLimits)
	if err != nil {
		panic("fonts: the embedded Go font: " + err.Error())
	}
	return s
})

// Load builds the set: the embedded Go font, then faces from o.Dirs and
// o.System for the scripts it lacks. It logs one line saying which scripts
// have a font. Errors in font files are logged and skipped; Load itself
// does not fail.
func Load(o Options) *Set {
	lim := o.Limits
	if lim == (Limits{}) {
		lim = DefaultLimits
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	user := map[string]bool{}
	for _, d := range o.Dirs {
		user[d] = true
	}
	dirs := append(append([]string{}, o.Dirs...), o.System...)
	found, st := scanDirs(dirs, user, lim, func(msg string, args ...any) { log.Debug(msg, args...) })
	if st.overCount > 0 {
		log.Warn("font files not looked at: too many", "max_files", lim.MaxFiles, "skipped", st.overCount)
	}
	set, err := build(append([]candidate{goCandidate()}, found...), log, lim)
	if err != nil { // only the embedded font can fail build, and it does not
		panic("fonts: " + err.Error())
	}
	covered, missing := set.Covered()
	families := make([]string, len(set.Faces))
	for i, f := range set.Faces {
		families[i] = f.Family
	}
	log.Info("fonts", "scripts", strings.Join(covered, ","), "boxes", strings.Join(missing, ","),
		"faces", strings.Join(families, ","), "files_scanned", st.files, "skipped_large", st.tooLarge, "skipped_bad", st.bad)
	return set
}

func goCandidate() candidate {
	ld, err := ot.NewLoader(bytes.NewReader(goregular.TTF))
	if err != nil {
		panic("fonts: the embedded Go font: " + err.Error())
	}
	c, err := describe(ld)
	if err != nil {
		panic("fonts: the embedded Go font: " + err.Error())
	}
	c.path, c.size = "embedded", int64(len(goregular.TTF))
	return c
}

// build picks faces from cands (the first, the Go font, always) script by
// script: for a script no chosen face covers, the best candidate whose
// file loads and parses completely and fits in the set's byte budget.
func build(cands []candidate, log *slog.Logger, lim Limits) (*Set, error) {
	s := &Set{covered: map[string]string{}, byName: map[string]*Face{}, limits: lim}
	var earlier Coverage
	var kept int64
	add := func(c candidate, data []byte) *Face {
		f := &Face{Family: c.family, Source: c.path, Index: c.index,
			Coverage: c.coverage, Uses: c.coverage.Minus(earlier), Data: data, Name: webName(c.family, data)}
		earlier = earlier.Union(c.coverage)
		kept += int64(len(data))
		s.Faces = append(s.Faces, f)
		s.byName[f.Name] = f
		return f
	}
	data, err := loadFace(cands[0])
	if err != nil {
		return nil, err
	}
	add(cands[0], data)
	for _, sc := range selectionOrder() {
		f := s.covering(sc.Samples)
		for _, i := range ranked(cands[1:], sc) {
			if f != nil {
				break
			}
			c := cands[1+i]
			data, err := loadFace(c)
			if err == nil && kept+int64(len(data)) > lim.MaxSetBytes {
				err = fmt.Errorf("the set would exceed %d bytes", lim.MaxSetBytes)
			}
			if err != nil {
				if log != nil {
					log.Warn("font not used", "path", c.path, "script", sc.Name, "err", err)
				}
				continue
			}
			f = add(c, data)
		}
		if f != nil {
			f.Scripts = append(f.Scripts, sc.Name)
			s.covered[sc.Name] = f.Family
		}
	}
	return s, nil
}

// maxTries bounds how many candidates a script goes through when the best
// ones fail to load.
const maxTries = 8

// ranked are the indexes of the candidates covering sc, best first.
func ranked(cands []candidate, sc Script) []int {
	var idx []int
	counts := map[int]int{}
	for i := range cands {
		if cands[i].coverage.HasAll(sc.Samples) {
			idx = append(idx, i)
			counts[i] = scriptRunes(cands[i].coverage, sc)
		}
	}
	sort.Slice(idx, func(a, b int) bool {
		return better(cands[idx[a]], cands[idx[b]], counts[idx[a]], counts[idx[b]])
	})
	if len(idx) > maxTries {
		idx = idx[:maxTries]
	}
	return idx
}

// covering is the first face of the set that maps every sample.
func (s *Set) covering(samples []rune) *Face {
	for _, f := range s.Faces {
		if f.Coverage.HasAll(samples) {
			return f
		}
	}
	return nil
}

// better reports whether a is a better face for a script than b, given
// how many of the script's code points each maps (na, nb): one the
// operator gave (--fonts), then an upright regular one, then a plain sans
// (like the Go font next to it) over serif or monospaced, then the one
// covering more of the script, then the smaller file, then by path, so the
// choice is the same at every start.
func better(a, b candidate, na, nb int) bool {
	if a.user != b.user {
		return a.user
	}
	if ra, rb := isRegular(a.aspect), isRegular(b.aspect); ra != rb {
		return ra
	}
	if pa, pb := isPlain(a.family), isPlain(b.family); pa != pb {
		return pa
	}
	if na != nb {
		return na > nb
	}
	if a.size != b.size {
		return a.size < b.size
	}
	if a.path != b.path {
		return a.path < b.path
	}
	return a.index < b.index
}

func isRegular(a font.Aspect) bool {
	return a.Style == font.StyleNormal && a.Weight == font.WeightNormal && a.Stretch == font.StretchNormal
}

func isPlain(family string) bool {
	f := strings.ToLower(family)
	for _, w := range []string{"serif", "mono", "display", "condensed", "slab"} {
		if strings.Contains(f, w) && !strings.Contains(f, "sans") {
			return false
		}
	}
	return !strings.Contains(f, "mono")
}

// scriptRunes counts what a face maps of the script's code points (for
// emoji, of the 256 code points around each sample).
func scriptRunes(c Coverage, sc Script) int {
	all := sc.coverage()
	return all.Len() - all.Minus(c).Len()
}

// loadFace is the face as a standalone font file (the file itself, or the
// face rewritten out of its collection), checked by parsing it whole: a
// truncated file whose cmap still read at scan time fails here.
func loadFace(c candidate) ([]byte, error) {
	if c.path == "embedded" {
		return goregular.TTF, nil
	}
	data, err := os.ReadFile(c.path)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte("ttcf")) {
		if data, err = extractFace(data, c.index); err != nil {
			return nil, err
		}
	}
	if err := validate(data); err != nil {
		return nil, err
	}
	return data, nil
}

var notSlug = regexp.MustCompile(`[^a-z0-9]+`)

// webName is a URL file name that changes whenever the bytes do, so it can
// be cached for a year: family-<12 hex of SHA-256>.<ttf|otf>.
func webName(family string, data []byte) string {
	slug := strings.Trim(notSlug.ReplaceAllString(strings.ToLower(family), "-"), "-")
	if slug == "" {
		slug = "font"
	}
	if len(slug) > 40 {
		slug = slug[:40]
	}
	sum := sha256.Sum256(data)
	ext := ".ttf"
	if bytes.HasPrefix(data, []byte("OTTO")) {
		ext = ".otf"
	}
	return slug + "-" + hex.EncodeToString(sum[:6]) + ext
}
