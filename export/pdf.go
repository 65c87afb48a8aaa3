package export

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/easel-app/easel/board"
	"golang.org/x/text/unicode/bidi"
)

// PDF page limits, in points. A page is the board at scale × 0.75 points
// per board unit (one CSS pixel is 0.75 pt), shrunk to fit MaxPDFSide (the
// largest page PDF viewers accept) and at least MinPDFSide.
const (
	MaxPDFSide = 14400
	MinPDFSide = 72
)

// pdfCreationDate is the creation date every PDF carries (the Unix
// epoch), so equal boards give equal bytes.
const pdfCreationDate = "D:19700101000000+00'00'"

// renderPDF writes the board as a one-page vector PDF. Shapes are paths
// with the PNG's round caps and joins; text is real text in Type 3 fonts
// of the glyphs the PNG draws (pdftype3.go), each line marked with its
// logical text (ActualText) so that copying and searching read it in
// order, right-to-left lines included. A page has no colour of its own
// (viewers show it white): only a background other than white or
// transparent is painted.
func renderPDF(ctx context.Context, snap *board.Snapshot, scale int, bg string, src BlobSource) ([]byte, error) {
	sc := newScene(snap)
	if err := sc.loadImages(ctx, src); err != nil {
		return nil, err
	}
	pdf, _, err := drawPDF(ctx, sc, scale, bg)
	return pdf, err
}

// drawPDF writes the scene as a PDF, and returns the fonts it embedded.
func drawPDF(ctx context.Context, sc *scene, scale int, bg string) ([]byte, *pdfFonts, error) {
	k := float64(scale) * 0.75
	bw, bh := math.Max(sc.Page.w(), 1), math.Max(sc.Page.h(), 1)
	k = math.Min(k, MaxPDFSide/math.Max(bw, bh))
	pw := math.Min(math.Max(bw*k, MinPDFSide), MaxPDFSide)
	ph := math.Min(math.Max(bh*k, MinPDFSide), MaxPDFSide)

	w := newPDFWriter()
	r := &pdfRenderer{k: k, origin: pt{sc.Page.MinX, sc.Page.MinY}, face: sc.shaper, fonts: newPDFFonts(sc.shaper),
		ctx: ctx, w: w, images: sc.images, imageNames: make(map[string]string)}
	// Page space with y down, as the board's; round caps and joins, as
	// every format draws lines.
	fmt.Fprintf(&r.out, "1 0 0 -1 0 %s cm\n1 J 1 j\n", pdfNum(ph, 3))
	if c, ok := background(bg); ok && c != white {
		r.fillColor(c)
		fmt.Fprintf(&r.out, "0 0 %s %s re f\n", pdfNum(pw, 3), pdfNum(ph, 3))
	}
	for i := range sc.Shapes {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		r.shape(&sc.Shapes[i])
		if r.err != nil {
			return nil, nil, r.err
		}
	}

	catalog, pages, page, info, content := w.reserve(), w.reserve(), w.reserve(), w.reserve(), w.reserve()
	w.stream(content, "", r.out.Bytes())
	fonts, err := r.fonts.write(ctx, w)
	if err != nil {
		return nil, nil, err
	}
	xobjects := ""
	if r.xobjects.Len() > 0 {
		xobjects = "/XObject << " + r.xobjects.String() + ">> "
	}
	w.object(page, fmt.Sprintf("<< /Type /Page\n/Parent %d 0 R /MediaBox [ 0 0 %s %s ]\n/Resources << /Font << %s>> %s>>\n/Contents %d 0 R >>",
		pages, pdfNum(pw, 3), pdfNum(ph, 3), fonts, xobjects, content))
	w.object(pages, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page))
	w.object(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pages))
	w.object(info, fmt.Sprintf("<< /Title %s /Creator (Easel) /Producer (Easel)\n/CreationDate(%s) >>",
		pdfTextString(cleanText(sc.Title)), pdfCreationDate))
	pdf, err := w.finish(catalog, info)
	return pdf, r.fonts, err
}

// pdfRenderer writes a page's content stream.
type pdfRenderer struct {
	out    bytes.Buffer
	k      float64 // points per board unit
	origin pt
	face   *textShaper
	fonts  *pdfFonts

	ctx        context.Context
	w          *pdfWriter // images are written as they are first drawn
	images     *sceneImages
	imageNames map[string]string // blob sha → its XObject's name; "" for a placeholder
	xobjects   strings.Builder   // the page's XObject resources
	err        error             // the blob source's failure
}

// at maps a board point to page points (y down: the page's first cm
// flips it).
func (r *pdfRenderer) at(q pt) pt { return q.sub(r.origin).mul(r.k) }

// point writes q, a board point, in page points.
func (r *pdfRenderer) point(q pt) {
	q = r.at(q)
	r.out.WriteString(pdfNum(q.X, 3))
	r.out.WriteByte(' ')
	r.out.WriteString(pdfNum(q.Y, 3))
	r.out.WriteByte(' ')
}

// path adds the polyline p to the current path, closed when asked, and
// paints it with op ("S" strokes, "f" fills): one line of the content.
func (r *pdfRenderer) path(p []pt, closed bool, op string) {
	for i, q := range p {
		r.point(q)
		if i == 0 {
			r.out.WriteString("m ")
		} else {
			r.out.WriteString("l ")
		}
	}
	if closed {
		r.out.WriteString("h ")
	}
	r.out.WriteString(op)
	r.out.WriteByte('\n')
}

func (r *pdfRenderer) fillColor(c rgb)   { r.colour(c, "rg") }
func (r *pdfRenderer) strokeColor(c rgb) { r.colour(c, "RG") }

func (r *pdfRenderer) colour(c rgb, op string) {
	fmt.Fprintf(&r.out, "%s %s %s %s\n", pdfNum(float64(c.R)/255, 4), pdfNum(float64(c.G)/255, 4), pdfNum(float64(c.B)/255, 4), op)
}

func (r *pdfRenderer) shape(s *shape) {
	image := ""
	if s.Kind == board.KindImage {
		if s.Box.w() <= 0 || s.Box.h() <= 0 {
			return
		}
		if image = r.image(s.Blob); image == "" {
			if r.err != nil {
				return
			}
			s = placeholderOf(s)
		}
	}
	if deg := s.Rot * 180 / math.Pi; math.Round(deg*100) != 0 {
		// Turn about the centre, clockwise on screen (y is down).
		c := r.at(s.Center)
		sin, cos := math.Sincos(s.Rot)
		fmt.Fprintf(&r.out, "q %s %s %s %s %s %s cm\n", pdfNum(cos, 6), pdfNum(sin, 6), pdfNum(-sin, 6), pdfNum(cos, 6),
			pdfNum(c.X-cos*c.X+sin*c.Y, 3), pdfNum(c.Y-sin*c.X-cos*c.Y, 3))
		defer r.out.WriteString("Q\n")
	}
	fmt.Fprintf(&r.out, "%s w\n", pdfNum(s.Width*r.k, 3))
	switch s.Kind {
	case board.KindStroke, board.KindLine, board.KindArrow:
		r.pointShape(s)
	case board.KindRect, board.KindEllipse, board.KindDiamond:
		if s.Box.w() == 0 && s.Box.h() == 0 {
			return
		}
		poly := flattenOutline(outline(s.Kind, s.Box, s.Round), 0.05/r.k)
		if s.Fill != nil {
			r.fillColor(*s.Fill)
			r.path(poly, true, "f")
		}
		r.strokeColor(s.Stroke)
		r.fillColor(s.Stroke)
		r.line(poly, s.Width, s.Dash, true)
		r.text(s)
	case board.KindSticky:
		r.fillColor(*s.Fill)
		r.path(roundedRect(s.Box, stickyRadius, 0.05/r.k), true, "f")
		r.text(s)
	case board.KindText:
		r.text(s)
	case board.KindImage:
		// The image fills the unit square, its first row at the top:
		// mapped onto the box, with the page's y down (and mirrored for
		// a negative w or h).
		w, h, p := s.Box.w(), -s.Box.h(), pt{s.Box.MinX, s.Box.MaxY}
		if s.FlipX {
			w, p.X = -w, s.Box.MaxX
		}
		if s.FlipY {
			h, p.Y = -h, s.Box.MinY
		}
		p = r.at(p)
		fmt.Fprintf(&r.out, "q %s 0 0 %s %s %s cm /%s Do Q\n", pdfNum(w*r.k, 4), pdfNum(h*r.k, 4),
			pdfNum(p.X, 3), pdfNum(p.Y, 3), image)
	}
}

// image is the XObject name of blob sha's image, written the first time
// it is drawn; "" for a placeholder (or with r.err set, a failure of the
// blob source).
func (r *pdfRenderer) image(sha string) string {
	if name, done := r.imageNames[sha]; done {
		return name
	}
	r.imageNames[sha] = ""
	im := r.images.image(sha)
	if im == nil {
		return ""
	}
	ok, err := r.images.bytes(r.ctx, im)
	if ok {
		var obj int
		obj, ok, err = writeBlobImage(r.ctx, r.w, im)
		im.data = nil
		if ok {
			name := fmt.Sprintf("Im%d", len(r.imageNames)) // one more for each blob: unique
			r.imageNames[sha] = name
			fmt.Fprintf(&r.xobjects, "/%s %d 0 R ", name, obj)
		}
	}
	r.err = err
	return r.imageNames[sha]
}

// pointShape draws strokes (one path of cubic curves), lines and
// arrows.
func (r *pdfRenderer) pointShape(s *shape) {
	r.strokeColor(s.Stroke)
	r.fillColor(s.Stroke)
	if allSame(s.Points) {
		r.disc(s.Points[0], s.Width/2)
		return
	}
	if s.Kind == board.KindStroke && s.Dash != nil {
		segs := strokeSegments(s.Points)
		line := []pt{segs[0].P0}
		for _, sg := range segs {
			line = sg.flatten(line, 0.05/r.k)
		}
		r.line(line, s.Width, s.Dash, false)
		return
	}
	if s.Kind == board.KindStroke {
		segs := strokeSegments(s.Points)
		r.point(segs[0].P0)
		r.out.WriteString("m ")
		for _, sg := range segs {
			c1, c2 := sg.cubic()
			r.point(c1)
			r.point(c2)
			r.point(sg.P1)
			r.out.WriteString("c ")
		}
		r.out.WriteString("S\n")
		return
	}
	r.line(s.Points, s.Width, s.Dash, false)
	if s.Kind == board.KindArrow {
		if tip, a, b, ok := arrowHead(s.Points, s.Width); ok {
			r.line([]pt{a, tip, b}, s.Width, nil, false)
		}
	}
}

// line strokes a line through p (closed: back to its start) in a dash
// pattern, each dash a path of its own. A dash of no length (a dot) is
// a disc in the fill colour: viewers disagree on round caps of an empty
// path.
func (r *pdfRenderer) line(p []pt, width float64, dash []float64, closed bool) {
	pieces := [][]pt{p}
	if dash != nil {
		pieces = dashPolyline(p, dash, closed)
		closed = false
	}
	for _, q := range pieces {
		if len(q) == 0 {
			continue
		}
		if allSame(q) {
			r.disc(q[0], width/2)
			continue
		}
		r.path(q, closed, "S")
	}
}

// disc fills a circle (in the current fill color) of board radius rad.
func (r *pdfRenderer) disc(c pt, rad float64) {
	n := circleSegments(rad*r.k, 0.05)
	poly := make([]pt, n)
	for i := range poly {
		s, co := math.Sincos(2 * math.Pi * float64(i) / float64(n))
		poly[i] = pt{c.X + rad*co, c.Y + rad*s}
	}
	r.path(poly, true, "f")
}

// text writes the shape's lines as text. A line without right-to-left
// letters is a marked-content span whose ActualText is the line as
// typed, so readers that honour it copy and search exactly that, however
// its clusters map to glyphs. A line with right-to-left letters is not:
// poppler (pdftotext, Evince, Okular) takes ActualText for text in
// visual order and reverses its right-to-left runs, turning the logical
// text backwards; its glyphs' ToUnicode text, read in the order they are
// placed and reordered by the reader's bidi pass, comes out right. The
// text is in hex strings, of codes and of UTF-16: nothing a user types can
// become an operator.
func (r *pdfRenderer) text(s *shape) {
	coloured := false
	for _, l := range s.Lines {
		if strings.TrimSpace(l.Text) == "" {
			continue
		}
		sl := r.face.line(l.Text)
		if len(sl.glyphs) == 0 {
			continue
		}
		if !coloured {
			r.fillColor(s.Stroke)
			coloured = true
		}
		actual := !hasRTL(l.Text)
		if actual {
			fmt.Fprintf(&r.out, "/Span <</ActualText %s>> BDC\n", pdfTextString(l.Text))
		}
		// Text space: one unit is one em, y up (the page's y is down).
		p, fs := r.at(l.At), s.Font*r.k
		fmt.Fprintf(&r.out, "BT\n%s 0 0 %s %s %s Tm\n", pdfNum(fs, 4), pdfNum(-fs, 4), pdfNum(p.X, 3), pdfNum(p.Y, 3))
		r.glyphs(l.Text, sl)
		r.out.WriteString("ET\n")
		if actual {
			r.out.WriteString("EMC\n")
		}
	}
}

// hasRTL reports whether s holds a right-to-left letter (bidi class R
// or AL: Hebrew, Arabic, Syriac, Thaana, N'Ko, …).
func hasRTL(s string) bool {
	for _, c := range s {
		if p, _ := bidi.LookupRune(c); p.Class() == bidi.R || p.Class() == bidi.AL {
			return true
		}
	}
	return false
}

// glyphs shows a shaped line's glyphs where the PNG draws them: TJ
// arrays of codes, with a number wherever a glyph's origin is not where
// the previous glyph's width left the pen (kerning), and a new font (Tf)
// where the glyph's face or font changes. A glyph with no advance (a
// mark) is shown at the pen with a code that draws it where it belongs,
// and a glyph above or below the baseline with a code drawn that much
// higher (pdftype3.go). The glyphs of a right-to-left cluster are shown
// in logical order, a letter before its marks, as readers expect.
func (r *pdfRenderer) glyphs(text string, sl *shapedLine) {
	var cur *type3Font
	pen := 0.0 // em from the line's start
	inArray, inHex := false, false
	closeHex := func() {
		if inHex {
			r.out.WriteByte('>')
			inHex = false
		}
	}
	for _, g := range showOrder(sl.glyphs) {
		off := pt{0, -g.y}
		if g.adv == 0 {
			off.X = g.x - pen
		}
		gc := r.fonts.code(g.face, g.gid, text[g.from:g.to], off, g.adv)
		if gc.font != cur {
			closeHex()
			if inArray {
				r.out.WriteString("] TJ\n")
				inArray = false
			}
			fmt.Fprintf(&r.out, "/%s 1 Tf\n", gc.font.name)
			cur = gc.font
		}
		if !inArray {
			r.out.WriteByte('[')
			inArray = true
		}
		// TJ's numbers are thousandths of an em, subtracted.
		if adj := math.Round((pen+off.X-g.x)*1e4) / 10; adj != 0 {
			closeHex()
			r.out.WriteString(pdfNum(adj, 1))
			r.out.WriteByte(' ')
			pen -= adj / 1000
		}
		if !inHex {
			r.out.WriteByte('<')
			inHex = true
		}
		fmt.Fprintf(&r.out, "%02X", gc.code)
		pen += gc.font.width(gc.code)
	}
	closeHex()
	if inArray {
		r.out.WriteString("] TJ\n")
	}
}

// showOrder is the order a line's glyphs are shown in: visual, except
// that each right-to-left cluster's glyphs come in logical order (they are
// in visual order, its letter last).
func showOrder(gs []shapedGlyph) []shapedGlyph {
	out := make([]shapedGlyph, 0, len(gs))
	for i := 0; i < len(gs); {
		j := i + 1
		for j < len(gs) && gs[i].rtl && gs[j].rtl && gs[j].cluster == gs[i].cluster && gs[j].face == gs[i].face {
			j++
		}
		for k := j - 1; k >= i; k-- {
			out = append(out, gs[k])
		}
		i = j
	}
	return out
}
