package export

import (
	"context"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/easel-app/easel/board"
	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/goregular"
)

// PDF page limits, in points. A page is the board at scale × 0.75 points
// per board unit (one CSS pixel is 0.75 pt), shrunk to fit MaxPDFSide (the
// largest page PDF viewers accept) and at least MinPDFSide.
const (
	MaxPDFSide = 14400
	MinPDFSide = 72
)

// pdfEpoch is the creation date every PDF carries, so equal boards give
// equal bytes.
var pdfEpoch = time.Unix(0, 0).UTC()

// pdfFont is the name the embedded Go font is registered under.
const pdfFont = "goregular"

// renderPDF writes the board as a one-page vector PDF with its text as
// real text in the embedded Go font (a subset of it). A page has no
// colour of its own (viewers show it white): only a background other than
// white or transparent is painted.
func renderPDF(ctx context.Context, snap *board.Snapshot, scale int, bg string) ([]byte, error) {
	sc := newScene(snap)
	k := float64(scale) * 0.75
	bw, bh := math.Max(sc.Page.w(), 1), math.Max(sc.Page.h(), 1)
	k = math.Min(k, MaxPDFSide/math.Max(bw, bh))
	pw := math.Min(math.Max(bw*k, MinPDFSide), MaxPDFSide)
	ph := math.Min(math.Max(bh*k, MinPDFSide), MaxPDFSide)

	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{Unit: gopdf.UnitPT, PageSize: gopdf.Rect{W: pw, H: ph}})
	gp.SetInfo(gopdf.PdfInfo{Title: pdfInfoText(sc.Title), Creator: "Easel", CreationDate: pdfEpoch})
	if err := gp.AddTTFFontData(pdfFont, goregular.TTF); err != nil {
		return nil, err
	}
	gp.AddPage()
	r := &pdfRenderer{gp: gp, k: k, origin: pt{sc.Page.MinX, sc.Page.MinY}, face: sc.face}
	if c, ok := background(bg); ok && c != white {
		r.fillColor(c)
		gp.Polygon([]gopdf.Point{{X: 0, Y: 0}, {X: pw, Y: 0}, {X: pw, Y: ph}, {X: 0, Y: ph}}, "F")
	}
	for i := range sc.Shapes {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err := r.shape(&sc.Shapes[i]); err != nil {
			return nil, err
		}
	}
	return gp.GetBytesPdfReturnErr()
}

// pdfInfoText keeps a document-info string to what gopdf writes correctly
// (it encodes one UTF-16 unit per rune): characters beyond the Basic
// Multilingual Plane become U+FFFD.
func pdfInfoText(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xFFFF || r == utf8.RuneError {
			return '\uFFFD'
		}
		return r
	}, cleanText(s))
}

type pdfRenderer struct {
	gp     *gopdf.GoPdf
	k      float64 // points per board unit
	origin pt
	face   *typeface
}

// at maps a board point to page points (y down: gopdf flips it).
func (r *pdfRenderer) at(q pt) pt { return q.sub(r.origin).mul(r.k) }

func (r *pdfRenderer) ats(q []pt) []gopdf.Point {
	out := make([]gopdf.Point, len(q))
	for i, v := range q {
		v = r.at(v)
		out[i] = gopdf.Point{X: v.X, Y: v.Y}
	}
	return out
}

func (r *pdfRenderer) fillColor(c rgb)   { r.gp.SetFillColor(c.R, c.G, c.B) }
func (r *pdfRenderer) strokeColor(c rgb) { r.gp.SetStrokeColor(c.R, c.G, c.B) }

func (r *pdfRenderer) shape(s *shape) error {
	if deg := s.Rot * 180 / math.Pi; math.Round(deg*100) != 0 {
		c := r.at(s.Center)
		// gopdf turns counter-clockwise as seen on the page; rot is
		// clockwise on screen.
		r.gp.Rotate(-deg, c.X, c.Y)
		defer r.gp.RotateReset()
	}
	r.gp.SetLineWidth(s.Width * r.k)
	switch s.Kind {
	case board.KindStroke, board.KindLine, board.KindArrow:
		r.pointShape(s)
	case board.KindRect, board.KindEllipse, board.KindDiamond:
		if s.Box.w() == 0 && s.Box.h() == 0 {
			return nil
		}
		poly := flattenOutline(outline(s.Kind, s.Box, s.Round), 0.05/r.k)
		if s.Fill != nil {
			r.fillColor(*s.Fill)
			r.gp.Polygon(r.ats(poly), "F")
		}
		r.strokeColor(s.Stroke)
		if s.Dash == nil && (s.Kind == board.KindEllipse || s.Round) {
			// Smooth all round: one path, no corner to round off.
			r.gp.Polygon(r.ats(poly), "D")
		} else {
			r.fillColor(s.Stroke)
			r.line(poly, s.Width, s.Dash, true)
		}
		return r.text(s)
	case board.KindSticky:
		r.fillColor(*s.Fill)
		r.gp.Polygon(r.ats(roundedRect(s.Box, stickyRadius, 0.05/r.k)), "F")
		return r.text(s)
	case board.KindText:
		return r.text(s)
	}
	return nil
}

// pointShape draws strokes, lines and arrows. gopdf has no line caps or
// joins, and draws each segment as a path of its own: a stroke's curve
// segments meet tangentially, so only its ends get round caps (discs);
// a line gets a disc at every vertex for round joins.
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
		for _, sg := range strokeSegments(s.Points) {
			c1, c2 := sg.cubic()
			a, b, c, d := r.at(sg.P0), r.at(c1), r.at(c2), r.at(sg.P1)
			r.gp.Curve(a.X, a.Y, b.X, b.Y, c.X, c.Y, d.X, d.Y, "D")
		}
		r.disc(s.Points[0], s.Width/2)
		r.disc(s.Points[len(s.Points)-1], s.Width/2)
		return
	}
	r.line(s.Points, s.Width, s.Dash, false)
	if s.Kind == board.KindArrow {
		if tip, a, b, ok := arrowHead(s.Points, s.Width); ok {
			r.line([]pt{a, tip, b}, s.Width, nil, false)
		}
	}
}

// line draws a line through p (closed: back to its start) in a dash
// pattern. gopdf draws each segment on its own with butt ends, so every
// end gets a round cap and every corner sharper than a few degrees a
// round join: a disc in the current fill color.
func (r *pdfRenderer) line(p []pt, width float64, dash []float64, closed bool) {
	pieces := [][]pt{p}
	if dash != nil {
		pieces = dashPolyline(p, dash, closed)
		closed = false
	}
	for _, q := range pieces {
		n := len(q)
		for i := 1; i < n; i++ {
			a, b := r.at(q[i-1]), r.at(q[i])
			if a != b {
				r.gp.Line(a.X, a.Y, b.X, b.Y)
			}
		}
		if closed && n > 1 {
			a, b := r.at(q[n-1]), r.at(q[0])
			if a != b {
				r.gp.Line(a.X, a.Y, b.X, b.Y)
			}
		}
		for i, v := range q {
			if (!closed && (i == 0 || i == n-1)) || sharp(q, i, closed) {
				r.disc(v, width/2)
			}
		}
	}
}

// sharp reports whether a line turns by more than about 6° at its vertex i.
func sharp(q []pt, i int, closed bool) bool {
	n := len(q)
	if n < 3 || (!closed && (i == 0 || i == n-1)) {
		return false
	}
	a, b := q[(i+n-1)%n].sub(q[i]), q[(i+1)%n].sub(q[i])
	la, lb := a.len(), b.len()
	if la == 0 || lb == 0 {
		return true
	}
	// a and b point away from the vertex: straight on is cos = -1.
	return (a.X*b.X+a.Y*b.Y)/(la*lb) > -0.995
}

// disc fills a circle (in the current fill color) of board radius rad.
func (r *pdfRenderer) disc(c pt, rad float64) {
	n := circleSegments(rad*r.k, 0.05)
	poly := make([]pt, n)
	for i := range poly {
		s, co := math.Sincos(2 * math.Pi * float64(i) / float64(n))
		poly[i] = pt{c.X + rad*co, c.Y + rad*s}
	}
	r.gp.Polygon(r.ats(poly), "F")
}

// text writes the shape's lines as PDF text (glyph ids of the embedded
// font, hex-encoded by gopdf: nothing in a text can act as an operator).
func (r *pdfRenderer) text(s *shape) error {
	if len(s.Lines) == 0 {
		return nil
	}
	if err := r.gp.SetFont(pdfFont, "", s.Font*r.k); err != nil {
		return err
	}
	r.gp.SetTextColor(s.Stroke.R, s.Stroke.G, s.Stroke.B)
	for _, l := range s.Lines {
		if strings.TrimSpace(l.Text) == "" {
			continue
		}
		p := r.at(l.At)
		r.gp.SetXY(p.X, p.Y)
		if err := r.gp.Text(l.Text); err != nil {
			return err
		}
	}
	return nil
}
