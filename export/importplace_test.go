package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/easel-app/easel/board"
)

func placeable(t *testing.T, data string) *Imported {
	t.Helper()
	im, err := ReadImport([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return im
}

const placeFile = `{"format":"easel","version":1,"elements":[
 {"id":"top","kind":"rect","x":100,"y":100,"w":100,"h":50,"z":"b","group":"G"},
 {"id":"bottom","kind":"ellipse","x":300,"y":200,"w":100,"h":100,"z":"a","group":"G"},
 {"id":"arrow","kind":"arrow","x":0,"y":0,"points":[[200,125],[300,250]],"z":"c","start":{"id":"top"},"end":{"id":"outside"}},
 {"id":"solo","kind":"text","x":150,"y":300,"text":"hi","z":"d","group":"H"}]}`

// Fresh ids, bindings and groups renamed together, a binding to an
// element outside the import dropped, z keys above the board's top in the
// file's order.
func TestPlaceGivesFreshIDs(t *testing.T) {
	im := placeable(t, placeFile)
	taken := map[string]bool{"top": true}
	ids, err := im.Place(Placement{Taken: func(id string) bool { return taken[id] }, Top: "a5"})
	if err != nil {
		t.Fatal(err)
	}
	passesValidation(t, im.Elements)
	if len(ids) != 4 {
		t.Fatalf("ids %v", ids)
	}
	seen := map[string]bool{}
	for i, el := range im.Elements {
		if el.ID != ids[i] || seen[el.ID] || taken[el.ID] || !strings.HasPrefix(el.ID, "i") {
			t.Fatalf("element %d has id %q (ids %v)", i, el.ID, ids)
		}
		seen[el.ID] = true
		if el.Z <= "a5" || (i > 0 && el.Z <= im.Elements[i-1].Z) {
			t.Fatalf("z %q of element %d is not above a5 and its predecessor", el.Z, i)
		}
	}
	// In drawing order of the file: bottom (a), top (b), arrow (c), solo (d).
	bottom, top, arrow, solo := im.Elements[0], im.Elements[1], im.Elements[2], im.Elements[3]
	if bottom.Kind != board.KindEllipse || top.Kind != board.KindRect || arrow.Kind != board.KindArrow || solo.Kind != board.KindText {
		t.Fatalf("order %s %s %s %s", bottom.Kind, top.Kind, arrow.Kind, solo.Kind)
	}
	if bottom.Z != "a6" || solo.Z != "a9" {
		t.Errorf("z keys %q … %q; want the client's next integers a6 … a9", bottom.Z, solo.Z)
	}
	if arrow.Start == nil || arrow.Start.ID != top.ID || arrow.End != nil {
		t.Errorf("arrow bindings %+v %+v; want start → %s and no end", arrow.Start, arrow.End, top.ID)
	}
	if top.Group == "" || top.Group == "G" || top.Group != bottom.Group || solo.Group == top.Group || solo.Group == "" {
		t.Errorf("groups %q %q %q", top.Group, bottom.Group, solo.Group)
	}
	if top.X != 100 || bottom.Y != 200 {
		t.Errorf("moved without a centre: %+v", top)
	}

	// The same file again: other ids and groups, keys above the first copy.
	again := placeable(t, placeFile)
	ids2, err := again.Place(Placement{Taken: func(id string) bool { return seen[id] }, Top: solo.Z})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids2 {
		if seen[id] {
			t.Fatalf("id %s reused", id)
		}
		if again.Elements[i].Z <= solo.Z {
			t.Fatalf("second copy's z %q not above %q", again.Elements[i].Z, solo.Z)
		}
	}
	if again.Elements[1].Group == top.Group {
		t.Error("the second copy joined the first copy's group")
	}
}

// Centred: the middle of the import's bounds lands on the point, the
// layout unchanged; a centre that pushes an element past ±1e7 is refused.
func TestPlaceCentres(t *testing.T) {
	im := placeable(t, placeFile)
	// Bounds: x 100…400, y 100…300 → middle (250, 200).
	if _, err := im.Place(Placement{Center: &[2]float64{1000, -500}}); err != nil {
		t.Fatal(err)
	}
	bottom, top, arrow := im.Elements[0], im.Elements[1], im.Elements[2]
	if top.X != 850 || top.Y != -600 || bottom.X != 1050 || bottom.Y != -500 || arrow.X != 750 || arrow.Points[0] != [2]float64{200, 125} {
		t.Errorf("placed at %v,%v / %v,%v / %v,%v", top.X, top.Y, bottom.X, bottom.Y, arrow.X, arrow.Y)
	}
	far := placeable(t, placeFile)
	_, err := far.Place(Placement{Center: &[2]float64{1e7, 0}})
	if board.ErrorCode(err) != board.CodeBadRequest || !strings.Contains(board.ClientMessage(err), "1e7") {
		t.Errorf("centre at the edge: %v", err)
	}
}

// A board whose ids collide with the first random prefix gets another.
func TestPlaceRetriesTakenIDs(t *testing.T) {
	im := placeable(t, placeFile)
	// The first 8 bytes make prefix "00000000"; the next ones another.
	rnd := bytes.NewReader(append(make([]byte, 8), []byte("abcdefghijklmnopqrstuvwx")...))
	ids, err := im.Place(Placement{Rand: rnd, Taken: func(id string) bool { return strings.HasPrefix(id, "i00000000-") }})
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(ids[0], "i00000000-") {
		t.Fatalf("taken id %s used", ids[0])
	}
	always := placeable(t, placeFile)
	if _, err := always.Place(Placement{Taken: func(string) bool { return true }}); board.ErrorCode(err) != board.CodeUnavailable {
		t.Errorf("no free ids: %v", err)
	}
}

func TestKeysAbove(t *testing.T) {
	for _, top := range []string{"", "a0", "Zz", "az", "zzzzzzzzzzzzzzzzzzzzzzzzzzz", "x0000", "x00zz", "0", strings.Repeat("z", 60) + "y", strings.Repeat("z", 64)} {
		keys := keysAbove(top, 300)
		if len(keys) != 300 {
			t.Fatalf("top %q: %d keys", top, len(keys))
		}
		prev := top
		for i, k := range keys {
			if len(k) > board.MaxZLen || !zPattern(k) {
				t.Fatalf("top %q: key %d %q is not a z key", top, i, k)
			}
			if top == strings.Repeat("z", 64) {
				continue // no key is above it: they all equal it
			}
			if k <= prev {
				t.Fatalf("top %q: key %d %q not above %q", top, i, k, prev)
			}
			prev = k
		}
	}
	if k := keysAbove("a5", 2); k[0] != "a6" || k[1] != "a7" {
		t.Errorf("above a5: %v", k)
	}
	if k := keysAbove("", 1); k[0] != "a0" {
		t.Errorf("empty board: %v", k)
	}
}

func zPattern(s string) bool {
	for _, c := range []byte(s) {
		if strings.IndexByte(zDigits, c) < 0 {
			return false
		}
	}
	return s != ""
}
