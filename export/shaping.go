package export

import (
	"bytes"
	"image"
	"image/png"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/easel-app/easel/fonts"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// Text in the PNG (and its measurement for line breaking, in every
// format) goes through go-text/typesetting: its Segmenter splits a line
// into runs of one direction, script and face (per-glyph fallback over the
// font set's faces, in their order), its HarfBuzz port shapes each run
// (joined Arabic forms, Devanagari conjuncts, kerning), and runs are put
// in visual order here (bidi rule L2 over the runs' levels).

// maxShapedLines bounds the cache of shaped lines (all renders together).
const maxShapedLines = 8192

// fontFaces is a font set parsed for shaping, with the cache of shaped
// lines and decoded colour bitmaps; safe for concurrent use.
type fontFaces struct {
	set   *fonts.Set
	fonts []*font.Font  // safe to share; each render wraps them in Faces
	files []*fonts.Face // the set's face of each of fonts
	cov   []fonts.Coverage
	upem  []float64
	mu    sync.Mutex
	lines map[string]*shapedLine
	bmps  map[glyphKey]*glyphImage
	// bmpBytes is the pixel bytes of bmps, held under maxBitmapBytes.
	bmpBytes int
}

type glyphKey struct {
	face int
	gid  font.GID
}

// glyphImage is a decoded colour glyph (Noto Color Emoji's CBDT PNGs)
// and where it sits, in em from the pen (y down).
type glyphImage struct {
	img        image.Image   // the bitmap, premultiplied: mips[0]
	mips       []*image.RGBA // what the PNG samples (colorglyph.go)
	x, y, w, h float64
}

// maxBitmapBytes bounds the decoded colour glyphs kept (all renders
// together): about 700 emoji of Noto Color Emoji, 93 KiB each with their
// mipmaps.
const maxBitmapBytes = 64 << 20

var usedFonts atomic.Pointer[fontFaces]

// UseFonts makes set the font set every later render shapes and draws
// text with (main calls it once at start); nil: the embedded Go font
// alone.
func UseFonts(set *fonts.Set) {
	if set == nil {
		usedFonts.Store(nil)
		return
	}
	usedFonts.Store(parseFaces(set))
}

var embeddedFaces = sync.OnceValue(func() *fontFaces { return parseFaces(fonts.Embedded()) })

func currentFaces() *fontFaces {
	if f := usedFonts.Load(); f != nil {
		return f
	}
	return embeddedFaces()
}

// parseFaces parses the set's faces; one that fails (the set checked
// them already) is left out of the fallback order.
func parseFaces(set *fonts.Set) *fontFaces {
	ff := &fontFaces{set: set, lines: map[string]*shapedLine{}, bmps: map[glyphKey]*glyphImage{}}
	for _, f := range set.Faces {
		face, err := font.ParseTTF(bytes.NewReader(f.Data))
		if err != nil {
			continue
		}
		ff.fonts = append(ff.fonts, face.Font)
		ff.files = append(ff.files, f)
		ff.cov = append(ff.cov, f.Coverage)
		ff.upem = append(ff.upem, float64(face.Upem()))
	}
	return ff
}

// ResolveFace is shaping.Fontmap: the first face that maps r, else the
// first face (which then draws its .notdef box).
func (t *textShaper) ResolveFace(r rune) *font.Face {
	for i, c := range t.ff.cov {
		if c.Has(r) {
			return t.faces[i]
		}
	}
	return t.faces[0]
}

func (t *textShaper) index(f *font.Face) int {
	for i, g := range t.faces {
		if g == f {
			return i
		}
	}
	return 0
}

// shapedGlyph is one glyph of a shaped line, in visual order: its face
// (index in fontFaces.faces), glyph id, origin and advance as placed, in
// em (y down), and the text it stands for (the PDF's ToUnicode): a byte
// range [from, to) of the line (clusterText). cluster is the index of its
// cluster's first rune, and rtl says the cluster's glyphs are in
// right-to-left logical order (the PDF shows them in that order).
type shapedGlyph struct {
	face     int
	gid      font.GID
	x, y     float64
	adv      float64
	from, to int32
	cluster  int32
	rtl      bool
}

// shapedLine is a line of text shaped: glyphs left to right and the
// line's width in em.
type shapedLine struct {
	glyphs []shapedGlyph
	width  float64
}

// textShaper shapes for one render: go-text's Faces and HarfBuzz's
// buffers are not safe for concurrent use.
type textShaper struct {
	ff    *fontFaces
	faces []*font.Face
	hb    shaping.HarfbuzzShaper
	seg   shaping.Segmenter
}

func newTextShaper(ff *fontFaces) *textShaper {
	t := &textShaper{ff: ff}
	for _, f := range t.ff.fonts {
		t.faces = append(t.faces, font.NewFace(f))
	}
	return t
}

// width of s at a font size: the shaped advances, as drawn.
func (t *textShaper) width(s string, size float64) float64 { return t.line(s).width * size }

// line is s shaped, from the cache when it was shaped before.
func (t *textShaper) line(s string) *shapedLine {
	ff := t.ff
	ff.mu.Lock()
	l, ok := ff.lines[s]
	ff.mu.Unlock()
	if ok {
		return l
	}
	l = t.shape(s)
	ff.mu.Lock()
	if len(ff.lines) >= maxShapedLines {
		clear(ff.lines) // crude but bounded: a busy server reshapes
	}
	ff.lines[s] = l
	ff.mu.Unlock()
	return l
}

func (t *textShaper) shape(s string) *shapedLine {
	l := &shapedLine{}
	if s == "" || len(t.faces) == 0 {
		return l
	}
	text := []rune(s)
	at := make([]int32, 0, len(text)+1) // byte offset of each rune, and the end
	for i := range s {
		at = append(at, int32(i))
	}
	at = append(at, int32(len(s)))
	base := baseDirection(text)
	runs := t.runs(text, base)
	outs := make([]shaping.Output, len(runs))
	levels := make([]int, len(runs))
	for i, r := range runs {
		outs[i] = t.hb.Shape(r)
		switch {
		case r.Direction.Progression() == di.TowardTopLeft:
			levels[i] = 1
		case base.Progression() == di.TowardTopLeft:
			levels[i] = 2 // left-to-right inside right-to-left
		}
	}
	pen := 0.0
	for _, i := range visualOrder(levels) {
		r, o := runs[i], outs[i]
		fi := t.index(r.Face)
		first := len(l.glyphs)
		rtl := r.Direction.Progression() == di.TowardTopLeft
		em := emOf(r.Size)
		for _, g := range o.Glyphs {
			sg := shapedGlyph{face: fi, gid: g.GlyphID, x: pen + em(g.XOffset), y: -em(g.YOffset), adv: em(g.XAdvance),
				cluster: int32(g.ClusterIndex), rtl: rtl}
			l.glyphs = append(l.glyphs, sg)
			pen += sg.adv
		}
		clusterText(l.glyphs[first:], o.Glyphs, at, rtl)
	}
	l.width = pen
	return l
}

// runs splits a line into runs of one direction, script and face, in
// logical order.
func (t *textShaper) runs(text []rune, base di.Direction) []shaping.Input {
	in := shaping.Input{Text: text, RunEnd: len(text), Direction: base, Face: t.faces[0]}
	runs := t.spaces(t.seg.Split(in, t))
	for i, r := range runs {
		// Shaped at its face's units per em (results scale linearly, no
		// hinting, so one shaping serves every size), a run's advances are
		// the font's own integers, exact as the browser's: at any other
		// size 26.6 rounding moved a line's width by a few ten-thousandths
		// of a pixel, enough to break a line the canvas did not.
		runs[i].Size = fixed.I(int(t.ff.upem[t.index(r.Face)]))
	}
	return runs
}

// spaces splits white space out of runs whose face is not the one the
// set resolves it to (go-text keeps a space in the run it follows), so a
// space between emoji or CJK is the Go font's, as on the canvas, where
// the browser picks a face per character by unicode-range.
func (t *textShaper) spaces(runs []shaping.Input) []shaping.Input {
	var out []shaping.Input
	for _, r := range runs {
		start := r.RunStart
		for i := r.RunStart; i < r.RunEnd; i++ {
			c := r.Text[i]
			if !isWhiteSpace(c) || t.ResolveFace(c) == r.Face {
				continue
			}
			if i > start {
				out = append(out, sub(r, start, i, r.Face))
			}
			out = append(out, sub(r, i, i+1, t.ResolveFace(c)))
			start = i + 1
		}
		if start < r.RunEnd {
			out = append(out, sub(r, start, r.RunEnd, r.Face))
		}
	}
	return out
}

// clusterText shares out the text of each cluster (the glyphs HarfBuzz
// shaped from the same runes) among its glyphs, in logical order (for a
// right-to-left run, from the right), so that reading the glyphs in that
// order gives the text back: one rune each for a letter and its marks, all
// of them for a ligature, none for a glyph beyond the runes (a vowel
// drawn in two parts). at is the byte offset of each rune of the line.
func clusterText(gs []shapedGlyph, out []shaping.Glyph, at []int32, rtl bool) {
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && out[j].ClusterIndex == out[i].ClusterIndex {
			j++
		}
		start, m := out[i].ClusterIndex, out[i].RuneCount
		if start < 0 || m < 0 || start+m >= len(at) {
			i = j
			continue
		}
		n := j - i
		for k := 0; k < n; k++ {
			g := &gs[i+k]
			if rtl {
				g = &gs[j-1-k]
			}
			g.from, g.to = at[start+k*m/n], at[start+(k+1)*m/n]
		}
		i = j
	}
}

func sub(r shaping.Input, start, end int, f *font.Face) shaping.Input {
	r.RunStart, r.RunEnd, r.Face = start, end, f
	return r
}

// emOf converts lengths shaped at size to em.
func emOf(size fixed.Int26_6) func(fixed.Int26_6) float64 {
	return func(v fixed.Int26_6) float64 { return float64(v) / float64(size) }
}

// baseDirection is a line's direction from its first strong letter
// (bidi rules P2–P3, approximated by script).
func baseDirection(text []rune) di.Direction {
	for _, r := range text {
		if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko) {
			return di.DirectionRTL
		}
		if unicode.IsLetter(r) {
			return di.DirectionLTR
		}
	}
	return di.DirectionLTR
}

// visualOrder is the runs' display order for their embedding levels
// (bidi rule L2: from the highest level down to 1, reverse every
// sequence of runs at that level or higher).
func visualOrder(levels []int) []int {
	order := make([]int, len(levels))
	top := 0
	for i, l := range levels {
		order[i] = i
		top = max(top, l)
	}
	for lv := top; lv >= 1; lv-- {
		for i := 0; i < len(order); {
			if levels[order[i]] < lv {
				i++
				continue
			}
			j := i
			for j < len(order) && levels[order[j]] >= lv {
				j++
			}
			for a, b := i, j-1; a < b; a, b = a+1, b-1 {
				order[a], order[b] = order[b], order[a]
			}
			i = j
		}
	}
	return order
}

// outline is glyph g's contours, in font units (y up); nil for none.
func (t *textShaper) outline(face int, g font.GID) []font.Segment {
	if o, ok := t.faces[face].GlyphDataOutline(g); ok {
		return o.Segments
	}
	return nil
}

// bitmap is glyph g's colour bitmap (PNG strikes), decoded once; nil
// when it has none.
func (t *textShaper) bitmap(face int, g font.GID) *glyphImage {
	ff, k := t.ff, glyphKey{face, g}
	ff.mu.Lock()
	bi, ok := ff.bmps[k]
	ff.mu.Unlock()
	if ok {
		return bi
	}
	f := t.faces[face]
	if bm, ok := f.GlyphDataBitmap(g); ok && bm.Format == font.PNG {
		if img, err := png.Decode(bytes.NewReader(bm.Data)); err == nil {
			if ext, ok := f.GlyphExtents(g); ok && ext.Width != 0 && ext.Height != 0 {
				u := ff.upem[face]
				mips := mipmaps(img)
				bi = &glyphImage{img: mips[0], mips: mips, x: float64(ext.XBearing) / u, y: -float64(ext.YBearing) / u,
					w: float64(ext.Width) / u, h: -float64(ext.Height) / u}
			}
		}
	}
	size := 0
	if bi != nil {
		for _, m := range bi.mips {
			size += len(m.Pix)
		}
	}
	ff.mu.Lock()
	if had, ok := ff.bmps[k]; ok { // decoded meanwhile by another render
		ff.mu.Unlock()
		return had
	}
	if len(ff.bmps) >= maxShapedLines || ff.bmpBytes+size > maxBitmapBytes {
		clear(ff.bmps) // as crude as the lines' cache, and as bounded
		ff.bmpBytes = 0
	}
	ff.bmps[k] = bi
	ff.bmpBytes += size
	ff.mu.Unlock()
	return bi
}
