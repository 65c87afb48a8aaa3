package session

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/easel-app/easel/board"
)

// The draft encoder writes exactly what json.Marshal writes, whether it
// extends a member's last points or starts anew: a stroke growing point
// by point, one that is simplified (shorter), a new stroke, -0 after 0 at
// the same place, numbers in exponent form, an id holding `,"rot":`, an
// arrow with bindings, and shapes without points.
func TestDraftEncoderWritesWhatJSONMarshalWrites(t *testing.T) {
	var e draftEncoder
	check := func(peer string, el board.Element) {
		t.Helper()
		got := e.encodeDrafts([]localDraft{{peer: peer, gen: 1, el: &el}})[0].El
		want, _ := json.Marshal(&el)
		if string(got) != string(want) {
			t.Fatalf("encoded\n%s\njson.Marshal\n%s", got, want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	stroke := board.Element{ID: `s,"rot":1`, Kind: board.KindStroke, X: 10, Y: -20, W: 5, H: 6, Stroke: "#1e1e1e", Width: 2, Z: "a0"}
	for range 300 {
		stroke.Points = append(stroke.Points, [2]float64{math.Round(rng.Float64()*1e4) / 100, -math.Round(rng.Float64()*1e4) / 100})
		check("p1", stroke)
	}
	stroke.Points = stroke.Points[:120] // simplified on release
	check("p1", stroke)
	stroke.Points = append(stroke.Points, [2]float64{1e-7, 3e21}, [2]float64{0, 0})
	check("p1", stroke)
	stroke.Points[len(stroke.Points)-1] = [2]float64{math.Copysign(0, -1), 0}
	check("p1", stroke)
	other := board.Element{ID: "s2", Kind: board.KindStroke, Points: stroke.Points[:3]}
	check("p1", other) // a new stroke from the same member
	check("p2", stroke)
	arrow := board.Element{ID: "a", Kind: board.KindArrow, Points: [][2]float64{{0, 0}, {5, 5}}, Start: &board.Binding{ID: "r"}, Dash: "dashed"}
	check("p3", arrow)
	fill := "#ffffff"
	check("p4", board.Element{ID: "r", Kind: board.KindRect, W: 10, H: 10, Fill: &fill, Text: `<b>"hi"</b>`, Rot: 0.5})
}

// An entry is dropped some ticks after its member's last draft: a member
// that left does not keep its stroke's text in the room.
func TestDraftEncoderForgetsIdleMembers(t *testing.T) {
	var e draftEncoder
	el := board.Element{ID: "s", Kind: board.KindStroke, Points: [][2]float64{{1, 2}}}
	e.encodeDrafts([]localDraft{{peer: "gone", gen: 1, el: &el}})
	for range draftEncoderKeep + 1 {
		e.encodeDrafts([]localDraft{{peer: "stays", gen: 1, el: &el}})
	}
	if _, ok := e.last["gone"]; ok || len(e.last) != 1 {
		t.Fatalf("entries after %d idle ticks: %d (gone kept: %v)", draftEncoderKeep+1, len(e.last), ok)
	}
}
