package export

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// Every format renders the same bytes for the same board, however its
// element map was built.
func TestRenderIsDeterministic(t *testing.T) {
	els := append(demoElements(), mixedElements(200, 1000, 750)...)
	forward := snapshotOf("Board", els)
	rev := slices.Clone(els)
	slices.Reverse(rev)
	backward := snapshotOf("Board", rev)
	for _, f := range []Format{JSON, SVG, PNG, PDF} {
		t.Run(string(f), func(t *testing.T) {
			scale := 2
			if f == PNG {
				scale = 1 // the race detector makes rasterizing slow
			}
			first := render(t, forward, f, scale)
			if other := render(t, backward, f, scale); !bytes.Equal(first, other) {
				t.Fatal("renders of equal snapshots built in different orders differ")
			}
			// Concurrent renders of one snapshot agree (and share no state).
			var wg sync.WaitGroup
			again := make([][]byte, 2)
			for i := range again {
				wg.Go(func() { again[i], _ = Render(forward, f, Options{Scale: scale}) })
			}
			wg.Wait()
			for _, b := range again {
				if !bytes.Equal(first, b) {
					t.Fatal("two renders of one snapshot differ")
				}
			}
		})
	}
}

func TestRenderRejectsBadScale(t *testing.T) {
	_, err := Render(board.NewSnapshot("x"), PNG, Options{Scale: 5})
	wantCode(t, err, board.CodeBadRequest)
}

func TestEmptyBoardIsABlankPage(t *testing.T) {
	sc := newScene(board.NewSnapshot("Empty"))
	if sc.Page != (box{0, 0, emptyW, emptyH, true}) {
		t.Fatalf("empty page %+v", sc.Page)
	}
	for _, f := range []Format{SVG, PNG, PDF} {
		if len(render(t, board.NewSnapshot("Empty"), f, 1)) == 0 {
			t.Fatalf("%s of an empty board is empty", f)
		}
	}
}

func TestBounds(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
	for _, test := range []struct {
		name string
		el   board.Element
		want box // paint box before the margin
	}{
		{"rect pads half its width", board.Element{Kind: board.KindRect, X: 10, Y: 20, W: 100, H: 50, Width: 4},
			box{8, 18, 112, 72, true}},
		{"negative size is normalised", board.Element{Kind: board.KindRect, X: 10, Y: 20, W: -100, H: -50},
			box{-91, -31, 11, 21, true}},
		{"points are relative", board.Element{Kind: board.KindLine, X: 100, Y: 100, Points: [][2]float64{{-10, 0}, {10, 20}}},
			box{89, 99, 111, 121, true}},
		{"arrows pad their head", board.Element{Kind: board.KindArrow, Points: [][2]float64{{0, 0}, {10, 0}}},
			box{-11, -11, 21, 11, true}},
		{"sticky default size", board.Element{Kind: board.KindSticky, X: 5, Y: 5},
			box{5, 5, 205, 165, true}},
		{"rotation turns the box", board.Element{Kind: board.KindRect, W: 100, H: 100, Rot: math.Pi / 4, Width: 0.5},
			box{50 - 50*math.Sqrt2 - 0.25*math.Sqrt2, 50 - 50*math.Sqrt2 - 0.25*math.Sqrt2, 50 + 50*math.Sqrt2 + 0.25*math.Sqrt2, 50 + 50*math.Sqrt2 + 0.25*math.Sqrt2, true}},
	} {
		t.Run(test.name, func(t *testing.T) {
			test.el.ID = "x"
			s, ok := resolve(&test.el, newTextShaper(currentFaces()))
			if !ok {
				t.Fatal("not drawn")
			}
			g := s.Paint
			if !near(g.MinX, test.want.MinX) || !near(g.MinY, test.want.MinY) || !near(g.MaxX, test.want.MaxX) || !near(g.MaxY, test.want.MaxY) {
				t.Fatalf("paint box %+v, want %+v", g, test.want)
			}
		})
	}
}

func TestTextBoundsFollowTheText(t *testing.T) {
	el := board.Element{ID: "t", Kind: board.KindText, X: 0, Y: 0, Text: "a fairly long line of text\nand two\nmore", Font: 20}
	s, _ := resolve(&el, newTextShaper(currentFaces()))
	if s.Paint.h() != 3*20*lineHeight {
		t.Fatalf("height %g, want three lines", s.Paint.h())
	}
	if w := s.Paint.w(); w < 26*20*0.3 || w > 26*20*0.7 {
		t.Fatalf("width %g for 26 characters at size 20", w)
	}
}

func TestStickyTextWrapsAndIsCut(t *testing.T) {
	el := board.Element{ID: "k", Kind: board.KindSticky, W: 200, H: 80, Text: "one two three four five six seven eight nine ten eleven twelve"}
	face := newTextShaper(currentFaces())
	s, _ := resolve(&el, face)
	if len(s.Lines) < 2 {
		t.Fatalf("lines %v: not wrapped", s.Lines)
	}
	for _, l := range s.Lines {
		if w := face.width(l.Text, s.Font); w > 200-2*stickyPadding {
			t.Fatalf("line %q is %g wide", l.Text, w)
		}
		if l.At.Y+fontDescent*s.Font > 80-stickyPadding+0.01 {
			t.Fatalf("line %q below the sticky", l.Text)
		}
	}
}

func TestBreakLines(t *testing.T) {
	measure := func(s string) float64 { return float64(len(s)) }
	for _, test := range []struct {
		text  string
		width float64
		want  []string
	}{
		{"a\nb", 0, []string{"a", "b"}},
		{"aaa bbb ccc", 7, []string{"aaa bbb", "ccc"}},
		{"aaaaaaaaaa", 4, []string{"aaaa", "aaaa", "aa"}},
		{"", 5, []string{""}},
	} {
		if got := breakLines(test.text, measure, test.width); !slices.Equal(got, test.want) {
			t.Errorf("breakLines(%q, %g) = %q, want %q", test.text, test.width, got, test.want)
		}
	}
}

// Elements at the protocol's limits render in every format, in bounded
// time, without errors.
func TestRenderExtremes(t *testing.T) {
	var wiggle [][2]float64
	for i := range board.MaxPoints {
		wiggle = append(wiggle, [2]float64{float64(i%100) * 8, float64(i/100)*8 + float64(i%2)*40})
	}
	long := strings.Repeat("word ", board.MaxText/5)
	far := []board.Element{
		{ID: "far-a", Kind: board.KindRect, X: -1e7, Y: -1e7, W: 10, H: 10, Z: "a"},
		{ID: "far-b", Kind: board.KindEllipse, X: 1e7, Y: 1e7, W: -1e7, H: 5, Rot: 1, Z: "b"},
	}
	els := []board.Element{
		{ID: "wiggle", Kind: board.KindStroke, Points: wiggle, Width: board.MaxWidth, Z: "c"},
		{ID: "arrow", Kind: board.KindArrow, Points: [][2]float64{{0, 0}, {0, 0}, {1, 1}, {1, 1}}, Width: board.MaxWidth, Z: "d"},
		{ID: "dot", Kind: board.KindLine, Points: [][2]float64{{5, 5}}, Z: "e"},
		{ID: "zero", Kind: board.KindRect, Z: "f"},
		{ID: "sticky", Kind: board.KindSticky, W: 1, H: -1e6, Text: long, Font: board.MaxFont, Z: "g"},
		{ID: "text", Kind: board.KindText, Text: long + "\x00\x1b\r\n\t🎨 ✓ 漢字", Font: board.MinFont, Z: "h"},
		{ID: "empty", Kind: board.KindText, Text: "\n\n", Z: "i"},
	}
	scales := []int{1, 4}
	if raceEnabled {
		scales = scales[:1] // rasterizing is slow under the race detector
	}
	for _, scale := range scales {
		for _, f := range []Format{SVG, PNG, PDF} {
			render(t, snapshotOf("Extremes 🎨", els), f, scale)
			if f != PNG { // the PNG at the pixel budget: TestPNGAtTheBudget
				render(t, snapshotOf("Far apart", append(far, els...)), f, scale)
			}
		}
	}
	if raceEnabled {
		return
	}
	// A heavy stroke on a small board, at the largest scale.
	start := time.Now()
	render(t, snapshotOf("Wiggle", els[:1]), PNG, 4)
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("a 5 000-point stroke took %v", d)
	}
}
