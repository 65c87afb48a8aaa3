package export

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"math"

	"github.com/easel-app/easel/board"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
)

// The PNG's pixel budget. A board is drawn at scale pixels per board unit
// unless that would make the image wider or taller than MaxPNGSide or
// larger than MaxPNGPixels in all; then the scale is reduced until it fits,
// so the PNG always shows the whole board. At the limit an image takes
// 4 bytes a pixel (256 MiB) while it is drawn.
const (
	MaxPNGSide   = 32768
	MaxPNGPixels = 64 << 20
)

// pngScale is the pixels per board unit and the image size for a page at
// a requested scale, within the budget.
func pngScale(page box, scale int) (k float64, w, h int) {
	k = float64(scale)
	bw, bh := math.Max(page.w(), 1), math.Max(page.h(), 1)
	k = math.Min(k, MaxPNGSide/bw)
	k = math.Min(k, MaxPNGSide/bh)
	k = math.Min(k, math.Sqrt(MaxPNGPixels/(bw*bh)))
	w = min(max(int(math.Ceil(bw*k)), 1), MaxPNGSide)
	h = min(max(int(math.Ceil(bh*k)), 1), MaxPNGSide)
	for w*h > MaxPNGPixels { // rounding up went over
		k *= 0.999
		w, h = max(int(math.Ceil(bw*k)), 1), max(int(math.Ceil(bh*k)), 1)
	}
	return k, w, h
}

// renderPNG rasterizes the board on its background (bg: white by default,
// or transparent), with its images from src, within the work budget
// (budget.go); it stops with ctx's error once ctx is done.
func renderPNG(ctx context.Context, snap *board.Snapshot, scale int, bg string, src BlobSource) ([]byte, error) {
	sc := newScene(snap)
	sc.Background = bg
	if err := sc.loadImages(ctx, src); err != nil {
		return nil, err
	}
	p, err := drawPNG(ctx, sc, scale, MaxRenderWork)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(ctxWriter{ctx, &out}, p.img); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// drawPNG paints the scene into a fresh image (the painter holds it and
// the work it took).
func drawPNG(ctx context.Context, sc *scene, scale int, budget float64) (*painter, error) {
	pl, err := planPNG(sc, scale, budget)
	if err != nil {
		return nil, err
	}
	origin := pt{sc.Page.MinX, sc.Page.MinY}
	planImages(sc, pl.k, pl.skip)
	r := &pngRenderer{p: newPainter(pl.w, pl.h, sc.Background), k: pl.k, origin: origin, face: sc.shaper, ctx: ctx, images: sc.images}
	r.p.check = ctx.Err
	r.p.work = int64(pl.w) * int64(pl.h)
	for i := range sc.Shapes {
		if pl.skip[i] {
			continue
		}
		if r.p.stopped() {
			break
		}
		r.p.hide = hidePixels(pl.hide[i], origin, pl.k)
		r.shape(&sc.Shapes[i])
	}
	if r.p.err != nil {
		return nil, r.p.err
	}
	return r.p, nil
}

// ctxWriter fails writes once ctx is done, so that encoding a large image
// stops too.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

type pngRenderer struct {
	p      *painter
	k      float64 // pixels per board unit
	origin pt      // board point at pixel 0, 0
	face   *textShaper
	s      *shape // being drawn
	ctx    context.Context
	images *sceneImages
	// onGlyph, when set (tests), sees every glyph drawn.
	onGlyph func(shapedGlyph)
}

// px maps a board point of the current shape to pixels, its rotation
// included.
func (r *pngRenderer) px(q pt) pt {
	q = rotateAbout(q, r.s.Center, r.s.Rot)
	return q.sub(r.origin).mul(r.k)
}

func (r *pngRenderer) pxs(q []pt) []pt {
	out := make([]pt, len(q))
	for i, v := range q {
		out[i] = r.px(v)
	}
	return out
}

func (r *pngRenderer) shape(s *shape) {
	r.s = s
	width := s.Width * r.k
	switch s.Kind {
	case board.KindStroke, board.KindLine, board.KindArrow:
		if allSame(s.Points) {
			r.p.disc(r.px(s.Points[0]), width/2)
			r.p.fill(s.Stroke)
			return
		}
		line := s.Points
		if s.Kind == board.KindStroke {
			segs := strokeSegments(s.Points)
			line = []pt{segs[0].P0}
			for _, sg := range segs {
				line = sg.flatten(line, flatness/r.k)
			}
		}
		r.strokeLine(line, width, false)
		if s.Kind == board.KindArrow {
			if tip, a, b, ok := arrowHead(s.Points, s.Width); ok {
				r.p.strokePolyline(r.pxs([]pt{a, tip, b}), width, false)
			}
		}
		r.p.fill(s.Stroke)
	case board.KindRect, board.KindEllipse, board.KindDiamond:
		if s.Box.w() == 0 && s.Box.h() == 0 {
			return
		}
		poly := flattenOutline(outline(s.Kind, s.Box, s.Round), flatness/r.k)
		if s.Fill != nil {
			r.p.add(r.pxs(poly), true)
			r.p.fill(*s.Fill)
		}
		r.strokeLine(poly, width, true)
		r.p.fill(s.Stroke)
		r.text(s)
	case board.KindSticky:
		r.p.add(r.pxs(roundedRect(s.Box, stickyRadius, flatness/r.k)), true)
		r.p.fill(*s.Fill)
		r.text(s)
	case board.KindText:
		r.text(s)
	case board.KindImage:
		r.imageShape(s)
	}
}

// strokeLine adds the outline of a line (board units) of the current
// shape, in its dash pattern: each dash a line of its own with round caps.
func (r *pngRenderer) strokeLine(line []pt, width float64, closed bool) {
	if r.s.Dash == nil {
		r.p.strokePolyline(r.pxs(line), width, closed)
		return
	}
	for _, piece := range dashPolyline(line, r.s.Dash, closed) {
		r.p.strokePolyline(r.pxs(piece), width, false)
	}
}

// text fills the shape's lines with shaped glyph outlines, one line at a
// time; colour glyphs (emoji bitmaps) are drawn as images after.
func (r *pngRenderer) text(s *shape) {
	if s.Font*r.k < 0.5 {
		return // smaller than a pixel: nothing to read
	}
	for _, l := range s.Lines {
		var colour []shapedGlyph
		for _, g := range r.face.line(l.Text).glyphs {
			pen := r.onGrid(pt{l.At.X + g.x*s.Font, l.At.Y + g.y*s.Font})
			if bi := r.face.bitmap(g.face, g.gid); bi != nil {
				colour = append(colour, shapedGlyph{face: g.face, gid: g.gid, x: pen.X, y: pen.Y})
				continue
			}
			r.drawn(g)
			r.glyph(r.face.outline(g.face, g.gid), pen, s.Font/r.face.ff.upem[g.face])
		}
		r.p.fill(s.Stroke)
		for _, g := range colour {
			r.drawn(g)
			r.image(r.face.bitmap(g.face, g.gid), pt{g.x, g.y}, s.Font)
		}
	}
}

// onGrid moves a glyph's origin (board units) to where the board's canvas
// puts it in Chromium, whose Skia places the glyphs of unturned text with
// subpixel positioning: across to the nearest quarter pixel, the baseline
// down or up to the nearest whole pixel (its glyph position rounding for
// horizontal text). Drawn there, the same unhinted outline covers the same
// pixels as on the canvas (static/render.js asks for unhinted text with
// textRendering "geometricPrecision"). Turned text keeps its exact place:
// Skia rounds that differently, and its pixels are not compared.
func (r *pngRenderer) onGrid(pen pt) pt {
	if r.s.Rot != 0 {
		return pen
	}
	p := pen.sub(r.origin).mul(r.k)
	q := pt{math.Floor(p.X*4+0.5) / 4, math.Floor(p.Y + 0.5)}
	return pen.add(q.sub(p).mul(1 / r.k))
}

// drawn tells a test which glyph the PNG draws.
func (r *pngRenderer) drawn(g shapedGlyph) {
	if r.onGlyph != nil {
		r.onGlyph(g)
	}
}

// glyph adds one glyph's contours (font units, y up) with its origin at
// pen.
func (r *pngRenderer) glyph(segs []font.Segment, pen pt, em float64) {
	at := func(a font.SegmentPoint) pt {
		return r.px(pt{pen.X + float64(a.X)*em, pen.Y - float64(a.Y)*em})
	}
	var poly []pt
	for _, sg := range segs {
		switch sg.Op {
		case ot.SegmentOpMoveTo:
			r.p.add(poly, false)
			poly = []pt{at(sg.Args[0])}
		case ot.SegmentOpLineTo:
			poly = append(poly, at(sg.Args[0]))
		case ot.SegmentOpQuadTo:
			if len(poly) == 0 {
				continue
			}
			q := seg{Quad: true, P0: poly[len(poly)-1], C: at(sg.Args[0]), P1: at(sg.Args[1])}
			poly = q.flatten(poly, flatness)
		case ot.SegmentOpCubeTo:
			if len(poly) == 0 {
				continue
			}
			poly = flattenCubic(poly, poly[len(poly)-1], at(sg.Args[0]),
				at(sg.Args[1]), at(sg.Args[2]), flatness)
		}
	}
	r.p.add(poly, false)
}

// image draws a colour glyph scaled to its box at pen (size: the font
// size), the shape's rotation included: each pixel whose centre it covers
// samples the bitmap as Skia does (colorglyph.go) and is blended
// source-over.
func (r *pngRenderer) image(bi *glyphImage, pen pt, size float64) {
	x0, y0 := pen.X+bi.x*size, pen.Y+bi.y*size
	w, h := bi.w*size, bi.h*size
	corners := []pt{r.px(pt{x0, y0}), r.px(pt{x0 + w, y0}), r.px(pt{x0, y0 + h}), r.px(pt{x0 + w, y0 + h})}
	bb := box{}
	for _, c := range corners {
		bb = bb.addPoint(c)
	}
	area := image.Rect(int(math.Floor(bb.MinX)), int(math.Floor(bb.MinY)), int(math.Ceil(bb.MaxX)), int(math.Ceil(bb.MaxY))).Intersect(r.p.img.Rect)
	src := bi.mips[0].Rect
	level := mipLevel(bi.mips, math.Min(w*r.k/float64(src.Dx()), h*r.k/float64(src.Dy())))
	for y := area.Min.Y; y < area.Max.Y; y++ {
		for x := area.Min.X; x < area.Max.X; x++ {
			q := rotateAbout(pt{float64(x) + 0.5, float64(y) + 0.5}.mul(1/r.k).add(r.origin), r.s.Center, -r.s.Rot)
			u, v := (q.X-x0)/w, (q.Y-y0)/h
			if u < 0 || u >= 1 || v < 0 || v >= 1 {
				continue
			}
			c := bilinear(level, u, v)
			if c[3] == 0 {
				continue
			}
			i := r.p.img.PixOffset(x, y)
			pix := r.p.img.Pix[i : i+4 : i+4]
			na := 255 - uint32(c[3])
			for j := range pix {
				pix[j] = uint8(uint32(c[j]) + (uint32(pix[j])*na+127)/255)
			}
		}
	}
	r.p.work += int64(area.Dx()) * int64(area.Dy())
}

// flattenCubic appends points along a cubic Bézier (its start excluded).
func flattenCubic(dst []pt, p0, p1, p2, p3 pt, tol float64) []pt {
	m := math.Max(p0.sub(p1.mul(2)).add(p2).len(), p1.sub(p2.mul(2)).add(p3).len())
	n := min(max(int(math.Ceil(math.Sqrt(0.75*m/tol))), 1), 64)
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		a, b, c := lerp(p0, p1, t), lerp(p1, p2, t), lerp(p2, p3, t)
		d, e := lerp(a, b, t), lerp(b, c, t)
		dst = append(dst, lerp(d, e, t))
	}
	return dst
}
