package export

import (
	"image"
	"math"
)

// Filling a shape at a cost proportional to the pixels it covers.
//
// vector.Rasterizer costs the area it is given, whatever the polygons in
// it cover: rasterizing a page-sized rectangle's outline over its bounding
// box costs the whole page. fill instead splits the shape's bounds into
// regions, clips the pieces to each, and shrinks every region to the
// bounds of what is left in it, so empty space is dropped early. A region
// lying inside one convex piece is painted solid without rasterizing; a
// region a later opaque shape hides (painter.hide) is skipped; what
// remains is rasterized in leaves of at most leafArea pixels. The regions
// are disjoint, so a pixel is blended once per shape, as before, and a
// shape never costs more than its bounds' pixels.

// leafArea is the largest region (pixels) rasterized as one; larger ones
// are split.
const leafArea = 64 * 64

// piece is one polygon of a shape (pixel coordinates), possibly clipped
// to a region, with its bounds.
type piece struct {
	pts    []pt
	b      box
	convex bool
}

func newPiece(pts []pt) piece {
	var b box
	for _, q := range pts {
		b = b.addPoint(q)
	}
	return piece{pts: pts, b: b, convex: isConvex(pts)}
}

// isConvex reports whether a closed polygon turns one way only.
func isConvex(poly []pt) bool {
	sign := 0.0
	n := len(poly)
	for i := range poly {
		a, b, c := poly[i], poly[(i+1)%n], poly[(i+2)%n]
		cross := (b.X-a.X)*(c.Y-b.Y) - (b.Y-a.Y)*(c.X-b.X)
		if cross == 0 {
			continue
		}
		if sign == 0 {
			sign = cross
		} else if (cross > 0) != (sign > 0) {
			return false
		}
	}
	return true
}

// covers reports whether the convex piece contains the rectangle r (on
// its edges counts as inside).
func (pc *piece) covers(r image.Rectangle) bool {
	if !pc.convex || float64(r.Min.X) < pc.b.MinX || float64(r.Max.X) > pc.b.MaxX ||
		float64(r.Min.Y) < pc.b.MinY || float64(r.Max.Y) > pc.b.MaxY {
		return false
	}
	orient := signedArea(pc.pts)
	if orient == 0 {
		return false
	}
	corners := [4]pt{{float64(r.Min.X), float64(r.Min.Y)}, {float64(r.Max.X), float64(r.Min.Y)},
		{float64(r.Max.X), float64(r.Max.Y)}, {float64(r.Min.X), float64(r.Max.Y)}}
	n := len(pc.pts)
	for i, a := range pc.pts {
		b := pc.pts[(i+1)%n]
		for _, c := range corners {
			cross := (b.X-a.X)*(c.Y-a.Y) - (b.Y-a.Y)*(c.X-a.X)
			if cross*orient < 0 {
				return false
			}
		}
	}
	return true
}

// fill paints the current shape in c and starts a new one.
func (p *painter) fill(c rgb) {
	defer func() { p.pieces, p.bb, p.union = p.pieces[:0], box{}, true }()
	if !p.bb.ok || p.err != nil {
		return
	}
	r := pixelRect(p.bb).Intersect(p.img.Rect)
	if r.Empty() {
		return
	}
	p.region(r, clipPieces(make([]piece, 0, len(p.pieces)), p.pieces, r), c)
}

// pixelRect is the smallest pixel rectangle holding b.
func pixelRect(b box) image.Rectangle {
	return image.Rect(int(math.Floor(b.MinX)), int(math.Floor(b.MinY)),
		int(math.Ceil(b.MaxX)), int(math.Ceil(b.MaxY)))
}

// region paints the pieces' coverage inside r (every piece lies in r).
func (p *painter) region(r image.Rectangle, ps []piece, c rgb) {
	if len(ps) == 0 || p.stopped() {
		return
	}
	var b box
	for i := range ps {
		b = b.union(ps[i].b)
	}
	u := pixelRect(b).Intersect(r)
	if u.Empty() {
		return
	}
	if !p.hide.Empty() && u.Overlaps(p.hide) {
		for _, v := range subtract(u, p.hide) {
			p.region(v, clipPieces(make([]piece, 0, len(ps)), ps, v), c)
		}
		return
	}
	if p.union {
		for i := range ps {
			if ps[i].covers(u) {
				p.solid(u, c)
				return
			}
		}
	}
	if u.Dx()*u.Dy() <= leafArea {
		p.raster(u, ps, c)
		return
	}
	a, z := u, u
	if u.Dx() >= u.Dy() {
		a.Max.X = (u.Min.X + u.Max.X) / 2
		z.Min.X = a.Max.X
	} else {
		a.Max.Y = (u.Min.Y + u.Max.Y) / 2
		z.Min.Y = a.Max.Y
	}
	p.region(a, clipPieces(make([]piece, 0, len(ps)), ps, a), c)
	p.region(z, clipPieces(make([]piece, 0, len(ps)), ps, z), c)
}

// stopped reports whether the render must stop, asking check when enough
// work went by since it was last asked.
func (p *painter) stopped() bool {
	if p.err == nil && p.check != nil && p.work >= p.nextCheck {
		p.nextCheck = p.work + checkEvery
		p.err = p.check()
	}
	return p.err != nil
}

// solid paints r in c: every pixel of it is covered.
func (p *painter) solid(r image.Rectangle, c rgb) {
	p.work += int64(r.Dx() * r.Dy())
	if r.Dx() <= 8 { // a narrow column: a call to copy a row costs more
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := p.img.Pix[p.img.PixOffset(r.Min.X, y):p.img.PixOffset(r.Max.X, y)]
			for x := 0; x+3 < len(row); x += 4 {
				row[x], row[x+1], row[x+2] = c.R, c.G, c.B
			}
		}
		return
	}
	first := p.img.Pix[p.img.PixOffset(r.Min.X, r.Min.Y):p.img.PixOffset(r.Max.X, r.Min.Y)]
	copy(first, []uint8{c.R, c.G, c.B, 0xff})
	for n := 4; n < len(first); n *= 2 {
		copy(first[n:], first[:n])
	}
	for y := r.Min.Y + 1; y < r.Max.Y; y++ {
		copy(p.img.Pix[p.img.PixOffset(r.Min.X, y):], first)
	}
}

// raster rasterizes the pieces over r and blends c through the coverage.
func (p *painter) raster(r image.Rectangle, ps []piece, c rgb) {
	p.work += int64(r.Dx() * r.Dy())
	p.z.Reset(r.Dx(), r.Dy())
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	for _, pc := range ps {
		p.z.MoveTo(float32(pc.pts[0].X-ox), float32(pc.pts[0].Y-oy))
		for _, q := range pc.pts[1:] {
			p.z.LineTo(float32(q.X-ox), float32(q.Y-oy))
		}
		p.z.ClosePath()
	}
	p.blend(r, c)
}

// subtract is u without h: up to four rectangles.
func subtract(u, h image.Rectangle) []image.Rectangle {
	out := make([]image.Rectangle, 0, 4)
	keep := func(r image.Rectangle) {
		if r = r.Intersect(u); !r.Empty() {
			out = append(out, r)
		}
	}
	keep(image.Rect(u.Min.X, u.Min.Y, u.Max.X, h.Min.Y))
	keep(image.Rect(u.Min.X, h.Max.Y, u.Max.X, u.Max.Y))
	y0, y1 := max(u.Min.Y, h.Min.Y), min(u.Max.Y, h.Max.Y)
	keep(image.Rect(u.Min.X, y0, h.Min.X, y1))
	keep(image.Rect(h.Max.X, y0, u.Max.X, y1))
	return out
}

// clipPieces appends to dst the parts of ps inside r; a piece already
// inside is kept as it is.
func clipPieces(dst, ps []piece, r image.Rectangle) []piece {
	x0, y0, x1, y1 := float64(r.Min.X), float64(r.Min.Y), float64(r.Max.X), float64(r.Max.Y)
	for i := range ps {
		pc := &ps[i]
		if pc.b.MaxX <= x0 || pc.b.MinX >= x1 || pc.b.MaxY <= y0 || pc.b.MinY >= y1 {
			continue
		}
		if pc.b.MinX >= x0 && pc.b.MaxX <= x1 && pc.b.MinY >= y0 && pc.b.MaxY <= y1 {
			dst = append(dst, *pc)
			continue
		}
		pts := pc.pts
		if pc.b.MinX < x0 {
			pts = clipHalf(nil, pts, func(q pt) bool { return q.X >= x0 }, func(a, b pt) pt { return crossX(a, b, x0) })
		}
		if pc.b.MaxX > x1 {
			pts = clipHalf(nil, pts, func(q pt) bool { return q.X <= x1 }, func(a, b pt) pt { return crossX(a, b, x1) })
		}
		if pc.b.MinY < y0 {
			pts = clipHalf(nil, pts, func(q pt) bool { return q.Y >= y0 }, func(a, b pt) pt { return crossY(a, b, y0) })
		}
		if pc.b.MaxY > y1 {
			pts = clipHalf(nil, pts, func(q pt) bool { return q.Y <= y1 }, func(a, b pt) pt { return crossY(a, b, y1) })
		}
		if len(pts) < 3 {
			continue
		}
		n := newPiece(pts)
		n.convex = pc.convex // clipping keeps a convex polygon convex
		if n.b.MaxX-n.b.MinX <= 0 || n.b.MaxY-n.b.MinY <= 0 {
			continue
		}
		dst = append(dst, n)
	}
	return dst
}

func crossX(a, b pt, x float64) pt {
	return pt{x, a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X)}
}

func crossY(a, b pt, y float64) pt {
	return pt{a.X + (b.X-a.X)*(y-a.Y)/(b.Y-a.Y), y}
}

// clipHalf clips a closed polygon to a half-plane (one step of
// Sutherland–Hodgman), which keeps its area within the half-plane.
func clipHalf(dst, poly []pt, in func(pt) bool, cross func(a, b pt) pt) []pt {
	for i, cur := range poly {
		prev := poly[(i+len(poly)-1)%len(poly)]
		ci, pi := in(cur), in(prev)
		if ci != pi {
			dst = append(dst, cross(prev, cur))
		}
		if ci {
			dst = append(dst, cur)
		}
	}
	return dst
}
