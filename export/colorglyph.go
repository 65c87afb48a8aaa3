package export

import (
	"image"
	"image/draw"
	"math"
)

// Colour glyphs (emoji) are bitmaps of one size (Noto Color Emoji's are
// 136 × 128 pixels, for 109 px text) drawn at any size. The PNG samples
// them as Chromium's Skia does when the canvas draws them, so that the two
// agree: from the mipmap level nearest the scale (each level half the one
// before, each pixel the mean of four), bilinearly between that level's
// four nearest pixels. Sampling the full bitmap at one point per pixel
// instead (nearest) drops most of its pixels and draws jagged edges.

// mipmaps is img premultiplied, then halved until a side reaches one
// pixel: level i is 2^i times smaller.
func mipmaps(img image.Image) []*image.RGBA {
	b := img.Bounds()
	base := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(base, base.Rect, img, b.Min, draw.Src)
	return mipmapsOf(base)
}

// mipmapsOf is the levels of base, premultiplied, at 0, 0: base first.
func mipmapsOf(base *image.RGBA) []*image.RGBA {
	levels := []*image.RGBA{base}
	for l := base; l.Rect.Dx() > 1 && l.Rect.Dy() > 1; {
		w, h := l.Rect.Dx()/2, l.Rect.Dy()/2
		n := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			a := l.Pix[2*y*l.Stride:]
			b := l.Pix[(2*y+1)*l.Stride:]
			o := n.Pix[y*n.Stride:]
			for x := range 4 * w {
				i := 8*(x/4) + x%4 // channel x%4 of the pair's left pixel
				o[x] = uint8((uint32(a[i]) + uint32(a[i+4]) + uint32(b[i]) + uint32(b[i+4]) + 2) / 4)
			}
		}
		levels = append(levels, n)
		l = n
	}
	return levels
}

// mipLevel is the level Skia samples at scale (drawn size / bitmap size,
// the smaller of the two axes): none when enlarging; else the level
// nearest log2(1/scale) − 0.5 (its bias towards the sharper level).
func mipLevel(levels []*image.RGBA, scale float64) *image.RGBA {
	if scale >= 1 || scale <= 0 {
		return levels[0]
	}
	l := int(math.Floor(math.Max(-math.Log2(scale)-0.5, 0) + 0.5))
	return levels[min(l, len(levels)-1)]
}

// bilinear samples img (premultiplied) at u, v in [0, 1) across it: the
// four pixels around that point weighted by nearness, edges repeated.
func bilinear(img *image.RGBA, u, v float64) [4]uint8 {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	x, y := u*float64(w)-0.5, v*float64(h)-0.5
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	clamp := func(i float64, n int) int { return min(max(int(i), 0), n-1) }
	xa, xb := clamp(x0, w), clamp(x0+1, w)
	ya, yb := clamp(y0, h), clamp(y0+1, h)
	p := func(x, y int) []uint8 { i := img.PixOffset(x, y); return img.Pix[i : i+4 : i+4] }
	a, b, c, d := p(xa, ya), p(xb, ya), p(xa, yb), p(xb, yb)
	var out [4]uint8
	for i := range out {
		top := float64(a[i]) + (float64(b[i])-float64(a[i]))*fx
		bottom := float64(c[i]) + (float64(d[i])-float64(c[i]))*fx
		out[i] = uint8(top + (bottom-top)*fy + 0.5)
	}
	return out
}
