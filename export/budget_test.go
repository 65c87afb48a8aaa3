package export

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/easel-app/easel/board"
)

// pageRects is n rects of 8000 × 8000 board units, one over the other:
// the board that made one PNG take an hour when every shape cost its
// whole bounding box.
func pageRects(n int, fill *string) []board.Element {
	els := make([]board.Element, n)
	for i := range els {
		els[i] = board.Element{ID: fmt.Sprintf("r%05d", i), Kind: board.KindRect, W: 8000, H: 8000,
			Stroke: "#1e1e1e", Fill: fill, Z: fmt.Sprintf("a%05d", i)}
	}
	return els
}

// shapeWork is the work drawing one shape takes, beyond the canvas.
func shapeWork(t *testing.T, els []board.Element) (work int64, sc *scene, k float64) {
	t.Helper()
	sc = newScene(snapshotOf("W", els))
	p, err := drawPNG(context.Background(), sc, 1, MaxRenderWork)
	if err != nil {
		t.Fatal(err)
	}
	return p.work - int64(p.img.Rect.Dx()*p.img.Rect.Dy()), sc, 1
}

// Fault 1: a shape's work is what it covers (its outline's band, its
// fill), not its bounding box; and the estimate the budget uses is never
// below it.
func TestShapeWorkIsWhatItCovers(t *testing.T) {
	page := 8000.0 * 8000.0
	cases := []struct {
		name    string
		el      board.Element
		atMost  float64 // pixels
		covered float64
	}{
		{"page-sized rect outline", board.Element{Kind: board.KindRect, W: 8000, H: 8000, Width: 2}, 0.01 * page, 4 * 8000 * 2},
		{"page-sized ellipse outline", board.Element{Kind: board.KindEllipse, W: 8000, H: 8000, Width: 2}, 0.06 * page, 3.14 * 8000 * 2},
		{"page-sized rotated rect outline", board.Element{Kind: board.KindRect, W: 8000, H: 8000, Width: 4, Rot: 0.5}, 0.06 * page, 4 * 8000 * 4},
		{"diagonal line", board.Element{Kind: board.KindLine, Points: [][2]float64{{0, 0}, {8000, 8000}}, Width: 3}, 0.03 * page, 11314 * 3},
		{"zigzag stroke", board.Element{Kind: board.KindStroke, Points: [][2]float64{{0, 0}, {8000, 100}, {0, 200}, {8000, 300}, {0, 8000}}, Width: 6}, 0.02 * page, 4 * 8000 * 6},
		{"filled page rect", board.Element{Kind: board.KindRect, W: 8000, H: 8000, Fill: ptr("#ff0000")}, 1.05 * page, page},
		// Issue 11's styles: every dash and dot has caps of its own, a
		// label is text over the shape.
		{"page-sized dotted rect", board.Element{Kind: board.KindRect, W: 8000, H: 8000, Width: 2, Dash: board.DashDotted}, 0.01 * page, 4 * 8000 * 2},
		{"page-sized dashed rounded diamond", board.Element{Kind: board.KindDiamond, W: 8000, H: 8000, Width: 4, Dash: board.DashDashed, Round: true, Rot: 0.3}, 0.06 * page, 4 * 5657 * 4},
		{"dotted thin line", board.Element{Kind: board.KindLine, Points: [][2]float64{{0, 0}, {8000, 10}}, Width: 0.5, Dash: board.DashDotted}, 0.01 * page, 8000},
		{"labelled filled ellipse", board.Element{Kind: board.KindEllipse, W: 8000, H: 8000, Fill: ptr("#ff0000"), Text: "a label\nof two lines", Font: 400}, 1.05 * page, 0.8 * page},
		{"dashed arrow", board.Element{Kind: board.KindArrow, Points: [][2]float64{{0, 0}, {4000, 8000}}, Width: 8, Dash: board.DashDashed}, 0.03 * page, 8944 * 8},
	}
	for _, c := range cases {
		c.el.ID, c.el.Z = "x", "a"
		work, sc, k := shapeWork(t, []board.Element{c.el})
		if float64(work) > c.atMost {
			t.Errorf("%s: %d pixels of work for about %.0f covered, want at most %.0f (its box is %.0f)", c.name, work, c.covered, c.atMost, page)
		}
		if est := costOf(&sc.Shapes[0], box{}); est.at(k) < float64(work) {
			t.Errorf("%s: estimate %.0f below the real work %d", c.name, est.at(k), work)
		}
	}
}

// The 10 000 page-sized rects cost what their outlines cover: with
// fills, each one's fill is hidden by the next but for its edge.
func TestPageRectsBoardFitsTheBudget(t *testing.T) {
	for _, fill := range []*string{nil, ptr("#a5d8ff")} {
		sc := newScene(snapshotOf("Rects", pageRects(10000, fill)))
		pl, err := planPNG(sc, 1, MaxRenderWork)
		if err != nil {
			t.Fatalf("fill %v: %v", fill, err)
		}
		if pl.k < 0.99 {
			t.Errorf("fill %v: drawn at %.3f pixels a unit, want the requested 1 (less the 64 Mpx cap)", fill != nil, pl.k)
		}
		// The work of 100 of them, measured, stays within 100 estimates.
		sc100 := newScene(snapshotOf("Rects", pageRects(100, fill)))
		p, err := drawPNG(context.Background(), sc100, 1, MaxRenderWork)
		if err != nil {
			t.Fatal(err)
		}
		pl100, _ := planPNG(sc100, 1, MaxRenderWork)
		if est := pl100.work(pl100.k, sc100.Page); float64(p.work) > est {
			t.Errorf("fill %v: work %d above the estimate %.0f", fill != nil, p.work, est)
		}
	}
}

// Skipping what a later opaque rect hides changes no pixel beyond the
// rounding of anti-aliasing: a shape's regions are split elsewhere, and
// vector's fixed-point mode (regions up to 512 pixels a side) rounds the
// coverage of edge pixels differently, by a few levels.
func TestHiddenShapesChangeNoPixel(t *testing.T) {
	els := mixedElements(300, 1500, 1000)
	els = append(els,
		board.Element{ID: "cover1", Kind: board.KindRect, X: 100, Y: 100, W: 700, H: 500, Fill: ptr("#ffec99"), Width: 3, Z: "zz1"},
		board.Element{ID: "cover2", Kind: board.KindRect, X: 600.3, Y: 300.7, W: 800.2, H: 600.1, Fill: ptr("#b2f2bb"), Width: 1, Z: "zz0"},
	)
	sc := newScene(snapshotOf("Hide", els))
	with, err := drawPNG(context.Background(), sc, 2, MaxRenderWork)
	if err != nil {
		t.Fatal(err)
	}
	// The same scene, every shape drawn in full.
	pl, _ := planPNG(sc, 2, MaxRenderWork)
	r := &pngRenderer{p: newPainter(pl.w, pl.h, ""), k: pl.k, origin: pt{sc.Page.MinX, sc.Page.MinY}, face: sc.shaper}
	r.p.work = int64(pl.w * pl.h) // the canvas, as drawPNG counts it
	for i := range sc.Shapes {
		r.shape(&sc.Shapes[i])
	}
	differ := 0
	for i, v := range with.img.Pix {
		if d := int(v) - int(r.p.img.Pix[i]); d != 0 {
			differ++
			if d > 32 || d < -32 {
				px := i / 4
				t.Fatalf("skipping hidden parts changed pixel %d, %d: %d, drawn in full %d", px%pl.w, px/pl.w, v, r.p.img.Pix[i])
			}
		}
	}
	if differ > len(with.img.Pix)/200 {
		t.Errorf("%d of %d channel values differ", differ, len(with.img.Pix))
	}
	if with.work >= r.p.work {
		t.Errorf("hiding saved nothing: %d vs %d", with.work, r.p.work)
	}
}

// Over the budget the scale is lowered; below the smallest size the
// budget allows, the render is refused with too_large.
func TestBudgetLowersTheScaleThenRefuses(t *testing.T) {
	sc := newScene(snapshotOf("Rects", pageRects(50, nil)))
	full, err := planPNG(sc, 1, MaxRenderWork)
	if err != nil {
		t.Fatal(err)
	}
	need := full.work(full.k, sc.Page)
	lower, err := planPNG(sc, 1, need/4)
	if err != nil {
		t.Fatal(err)
	}
	if lower.k >= full.k || lower.work(lower.k, sc.Page) > need/4 {
		t.Errorf("a quarter of the budget: scale %.3f (work %.0f), full %.3f (work %.0f)", lower.k, lower.work(lower.k, sc.Page), full.k, need)
	}
	_, err = planPNG(sc, 1, 1e6)
	if board.ErrorCode(err) != board.CodeTooLarge {
		t.Fatalf("a budget below the smallest image: %v, want too_large", err)
	}
}

// A cancelled render stops inside the rasterizer, long before the end.
func TestRenderStopsWhenCancelled(t *testing.T) {
	sc := newScene(snapshotOf("Rects", pageRects(2000, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	p := newPainter(10, 10, "")
	_ = p
	check := func() error {
		calls++
		if calls == 3 {
			cancel()
		}
		return ctx.Err()
	}
	pl, _ := planPNG(sc, 1, MaxRenderWork)
	r := &pngRenderer{p: newPainter(pl.w, pl.h, ""), k: pl.k, origin: pt{sc.Page.MinX, sc.Page.MinY}, face: sc.shaper}
	r.p.check = check
	drawn := 0
	for i := range sc.Shapes {
		if r.p.stopped() {
			break
		}
		r.shape(&sc.Shapes[i])
		drawn++
	}
	if !errors.Is(r.p.err, context.Canceled) || drawn == len(sc.Shapes) {
		t.Fatalf("after cancel: err %v, %d of %d shapes drawn", r.p.err, drawn, len(sc.Shapes))
	}
	if _, err := RenderContext(ctx, snapshotOf("R", pageRects(10, nil)), PNG, Options{Scale: 1}); !errors.Is(err, context.Canceled) {
		t.Fatalf("RenderContext with a cancelled context: %v", err)
	}
}
