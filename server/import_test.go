package server

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func postImport(t testing.TB, url string, body []byte) (*http.Response, string) {
	t.Helper()
	res, err := http.Post(url, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, string(data)
}

// Acceptance 6 (issue 4): a real .excalidraw file imports with the expected
// elements, which reach every member as one ops message; a malformed file
// is a 400 with the reason and the board is unchanged.
func TestImportExcalidrawScene(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	watcher := join(t, app.wsURL(b.ViewURL+"/ws"), "watcher")
	scene, err := os.ReadFile("../export/testdata/scene.excalidraw")
	if err != nil {
		t.Fatal(err)
	}
	res, body := postImport(t, app.URL+b.EditURL+"/import", scene)
	if res.StatusCode != 200 {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
	var out struct{ Seq, Added int }
	json.Unmarshal([]byte(body), &out)
	// 9 elements in the scene: the deleted one is skipped; the image
	// comes with its file.
	if out.Seq != 1 || out.Added != 8 {
		t.Fatalf("import answered %s; want seq 1 and 8 added", body)
	}
	watcher.waitUntil("the imported elements as one ops message", func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "ops" && m.Seq == 1 && len(m.Ops) == 8 {
				return true
			}
		}
		return false
	})
	elements, _ := boardFromMessages(t, "watcher", watcher.messages())
	kinds := map[string]int{}
	for id, raw := range elements {
		var el struct{ Kind, Text string }
		json.Unmarshal([]byte(raw), &el)
		kinds[el.Kind]++
		if el.Kind == "text" && !strings.Contains(el.Text, "Hello, Excalidraw!") {
			t.Errorf("text element %s lost its text: %q", id, el.Text)
		}
	}
	want := map[string]int{"rect": 1, "ellipse": 1, "diamond": 1, "line": 1, "arrow": 1, "stroke": 1, "text": 1, "image": 1}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("imported kinds %v, want %v", kinds, want)
	}

	// Malformed files: 400 with a reason, board unchanged.
	for name, bad := range map[string]string{
		"not JSON":        "this is not json",
		"neither format":  `{"hello":"world"}`,
		"elements wrong":  `{"type":"excalidraw","version":2,"elements":"x"}`,
		"bad coordinates": `{"type":"excalidraw","version":2,"elements":[{"id":"a","type":"rectangle","x":"abc","y":0,"width":1,"height":1}]}`,
	} {
		res, body := postImport(t, app.URL+b.EditURL+"/import", []byte(bad))
		if res.StatusCode != 400 || !strings.Contains(body, `"error":"bad_request"`) || !strings.Contains(body, `"message":"`) {
			t.Errorf("%s: %d %s; want 400 with a reason", name, res.StatusCode, body)
		}
	}
	if res, _ := postImport(t, app.URL+b.ViewURL+"/import", scene); res.StatusCode != 404 && res.StatusCode != 405 {
		t.Errorf("import through the view link: %d, want it refused", res.StatusCode)
	}
	late := join(t, app.wsURL(b.EditURL+"/ws"), "late")
	after, seq := boardFromMessages(t, "late", late.messages())
	if seq != 1 || len(after) != 8 {
		t.Fatalf("after malformed imports the board is at seq %d with %d elements; want 1 and 8", seq, len(after))
	}
}

// An Easel JSON export imports back into another board as the same elements.
func TestImportEaselExportRoundTrip(t *testing.T) {
	app := newTestApp(t)
	src, dst := app.createBoard(t), app.createBoard(t)
	c := join(t, app.wsURL(src.EditURL+"/ws"), "c")
	c.sendOps("fill", everyKind()...)
	c.waitAck("fill")
	_, file := httpExport(t, app.URL+src.EditURL+"/export.json", nil)
	res, body := postImport(t, app.URL+dst.EditURL+"/import", file)
	if res.StatusCode != 200 || !strings.Contains(body, `"added":7`) {
		t.Fatalf("import of an Easel export: %d %s", res.StatusCode, body)
	}
	a := join(t, app.wsURL(src.EditURL+"/ws"), "a")
	d := join(t, app.wsURL(dst.EditURL+"/ws"), "d")
	srcEls, _ := boardFromMessages(t, "a", a.messages())
	dstEls, _ := boardFromMessages(t, "d", d.messages())
	if len(srcEls) != 7 || len(dstEls) != 7 {
		t.Fatalf("source %d elements, imported %d", len(srcEls), len(dstEls))
	}
	// The same elements in the same order; only ids and z keys are new.
	before, after := withoutIDs(t, srcEls), withoutIDs(t, dstEls)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("elements differ after the round trip:\n%v\n%v", before, after)
	}
}

// withoutIDs is a board's elements in drawing order with id and z left out.
func withoutIDs(t testing.TB, els map[string]string) []map[string]any {
	t.Helper()
	type entry struct {
		z, id string
		rest  map[string]any
	}
	var all []entry
	for _, raw := range els {
		var m map[string]any
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			t.Fatal(err)
		}
		z, _ := m["z"].(string)
		id, _ := m["id"].(string)
		delete(m, "z")
		delete(m, "id")
		all = append(all, entry{z, id, m})
	}
	slices.SortFunc(all, func(a, b entry) int { return cmp.Or(cmp.Compare(a.z, b.z), cmp.Compare(a.id, b.id)) })
	out := make([]map[string]any, len(all))
	for i, e := range all {
		out[i] = e.rest
	}
	return out
}
