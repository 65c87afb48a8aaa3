package export

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"testing"

	"github.com/easel-app/easel/board"
)

func decodePNG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

func isWhite(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r == 0xffff && g == 0xffff && b == 0xffff
}

func isDark(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r < 0x4000 && g < 0x4000 && b < 0x4000
}

func TestPNGSizeAndPixels(t *testing.T) {
	// A black filled rect from 0,0 to 100,100, width 2: the page runs from
	// -33 to 133 (half the width and the margin).
	s := snapshotOf("Rect", []board.Element{
		{ID: "r", Kind: board.KindRect, W: 100, H: 100, Stroke: "#000000", Fill: ptr("#000000"), Z: "a"},
	})
	for _, scale := range []int{1, 2} {
		img := decodePNG(t, render(t, s, PNG, scale))
		want := 166 * scale
		if b := img.Bounds(); b.Dx() != want || b.Dy() != want {
			t.Fatalf("scale %d: image %v, want %d×%d", scale, b, want, want)
		}
		k := float64(scale)
		at := func(x, y float64) (int, int) { return int((x + 33) * k), int((y + 33) * k) }
		for _, p := range [][2]float64{{50, 50}, {1, 1}, {99, 99}, {50, 0}} {
			x, y := at(p[0], p[1])
			if r, g, b, _ := img.At(x, y).RGBA(); r > 0x100 || g > 0x100 || b > 0x100 {
				t.Errorf("scale %d: pixel of board %v is %v, want black", scale, p, img.At(x, y))
			}
		}
		for _, p := range [][2]float64{{-20, -20}, {120, 50}, {50, 120}} {
			if x, y := at(p[0], p[1]); !isWhite(img, x, y) {
				t.Errorf("scale %d: pixel of board %v is %v, want white", scale, p, img.At(x, y))
			}
		}
	}
}

func TestPNGDrawsText(t *testing.T) {
	s := snapshotOf("Text", []board.Element{{ID: "t", Kind: board.KindText, Text: "HHHH", Font: 40, Z: "a"}})
	img := decodePNG(t, render(t, s, PNG, 1))
	dark := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				dark++
			}
		}
	}
	// Four capital H of 40 units: a few hundred dark pixels.
	if dark < 200 {
		t.Fatalf("%d dark pixels: no text drawn", dark)
	}
}

func TestPNGScaleStaysWithinBudget(t *testing.T) {
	for _, test := range []struct {
		w, h  float64
		scale int
	}{
		{1000, 800, 4},
		{40000, 100, 1},
		{100, 40000, 4},
		{20000, 20000, 4},
		{2e7, 2e7, 1},
		{2e7, 1, 4},
	} {
		k, w, h := pngScale(box{0, 0, test.w, test.h, true}, test.scale)
		if w > MaxPNGSide || h > MaxPNGSide || w*h > MaxPNGPixels || w < 1 || h < 1 {
			t.Errorf("%g×%g at %d: %d×%d pixels", test.w, test.h, test.scale, w, h)
		}
		if k > float64(test.scale) {
			t.Errorf("%g×%g at %d: scale went up to %g", test.w, test.h, test.scale, k)
		}
		// The whole board is in the image.
		if float64(w) < math.Floor(test.w*k) || float64(h) < math.Floor(test.h*k) {
			t.Errorf("%g×%g at %d: %d×%d pixels cut the board (k %g)", test.w, test.h, test.scale, w, h, k)
		}
	}
	if k, w, h := pngScale(box{0, 0, 1000, 800, true}, 4); k != 4 || w != 4000 || h != 3200 {
		t.Errorf("a board within budget is scaled down: %g, %d×%d", k, w, h)
	}
}

func TestPNGOfAWideBoardIsCapped(t *testing.T) {
	s := snapshotOf("Wide", []board.Element{
		{ID: "a", Kind: board.KindRect, X: 0, Y: 0, W: 10, H: 10, Fill: ptr("#000000"), Z: "a"},
		{ID: "b", Kind: board.KindRect, X: 60000, Y: 0, W: 10, H: 10, Fill: ptr("#000000"), Z: "b"},
	})
	img := decodePNG(t, render(t, s, PNG, 4))
	if img.Bounds().Dx() != MaxPNGSide {
		t.Fatalf("width %d, want %d", img.Bounds().Dx(), MaxPNGSide)
	}
	// Both ends of the board are drawn.
	k := float64(MaxPNGSide) / (60010 + 2 + 2*boardMargin)
	for _, x := range []float64{5, 60005} {
		px, py := int((x+33)*k), int((5+33)*k)
		if isWhite(img, px, py) {
			t.Errorf("board x %g (pixel %d, %d) is white", x, px, py)
		}
	}
}

// A board as large as the protocol allows gives a PNG at the pixel budget,
// with both far corners drawn.
func TestPNGAtTheBudget(t *testing.T) {
	if raceEnabled {
		t.Skip("a 64-megapixel PNG takes too long under the race detector")
	}
	s := snapshotOf("Far apart", []board.Element{
		{ID: "a", Kind: board.KindRect, X: -1e7, Y: -1e7, W: 20000, H: 20000, Fill: ptr("#000000"), Z: "a"},
		{ID: "b", Kind: board.KindEllipse, X: 1e7 - 20000, Y: 1e7 - 20000, W: 20000, H: 20000, Fill: ptr("#000000"), Z: "b"},
	})
	img := decodePNG(t, render(t, s, PNG, 4))
	b := img.Bounds()
	if b.Dx() > MaxPNGSide || b.Dy() > MaxPNGSide || b.Dx()*b.Dy() > MaxPNGPixels || b.Dx() < 8000 || b.Dy() < 8000 {
		t.Fatalf("image %v", b)
	}
	// The shapes in the far corners are drawn (a few pixels each).
	k := float64(b.Dx()) / (2e7 + 2 + 2*boardMargin)
	for _, p := range [][2]float64{{-1e7 + 10000, -1e7 + 10000}, {1e7 - 10000, 1e7 - 10000}} {
		x, y := int((p[0]+1e7+33)*k), int((p[1]+1e7+33)*k)
		if !isDark(img, x, y) {
			t.Errorf("corner shape at %v (pixel %d, %d) is %v", p, x, y, img.At(x, y))
		}
	}
}
