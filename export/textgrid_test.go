package export

import (
	"image"
	"math"
	"testing"

	"github.com/easel-app/easel/board"
)

// TestGlyphOriginsOnChromiumsGrid: an unturned glyph's origin goes to the
// nearest quarter pixel across and the nearest whole pixel down, where
// Chromium's canvas draws it; a turned one stays where it is.
func TestGlyphOriginsOnChromiumsGrid(t *testing.T) {
	for _, k := range []float64{1, 2, 3} {
		r := &pngRenderer{k: k, origin: pt{-33.3, -7.9}, s: &shape{}}
		for _, pen := range []pt{{0, 0}, {10.1, 23.76}, {-4.37, 5.5}, {200.124, 0.49}, {7.3749, 7.5001}} {
			got := r.onGrid(pen).sub(r.origin).mul(k)
			was := pen.sub(r.origin).mul(k)
			// (to the rounding of going back to board units and again to
			// pixels)
			if math.Abs(got.X*4-math.Round(got.X*4)) > 1e-9 || math.Abs(got.Y-math.Round(got.Y)) > 1e-9 {
				t.Errorf("k %v: %v goes to pixel %v, not a quarter pixel across and a whole one down", k, pen, got)
			}
			if math.Abs(got.X-was.X) > 0.125+1e-9 || math.Abs(got.Y-was.Y) > 0.5+1e-9 {
				t.Errorf("k %v: %v moved from pixel %v to %v, beyond the nearest", k, pen, was, got)
			}
		}
	}
	r := &pngRenderer{k: 1, origin: pt{-33.3, -7.9}, s: &shape{Rot: 0.2}}
	if pen := (pt{10.1, 23.76}); r.onGrid(pen) != pen {
		t.Errorf("a turned glyph moved from %v to %v", pen, r.onGrid(pen))
	}
}

// TestPNGTextOnChromiumsGrid: moving an unturned text less than the grid
// leaves its pixels as they were; a quarter pixel across moves them (the
// PNG keeps subpixel positions, as Chromium does); a turned text moves with
// any shift. A white rect fixes the page, so only the text moves.
func TestPNGTextOnChromiumsGrid(t *testing.T) {
	ff := embeddedFaces()
	paper := board.Element{ID: "paper", Kind: board.KindRect, X: 0, Y: 0, W: 200, H: 100, Stroke: "#ffffff", Fill: ptr("#ffffff"), Width: 2, Z: "a"}
	at := func(x, y, rot float64) *image.RGBA {
		text := board.Element{ID: "t", Kind: board.KindText, X: x, Y: y, W: 60, H: 30, Rot: rot, Font: 24, Text: "H", Stroke: "#1e1e1e", Z: "b"}
		return drawBoard(t, ff, []board.Element{paper, text}, 1, nil)
	}
	// The page starts 33 units before the paper (its stroke, the margin):
	// "H" at x 20 has its origin at pixel 53, its baseline at 20 + 23.76
	// + 33 = 76.76, drawn at 77.
	base := at(20, 20, 0)
	if d := differentPixels(base, at(20.1, 20.2, 0)); d != 0 {
		t.Errorf("moved by (0.1, 0.2), within the grid: %d pixels differ", d)
	}
	if d := differentPixels(base, at(20.25, 20, 0)); d == 0 {
		t.Error("moved a quarter pixel across: the same pixels (rounded to whole pixels?)")
	}
	if d := differentPixels(base, at(20, 20.8, 0)); d == 0 {
		t.Error("moved 0.8 down, to the next pixel row: the same pixels")
	}
	if d := differentPixels(at(20, 20, 0.2), at(20.1, 20.2, 0.2)); d == 0 {
		t.Error("a turned text moved by (0.1, 0.2): the same pixels, as if put on the grid")
	}
}
