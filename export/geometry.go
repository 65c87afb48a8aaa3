package export

import "math"

// pt is a point in board units (or, once transformed, in pixels or points).
type pt struct{ X, Y float64 }

func (p pt) add(q pt) pt         { return pt{p.X + q.X, p.Y + q.Y} }
func (p pt) sub(q pt) pt         { return pt{p.X - q.X, p.Y - q.Y} }
func (p pt) mul(k float64) pt    { return pt{p.X * k, p.Y * k} }
func (p pt) len() float64        { return math.Hypot(p.X, p.Y) }
func lerp(p, q pt, t float64) pt { return pt{p.X + (q.X-p.X)*t, p.Y + (q.Y-p.Y)*t} }
func midpoint(p, q pt) pt        { return lerp(p, q, 0.5) }
func rotateAbout(p, c pt, rot float64) pt {
	if rot == 0 {
		return p
	}
	s, co := math.Sincos(rot)
	d := p.sub(c)
	return pt{c.X + d.X*co - d.Y*s, c.Y + d.X*s + d.Y*co}
}

// box is an axis-aligned rectangle; the zero box is empty.
type box struct {
	MinX, MinY, MaxX, MaxY float64
	ok                     bool
}

func boxOf(x0, y0, x1, y1 float64) box {
	return box{math.Min(x0, x1), math.Min(y0, y1), math.Max(x0, x1), math.Max(y0, y1), true}
}

func (b box) w() float64 { return b.MaxX - b.MinX }
func (b box) h() float64 { return b.MaxY - b.MinY }

// diamondPoints is the rhombus inscribed in b, clockwise from the top.
func diamondPoints(b box) []pt {
	c := b.center()
	return []pt{{c.X, b.MinY}, {b.MaxX, c.Y}, {c.X, b.MaxY}, {b.MinX, c.Y}}
}

func (b box) center() pt { return pt{(b.MinX + b.MaxX) / 2, (b.MinY + b.MaxY) / 2} }
func (b box) pad(d float64) box {
	if !b.ok {
		return b
	}
	return box{b.MinX - d, b.MinY - d, b.MaxX + d, b.MaxY + d, true}
}

func (b box) addPoint(p pt) box {
	if !b.ok {
		return box{p.X, p.Y, p.X, p.Y, true}
	}
	return box{math.Min(b.MinX, p.X), math.Min(b.MinY, p.Y), math.Max(b.MaxX, p.X), math.Max(b.MaxY, p.Y), true}
}

func (b box) union(o box) box {
	if !o.ok {
		return b
	}
	return b.addPoint(pt{o.MinX, o.MinY}).addPoint(pt{o.MaxX, o.MaxY})
}

// rotated is the bounding box of b turned by rot around c.
func (b box) rotated(c pt, rot float64) box {
	if rot == 0 || !b.ok {
		return b
	}
	var r box
	for _, p := range []pt{{b.MinX, b.MinY}, {b.MaxX, b.MinY}, {b.MaxX, b.MaxY}, {b.MinX, b.MaxY}} {
		r = r.addPoint(rotateAbout(p, c, rot))
	}
	return r
}

// seg is one piece of a stroke's path: a straight line to P1, or a
// quadratic curve through control point C to P1.
type seg struct {
	Quad      bool
	P0, C, P1 pt
}

// strokeSegments is the smooth path through a freehand stroke's points,
// drawn as the board client draws it: quadratic curves through the
// midpoints of successive points, starting and ending at the real ends.
// Two points make a straight line; one point makes no segment (a dot).
func strokeSegments(p []pt) []seg {
	switch len(p) {
	case 0, 1:
		return nil
	case 2:
		return []seg{{P0: p[0], P1: p[1]}}
	}
	out := make([]seg, 0, len(p)-1)
	cur := p[0]
	for i := 1; i < len(p)-1; i++ {
		next := midpoint(p[i], p[i+1])
		out = append(out, seg{Quad: true, P0: cur, C: p[i], P1: next})
		cur = next
	}
	return append(out, seg{P0: cur, P1: p[len(p)-1]})
}

// cubic returns the cubic Bézier control points of a quadratic segment
// (for formats that only know cubics).
func (s seg) cubic() (c1, c2 pt) {
	if !s.Quad {
		return lerp(s.P0, s.P1, 1.0/3), lerp(s.P0, s.P1, 2.0/3)
	}
	return lerp(s.P0, s.C, 2.0/3), lerp(s.P1, s.C, 2.0/3)
}

// flatten appends points along s (its first point excluded), so that the
// straight lines between them stay within tol of the curve.
func (s seg) flatten(dst []pt, tol float64) []pt {
	if !s.Quad {
		return append(dst, s.P1)
	}
	dd := s.P0.sub(s.C.mul(2)).add(s.P1).len()
	n := int(math.Ceil(math.Sqrt(dd / (4 * tol))))
	n = min(max(n, 1), 64)
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		a, b := lerp(s.P0, s.C, t), lerp(s.C, s.P1, t)
		dst = append(dst, lerp(a, b, t))
	}
	return dst
}

// allSame reports whether every point is the first: a path with no length,
// drawn as a dot.
func allSame(p []pt) bool {
	for _, q := range p[1:] {
		if q != p[0] {
			return false
		}
	}
	return true
}

// arrowHeadSize is the length of an arrowhead's sides for a stroke width,
// as the board client draws it.
func arrowHeadSize(width float64) float64 { return math.Max(10, width*3.5) }

// ellipsePoints is a closed polygon (first point not repeated) around the
// ellipse inscribed in b, with n vertices.
func ellipsePoints(b box, n int) []pt {
	c := b.center()
	rx, ry := b.w()/2, b.h()/2
	out := make([]pt, n)
	for i := range out {
		s, co := math.Sincos(2 * math.Pi * float64(i) / float64(n))
		out[i] = pt{c.X + rx*co, c.Y + ry*s}
	}
	return out
}

// circleSegments is how many straight sides a circle of radius r needs to
// stay within tol of the real one.
func circleSegments(r, tol float64) int {
	if r <= tol {
		return 8
	}
	n := int(math.Ceil(math.Pi / math.Acos(1-tol/r)))
	return min(max(n, 8), 512)
}

// roundedRect is a closed polygon of b with corners of radius r.
func roundedRect(b box, r float64, tol float64) []pt {
	r = math.Min(r, math.Min(b.w(), b.h())/2)
	if r <= 0 {
		return []pt{{b.MinX, b.MinY}, {b.MaxX, b.MinY}, {b.MaxX, b.MaxY}, {b.MinX, b.MaxY}}
	}
	n := max(circleSegments(r, tol)/4, 2)
	centers := []pt{{b.MaxX - r, b.MinY + r}, {b.MaxX - r, b.MaxY - r}, {b.MinX + r, b.MaxY - r}, {b.MinX + r, b.MinY + r}}
	out := make([]pt, 0, 4*(n+1))
	for q, c := range centers {
		for i := 0; i <= n; i++ {
			a := -math.Pi/2 + float64(q)*math.Pi/2 + math.Pi/2*float64(i)/float64(n)
			s, co := math.Sincos(a)
			out = append(out, pt{c.X + r*co, c.Y + r*s})
		}
	}
	return out
}
