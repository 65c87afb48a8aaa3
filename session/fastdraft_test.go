package session

import (
	"encoding/json"
	"testing"
)

// A draft as the client sends it is decoded once, straight from the line,
// with its points in one array: a 200-point stroke costs a few dozen
// allocations, not the 451 of the general path through encoding/json
// (one slice per pair), and the element is the general path's.
func TestClientDraftIsDecodedOnce(t *testing.T) {
	el, _ := json.Marshal(benchStroke("s-1", 200))
	line := []byte(`{"type":"draft","el":` + string(el) + `}`)
	msg, err := decodeLine(line)
	if err != nil || msg.draft == nil {
		t.Fatalf("decodeLine: type %q, %v: want the element decoded by fastDraft", msg.Type, err)
	}
	slow, err := decodeAny(line)
	if err != nil {
		t.Fatal(err)
	}
	want, err := draftElement(slow)
	if err != nil || len(want.Points) != 200 || len(msg.draft.Points) != 200 || msg.draft.Points[199] != want.Points[199] {
		t.Fatalf("fast %d points, general %d points (%v)", len(msg.draft.Points), len(want.Points), err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		msg, _ := decodeLine(line)
		draftElement(msg)
	})
	if allocs > 50 {
		t.Fatalf("%v allocations to decode a 200-point draft, want at most 50", allocs)
	}
}
