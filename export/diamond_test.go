package export

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/easel-app/easel/board"
)

// A diamond (issue 11) is drawn in every format as the rhombus inscribed
// in its box, filled and turned like a rect; the new style fields do not
// stop an element from rendering.
func TestDiamondRendersInEveryFormat(t *testing.T) {
	els := []board.Element{
		{ID: "d", Kind: board.KindDiamond, X: 10, Y: 10, W: 100, H: 60, Stroke: "#000000", Fill: ptr("#ff0000"), Width: 4, Z: "a0", Round: true, Dash: board.DashDashed, Text: "label"},
		{ID: "t", Kind: board.KindDiamond, X: 150, Y: 10, W: 40, H: 40, Rot: 0.5, Z: "a1", Group: "g", Locked: true},
		{ID: "z", Kind: board.KindDiamond, X: 5, Y: 5, Z: "a2"},
		{ID: "a", Kind: board.KindArrow, X: 0, Y: 100, Points: [][2]float64{{0, 0}, {100, 0}}, Start: &board.Binding{ID: "d"}, End: &board.Binding{ID: "gone"}, Z: "a3"},
	}
	s := snapshotOf("Diamonds", els)
	svg := string(render(t, s, SVG, 1))
	// The plain one a polygon, the rounded one a path of curves.
	if strings.Count(svg, "<polygon") != 1 || !strings.Contains(svg, `Q60 10 `) {
		t.Fatalf("SVG lacks the diamonds:\n%s", svg)
	}
	img, err := png.Decode(bytes.NewReader(render(t, s, PNG, 1)))
	if err != nil {
		t.Fatal(err)
	}
	// The red fill is there, and covers about half of the diamond's box
	// (a rhombus fills half its bounds), not all of it as a rect would.
	red := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 > 200 && g>>8 < 80 && bl>>8 < 80 {
				red++
			}
		}
	}
	if red < 1500 || red > 4000 {
		t.Fatalf("%d red pixels, want about half of 100×60 minus the outline", red)
	}
	if len(render(t, s, PDF, 1)) == 0 {
		t.Fatal("empty PDF")
	}
}
