package export

import (
	"os"
	"reflect"
	"testing"

	"github.com/easel-app/easel/board"
)

// The fields Easel gained in the second wave come over from Excalidraw:
// diamonds with their fill, dashes, rounded corners, bound arrows, text in
// containers, rotation, groups and locks; what Easel cannot draw (or,
// for images, finds no file for) is counted by kind with a reason.
func TestExcalidrawFidelity(t *testing.T) {
	data, err := os.ReadFile("testdata/fidelity.excalidraw")
	if err != nil {
		t.Fatal(err)
	}
	im, err := ReadImport(data)
	if err != nil {
		t.Fatal(err)
	}
	passesValidation(t, im.Elements)
	wantSkips := []Skip{
		{Kind: "image", Count: 2, Reason: "its file is not in the import"}, // its files are {}
		{Kind: "frame", Count: 1, Reason: "frames are not supported"},
	}
	if !reflect.DeepEqual(im.Skips, wantSkips) || im.Deleted != 1 {
		t.Errorf("skipped %+v, %d deleted; want %+v and 1", im.Skips, im.Deleted, wantSkips)
	}
	byID := map[string]board.Element{}
	for _, e := range im.Elements {
		byID[e.ID] = e
	}
	// The container's text is its label, not an element; the arrow's label
	// stays a text (arrows have no labels in Easel).
	wantIDs := []string{"x-box-a", "x-dia-b", "x-dash-line", "x-arr-1", "x-arrow-label", "x-arr-2", "x-free-text"}
	if len(im.Elements) != len(wantIDs) {
		t.Fatalf("%d elements: %v", len(im.Elements), byID)
	}
	for _, id := range wantIDs {
		if _, ok := byID[id]; !ok {
			t.Fatalf("no element %s", id)
		}
	}
	box := byID["x-box-a"]
	if box.Kind != board.KindRect || !box.Round || box.Text != "Hello box" || box.Font != 20 ||
		box.Fill == nil || *box.Fill != "#a5d8ff" || box.Group != "x-g-outer" || box.Locked {
		t.Errorf("container rect: %+v", box)
	}
	dia := byID["x-dia-b"]
	if dia.Kind != board.KindDiamond || dia.Fill == nil || *dia.Fill != "#ffc9c9" || dia.Dash != board.DashDotted ||
		!dia.Round || dia.Rot != 0.5 || !dia.Locked || dia.Group != "x-g-outer" || dia.W != 160 || dia.H != 140 {
		t.Errorf("diamond: %+v", dia)
	}
	line := byID["x-dash-line"]
	if line.Kind != board.KindLine || line.Dash != board.DashDashed || line.Round || line.Start != nil || line.End != nil {
		t.Errorf("dashed line: %+v", line)
	}
	arrow := byID["x-arr-1"]
	if arrow.Kind != board.KindArrow || arrow.Start == nil || arrow.Start.ID != "x-box-a" || arrow.End == nil || arrow.End.ID != "x-dia-b" {
		t.Errorf("bound arrow: %+v", arrow)
	}
	if l := byID["x-arrow-label"]; l.Kind != board.KindText || l.Text != "calls" || l.Font != 16 {
		t.Errorf("arrow label: %+v", l)
	}
	// The dangling binding is dropped when the import is placed.
	if a := byID["x-arr-2"]; a.End == nil || a.End.ID != "x-ghost-element" {
		t.Errorf("dangling arrow before placing: %+v", a)
	}
	if _, err := im.Place(Placement{}); err != nil {
		t.Fatal(err)
	}
	passesValidation(t, im.Elements)
	for _, e := range im.Elements {
		if e.Kind == board.KindArrow && e.Start == nil && e.End != nil {
			t.Errorf("the binding to a missing element survived placing: %+v", e)
		}
	}
	// And it renders.
	s := snapshotOf("Imported", im.Elements)
	for _, f := range []Format{SVG, PNG, PDF} {
		render(t, s, f, 1)
	}
}

// A text whose container is missing, deleted or not a shape stays a text;
// a container with two texts keeps the first as its label.
func TestExcalidrawLabelEdgeCases(t *testing.T) {
	data := excalidrawScene(
		`{"id":"r","type":"rectangle","width":100,"height":50}`,
		`{"id":"t1","type":"text","text":"first","containerId":"r"}`,
		`{"id":"t2","type":"text","text":"second","containerId":"r"}`,
		`{"id":"t3","type":"text","text":"orphan","containerId":"nowhere"}`,
		`{"id":"d","type":"ellipse","isDeleted":true}`,
		`{"id":"t4","type":"text","text":"of a deleted shape","containerId":"d"}`,
		`{"id":"o","type":"rectangle","strokeSharpness":"round"}`,
	)
	im, err := ReadImport(data)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range im.Elements {
		got = append(got, e.ID+":"+e.Text)
	}
	want := []string{"x-r:first", "x-t2:second", "x-t3:orphan", "x-t4:of a deleted shape", "x-o:"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if !im.Elements[4].Round {
		t.Error("the legacy strokeSharpness round is not round")
	}
	for _, bad := range []string{
		`{"id":"a","type":"arrow","points":[[0,0],[1,1]],"startBinding":5}`,
		`{"id":"a","type":"arrow","points":[[0,0],[1,1]],"endBinding":{"elementId":7}}`,
		`{"id":"r","type":"rectangle","groupIds":"g"}`,
		`{"id":"r","type":"rectangle","locked":"yes"}`,
		`{"id":"r","type":"rectangle","strokeStyle":3}`,
		`{"id":"t","type":"text","text":"x","containerId":4}`,
	} {
		if _, err := ReadImport(excalidrawScene(bad)); board.ErrorCode(err) != board.CodeBadRequest {
			t.Errorf("%s: %v, want bad_request", bad, err)
		}
	}
}
