package export

import (
	"image"
	"image/draw"
	"math"

	"golang.org/x/image/vector"

	"github.com/easel-app/easel/board"
)

// Images in the PNG. A blob is decoded once per render, when it is first
// drawn, into premultiplied mipmap levels (colorglyph.go's mipmaps, each
// level half the one before) of which only those its uses need are kept,
// and dropped after its last use. A use draws it into its box turned by
// the element's rot about the box's centre, as the board's canvas turns
// every element: each pixel the box covers samples the level nearest the
// drawn scale bilinearly (as for colour glyphs), weighted by how much of
// the pixel the box covers, so the edges are smooth at any angle; the
// image never leaves its box.

// Work of images, in the budget's unit (a pixel painted, budget.go: 150
// to 400 million a second on one core of this project's CI machine).
const (
	// imageDecodeWork is what one pixel of a blob costs to decode and
	// reduce to its levels, counted once per blob and render: about 20
	// million pixels a second of CPU (a noisy 12-megapixel PNG in 0.51 s
	// and 0.06 s more to premultiply and halve it; a JPEG of it in 0.29 s
	// and 0.30 s to make it RGBA).
	imageDecodeWork = 16
	// imageDrawWork is what one pixel an image covers costs to sample
	// and blend: 50 to 60 million a second.
	imageDrawWork = 8
)

// imageBand is how many rows of an image's pixels are covered, sampled
// and blended at a time: its coverage mask stays small, and the render
// can stop between bands.
const imageBand = 64

// mipIndex is the level mipLevel picks at scale.
func mipIndex(scale float64) int {
	if scale >= 1 || scale <= 0 {
		return 0
	}
	return int(math.Floor(math.Max(-math.Log2(scale)-0.5, 0) + 0.5))
}

// drawnScale is how much smaller than the blob's pixels a shape draws
// it at k pixels per board unit (the smaller of the two axes, as
// mipLevel takes it).
func drawnScale(s *shape, im *sceneImage, k float64) float64 {
	return math.Min(s.Box.w()*k/float64(im.info.Width), s.Box.h()*k/float64(im.info.Height))
}

// planImages notes, for each image, the finest mipmap level any of the
// shapes that will be drawn needs (skip: shapes the plan leaves out),
// and counts those shapes as its uses.
func planImages(sc *scene, k float64, skip []bool) {
	if sc.images == nil {
		return
	}
	for _, im := range sc.images.order {
		im.uses, im.finest = 0, math.MaxInt
	}
	for i := range sc.Shapes {
		s := &sc.Shapes[i]
		im := sc.images.image(s.Blob)
		if s.Kind != board.KindImage || im == nil || skip[i] || !im.ok || s.Box.w() <= 0 || s.Box.h() <= 0 {
			continue // not drawn: no use
		}
		im.uses++
		im.finest = min(im.finest, mipIndex(drawnScale(s, im, k)))
	}
}

// imageShape draws an image shape: its blob, or a placeholder when the
// board lacks it or its bytes do not decode.
func (r *pngRenderer) imageShape(s *shape) {
	if s.Box.w() <= 0 || s.Box.h() <= 0 {
		return
	}
	im := r.images.image(s.Blob)
	level := r.level(im, s)
	if level == nil {
		r.shape(placeholderOf(s))
		return
	}
	r.drawImage(level, s)
	if im.uses--; im.uses <= 0 {
		im.levels, im.data = nil, nil // the last use: free its pixels
	}
}

// level decodes im when first drawn and returns the mipmap level to draw
// s with; nil for a placeholder. A failure of the blob source stops the
// render (painter.err).
func (r *pngRenderer) level(im *sceneImage, s *shape) *image.RGBA {
	if im == nil || r.p.stopped() {
		return nil
	}
	if !im.decoded {
		im.decoded = true
		ok, err := r.images.bytes(r.ctx, im)
		if err != nil {
			r.p.err = err
			return nil
		}
		if !ok {
			return nil
		}
		img, err := decode(r.ctx, im.data)
		im.data = nil
		if err != nil {
			if r.ctx.Err() != nil {
				r.p.err = r.ctx.Err()
			}
			im.ok = false
			return nil
		}
		im.levels = mipmapsOf(premultiplied(img))
		for i := range min(im.finest, len(im.levels)-1) {
			im.levels[i] = nil // finer than any use needs
		}
		r.p.work += int64(im.info.Width) * int64(im.info.Height) * imageDecodeWork
	}
	if im.levels == nil {
		return nil
	}
	i := min(max(mipIndex(drawnScale(s, im, r.k)), im.finest), len(im.levels)-1)
	return im.levels[i]
}

// premultiplied is a decoded image as premultiplied RGBA at 0, 0: in
// place for the types PNG decodes to (the decoder's image is the render's
// own), a copy otherwise, so that a 40-megapixel image is not held twice.
func premultiplied(img image.Image) *image.RGBA {
	switch m := img.(type) {
	case *image.RGBA:
		if m.Rect.Min == (image.Point{}) {
			return m
		}
	case *image.NRGBA:
		if m.Rect.Min == (image.Point{}) && m.Stride == 4*m.Rect.Dx() {
			p := m.Pix
			for i := 0; i+3 < len(p); i += 4 {
				if a := uint32(p[i+3]); a != 0xff {
					p[i] = uint8((uint32(p[i])*a + 127) / 255)
					p[i+1] = uint8((uint32(p[i+1])*a + 127) / 255)
					p[i+2] = uint8((uint32(p[i+2])*a + 127) / 255)
				}
			}
			return &image.RGBA{Pix: p, Stride: m.Stride, Rect: m.Rect}
		}
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(out, out.Rect, img, b.Min, draw.Src)
	return out
}

// drawImage samples level (premultiplied) into the pixels s's turned box
// covers.
func (r *pngRenderer) drawImage(level *image.RGBA, s *shape) {
	b := s.Box
	corners := r.pxs([]pt{{b.MinX, b.MinY}, {b.MaxX, b.MinY}, {b.MaxX, b.MaxY}, {b.MinX, b.MaxY}})
	var bb box
	for _, c := range corners {
		bb = bb.addPoint(c)
	}
	area := pixelRect(bb).Intersect(r.p.img.Rect)
	if area.Empty() {
		return
	}
	// Where a pixel's centre falls in the box, u and v from 0 to 1
	// across it: affine in the pixel's position.
	uv := func(x, y float64) pt {
		q := rotateAbout(pt{x, y}.mul(1/r.k).add(r.origin), s.Center, -s.Rot)
		u, v := (q.X-b.MinX)/b.w(), (q.Y-b.MinY)/b.h()
		if s.FlipX {
			u = 1 - u
		}
		if s.FlipY {
			v = 1 - v
		}
		return pt{u, v}
	}
	o := uv(0, 0)
	dx, dy := uv(1, 0).sub(o), uv(0, 1).sub(o)
	var z vector.Rasterizer
	var mask image.Alpha
	for y0 := area.Min.Y; y0 < area.Max.Y; y0 += imageBand {
		if r.p.stopped() {
			return
		}
		band := image.Rect(area.Min.X, y0, area.Max.X, min(y0+imageBand, area.Max.Y))
		coverage(&z, &mask, corners, band)
		w := band.Dx()
		for y := band.Min.Y; y < band.Max.Y; y++ {
			row := mask.Pix[(y-band.Min.Y)*w : (y-band.Min.Y+1)*w]
			start := o.add(dx.mul(float64(band.Min.X) + 0.5)).add(dy.mul(float64(y) + 0.5))
			pix := r.p.img.Pix[r.p.img.PixOffset(band.Min.X, y):]
			for x, m := range row {
				if m == 0 {
					continue
				}
				q := start.add(dx.mul(float64(x)))
				c := bilinear(level, clamp(q.X, 0, 0.999999), clamp(q.Y, 0, 0.999999))
				if m != 0xff {
					for j := range c {
						c[j] = uint8((uint32(c[j])*uint32(m) + 127) / 255)
					}
				}
				if c[3] == 0 {
					continue
				}
				p := pix[4*x : 4*x+4 : 4*x+4]
				na := 255 - uint32(c[3])
				for j := range p {
					p[j] = uint8(uint32(c[j]) + (uint32(p[j])*na+127)/255)
				}
			}
		}
		r.p.work += int64(band.Dx()) * int64(band.Dy()) * imageDrawWork
	}
}

// coverage rasterizes how much of each pixel of band the polygon poly
// (pixel coordinates) covers into mask, 0 to 255.
func coverage(z *vector.Rasterizer, mask *image.Alpha, poly []pt, band image.Rectangle) {
	w, h := band.Dx(), band.Dy()
	if cap(mask.Pix) < w*h {
		mask.Pix = make([]uint8, w*h)
	}
	mask.Pix, mask.Stride, mask.Rect = mask.Pix[:w*h], w, image.Rect(0, 0, w, h)
	z.Reset(w, h)
	z.DrawOp = draw.Src
	at := func(p pt) (float32, float32) {
		return float32(p.X - float64(band.Min.X)), float32(p.Y - float64(band.Min.Y))
	}
	z.MoveTo(at(poly[0]))
	for _, p := range poly[1:] {
		z.LineTo(at(p))
	}
	z.ClosePath()
	z.Draw(mask, mask.Rect, image.Opaque, image.Point{})
}
