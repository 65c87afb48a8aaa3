package export

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/easel-app/easel/board"
)

// snapshotOf builds a snapshot holding els, inserted in the given order.
func snapshotOf(title string, els []board.Element) *board.Snapshot {
	s := board.NewSnapshot(title)
	s.Seq = 42
	for i := range els {
		e := els[i]
		s.Elements[e.ID] = &e
	}
	return s
}

func ptr(s string) *string { return &s }

// demoElements holds one element of every kind, some rotated, with text
// that needs escaping and characters beyond ASCII.
func demoElements() []board.Element {
	return []board.Element{
		{ID: "r", Kind: board.KindRect, X: 10, Y: 10, W: 200, H: 120, Stroke: "#000000", Fill: ptr("#a5d8ff"), Width: 6, Z: "a0"},
		{ID: "e", Kind: board.KindEllipse, X: 250, Y: 10, W: 200, H: 120, Stroke: "#e03131", Width: 4, Z: "a1", Rot: 0.3},
		{ID: "s", Kind: board.KindStroke, X: 20, Y: 200, Points: [][2]float64{{0, 0}, {30, 40}, {60, 0}, {90, 50}, {120, 10}}, Width: 8, Z: "a2"},
		{ID: "l", Kind: board.KindLine, X: 200, Y: 200, Points: [][2]float64{{0, 0}, {60, 60}, {120, 0}}, Width: 10, Z: "a3"},
		{ID: "a", Kind: board.KindArrow, X: 350, Y: 200, Points: [][2]float64{{0, 60}, {120, 0}}, Width: 3, Z: "a4", Stroke: "#2f9e44"},
		{ID: "t", Kind: board.KindText, X: 20, Y: 300, Text: "Hello, Easel! çà €\n<b>&amp;</b>", Font: 24, Z: "a5"},
		{ID: "k", Kind: board.KindSticky, X: 300, Y: 300, Text: "A sticky note with text that wraps inside it", Z: "a6", Rot: -0.1},
		{ID: "d", Kind: board.KindStroke, X: 520, Y: 40, Points: [][2]float64{{0, 0}}, Width: 20, Z: "a7"},
	}
}

// mixedElements is n elements of every kind spread over a w×h area,
// from a fixed seed.
func mixedElements(n int, w, h float64) []board.Element {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []board.Kind{board.KindStroke, board.KindRect, board.KindEllipse, board.KindLine, board.KindArrow, board.KindText, board.KindSticky}
	colors := []string{"#1e1e1e", "#e03131", "#2f9e44", "#1971c2", "#f08c00"}
	els := make([]board.Element, n)
	for i := range els {
		k := kinds[i%len(kinds)]
		e := board.Element{
			ID:     fmt.Sprintf("el-%05d", i),
			Kind:   k,
			X:      rng.Float64() * w,
			Y:      rng.Float64() * h,
			Stroke: colors[rng.IntN(len(colors))],
			Width:  1 + float64(rng.IntN(8)),
			Z:      fmt.Sprintf("a%04d", rng.IntN(n)),
		}
		switch k {
		case board.KindStroke, board.KindLine, board.KindArrow:
			np := 2 + rng.IntN(60)
			if k != board.KindStroke {
				np = 2 + rng.IntN(4)
			}
			x, y := 0.0, 0.0
			for range np {
				x += rng.Float64()*20 - 8
				y += rng.Float64()*20 - 8
				e.Points = append(e.Points, [2]float64{x, y})
			}
		case board.KindRect, board.KindEllipse:
			e.W, e.H = 20+rng.Float64()*300, 20+rng.Float64()*200
			if rng.IntN(2) == 0 {
				e.Fill = ptr(colors[rng.IntN(len(colors))])
			}
			if rng.IntN(4) == 0 {
				e.Rot = rng.Float64() * 6
			}
		case board.KindText:
			e.Text = fmt.Sprintf("Text %d\nsecond line", i)
			e.Font = 12 + float64(rng.IntN(30))
		case board.KindSticky:
			e.Text = fmt.Sprintf("Sticky note number %d with a few words to wrap", i)
		}
		els[i] = e
	}
	return els
}

// render is Render that fails the test on an error.
func render(t testing.TB, s *board.Snapshot, f Format, scale int) []byte {
	t.Helper()
	b, err := Render(s, f, Options{Scale: scale})
	if err != nil {
		t.Fatalf("render %s: %v", f, err)
	}
	return b
}

// wantCode checks err is a board error with code.
func wantCode(t *testing.T, err error, code board.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	if got := board.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %s, want %s", err, got, code)
	}
}
