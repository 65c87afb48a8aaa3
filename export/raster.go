package export

import (
	"image"
	"image/draw"
	"math"

	"golang.org/x/image/vector"
)

// Rasterization of filled polygons with anti-aliasing, on
// golang.org/x/image/vector. Everything the PNG shows (strokes, outlines,
// glyphs) becomes polygons in pixel coordinates first.

const (
	// flatness is how far (pixels) a flattened curve may stray from the
	// real one.
	flatness = 0.2
)

// painter fills shapes into an RGBA image. A shape is a set of closed
// polygons filled together with the non-zero rule (vector's
// accumulation): pieces of a stroke are given one orientation so that
// they add up to their union; glyph contours keep theirs, so holes stay
// holes. fill (regions.go) touches only the pixels near the shape's
// pieces, never the whole of its bounding box.
type painter struct {
	img    *image.RGBA
	z      vector.Rasterizer
	mask   image.Alpha // coverage of one leaf region
	pieces []piece
	bb     box
	// union is true while every polygon of the shape was added turned
	// clockwise: then a pixel inside any one of them is fully covered.
	union bool
	// hide is a pixel rectangle a later shape paints over completely
	// (opaque), so this shape need not touch it; empty: none.
	hide image.Rectangle
	// work counts the pixels rasterized or painted, what a render costs
	// (compared against the budget in tests).
	work int64
	// check, when set, is asked every checkEvery pixels of work whether
	// to go on; its error stops the render.
	check     func() error
	nextCheck int64
	err       error
}

// checkEvery is how much work (pixels) goes by between two calls of
// painter.check: a few milliseconds.
const checkEvery = 1 << 20

// newPainter starts an image of the background bg (Options.Background):
// opaque, or transparent (all zero).
func newPainter(w, h int, bg string) *painter {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if c, ok := background(bg); ok && len(img.Pix) > 0 {
		copy(img.Pix, []uint8{c.R, c.G, c.B, 0xff})
		for n := 4; n < len(img.Pix); n *= 2 {
			copy(img.Pix[n:], img.Pix[:n])
		}
	}
	return &painter{img: img, union: true}
}

// add adds a closed polygon (pixel coordinates) to the current shape;
// with outward true it is turned clockwise first.
func (p *painter) add(poly []pt, outward bool) {
	if len(poly) < 3 {
		return
	}
	if outward && signedArea(poly) < 0 {
		for i, j := 0, len(poly)-1; i < j; i, j = i+1, j-1 {
			poly[i], poly[j] = poly[j], poly[i]
		}
	}
	p.union = p.union && outward
	pc := newPiece(poly)
	p.bb = p.bb.union(pc.b)
	p.pieces = append(p.pieces, pc)
}

func signedArea(poly []pt) float64 {
	a := 0.0
	for i, q := range poly {
		r := poly[(i+1)%len(poly)]
		a += q.X*r.Y - r.X*q.Y
	}
	return a / 2
}

// blend rasterizes the region's coverage into the mask, then paints c over
// the image through it, skipping what the shape does not touch.
func (p *painter) blend(band image.Rectangle, c rgb) {
	w, h := band.Dx(), band.Dy()
	if cap(p.mask.Pix) < w*h {
		p.mask.Pix = make([]uint8, w*h)
	}
	p.mask.Pix, p.mask.Stride, p.mask.Rect = p.mask.Pix[:w*h], w, image.Rect(0, 0, w, h)
	p.z.DrawOp = draw.Src
	p.z.Draw(&p.mask, p.mask.Rect, image.Opaque, image.Point{})
	cr, cg, cb := uint32(c.R), uint32(c.G), uint32(c.B)
	for y := range h {
		row := p.mask.Pix[y*w : y*w+w]
		pix := p.img.Pix[p.img.PixOffset(band.Min.X, band.Min.Y+y):]
		for x, m := range row {
			switch m {
			case 0:
				continue
			case 0xff:
				pix[4*x], pix[4*x+1], pix[4*x+2], pix[4*x+3] = c.R, c.G, c.B, 0xff
			default:
				// Source over, premultiplied (image.RGBA): on an opaque
				// pixel the alpha stays 0xff, on a transparent one the
				// edge keeps its coverage.
				a, na := uint32(m), 255-uint32(m)
				pix[4*x] = uint8((cr*a + uint32(pix[4*x])*na + 127) / 255)
				pix[4*x+1] = uint8((cg*a + uint32(pix[4*x+1])*na + 127) / 255)
				pix[4*x+2] = uint8((cb*a + uint32(pix[4*x+2])*na + 127) / 255)
				pix[4*x+3] = uint8((255*a + uint32(pix[4*x+3])*na + 127) / 255)
			}
		}
	}
}

// strokePolyline adds the outline of a line of width w through p (pixel
// coordinates) with round caps and joins: a rectangle per segment and a
// disc (or, where the line barely turns, a wedge) per vertex.
func (p *painter) strokePolyline(pts []pt, w float64, closed bool) {
	if len(pts) == 0 {
		return
	}
	r := w / 2
	if allSame(pts) {
		if !closed {
			p.disc(pts[0], r)
		}
		return
	}
	// Drop repeated points: they have no direction.
	q := make([]pt, 0, len(pts))
	for _, v := range pts {
		if len(q) == 0 || v != q[len(q)-1] {
			q = append(q, v)
		}
	}
	if closed && len(q) > 1 && q[0] == q[len(q)-1] {
		q = q[:len(q)-1]
	}
	n := len(q)
	segs := n - 1
	if closed {
		segs = n
	}
	normal := func(i int) pt { // unit normal of segment i, times r
		a, b := q[i], q[(i+1)%n]
		d := b.sub(a)
		l := d.len()
		return pt{-d.Y / l * r, d.X / l * r}
	}
	for i := 0; i < segs; i++ {
		a, b := q[i], q[(i+1)%n]
		nv := normal(i)
		p.add([]pt{a.add(nv), b.add(nv), b.sub(nv), a.sub(nv)}, true)
	}
	for i := 0; i < n; i++ {
		if !closed && (i == 0 || i == n-1) {
			p.disc(q[i], r)
			continue
		}
		// A round join: the wedges between the two segments' ends on
		// either side (the inner one lies inside the segments anyway).
		n0, n1 := normal((i+segs-1)%segs), normal(i%segs)
		turn := math.Atan2(n0.X*n1.Y-n0.Y*n1.X, n0.X*n1.X+n0.Y*n1.Y)
		p.wedge(q[i], n0, turn)
		p.wedge(q[i], n0.mul(-1), turn)
	}
}

// wedge adds the pie slice at c from c+from turning by turn radians: as
// many sides as its arc needs, a triangle (a bevel) when that is close
// enough.
func (p *painter) wedge(c, from pt, turn float64) {
	r := from.len()
	step := math.Pi / 4
	if r > flatness {
		step = min(step, 2*math.Acos(1-flatness/r))
	}
	n := int(math.Ceil(math.Abs(turn) / step))
	n = min(max(n, 1), 256)
	poly := make([]pt, 0, n+2)
	poly = append(poly, c)
	for i := 0; i <= n; i++ {
		s, co := math.Sincos(turn * float64(i) / float64(n))
		poly = append(poly, pt{c.X + from.X*co - from.Y*s, c.Y + from.X*s + from.Y*co})
	}
	p.add(poly, true)
}

// disc adds a filled circle.
func (p *painter) disc(c pt, r float64) {
	if r <= 0 {
		return
	}
	n := circleSegments(r, flatness)
	poly := make([]pt, n)
	for i := range poly {
		s, co := math.Sincos(2 * math.Pi * float64(i) / float64(n))
		poly[i] = pt{c.X + r*co, c.Y + r*s}
	}
	p.add(poly, true)
}
