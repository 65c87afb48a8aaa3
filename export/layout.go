package export

import (
	"math"
	"strings"
	"unicode"

	"github.com/easel-app/easel/board"
)

// The drawing rules every format shares with the board client
// (static/shapes.js and static/textlayout.js): outlines with rounded
// corners, dash patterns, arrowheads, where a label wraps and sits, and
// line breaking. Both sides are checked against one fixture,
// testdata/layout.json (layout_test.go and static/test/shapes.test.js).

const (
	// labelPadding is the margin between a shape's outline and its label.
	labelPadding = 5
	// Rounded corners: a quarter of the shorter side up to roundCutoff,
	// then roundFixed (Excalidraw's adaptive radius).
	roundCutoff = 128
	roundFixed  = 32
	// arrowSpread is the angle of an arrowhead's sides to the shaft.
	arrowSpread = math.Pi / 7
)

// roundRadius is the corner radius of a rounded rect or diamond.
func roundRadius(w, h float64) float64 {
	side := math.Min(math.Abs(w), math.Abs(h))
	if side <= roundCutoff {
		return side / 4
	}
	return roundFixed
}

// dashPattern is a stroke's on/off lengths in board units, scaled by its
// width and drawn with round caps (a dash of length 0 is a dot); nil for
// solid.
func dashPattern(dash string, width float64) []float64 {
	u := math.Max(width, 1)
	switch dash {
	case board.DashDashed:
		return []float64{4 * u, 4 * u}
	case board.DashDotted:
		return []float64{0, 3 * u}
	}
	return nil
}

// pathCmd is one command of an outline: 'M', 'L' (A: x, y), 'Q' (control,
// end), 'A' (centre, radius, from and to angle: an arc clockwise on
// screen, joined to the current point by a line), 'E' (centre, radii: a
// whole ellipse from its right end, clockwise) or 'Z'.
type pathCmd struct {
	Op byte
	A  []float64
}

// outline is the closed outline of a rect, diamond or ellipse in box b,
// starting where its dash pattern starts (static/shapes.js outline): a
// rect at its top left, a rounded rect where its top side begins, a
// diamond at its top, an ellipse at its right end; all clockwise.
func outline(kind board.Kind, b box, round bool) []pathCmd {
	switch kind {
	case board.KindRect:
		r := 0.0
		if round {
			r = roundRadius(b.w(), b.h())
		}
		if r <= 0 {
			return []pathCmd{{'M', []float64{b.MinX, b.MinY}}, {'L', []float64{b.MaxX, b.MinY}},
				{'L', []float64{b.MaxX, b.MaxY}}, {'L', []float64{b.MinX, b.MaxY}}, {'Z', nil}}
		}
		const h = math.Pi / 2
		return []pathCmd{
			{'M', []float64{b.MinX + r, b.MinY}},
			{'L', []float64{b.MaxX - r, b.MinY}},
			{'A', []float64{b.MaxX - r, b.MinY + r, r, -h, 0}},
			{'L', []float64{b.MaxX, b.MaxY - r}},
			{'A', []float64{b.MaxX - r, b.MaxY - r, r, 0, h}},
			{'L', []float64{b.MinX + r, b.MaxY}},
			{'A', []float64{b.MinX + r, b.MaxY - r, r, h, 2 * h}},
			{'L', []float64{b.MinX, b.MinY + r}},
			{'A', []float64{b.MinX + r, b.MinY + r, r, 2 * h, 3 * h}},
			{'Z', nil},
		}
	case board.KindDiamond:
		c := diamondPoints(b)
		edge := math.Hypot(b.w()/2, b.h()/2)
		cut := 0.0
		if round && edge > 0 {
			cut = math.Min(roundRadius(b.w(), b.h()), edge/2) / edge
		}
		if cut <= 0 {
			return []pathCmd{{'M', []float64{c[0].X, c[0].Y}}, {'L', []float64{c[1].X, c[1].Y}},
				{'L', []float64{c[2].X, c[2].Y}}, {'L', []float64{c[3].X, c[3].Y}}, {'Z', nil}}
		}
		// Each corner is cut `cut` of the way along both its sides and
		// bridged by a quadratic curve with the corner as control point.
		along := func(i, j int) []float64 {
			p := lerp(c[i], c[j], cut)
			return []float64{p.X, p.Y}
		}
		out := []pathCmd{{'M', along(0, 1)}}
		for n := 1; n <= 4; n++ {
			i := n % 4
			out = append(out, pathCmd{'L', along(i, (i+3)%4)}, pathCmd{'Q', append([]float64{c[i].X, c[i].Y}, along(i, (i+1)%4)...)})
		}
		return append(out, pathCmd{'Z', nil})
	case board.KindEllipse:
		m := b.center()
		return []pathCmd{{'E', []float64{m.X, m.Y, b.w() / 2, b.h() / 2}}}
	}
	return nil
}

// flattenOutline is an outline as one closed polygon (first point not
// repeated) within tol of the curves.
func flattenOutline(cmds []pathCmd, tol float64) []pt {
	var out []pt
	for _, c := range cmds {
		switch c.Op {
		case 'M', 'L':
			out = append(out, pt{c.A[0], c.A[1]})
		case 'Q':
			from := pt{c.A[2], c.A[3]}
			if len(out) > 0 {
				from = out[len(out)-1]
			}
			out = seg{Quad: true, P0: from, C: pt{c.A[0], c.A[1]}, P1: pt{c.A[2], c.A[3]}}.flatten(out, tol)
		case 'A':
			cx, cy, r, a0, a1 := c.A[0], c.A[1], c.A[2], c.A[3], c.A[4]
			n := max(int(math.Ceil(float64(circleSegments(r, tol))*(a1-a0)/(2*math.Pi))), 1)
			for i := 0; i <= n; i++ {
				s, co := math.Sincos(a0 + (a1-a0)*float64(i)/float64(n))
				out = append(out, pt{cx + r*co, cy + r*s})
			}
		case 'E':
			b := box{c.A[0] - c.A[2], c.A[1] - c.A[3], c.A[0] + c.A[2], c.A[1] + c.A[3], true}
			out = append(out, ellipsePoints(b, circleSegments(math.Max(c.A[2], c.A[3]), tol))...)
		}
	}
	return out
}

// dashPolyline cuts a line (closed: back to its first point) into the
// pieces a dash pattern draws, measured along it from its first point.
// A piece of length 0 is a single point (a dot, with round caps).
func dashPolyline(p []pt, pattern []float64, closed bool) [][]pt {
	if len(pattern) < 2 || len(p) == 0 {
		return [][]pt{p}
	}
	period := 0.0
	for _, v := range pattern {
		period += v
	}
	if period <= 0 {
		return [][]pt{p}
	}
	if closed {
		p = append(append([]pt(nil), p...), p[0])
	}
	var out [][]pt
	var cur []pt
	// The pattern's index, the length left of it, whether it draws.
	i, left, on := 0, pattern[0], true
	cur = []pt{p[0]}
	for k := 1; k < len(p); k++ {
		a, b := p[k-1], p[k]
		l := b.sub(a).len()
		at := 0.0
		for l-at >= left {
			at += left
			q := lerp(a, b, at/math.Max(l, 1e-300))
			if on {
				out = append(out, append(cur, q))
				cur = nil
			} else {
				cur = []pt{q}
			}
			on = !on
			i = (i + 1) % len(pattern)
			left = pattern[i]
			if len(out) > 1<<20 {
				return out // a pathological pattern: enough
			}
		}
		left -= l - at
		if on {
			cur = append(cur, b)
		}
	}
	if on && len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// arrowHead is the open head at the last point of an arrow: sides of
// arrowHeadSize(width) from the tip, arrowSpread either side of the
// direction from the last distinct point before it, drawn as the line
// left → tip → right (never dashed); ok is false when every point is the
// same.
func arrowHead(p []pt, width float64) (tip, left, right pt, ok bool) {
	if len(p) < 2 {
		return
	}
	tip = p[len(p)-1]
	from := tip
	for i := len(p) - 2; i >= 0 && from == tip; i-- {
		from = p[i]
	}
	if from == tip {
		return
	}
	angle := math.Atan2(tip.Y-from.Y, tip.X-from.X)
	size := arrowHeadSize(width)
	left = pt{tip.X - size*math.Cos(angle-arrowSpread), tip.Y - size*math.Sin(angle-arrowSpread)}
	right = pt{tip.X - size*math.Cos(angle+arrowSpread), tip.Y - size*math.Sin(angle+arrowSpread)}
	return tip, left, right, true
}

// labelBox is where a label of a shape in box b wraps and is centred: what
// lies inside the outline (a rect's box, the rectangle inscribed in an
// ellipse, the middle half of a diamond) less labelPadding each side, at
// least 1 across.
func labelBox(kind board.Kind, b box) box {
	f := 1.0
	switch kind {
	case board.KindEllipse:
		f = math.Sqrt2 / 2
	case board.KindDiamond:
		f = 0.5
	}
	w := math.Max(1, b.w()*f-2*labelPadding)
	h := math.Max(1, b.h()*f-2*labelPadding)
	x, y := b.MinX+(b.w()-w)/2, b.MinY+(b.h()-h)/2
	return box{x, y, x + w, y + h, true}
}

// labelLines lays out a label: wrapped to labelBox's width, each line
// centred across it, the block centred in it (overflowing equally above
// and below). At is a line's left end on its baseline.
func labelLines(text string, size float64, kind board.Kind, b box, measure func(string) float64, ascent, descent float64) []textLine {
	if text == "" {
		return nil
	}
	lb := labelBox(kind, b)
	lines := breakLines(text, measure, lb.w())
	lh := size * lineHeight
	cx := lb.MinX + lb.w()/2
	y := lb.MinY + lb.h()/2 - float64(len(lines))*lh/2 + (lh-(ascent+descent)*size)/2 + ascent*size
	out := make([]textLine, 0, len(lines))
	for _, l := range lines {
		out = append(out, textLine{Text: l, At: pt{cx - measure(l)/2, y}})
		y += lh
	}
	return out
}

// breakLines breaks text into lines at every newline and, with maxWidth >
// 0, greedily at the Unicode line break opportunities (UAX #14,
// lineSegments): between words, between CJK characters (never before
// 。、）」 or after （「), at spaces, which hang at the end of a line; a
// word wider than the line breaks between grapheme clusters. A paragraph
// that fits stays as it is. The board client's algorithm (breakLines in
// static/textlayout.js).
func breakLines(text string, measure func(string) float64, maxWidth float64) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		if maxWidth <= 0 || measure(para) <= maxWidth {
			lines = append(lines, para)
			continue
		}
		line := ""
		for _, word := range lineSegments(para) {
			if candidate := line + word; measure(hang(candidate)) <= maxWidth {
				line = candidate
				continue
			}
			if line != "" {
				lines = append(lines, hang(line))
			}
			line = word
			if measure(hang(word)) <= maxWidth {
				continue
			}
			// A word wider than the line: break it between graphemes.
			part := ""
			for _, g := range graphemes(word) {
				if part != "" && measure(hang(part+g)) > maxWidth {
					lines = append(lines, part)
					part = g
				} else {
					part += g
				}
			}
			line = part
		}
		lines = append(lines, hang(line))
	}
	return lines
}

// hang drops the white space at the end of a line: it hangs past the
// line's end, so it neither counts in its width nor shows.
func hang(s string) string { return strings.TrimRightFunc(s, isWhiteSpace) }

// isWhiteSpace is Unicode's White_Space property, as \p{White_Space} in
// the client's regular expression.
func isWhiteSpace(r rune) bool { return unicode.Is(unicode.White_Space, r) }
