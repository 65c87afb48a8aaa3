package export

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/easel-app/easel/board"
)

// pngOf renders els at scale 1 and returns the image and the board point
// at its pixel 0, 0.
func pngOf(t *testing.T, els []board.Element) (image.Image, pt) {
	t.Helper()
	s := snapshotOf("Styles", els)
	img, err := png.Decode(bytes.NewReader(render(t, s, PNG, 1)))
	if err != nil {
		t.Fatal(err)
	}
	p := newScene(s).Page
	return img, pt{p.MinX, p.MinY}
}

// colourAt is the pixel under board point (x, y), as 8-bit r, g, b.
func colourAt(img image.Image, origin pt, x, y float64) [3]uint8 {
	r, g, b, _ := img.At(int(math.Floor(x-origin.X)), int(math.Floor(y-origin.Y))).RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

var (
	inkBlue   = [3]uint8{0x19, 0x71, 0xc2}
	fillBlue  = [3]uint8{0xa5, 0xd8, 0xff}
	pageWhite = [3]uint8{0xff, 0xff, 0xff}
)

// Issue 11: rot turns every kind about its box's centre, in the PNG as in
// the SVG's rotate() and the PDF's matrix.
func TestRotationInEveryFormat(t *testing.T) {
	// A 200×20 bar turned a quarter: 20 wide, 200 tall, about (100, 10).
	bar := board.Element{ID: "r", Kind: board.KindRect, X: 0, Y: 0, W: 200, H: 20, Rot: math.Pi / 2, Stroke: "#1971c2", Fill: ptr("#a5d8ff"), Width: 2, Z: "a0"}
	img, o := pngOf(t, []board.Element{bar})
	if c := colourAt(img, o, 100, 80); c != fillBlue {
		t.Errorf("inside the turned bar (100, 80): %v", c)
	}
	if c := colourAt(img, o, 70, 10); c != pageWhite {
		t.Errorf("where the bar was before turning (70, 10): %v", c)
	}
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w > h {
		t.Errorf("the page of a standing bar is %d×%d", w, h)
	}

	// Every kind turned: the SVG turns each about its centre, the PDF
	// has one rotation per element.
	els := []board.Element{
		bar,
		{ID: "d", Kind: board.KindDiamond, X: 300, Y: 0, W: 100, H: 60, Rot: 0.5, Z: "a1"},
		{ID: "e", Kind: board.KindEllipse, X: 0, Y: 300, W: 100, H: 60, Rot: 0.5, Z: "a2"},
		{ID: "l", Kind: board.KindArrow, X: 300, Y: 300, Points: [][2]float64{{-10, 0}, {90, 40}}, Rot: 0.5, Z: "a3"},
		{ID: "t", Kind: board.KindText, X: 0, Y: 500, W: 80, H: 40, Text: "turned text that is longer than its box", Rot: 0.5, Z: "a4"},
		{ID: "k", Kind: board.KindSticky, X: 300, Y: 500, W: 100, H: 100, Text: "note", Rot: 0.5, Z: "a5"},
	}
	svg := string(render(t, snapshotOf("Turned", els), SVG, 1))
	for _, centre := range []string{"100 10", "350 30", "50 330", "340 320", "40 520", "350 550"} {
		if !strings.Contains(svg, " "+centre+`)">`) {
			t.Errorf("no rotation about %s in the SVG:\n%s", centre, svg)
		}
	}
	var content []byte
	for _, st := range pdfStreams(t, render(t, snapshotOf("Turned", els), PDF, 1)) {
		content = append(content, st...)
	}
	if n := regexp.MustCompile(`(?m) cm$`).FindAll(content, -1); len(n) < len(els) {
		t.Errorf("%d transformation matrices in the PDF, want one per turned element (%d)", len(n), len(els))
	}
}

// Issue 11: dashed and dotted outlines and lines, in the rules' pattern.
func TestDashesInEveryFormat(t *testing.T) {
	line := func(id, dash string, y float64) board.Element {
		return board.Element{ID: id, Kind: board.KindLine, X: 0, Y: y, Points: [][2]float64{{0, 0}, {160, 0}}, Stroke: "#1971c2", Width: 2, Dash: dash, Z: "a" + id}
	}
	img, o := pngOf(t, []board.Element{line("1", "", 0), line("2", board.DashDashed, 40), line("3", board.DashDotted, 80)})
	// Along each line at mid-height: dashed is on for 8 (+ caps) and off
	// for 8 (− caps), period 16; dotted is a 2-wide dot every 6.
	runs := func(y float64) (ink int) {
		for x := 0.5; x < 160; x++ {
			if colourAt(img, o, x, y)[0] < 0x80 {
				ink++
			}
		}
		return ink
	}
	if n := runs(0); n < 158 {
		t.Errorf("solid line: %d of 160 pixels inked", n)
	}
	if n := runs(40); n < 160*4/16 || n > 160*12/16 {
		t.Errorf("dashed line: %d of 160 pixels inked, want about 10 of every 16", n)
	}
	if c := colourAt(img, o, 4, 40); c != inkBlue {
		t.Errorf("dashed line starts with a dash: %v at 4", c)
	}
	if c := colourAt(img, o, 12.5, 40); c != pageWhite {
		t.Errorf("dashed line's first gap: %v at 12.5", c)
	}
	if n := runs(80); n < 10 || n > 160/6*2+2 {
		t.Errorf("dotted line: %d of 160 pixels inked, want a dot every 6", n)
	}

	rect := board.Element{ID: "r", Kind: board.KindRect, X: 0, Y: 0, W: 100, H: 60, Stroke: "#1971c2", Width: 2, Dash: board.DashDashed, Z: "a0"}
	s := snapshotOf("Dashes", []board.Element{rect})
	if svg := render(t, s, SVG, 1); !bytes.Contains(svg, []byte(`stroke-dasharray="8 8"/>`)) {
		t.Errorf("SVG dashed rect: %s", svg)
	}
	lines := func(data []byte) int {
		n := 0
		for _, st := range pdfStreams(t, data) {
			n += bytes.Count(st, []byte(" l S\n"))
		}
		return n
	}
	solid := snapshotOf("Solid", []board.Element{{ID: "r", Kind: board.KindRect, W: 100, H: 60, Z: "a0"}})
	if d, s := lines(render(t, s, PDF, 1)), lines(render(t, solid, PDF, 1)); d < 320/16 || d <= s {
		t.Errorf("PDF: %d line segments dashed, %d solid; want one per dash (about %d)", d, s, 320/16)
	}
}

// Issue 11: rounded corners by the one radius rule, and labels centred
// inside their shape.
func TestRoundCornersAndLabelsInEveryFormat(t *testing.T) {
	els := []board.Element{
		{ID: "r", Kind: board.KindRect, X: 0, Y: 0, W: 200, H: 100, Stroke: "#1971c2", Fill: ptr("#a5d8ff"), Width: 2, Round: true, Z: "a0"},
		{ID: "e", Kind: board.KindEllipse, X: 300, Y: 0, W: 200, H: 100, Stroke: "#1971c2", Width: 2, Text: "Wrapped label text here", Font: 20, Z: "a1"},
	}
	img, o := pngOf(t, els)
	// Radius 25 (a quarter of 100): the box's corner is outside, the
	// middle of the top side on the stroke, the middle filled.
	if c := colourAt(img, o, 3, 3); c != pageWhite {
		t.Errorf("rounded corner (3, 3): %v", c)
	}
	if c := colourAt(img, o, 100, 0); c != inkBlue {
		t.Errorf("top side (100, 0): %v", c)
	}
	// The label: ink around the ellipse's centre, centred (as much left
	// as right of it), none near its ends.
	left, right := 0, 0
	for y := 20.0; y < 80; y++ {
		for x := 330.0; x < 470; x++ {
			if c := colourAt(img, o, x, y); c[0] < 128 {
				if x < 400 {
					left++
				} else {
					right++
				}
			}
		}
	}
	if left < 50 || right < 50 || math.Abs(float64(left-right)) > 0.35*float64(left+right) {
		t.Errorf("label ink %d left, %d right of the centre: not centred", left, right)
	}
	sc := newScene(snapshotOf("L", els))
	if n := len(sc.Shapes[1].Lines); n < 2 {
		t.Errorf("label of %d lines, want it wrapped to the ellipse's inner box", n)
	}

	data := render(t, snapshotOf("L", els), SVG, 1)
	if !bytes.Contains(data, []byte(`<rect x="0" y="0" width="200" height="100" rx="25" fill="#a5d8ff"`)) {
		t.Errorf("SVG rounded rect: %s", data)
	}
	if n := bytes.Count(data, []byte("<tspan")); n != len(sc.Shapes[1].Lines) {
		t.Errorf("SVG label: %d tspans", n)
	}
	var content []byte
	for _, st := range pdfStreams(t, render(t, snapshotOf("L", els), PDF, 1)) {
		content = append(content, st...)
	}
	if n := bytes.Count(content, []byte("TJ")); n != len(sc.Shapes[1].Lines) {
		t.Errorf("PDF label: %d text lines shown, want %d", n, len(sc.Shapes[1].Lines))
	}
}
