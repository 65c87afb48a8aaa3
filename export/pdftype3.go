package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
)

// The PDF's text is drawn in Type 3 fonts built from the shaper's own
// glyphs, as matplotlib writes its PDFs: a glyph procedure per glyph
// fills its outline (TrueType and CFF alike, in font units) or, for a
// colour emoji, paints its bitmap. So the PDF draws exactly the glyphs
// the PNG draws, shaped (glyph ids placed where HarfBuzz put them) and
// from any face of the set — which a TrueType or CID font could not do
// without embedding CFF collections and colour bitmap tables — and only
// the glyphs used are embedded.
//
// A Type 3 font has one-byte codes: each code is one (face, glyph,
// text, offset) use, so the same glyph standing for different text (a
// ligature in one word, a letter in another) gets two codes, and
// ToUnicode gives each code its text. A face with more than
// maxType3Codes uses is split over several fonts.
//
// A glyph HarfBuzz moves off the pen (a mark over, under or beside its
// letter, with no advance of its own) is drawn moved in its procedure,
// at the pen: text extraction takes a raised character for another line
// and a character that starts back inside the previous one for another
// word, which would tear a letter from its vowel marks.

// maxType3Codes is how many codes a Type 3 font holds (1 to 255).
const maxType3Codes = 255

// glyphUnits is the units per em of every Type 3 font's glyph space
// (FontMatrix 0.001): readers take a font descriptor's metrics in
// thousandths of an em whatever the FontMatrix says.
const glyphUnits = 1000

// glyphUse is one code's glyph, the text it stands for and how far its
// procedure moves it from the pen (glyph units, y up, rounded).
type glyphUse struct {
	face   int
	gid    font.GID
	text   string
	dx, dy float64
}

// glyphCode is where a glyph use is: its font and code.
type glyphCode struct {
	font *type3Font
	code byte
}

// type3Font is one Type 3 font: a face's glyph uses, code i+1 being
// uses[i].
type type3Font struct {
	name   string // resource name, F1, F2, … in order of first use
	face   int
	uses   []glyphUse
	widths []float64 // advance of each code, in glyph units (rounded)
}

// width is code c's advance in em, as the file says it.
func (f *type3Font) width(c byte) float64 { return f.widths[c-1] / glyphUnits }

// pdfFonts hands out codes as the page is drawn, then writes the fonts
// it handed out. Fonts and codes are numbered in order of first use, so
// equal pages give equal files.
type pdfFonts struct {
	t     *textShaper
	fonts []*type3Font
	codes map[glyphUse]glyphCode
	open  map[int]*type3Font // per face, the font still taking codes
}

func newPDFFonts(t *textShaper) *pdfFonts {
	return &pdfFonts{t: t, codes: map[glyphUse]glyphCode{}, open: map[int]*type3Font{}}
}

// code is the code of glyph gid of face standing for text, moved by
// off (em, y up) from the pen; adv (em) is its advance as placed, which
// becomes its width when the use is new.
func (p *pdfFonts) code(face int, gid font.GID, text string, off pt, adv float64) glyphCode {
	u := glyphUse{face, gid, text, math.Round(off.X*glyphUnits*100) / 100, math.Round(off.Y*glyphUnits*100) / 100}
	if c, ok := p.codes[u]; ok {
		return c
	}
	f := p.open[face]
	if f == nil || len(f.uses) == maxType3Codes {
		f = &type3Font{name: "F" + strconv.Itoa(len(p.fonts)+1), face: face}
		p.fonts = append(p.fonts, f)
		p.open[face] = f
	}
	f.uses = append(f.uses, u)
	f.widths = append(f.widths, math.Round(adv*glyphUnits*100)/100)
	c := glyphCode{f, byte(len(f.uses))}
	p.codes[u] = c
	return c
}

// write writes every font handed out, its glyph procedures, colour
// glyph images and ToUnicode map, and returns the page's /Font resource
// entries.
func (p *pdfFonts) write(ctx context.Context, w *pdfWriter) (string, error) {
	images := map[glyphKey]int{} // colour glyph → image object, shared by fonts
	var res strings.Builder
	for _, f := range p.fonts {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		n := p.writeFont(w, f, images)
		fmt.Fprintf(&res, "/%s %d 0 R ", f.name, n)
	}
	return res.String(), nil
}

// writeFont writes f and returns its object number.
func (p *pdfFonts) writeFont(w *pdfWriter, f *type3Font, images map[glyphKey]int) int {
	t := p.t
	scale := glyphUnits / t.ff.upem[f.face] // glyph units per font unit
	fontObj, descriptor := w.reserve(), w.reserve()
	var procs, names, xobjects strings.Builder
	// Code 0 is never shown: a blank glyph named m, 0.6 em wide, that
	// tells poppler the font's size. Type 3 glyph space is arbitrary, so
	// poppler's text extraction guesses a Type 3 font's size from its
	// glyph named m (taking m as 0.6 em wide), else from the first glyph
	// with a width; with a wide CJK glyph first, it would take the text
	// for twice its size and split lines and words where the fonts
	// change.
	const sizeRef = 0.6 * glyphUnits
	ref := w.reserve()
	w.stream(ref, "", fmt.Appendf(nil, "%s 0 0 0 0 0 d1\n", pdfNum(sizeRef, 0)))
	fmt.Fprintf(&procs, "/m %d 0 R ", ref)
	// The font's box holds every glyph's, and the origin: a blank glyph's
	// box is the origin, and poppler warns of any glyph outside the font's.
	bbox := box{ok: true}
	for i, u := range f.uses {
		code := i + 1
		name := glyphName(code)
		fmt.Fprintf(&names, " /%s", name)
		proc := w.reserve()
		fmt.Fprintf(&procs, "/%s %d 0 R ", name, proc)
		var body []byte
		if bi := t.bitmap(u.face, u.gid); bi != nil {
			img, ok := images[glyphKey{u.face, u.gid}]
			if !ok {
				img = writeImage(w, bi.img)
				images[glyphKey{u.face, u.gid}] = img
			}
			fmt.Fprintf(&xobjects, "/I%d %d 0 R ", img, img)
			body = colourGlyph(f.widths[i], bi, pt{u.dx, u.dy}, img)
			x0, y1 := bi.x*glyphUnits+u.dx, -bi.y*glyphUnits+u.dy
			bbox = bbox.addPoint(pt{x0, y1 - bi.h*glyphUnits}).addPoint(pt{x0 + bi.w*glyphUnits, y1})
		} else {
			var gb box
			body, gb = outlineGlyph(f.widths[i], t.outline(u.face, u.gid), scale, pt{u.dx, u.dy})
			bbox = bbox.union(gb)
		}
		w.stream(proc, "", body)
	}
	cmap := w.reserve()
	w.stream(cmap, "", toUnicode(f.uses))
	widths := []string{pdfNum(sizeRef, 0)}
	for _, v := range f.widths {
		widths = append(widths, pdfNum(v, 2))
	}
	resources := "<< >>"
	if xobjects.Len() > 0 {
		resources = "<< /XObject << " + xobjects.String() + ">> >>"
	}
	name := p.baseFont(f)
	fontBBox := fmt.Sprintf("[%s %s %s %s]", pdfNum(math.Floor(bbox.MinX), 0), pdfNum(math.Floor(bbox.MinY), 0),
		pdfNum(math.Ceil(bbox.MaxX), 0), pdfNum(math.Ceil(bbox.MaxY), 0))
	// Every font has the layout's ascent and descent, whatever its
	// glyphs' extremes, so that text extraction sizes the characters of
	// one line alike, whichever face drew them.
	w.object(descriptor, fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 4 /FontBBox %s\n"+
		"/ItalicAngle 0 /Ascent %s /Descent %s /CapHeight %s /StemV 0 >>",
		name, fontBBox, pdfNum(fontAscent*glyphUnits, 0), pdfNum(-fontDescent*glyphUnits, 0), pdfNum(fontAscent*glyphUnits, 0)))
	w.object(fontObj, fmt.Sprintf("<< /Type /Font /Subtype /Type3 /Name /%s /BaseFont /%s\n"+
		"/FontBBox %s /FontMatrix [0.001 0 0 0.001 0 0] /FontDescriptor %d 0 R\n"+
		"/CharProcs << %s>>\n/Encoding << /Type /Encoding /Differences [0 /m%s] >>\n"+
		"/FirstChar 0 /LastChar %d /Widths [%s]\n/ToUnicode %d 0 R /Resources %s >>",
		f.name, name, fontBBox, descriptor,
		procs.String(), names.String(), len(f.uses), strings.Join(widths, " "), cmap, resources))
	return fontObj
}

// glyphName names code c's glyph procedure: q and letters from g to z.
// The names mean nothing (ToUnicode says what each code stands for) and
// have none of the shapes readers guess characters from (uniXXXX, uXXXX,
// a letter and two hex digits, a letter and a number, a glyph list name).
func glyphName(c int) string {
	b := []byte{'q'}
	for {
		b = append(b, byte('g'+c%20))
		if c /= 20; c == 0 {
			return string(b)
		}
	}
}

// baseFont names f for font lists (pdffonts, a viewer's document
// properties): the face's family, letters and digits only, after a tag
// of six capitals, as subset fonts are named. The tag is a hash of the
// glyphs f holds, so that tools merging files never take two different
// subsets of one face for the same font.
func (p *pdfFonts) baseFont(f *type3Font) string {
	family := "Font"
	if faces := p.t.ff.set.Faces; f.face < len(faces) {
		family = faces[f.face].Family
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", family)
	for i, u := range f.uses {
		fmt.Fprintf(h, "%d\x00%s\x00%g\x00%g\x00%g\x00", u.gid, u.text, u.dx, u.dy, f.widths[i])
	}
	sum := h.Sum(nil)
	var b strings.Builder
	for _, c := range sum[:6] {
		b.WriteByte('A' + c%26)
	}
	b.WriteByte('+')
	for _, r := range family {
		if r < 128 && (r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// outlineGlyph is the glyph procedure filling an outline (font units, y
// up, scale glyph units each) moved by off glyph units, and its bounds in
// glyph units. d1 makes it a shape painted in the text's colour.
func outlineGlyph(width float64, segs []font.Segment, scale float64, off pt) ([]byte, box) {
	var path bytes.Buffer
	bb := box{}
	var cur font.SegmentPoint
	p := func(a font.SegmentPoint) {
		x, y := float64(a.X)*scale+off.X, float64(a.Y)*scale+off.Y
		bb = bb.addPoint(pt{x, y})
		fmt.Fprintf(&path, "%s %s ", pdfNum(x, 2), pdfNum(y, 2))
	}
	for _, s := range segs {
		switch s.Op {
		case ot.SegmentOpMoveTo:
			p(s.Args[0])
			path.WriteString("m\n")
			cur = s.Args[0]
		case ot.SegmentOpLineTo:
			p(s.Args[0])
			path.WriteString("l\n")
			cur = s.Args[0]
		case ot.SegmentOpQuadTo:
			// As a cubic: controls two thirds of the way to the
			// quadratic's control point.
			c, e := s.Args[0], s.Args[1]
			p(font.SegmentPoint{X: cur.X + 2.0/3*(c.X-cur.X), Y: cur.Y + 2.0/3*(c.Y-cur.Y)})
			p(font.SegmentPoint{X: e.X + 2.0/3*(c.X-e.X), Y: e.Y + 2.0/3*(c.Y-e.Y)})
			p(e)
			path.WriteString("c\n")
			cur = e
		case ot.SegmentOpCubeTo:
			p(s.Args[0])
			p(s.Args[1])
			p(s.Args[2])
			path.WriteString("c\n")
			cur = s.Args[2]
		}
	}
	if !bb.ok {
		return fmt.Appendf(nil, "%s 0 0 0 0 0 d1\n", pdfNum(width, 2)), box{}
	}
	out := fmt.Appendf(nil, "%s 0 %s %s %s %s d1\n", pdfNum(width, 2), pdfNum(math.Floor(bb.MinX), 0),
		pdfNum(math.Floor(bb.MinY), 0), pdfNum(math.Ceil(bb.MaxX), 0), pdfNum(math.Ceil(bb.MaxY), 0))
	out = append(out, path.Bytes()...)
	return append(out, "f\n"...), bb
}

// colourGlyph is the glyph procedure painting a colour glyph's bitmap,
// image object img, over its box moved by off glyph units. d0 lets it
// paint its own colours.
func colourGlyph(width float64, bi *glyphImage, off pt, img int) []byte {
	const u = glyphUnits
	return fmt.Appendf(nil, "%s 0 d0\nq %s 0 0 %s %s %s cm /I%d Do Q\n", pdfNum(width, 2),
		pdfNum(bi.w*u, 2), pdfNum(bi.h*u, 2), pdfNum(bi.x*u+off.X, 2), pdfNum(-(bi.y+bi.h)*u+off.Y, 2), img)
}

// toUnicode is the CMap giving each code of uses its text, in logical
// order (a ligature of right-to-left letters too, as the PDF standard
// and pdf.js read it; poppler reads such a ligature backwards). A glyph
// that stands for no text of its own maps to nothing (<>): readers skip
// it.
func toUnicode(uses []glyphUse) []byte {
	var b bytes.Buffer
	b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<00> <FF>\nendcodespacerange\n")
	for start := 0; start < len(uses); start += 100 {
		block := uses[start:min(start+100, len(uses))]
		fmt.Fprintf(&b, "%d beginbfrange\n", len(block))
		for i, u := range block {
			hex := pdfTextString(u.text)
			hex = "<" + hex[5:] // without the byte-order mark
			fmt.Fprintf(&b, "<%02X><%02X>%s\n", start+i+1, start+i+1, hex)
		}
		b.WriteString("endbfrange\n")
	}
	b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")
	return b.Bytes()
}
