package subset

import (
	"encoding/binary"
	"errors"
	"math"

	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
)

// CubicTolerance is how far, in font units, the quadratic curves that
// replace a cubic one (CFF outlines) may stray from it before rounding to
// the integer grid; rounding adds at most another 0.71 units (half a unit
// in x and y), so a converted outline stays within 1.25 units of its
// source: 0.125 % of the em of a 1000-unit font, a fiftieth of a pixel at
// 16 px.
const CubicTolerance = 0.5

// maxQuadsPerCubic bounds the pieces one cubic becomes (a sane cubic of a
// real font needs 1 to 4).
const maxQuadsPerCubic = 32

// point is a point of a TrueType contour, on the curve or a quadratic
// control point off it.
type point struct {
	x, y float64
	on   bool
}

// glyph is one outline encoded as a TrueType simple glyph ('glyf' data),
// with what the tables around it need; data is nil for an empty glyph.
type glyph struct {
	data                   []byte
	xMin, yMin, xMax, yMax int16
	points, contours       int
}

var errGlyphRange = errors.New("glyph outline beyond the 16-bit coordinate range")

// encodeOutline turns go-text's segments (font units, y up) into a
// TrueType simple glyph: lines and quadratic curves are kept as they are,
// cubic curves become quadratic ones (CubicTolerance).
func encodeOutline(segs []font.Segment) (glyph, error) {
	return encodeContours(contours(segs))
}

// contours turns segments into closed TrueType contours: the closing point
// that repeats a contour's start is dropped (TrueType contours close
// themselves), and an on-curve point that is exactly the midpoint of the
// control points around it is left implied, as TrueType stores it, so a
// TrueType outline comes back point for point.
func contours(segs []font.Segment) [][]point {
	var out [][]point
	var cur []point
	var pen point
	flush := func() {
		if len(cur) > 1 && cur[len(cur)-1] == cur[0] {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			out = append(out, implyMidpoints(cur))
		}
		cur = nil
	}
	at := func(p ot.SegmentPoint) point { return point{float64(p.X), float64(p.Y), true} }
	for _, s := range segs {
		switch s.Op {
		case ot.SegmentOpMoveTo:
			flush()
			pen = at(s.Args[0])
			cur = append(cur, pen)
			continue
		}
		if len(cur) == 0 {
			cur = append(cur, pen) // a path that does not start with a move starts at the pen
		}
		switch s.Op {
		case ot.SegmentOpLineTo:
			pen = at(s.Args[0])
			cur = append(cur, pen)
		case ot.SegmentOpQuadTo:
			c := at(s.Args[0])
			c.on = false
			pen = at(s.Args[1])
			cur = append(cur, c, pen)
		case ot.SegmentOpCubeTo:
			end := at(s.Args[2])
			cur = cubicToQuads(cur, pen, at(s.Args[0]), at(s.Args[1]), end)
			pen = end
		}
	}
	flush()
	return out
}

// implyMidpoints drops the on-curve points of a closed contour that lie
// exactly halfway between the off-curve points on either side.
func implyMidpoints(c []point) []point {
	n := len(c)
	if n < 3 {
		return c
	}
	keep := c[:0:0]
	for i, p := range c {
		prev, next := c[(i+n-1)%n], c[(i+1)%n]
		if p.on && !prev.on && !next.on && p.x == (prev.x+next.x)/2 && p.y == (prev.y+next.y)/2 {
			continue
		}
		keep = append(keep, p)
	}
	return keep
}

// cubicToQuads appends to out the quadratic curves replacing the cubic
// p0 c1 c2 p3 (p0 is already in out): the cubic split into n equal
// parameter steps, each replaced by the quadratic whose control point is
// (3(q1+q2) − q0 − q3)/4. That quadratic strays from its cubic piece by at
// most √3/36 · |q3 − 3q2 + 3q1 − q0|, a third difference that shrinks with
// the cube of the step, so n = ⌈∛(√3/36 · |p3 − 3c2 + 3c1 − p0| / tol)⌉
// pieces keep every one within CubicTolerance.
func cubicToQuads(out []point, p0, c1, c2, p3 point) []point {
	dx := p3.x - 3*c2.x + 3*c1.x - p0.x
	dy := p3.y - 3*c2.y + 3*c1.y - p0.y
	e := math.Sqrt(3) / 36 * math.Hypot(dx, dy)
	n := 1
	if e > CubicTolerance {
		n = min(int(math.Ceil(math.Cbrt(e/CubicTolerance))), maxQuadsPerCubic)
	}
	at := func(t float64) (x, y, tx, ty float64) { // point and derivative
		u := 1 - t
		x = u*u*u*p0.x + 3*u*u*t*c1.x + 3*u*t*t*c2.x + t*t*t*p3.x
		y = u*u*u*p0.y + 3*u*u*t*c1.y + 3*u*t*t*c2.y + t*t*t*p3.y
		tx = 3*u*u*(c1.x-p0.x) + 6*u*t*(c2.x-c1.x) + 3*t*t*(p3.x-c2.x)
		ty = 3*u*u*(c1.y-p0.y) + 6*u*t*(c2.y-c1.y) + 3*t*t*(p3.y-c2.y)
		return
	}
	h := 1 / float64(n)
	x0, y0, tx0, ty0 := at(0)
	x0, y0 = p0.x, p0.y
	for i := 1; i <= n; i++ {
		x3, y3, tx3, ty3 := at(float64(i) * h)
		if i == n {
			x3, y3 = p3.x, p3.y
		}
		q1x, q1y := x0+h/3*tx0, y0+h/3*ty0
		q2x, q2y := x3-h/3*tx3, y3-h/3*ty3
		out = append(out,
			point{(3*(q1x+q2x) - x0 - x3) / 4, (3*(q1y+q2y) - y0 - y3) / 4, false},
			point{x3, y3, true})
		x0, y0, tx0, ty0 = x3, y3, tx3, ty3
	}
	return out
}

// Simple glyph flags.
const (
	flagOnCurve = 1 << iota
	flagXShort
	flagYShort
	flagRepeat
	flagXSameOrPositive
	flagYSameOrPositive
)

// encodeContours writes contours as a simple glyph: points rounded to the
// integer grid, coordinates as deltas in one or two bytes (or none when
// unchanged), runs of equal flags with the repeat flag; no instructions.
func encodeContours(cs [][]point) (glyph, error) {
	var g glyph
	npts := 0
	for _, c := range cs {
		npts += len(c)
	}
	if npts == 0 {
		return g, nil
	}
	if npts > math.MaxUint16 || len(cs) > math.MaxInt16 {
		return g, errors.New("glyph outline has too many points")
	}
	xs, ys := make([]int, 0, npts), make([]int, 0, npts)
	ons := make([]bool, 0, npts)
	ends := make([]int, 0, len(cs))
	minX, minY, maxX, maxY := math.MaxInt, math.MaxInt, math.MinInt, math.MinInt
	for _, c := range cs {
		for _, p := range c {
			x, y := int(math.Round(p.x)), int(math.Round(p.y))
			if x < math.MinInt16 || x > math.MaxInt16 || y < math.MinInt16 || y > math.MaxInt16 {
				return glyph{}, errGlyphRange
			}
			xs, ys, ons = append(xs, x), append(ys, y), append(ons, p.on)
			minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
		}
		ends = append(ends, len(xs)-1)
	}
	flags := make([]byte, npts)
	var xb, yb []byte
	px, py := 0, 0
	for i := range xs {
		var f byte
		if ons[i] {
			f |= flagOnCurve
		}
		f, xb = delta(f, xb, xs[i]-px, flagXShort, flagXSameOrPositive)
		f, yb = delta(f, yb, ys[i]-py, flagYShort, flagYSameOrPositive)
		flags[i] = f
		px, py = xs[i], ys[i]
	}
	be := binary.BigEndian
	b := make([]byte, 10, 10+2*len(ends)+2+npts+len(xb)+len(yb))
	be.PutUint16(b[0:], uint16(len(cs)))
	be.PutUint16(b[2:], uint16(int16(minX)))
	be.PutUint16(b[4:], uint16(int16(minY)))
	be.PutUint16(b[6:], uint16(int16(maxX)))
	be.PutUint16(b[8:], uint16(int16(maxY)))
	for _, e := range ends {
		b = be.AppendUint16(b, uint16(e))
	}
	b = be.AppendUint16(b, 0) // no instructions: the subset is unhinted
	b = appendFlags(b, flags)
	b = append(append(b, xb...), yb...)
	return glyph{data: b, xMin: int16(minX), yMin: int16(minY), xMax: int16(maxX), yMax: int16(maxY),
		points: npts, contours: len(cs)}, nil
}

// delta adds one coordinate delta to the flag and the coordinate bytes.
func delta(f byte, out []byte, d int, short, sameOrPos byte) (byte, []byte) {
	switch {
	case d == 0:
		return f | sameOrPos, out
	case d > -256 && d < 256:
		f |= short
		if d > 0 {
			f |= sameOrPos
		} else {
			d = -d
		}
		return f, append(out, byte(d))
	}
	return f, binary.BigEndian.AppendUint16(out, uint16(int16(d)))
}

// appendFlags writes flags, a run of equal ones as the flag with the
// repeat bit and how many more follow.
func appendFlags(b, flags []byte) []byte {
	for i := 0; i < len(flags); {
		j := i + 1
		for j < len(flags) && flags[j] == flags[i] && j-i <= 255 {
			j++
		}
		if n := j - i - 1; n > 0 {
			b = append(b, flags[i]|flagRepeat, byte(n))
		} else {
			b = append(b, flags[i])
		}
		i = j
	}
	return b
}
