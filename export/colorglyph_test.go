package export

import (
	"image"
	"image/color"
	"math"
	"testing"
)

func TestMipmapsAverageFourPremultiplied(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 4, 2))
	img.Set(0, 0, color.NRGBA{255, 0, 0, 255})
	img.Set(1, 0, color.NRGBA{255, 0, 0, 128}) // premultiplied: 128, 0, 0, 128
	img.Set(0, 1, color.NRGBA{0, 0, 255, 255})
	img.Set(1, 1, color.NRGBA{0, 0, 0, 0})
	img.Set(2, 0, color.NRGBA{10, 20, 30, 255})
	img.Set(3, 0, color.NRGBA{10, 20, 30, 255})
	img.Set(2, 1, color.NRGBA{10, 20, 30, 255})
	img.Set(3, 1, color.NRGBA{10, 20, 30, 255})
	levels := mipmaps(img)
	if len(levels) != 2 || levels[1].Rect.Dx() != 2 || levels[1].Rect.Dy() != 1 {
		t.Fatalf("levels of 4×2: %d, the second %v", len(levels), levels[len(levels)-1].Rect)
	}
	want := []uint8{(255 + 128 + 2) / 4, 0, (255 + 2) / 4, (255 + 128 + 255 + 2) / 4, 10, 20, 30, 255}
	for i, v := range want {
		if levels[1].Pix[i] != v {
			t.Fatalf("level 1 = %v, want %v", levels[1].Pix, want)
		}
	}
}

// TestMipLevelIsSkias: Skia's choice for a bitmap drawn smaller, the
// level nearest log2(1/scale) − 0.5.
func TestMipLevelIsSkias(t *testing.T) {
	levels := mipmaps(image.NewRGBA(image.Rect(0, 0, 136, 128))) // Noto Color Emoji's size
	for _, c := range []struct {
		scale float64
		side  int // of the level's width
	}{
		{2, 136}, {1, 136}, {0.75, 136}, {0.6, 136}, {0.5, 68}, {0.3, 68}, {24.0 / 109, 34}, {0.15, 34}, {0.1, 17}, {0.001, 1},
	} {
		if got := mipLevel(levels, c.scale).Rect.Dx(); got != c.side {
			t.Errorf("scale %v: a level %d wide, want %d", c.scale, got, c.side)
		}
	}
}

func TestBilinearBetweenPixels(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 2, 1))
	copy(img.Pix, []uint8{0, 0, 0, 0, 200, 100, 50, 255})
	for _, c := range []struct {
		u    float64
		want [4]uint8
	}{
		{0.25, [4]uint8{0, 0, 0, 0}},        // the first pixel's centre
		{0.75, [4]uint8{200, 100, 50, 255}}, // the second's
		{0.5, [4]uint8{100, 50, 25, 128}},   // between: the mean
		{0.99, [4]uint8{200, 100, 50, 255}}, // past the last centre: the edge
	} {
		if got := bilinear(img, c.u, 0.5); got != c.want {
			t.Errorf("u %v: %v, want %v", c.u, got, c.want)
		}
	}
}

// TestPNGEmojiIsFiltered: an emoji drawn at 24 px has the colours of its
// bitmap averaged over each pixel (what Chromium's canvas shows), not one
// bitmap pixel picked per pixel, which makes its edges and features jagged.
// The reference is the exact mean of the bitmap over each pixel's area.
func TestPNGEmojiIsFiltered(t *testing.T) {
	ff := systemFaces()
	if !covered(ff, '😀') {
		t.Fatal("no font on this machine draws 😀: install the Debian package fonts-noto-color-emoji")
	}
	sh := newTextShaper(ff)
	g := sh.line("😀").glyphs[0]
	bi := sh.bitmap(g.face, g.gid)
	if bi == nil {
		t.Fatal("😀 has no colour bitmap")
	}
	const size, w, h = 24, 40, 40
	pen := pt{8, 30}
	r := &pngRenderer{p: newPainter(w, h, "#ffffff"), k: 1, s: &shape{}, face: sh}
	r.image(bi, pen, size)

	base := bi.mips[0]
	sw, shh := float64(base.Rect.Dx()), float64(base.Rect.Dy())
	x0, y0 := pen.X+bi.x*size, pen.Y+bi.y*size
	gw, gh := bi.w*size, bi.h*size
	ink, differ := 0, 0
	for y := range h {
		for x := range w {
			// The bitmap's pixels under this pixel, each weighted by how
			// much of it lies under.
			u0, u1 := (float64(x)-x0)/gw*sw, (float64(x+1)-x0)/gw*sw
			v0, v1 := (float64(y)-y0)/gh*shh, (float64(y+1)-y0)/gh*shh
			var sum [4]float64
			for sy := max(int(v0), 0); sy < min(int(math.Ceil(v1)), base.Rect.Dy()); sy++ {
				for sx := max(int(u0), 0); sx < min(int(math.Ceil(u1)), base.Rect.Dx()); sx++ {
					a := (math.Min(u1, float64(sx+1)) - math.Max(u0, float64(sx))) * (math.Min(v1, float64(sy+1)) - math.Max(v0, float64(sy)))
					p := base.Pix[base.PixOffset(sx, sy):]
					for i := range sum {
						sum[i] += a * float64(p[i])
					}
				}
			}
			area := (u1 - u0) * (v1 - v0)
			got := r.p.img.Pix[r.p.img.PixOffset(x, y):]
			d, inked := 0.0, false
			for i := range 3 {
				want := (sum[i] + 255*(area-sum[3]/255)) / area // over white
				d = math.Max(d, math.Abs(want-float64(got[i])))
				inked = inked || want < 255-64 || got[i] < 255-64
			}
			if inked || d > 64 {
				ink++
			}
			if d > 64 {
				differ++
			}
		}
	}
	if ink < 200 {
		t.Fatalf("only %d pixels of 😀 inked", ink)
	}
	if differ*100 > ink {
		t.Errorf("%d of %d pixels of 😀 differ from the bitmap's mean by over 64 of 255", differ, ink)
	}
	t.Logf("%d of %d pixels differ", differ, ink)
}
