package export

import (
	"bytes"
	"context"
	"encoding/xml"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/fonts"
	"github.com/go-text/typesetting/di"
)

// svgFontFamily is the board client's generic font stack; the viewer
// picks the first it has.
const svgFontFamily = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"

// svgFamilies is the font stack of an SVG export: the set's families in
// its fallback order (the fonts the PNG draws with, where the viewer has
// them installed), the emoji face last of them, then the client's generic
// stack. Names are quoted, with anything that could end a quote or a
// declaration left out.
//
// The emoji face goes last because a stack is no unicode-range: the
// server's set has it second so that emoji come in colour, but it also maps
// the space and the digits (keycap bases), so in a viewer without the Go
// font every space and digit would come from it, far apart or blank.
func svgFamilies(set *fonts.Set) string {
	var b, last strings.Builder
	seen := map[string]bool{}
	for _, f := range set.Faces {
		name := cssFamily(f.Family)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		if slices.Contains(f.Scripts, "Emoji") {
			last.WriteString("'" + name + "', ")
			continue
		}
		b.WriteString("'" + name + "', ")
	}
	return b.String() + last.String() + svgFontFamily
}

// cssFamily is a family name safe to quote in CSS and in an attribute:
// letters, digits, spaces, hyphens and underscores only.
func cssFamily(family string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == ' ' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, family))
}

// renderSVG writes the board as a standalone SVG document in board units,
// on a background rect unless o.Background is transparent, with subsets
// of its fonts when o.EmbedFonts (svgfonts.go).
// Only numbers and "#rrggbb" colors the renderer formats itself go into
// attributes, besides the font family names, filtered (cssFamily) and
// escaped, and base64 data; every piece of text (title, element text) is
// escaped character data, so no markup of a user's can get into the file.
func renderSVG(ctx context.Context, snap *board.Snapshot, o Options, src BlobSource) ([]byte, error) {
	sc := newScene(snap)
	if err := sc.loadImages(ctx, src); err != nil {
		return nil, err
	}
	w := &svgWriter{shaper: sc.shaper, ctx: ctx, images: sc.images, imageBoxes: make(map[string]box)}
	if o.EmbedFonts {
		emb, err := embedFonts(ctx, sc)
		if err != nil {
			return nil, err
		}
		w.emb = emb
	}
	p := sc.Page
	w.str(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.str(`<svg xmlns="http://www.w3.org/2000/svg"`)
	if w.emb != nil && len(w.emb.images) > 0 || sc.images.any() {
		w.str(` xmlns:xlink="http://www.w3.org/1999/xlink"`)
	}
	w.str(` version="1.1" width="`)
	w.num(p.w())
	w.str(`" height="`)
	w.num(p.h())
	w.str(`" viewBox="`)
	w.nums(p.MinX, p.MinY, p.w(), p.h())
	w.str("\">\n<title>")
	w.text(sc.Title)
	w.str("</title>\n")
	w.embedded()
	if c, ok := background(o.Background); ok {
		w.str(`<rect x="`)
		w.num(p.MinX)
		w.str(`" y="`)
		w.num(p.MinY)
		w.str(`" width="`)
		w.num(p.w())
		w.str(`" height="`)
		w.num(p.h())
		w.str(`" fill="` + c.hex() + `"/>` + "\n")
	}
	w.str(`<g stroke-linecap="round" stroke-linejoin="round" font-family="`)
	if w.emb != nil {
		w.text(w.emb.families)
	}
	w.text(svgFamilies(sc.shaper.ff.set))
	w.str(`">` + "\n")
	for i := range sc.Shapes {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		w.shape(&sc.Shapes[i])
		if w.err != nil {
			return nil, w.err
		}
	}
	w.str("</g>\n</svg>\n")
	return w.b.Bytes(), nil
}

type svgWriter struct {
	b      bytes.Buffer
	tmp    []byte
	shaper *textShaper
	emb    *svgEmbed // nil: the viewer's fonts

	ctx        context.Context
	images     *sceneImages
	imageBoxes map[string]box // blob sha → the box of its <image>
	err        error          // the blob source's failure
}

func (w *svgWriter) str(s string) { w.b.WriteString(s) }

// text writes s as escaped character data.
func (w *svgWriter) text(s string) {
	// xml.EscapeText escapes <, >, &, quotes and control characters and
	// replaces what XML cannot hold; it never fails on a bytes.Buffer.
	_ = xml.EscapeText(&w.b, []byte(s))
}

// num writes v with at most two decimals and no exponent, so equal
// numbers always print equally.
func (w *svgWriter) num(v float64) {
	v = math.Round(v*100) / 100
	if v == 0 {
		v = 0 // no "-0"
	}
	w.tmp = strconv.AppendFloat(w.tmp[:0], v, 'f', -1, 64)
	w.b.Write(w.tmp)
}

// nums writes numbers separated by spaces.
func (w *svgWriter) nums(vs ...float64) {
	for i, v := range vs {
		if i > 0 {
			w.b.WriteByte(' ')
		}
		w.num(v)
	}
}

// attr writes ` name="v"` for a number.
func (w *svgWriter) attr(name string, v float64) {
	w.str(" " + name + `="`)
	w.num(v)
	w.b.WriteByte('"')
}

// paint writes fill and stroke attributes; a nil fill is none.
func (w *svgWriter) paint(fill *rgb, stroke *rgb, width float64) {
	if fill == nil {
		w.str(` fill="none"`)
	} else {
		w.str(` fill="` + fill.hex() + `"`)
	}
	if stroke != nil {
		w.str(` stroke="` + stroke.hex() + `"`)
		w.attr("stroke-width", width)
	}
}

func (w *svgWriter) points(p []pt) {
	w.str(` points="`)
	for i, q := range p {
		if i > 0 {
			w.b.WriteByte(' ')
		}
		w.num(q.X)
		w.b.WriteByte(',')
		w.num(q.Y)
	}
	w.b.WriteByte('"')
}

func (w *svgWriter) shape(s *shape) {
	var im *sceneImage
	if s.Kind == board.KindImage {
		if s.Box.w() <= 0 || s.Box.h() <= 0 {
			return
		}
		if im = w.images.image(s.Blob); im != nil {
			ok, err := w.images.bytes(w.ctx, im)
			if err != nil {
				w.err = err
				return
			}
			if !ok {
				im = nil
			}
		}
		if im == nil {
			s = placeholderOf(s)
		}
	}
	rotated := math.Round(s.Rot*180/math.Pi*100) != 0
	if rotated {
		w.str(`<g transform="rotate(`)
		w.nums(s.Rot*180/math.Pi, s.Center.X, s.Center.Y)
		w.str(`)">`)
	}
	switch s.Kind {
	case board.KindStroke, board.KindLine, board.KindArrow:
		w.pointShape(s)
	case board.KindRect:
		if s.Box.w() == 0 && s.Box.h() == 0 {
			break
		}
		w.str("<rect")
		w.attr("x", s.Box.MinX)
		w.attr("y", s.Box.MinY)
		w.attr("width", s.Box.w())
		w.attr("height", s.Box.h())
		if s.Round {
			// SVG's rounded rect starts where its top side begins, as
			// outline does, so the dashes fall alike.
			w.attr("rx", roundRadius(s.Box.w(), s.Box.h()))
		}
		w.paint(s.Fill, &s.Stroke, s.Width)
		w.dash(s.Dash)
		w.str("/>")
		w.lines(s)
	case board.KindDiamond:
		if s.Box.w() == 0 && s.Box.h() == 0 {
			break
		}
		if s.Round {
			w.str(`<path d="`)
			w.path(outline(s.Kind, s.Box, true))
			w.b.WriteByte('"')
		} else {
			w.str("<polygon")
			w.points(diamondPoints(s.Box))
		}
		w.paint(s.Fill, &s.Stroke, s.Width)
		w.dash(s.Dash)
		w.str("/>")
		w.lines(s)
	case board.KindEllipse:
		if s.Box.w() == 0 && s.Box.h() == 0 {
			break
		}
		c := s.Box.center()
		w.str("<ellipse")
		w.attr("cx", c.X)
		w.attr("cy", c.Y)
		w.attr("rx", s.Box.w()/2)
		w.attr("ry", s.Box.h()/2)
		w.paint(s.Fill, &s.Stroke, s.Width)
		w.dash(s.Dash)
		w.str("/>")
		w.lines(s)
	case board.KindSticky:
		w.str("<rect")
		w.attr("x", s.Box.MinX)
		w.attr("y", s.Box.MinY)
		w.attr("width", s.Box.w())
		w.attr("height", s.Box.h())
		w.attr("rx", math.Min(stickyRadius, math.Min(s.Box.w(), s.Box.h())/2))
		w.paint(s.Fill, nil, 0)
		w.str("/>")
		w.lines(s)
	case board.KindText:
		w.lines(s)
	case board.KindImage:
		w.image(s, im)
	}
	if rotated {
		w.str("</g>")
	}
	w.b.WriteByte('\n')
}

func (w *svgWriter) pointShape(s *shape) {
	if allSame(s.Points) {
		w.str("<circle")
		w.attr("cx", s.Points[0].X)
		w.attr("cy", s.Points[0].Y)
		w.attr("r", s.Width/2)
		w.paint(&s.Stroke, nil, 0)
		w.str("/>")
		return
	}
	if s.Kind == board.KindStroke {
		w.str(`<path d="`)
		for i, sg := range strokeSegments(s.Points) {
			if i == 0 {
				w.str("M")
				w.nums(sg.P0.X, sg.P0.Y)
			}
			if sg.Quad {
				w.str("Q")
				w.nums(sg.C.X, sg.C.Y, sg.P1.X, sg.P1.Y)
			} else {
				w.str("L")
				w.nums(sg.P1.X, sg.P1.Y)
			}
		}
		w.b.WriteByte('"')
		w.paint(nil, &s.Stroke, s.Width)
		w.dash(s.Dash)
		w.str("/>")
		return
	}
	w.str("<polyline")
	w.points(s.Points)
	w.paint(nil, &s.Stroke, s.Width)
	w.dash(s.Dash)
	w.str("/>")
	if s.Kind != board.KindArrow {
		return
	}
	if tip, l, r, ok := arrowHead(s.Points, s.Width); ok {
		w.str("<polyline")
		w.points([]pt{l, tip, r})
		w.paint(nil, &s.Stroke, s.Width)
		w.str("/>")
	}
}

// dash writes a stroke-dasharray for a dash pattern (none for solid).
func (w *svgWriter) dash(pattern []float64) {
	if pattern == nil {
		return
	}
	w.str(` stroke-dasharray="`)
	w.nums(pattern...)
	w.b.WriteByte('"')
}

// path writes outline commands as SVG path data.
func (w *svgWriter) path(cmds []pathCmd) {
	for _, c := range cmds {
		switch c.Op {
		case 'A':
			// An arc of a quarter turn or less: from where it starts
			// (joined by a line) to where it ends, clockwise (sweep 1).
			cx, cy, r, a0, a1 := c.A[0], c.A[1], c.A[2], c.A[3], c.A[4]
			s0, c0 := math.Sincos(a0)
			s1, c1 := math.Sincos(a1)
			w.str("L")
			w.nums(cx+r*c0, cy+r*s0)
			w.str("A")
			w.nums(r, r, 0, 0, 1, cx+r*c1, cy+r*s1)
		case 'E':
			cx, cy, rx, ry := c.A[0], c.A[1], c.A[2], c.A[3]
			w.str("M")
			w.nums(cx+rx, cy)
			w.str("A")
			w.nums(rx, ry, 0, 1, 1, cx-rx, cy)
			w.str("A")
			w.nums(rx, ry, 0, 1, 1, cx+rx, cy)
		default:
			w.b.WriteByte(c.Op)
			w.nums(c.A...)
		}
	}
}

// lines writes a text or sticky's laid-out lines as one text element.
func (w *svgWriter) lines(s *shape) {
	if len(s.Lines) == 0 {
		return
	}
	w.str(`<text xml:space="preserve"`)
	w.attr("font-size", s.Font)
	w.str(` fill="` + s.Stroke.hex() + `">`)
	for _, l := range s.Lines {
		w.str("<tspan")
		x := l.At.X
		if baseDirection([]rune(l.Text)) == di.DirectionRTL {
			// Anchored at its right end, so the viewer's bidi puts the
			// line where the PNG draws it, whatever its font's widths:
			// a right-to-left chunk starts (text-anchor's default) at
			// its right side (SVG 1.1 §10.9.1; "end" would be its left).
			x += w.shaper.width(l.Text, s.Font)
			w.str(` direction="rtl" unicode-bidi="embed"`)
		}
		w.attr("x", x)
		w.attr("y", l.At.Y)
		w.str(">")
		w.text(l.Text)
		w.str("</tspan>")
	}
	w.str("</text>")
	w.colourGlyphs(s)
}
