package server

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

type importAnswer struct {
	Seq     uint64
	Added   int
	IDs     []string
	Skipped []struct {
		Kind   string
		Count  int
		Reason string
	}
}

func importOK(t *testing.T, url string, body []byte) importAnswer {
	t.Helper()
	res, text := postImport(t, url, body)
	if res.StatusCode != 200 {
		t.Fatalf("import: %d %s", res.StatusCode, text)
	}
	var out importAnswer
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

type placedEl struct {
	ID, Kind, Z, Group string
	X, Y, W, H         float64
	Points             [][2]float64
	Start, End         *struct{ ID string }
}

func decodeEls(t *testing.T, els map[string]string) map[string]placedEl {
	t.Helper()
	out := map[string]placedEl{}
	for id, raw := range els {
		var e placedEl
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			t.Fatal(err)
		}
		out[id] = e
	}
	return out
}

// Imports add, never overwrite (issue 11, acceptance 5 on the server):
// the same file twice gives two copies with fresh ids, bindings and
// groups remapped within each copy, the second stacked above the first;
// nothing of the first copy changes, also after someone edited it.
func TestImportTwiceAddsCopies(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	file, err := os.ReadFile("../export/testdata/fidelity.excalidraw")
	if err != nil {
		t.Fatal(err)
	}
	url := app.URL + b.EditURL + "/import"
	first := importOK(t, url, file)
	if first.Added != 7 || len(first.IDs) != 7 {
		t.Fatalf("first import: %+v", first)
	}
	if len(first.Skipped) != 2 || first.Skipped[0].Kind != "image" || first.Skipped[0].Count != 2 ||
		first.Skipped[0].Reason != "its file is not in the import" || first.Skipped[1].Kind != "frame" {
		t.Errorf("skipped %+v; want 2 images (no file) and 1 frame", first.Skipped)
	}
	// Someone moves an element of the first copy.
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	before, _ := boardFromMessages(t, "c", c.messages())
	var moved map[string]any
	json.Unmarshal([]byte(before[first.IDs[0]]), &moved)
	moved["x"] = 5000.0
	c.sendOps("move", map[string]any{"op": "put", "el": moved})
	c.waitAck("move")
	edited, _ := boardFromMessages(t, "c", c.messages())

	second := importOK(t, url, file)
	if second.Added != 7 || second.Seq != first.Seq+2 {
		t.Fatalf("second import: %+v", second)
	}
	for _, id := range second.IDs {
		if slices.Contains(first.IDs, id) {
			t.Fatalf("id %s imported twice", id)
		}
	}
	late := join(t, app.wsURL(b.EditURL+"/ws"), "late")
	after, _ := boardFromMessages(t, "late", late.messages())
	if len(after) != 14 {
		t.Fatalf("%d elements after two imports, want 14", len(after))
	}
	for _, id := range first.IDs {
		if after[id] != edited[id] {
			t.Errorf("the second import changed %s:\n%s\n%s", id, edited[id], after[id])
		}
	}
	els := decodeEls(t, after)
	topFirst := ""
	for _, id := range first.IDs {
		topFirst = max(topFirst, els[id].Z)
	}
	for _, copyIDs := range [][]string{first.IDs, second.IDs} {
		groups := map[string]bool{}
		for _, id := range copyIDs {
			e := els[id]
			if copyIDs[0] == second.IDs[0] && e.Z <= topFirst {
				t.Errorf("second copy's %s has z %q, not above the first copy's top %q", id, e.Z, topFirst)
			}
			for _, bnd := range []*struct{ ID string }{e.Start, e.End} {
				if bnd != nil && !slices.Contains(copyIDs, bnd.ID) {
					t.Errorf("%s is bound to %s, outside its own copy", id, bnd.ID)
				}
			}
			if e.Group != "" {
				groups[e.Group] = true
			}
		}
		if len(groups) != 1 {
			t.Errorf("copy %v has groups %v; want one", copyIDs, groups)
		}
		bound := 0
		for _, id := range copyIDs {
			if e := els[id]; e.Kind == "arrow" && e.Start != nil && e.End != nil {
				bound++
			}
		}
		if bound != 1 {
			t.Errorf("copy %v has %d arrows bound at both ends, want 1", copyIDs, bound)
		}
	}
	if els[first.IDs[0]].Group == els[second.IDs[0]].Group {
		t.Error("both copies share a group: selecting one would move the other")
	}
}

// ?cx=&cy= centres the import's bounds on that board point; bad values
// are refused with a reason and change nothing.
func TestImportCentredOnView(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	url := app.URL + b.EditURL + "/import"
	file := []byte(`{"format":"easel","version":1,"elements":[
		{"id":"a","kind":"rect","x":0,"y":0,"w":100,"h":40,"z":"a0"},
		{"id":"b","kind":"line","x":200,"y":100,"points":[[0,0],[100,60]],"z":"a1"}]}`)
	// Bounds 0…300 × 0…160: the middle (150, 80) goes to (-1000, 2500.5).
	out := importOK(t, url+"?cx=-1000&cy=2500.5", file)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	all, seq := boardFromMessages(t, "c", c.messages())
	els := decodeEls(t, all)
	rect, line := els[out.IDs[0]], els[out.IDs[1]]
	if rect.Kind != "rect" || rect.X != -1150 || rect.Y != 2420.5 || line.X != -950 || line.Y != 2520.5 || line.Points[1] != [2]float64{100, 60} {
		t.Errorf("placed: rect %+v line %+v", rect, line)
	}
	for _, q := range []string{"?cx=1", "?cy=1", "?cx=abc&cy=1", "?cx=NaN&cy=0", "?cx=0&cy=Inf", "?cx=1e8&cy=0", "?cx=9999999&cy=0"} {
		res, body := postImport(t, url+q, file)
		if res.StatusCode != 400 || !strings.Contains(body, `"error":"bad_request"`) || !strings.Contains(body, "c") {
			t.Errorf("%s: %d %s; want 400 with a reason", q, res.StatusCode, body)
		}
	}
	late := join(t, app.wsURL(b.EditURL+"/ws"), "late")
	if after, s := boardFromMessages(t, "late", late.messages()); s != seq || len(after) != 2 {
		t.Errorf("refused imports changed the board: seq %d → %d, %d elements", seq, s, len(after))
	}
}

// A file with nothing Easel can draw says what it skipped.
func TestImportNothingDrawable(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	res, body := postImport(t, app.URL+b.EditURL+"/import",
		[]byte(`{"type":"excalidraw","elements":[{"id":"i","type":"image"},{"id":"j","type":"image"},{"id":"f","type":"frame"}]}`))
	if res.StatusCode != 400 || !strings.Contains(body, "(skipped 2 image: its file is not in the import; 1 frame: frames are not supported)") {
		t.Errorf("%d %s", res.StatusCode, body)
	}
}
