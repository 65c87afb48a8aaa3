package export

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/easel-app/easel/board"
)

// layoutCases is testdata/layout.json: the drawing rules' expected
// results, which static/test/shapes.test.js checks the board client
// against too, so the canvas and the exports draw alike.
type layoutCases struct {
	Measure struct {
		Default  float64            `json:"default"`
		Advances map[string]float64 `json:"advances"`
	} `json:"measure"`
	Metrics struct {
		Ascent  float64 `json:"ascent"`
		Descent float64 `json:"descent"`
	} `json:"metrics"`
	BreakLines []struct {
		Text     string   `json:"text"`
		Size     float64  `json:"size"`
		MaxWidth float64  `json:"maxWidth"`
		Lines    []string `json:"lines"`
	} `json:"breakLines"`
	Dash []struct {
		Dash    string    `json:"dash"`
		Width   float64   `json:"width"`
		Pattern []float64 `json:"pattern"`
	} `json:"dash"`
	Round []struct {
		W, H, Radius float64
	} `json:"round"`
	Outline []struct {
		El   board.Element `json:"el"`
		Path [][]any       `json:"path"`
	} `json:"outline"`
	ArrowHead []struct {
		Points [][2]float64 `json:"points"`
		Width  float64      `json:"width"`
		Head   *struct {
			Left, Tip, Right [2]float64
		} `json:"head"`
	} `json:"arrowHead"`
	LabelBox []struct {
		El  board.Element `json:"el"`
		Box struct{ X, Y, W, H float64 }
	} `json:"labelBox"`
	LabelLines []struct {
		El    board.Element `json:"el"`
		Lines []struct {
			Text string
			X, Y float64
		} `json:"lines"`
	} `json:"labelLines"`
	RotationCentre []struct {
		El     board.Element `json:"el"`
		Centre [2]float64    `json:"centre"`
	} `json:"rotationCentre"`
}

func readLayoutCases(t *testing.T) *layoutCases {
	t.Helper()
	data, err := os.ReadFile("testdata/layout.json")
	if err != nil {
		t.Fatal(err)
	}
	var c layoutCases
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

// measureAt is the fixture's measure: size × the characters' advances,
// summed left to right as the client sums them.
func (c *layoutCases) measureAt(size float64) func(string) float64 {
	return func(s string) float64 {
		w := 0.0
		for _, r := range s {
			a, ok := c.Measure.Advances[string(r)]
			if !ok {
				a = c.Measure.Default
			}
			w += a
		}
		return w * size
	}
}

// near compares at the fixture's precision (6 decimals).
func near(a, b float64) bool { return math.Abs(a-b) <= 2e-6 }

// elementBox is the element's box as resolve makes it.
func elementBox(e board.Element) box { return boxOf(e.X, e.Y, e.X+e.W, e.Y+e.H) }

func TestLayoutMatchesTheClient(t *testing.T) {
	c := readLayoutCases(t)
	t.Run("breakLines", func(t *testing.T) {
		for _, tc := range c.BreakLines {
			if got := breakLines(tc.Text, c.measureAt(tc.Size), tc.MaxWidth); !slices.Equal(got, tc.Lines) {
				t.Errorf("breakLines(%q, %g) = %q, want %q", tc.Text, tc.MaxWidth, got, tc.Lines)
			}
		}
	})
	t.Run("dash", func(t *testing.T) {
		for _, tc := range c.Dash {
			got := dashPattern(tc.Dash, tc.Width)
			if len(got) != len(tc.Pattern) || !slices.EqualFunc(got, tc.Pattern, near) {
				t.Errorf("dashPattern(%s, %g) = %v, want %v", tc.Dash, tc.Width, got, tc.Pattern)
			}
		}
	})
	t.Run("round", func(t *testing.T) {
		for _, tc := range c.Round {
			if got := roundRadius(tc.W, tc.H); !near(got, tc.Radius) {
				t.Errorf("roundRadius(%g, %g) = %g, want %g", tc.W, tc.H, got, tc.Radius)
			}
		}
	})
	t.Run("outline", func(t *testing.T) {
		for _, tc := range c.Outline {
			got := outline(tc.El.Kind, elementBox(tc.El), tc.El.Round)
			if len(got) != len(tc.Path) {
				t.Errorf("%+v: %d commands, want %d", tc.El, len(got), len(tc.Path))
				continue
			}
			for i, cmd := range tc.Path {
				ok := string(got[i].Op) == cmd[0] && len(got[i].A) == len(cmd)-1
				for j := 1; ok && j < len(cmd); j++ {
					ok = near(got[i].A[j-1], cmd[j].(float64))
				}
				if !ok {
					t.Errorf("%+v: command %d is %c %v, want %v", tc.El, i, got[i].Op, got[i].A, cmd)
				}
			}
		}
	})
	t.Run("arrowHead", func(t *testing.T) {
		for _, tc := range c.ArrowHead {
			p := make([]pt, len(tc.Points))
			for i, q := range tc.Points {
				p[i] = pt{q[0], q[1]}
			}
			tip, l, r, ok := arrowHead(p, tc.Width)
			if ok != (tc.Head != nil) {
				t.Errorf("arrowHead(%v): ok %v", tc.Points, ok)
				continue
			}
			if !ok {
				continue
			}
			h := tc.Head
			for _, q := range [][2]any{{l, h.Left}, {tip, h.Tip}, {r, h.Right}} {
				g, w := q[0].(pt), q[1].([2]float64)
				if !near(g.X, w[0]) || !near(g.Y, w[1]) {
					t.Errorf("arrowHead(%v, %g): %v, want %v", tc.Points, tc.Width, g, w)
				}
			}
		}
	})
	t.Run("labelBox", func(t *testing.T) {
		for _, tc := range c.LabelBox {
			b := labelBox(tc.El.Kind, elementBox(tc.El))
			if !near(b.MinX, tc.Box.X) || !near(b.MinY, tc.Box.Y) || !near(b.w(), tc.Box.W) || !near(b.h(), tc.Box.H) {
				t.Errorf("labelBox(%+v) = %+v, want %+v", tc.El, b, tc.Box)
			}
		}
	})
	t.Run("labelLines", func(t *testing.T) {
		for _, tc := range c.LabelLines {
			e := tc.El
			got := labelLines(e.Text, e.Font, e.Kind, elementBox(e), c.measureAt(e.Font), c.Metrics.Ascent, c.Metrics.Descent)
			if len(got) != len(tc.Lines) {
				t.Errorf("%q: %d lines, want %d", e.Text, len(got), len(tc.Lines))
				continue
			}
			for i, l := range tc.Lines {
				if got[i].Text != l.Text || !near(got[i].At.X, l.X) || !near(got[i].At.Y, l.Y) {
					t.Errorf("%q line %d: %q at %v, want %q at %g,%g", e.Text, i, got[i].Text, got[i].At, l.Text, l.X, l.Y)
				}
			}
		}
	})
	t.Run("rotationCentre", func(t *testing.T) {
		for _, tc := range c.RotationCentre {
			e := tc.El
			e.ID, e.Z, e.Text = "x", "a", "some text"
			s, ok := resolve(&e, newTextShaper(currentFaces()))
			if !ok || !near(s.Center.X, tc.Centre[0]) || !near(s.Center.Y, tc.Centre[1]) {
				t.Errorf("%+v turns about %v, want %v", tc.El, s.Center, tc.Centre)
			}
		}
	})
}

// The fixture holds the values the client's shapes.js computes; these
// pin a few of them to the rules as documented, so that a fixture
// regenerated from a broken client fails here.
func TestLayoutRulesAsDocumented(t *testing.T) {
	if r := roundRadius(100, 60); r != 15 {
		t.Errorf("round radius of 100×60 = %g, want 15 (a quarter of 60)", r)
	}
	if r := roundRadius(600, 300); r != 32 {
		t.Errorf("round radius of 600×300 = %g, want the fixed 32", r)
	}
	if p := dashPattern(board.DashDashed, 3); !slices.Equal(p, []float64{12, 12}) {
		t.Errorf("dashed at width 3: %v", p)
	}
	if p := dashPattern(board.DashDotted, 3); !slices.Equal(p, []float64{0, 9}) {
		t.Errorf("dotted at width 3: %v", p)
	}
	b := labelBox(board.KindDiamond, box{0, 0, 200, 100, true})
	if b != (box{55, 30, 145, 70, true}) {
		t.Errorf("diamond label box %+v", b)
	}
}

func TestDashPolyline(t *testing.T) {
	line := []pt{{0, 0}, {10, 0}, {10, 10}}
	got := dashPolyline(line, []float64{4, 4}, false)
	want := [][]pt{{{0, 0}, {4, 0}}, {{8, 0}, {10, 0}, {10, 2}}, {{10, 6}, {10, 10}}}
	if len(got) != len(want) {
		t.Fatalf("dashes %v, want %v", got, want)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("dash %d: %v, want %v", i, got[i], want[i])
		}
	}
	// Dots: a piece of length 0 every 3, from the first point; a closed
	// square's perimeter of 40 holds dots at 0, 3, …, 39.
	sq := []pt{{0, 0}, {10, 0}, {10, 10}, {0, 10}}
	dots := dashPolyline(sq, []float64{0, 3}, true)
	if len(dots) != 14 {
		t.Fatalf("%d dots, want 14: %v", len(dots), dots)
	}
	for _, d := range dots {
		if len(d) != 2 || d[0] != d[1] {
			t.Errorf("a dot is %v", d)
		}
	}
	if dots[4][0] != (pt{10, 2}) {
		t.Errorf("the fifth dot at %v, want 10,2", dots[4][0])
	}
}
