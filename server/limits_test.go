package server

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/session"
)

func smallBoards(max int, maxBytes int64) appOption {
	return func(c *session.Config, _ *Options) {
		c.Board = board.Limits{MaxElements: max, MaxBytes: maxBytes}
	}
}

// Threat 6: an edit that would take a board past its element or byte limit
// is refused whole with too_large; nothing of it is stored or relayed, and
// edits that fit (or shrink the board) still go through.
func TestBoardLimitsRefuseGrowingEdits(t *testing.T) {
	app := newTestApp(t, smallBoards(3, 1<<20))
	b := app.createBoard(t)
	editor := join(t, app.wsURL(b.EditURL+"/ws"), "editor")
	watcher := join(t, app.wsURL(b.EditURL+"/ws"), "watcher")

	editor.sendOps("fill", putRect("a", 0), putRect("b", 0), putRect("c", 0))
	fill := editor.waitAck("fill")
	editor.sendOps("over", putRect("d", 0))
	e := editor.waitError("over", "too_large")
	if !strings.Contains(e.Message, "limit is 3") {
		t.Errorf("error %q does not name the limit", e.Message)
	}
	// Deleting makes room again; the next edit is the next seq.
	editor.sendOps("room", map[string]any{"op": "del", "id": "a"}, putRect("d", 0))
	if ack := editor.waitAck("room"); ack.Seq != fill.Seq+1 {
		t.Fatalf("seq after the refused edit = %d, want %d", ack.Seq, fill.Seq+1)
	}
	watcher.waitAck("room")
	for _, m := range watcher.messages() {
		if m.Type == "ops" && m.Ref == "over" {
			t.Fatal("the refused edit reached another member")
		}
	}
	_, snap, _, err := app.Store.Load(t.Context(), b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := snap.Elements["d"]; ok && snap.Seq < fill.Seq+1 {
		t.Fatal("the refused element was stored")
	}
	got, _ := boardFromMessages(t, "watcher", watcher.messages())
	if len(got) != 3 || got["a"] != "" || got["d"] == "" {
		t.Fatalf("watcher's board = %v, want b, c, d", keys(got))
	}
}

func TestBoardByteLimitRefusesGrowingText(t *testing.T) {
	app := newTestApp(t, smallBoards(1000, 1<<20))
	b := app.createBoard(t)
	editor := join(t, app.wsURL(b.EditURL+"/ws"), "editor")
	// 300 notes of 3 900 characters: about 1.2 MiB, past the 1 MiB limit.
	text := strings.Repeat("x", 3900)
	var ops []map[string]any
	for i := range 300 {
		ops = append(ops, map[string]any{"op": "put", "el": map[string]any{"id": fmt.Sprintf("n%d", i), "kind": "sticky", "x": 0, "y": 0, "w": 100, "h": 100, "text": text, "font": 16, "z": "a0"}})
	}
	// In messages of 100 (each under the 1 MiB message limit): the third
	// would take the board past 1 MiB.
	editor.sendOps("first", ops[:100]...)
	editor.sendOps("second", ops[100:200]...)
	editor.sendOps("third", ops[200:]...)
	editor.waitAck("second")
	e := editor.waitError("third", "too_large")
	if !strings.Contains(e.Message, "MiB") {
		t.Errorf("error %q does not say the size limit", e.Message)
	}
	// Replacing notes with the same text does not grow the board.
	editor.sendOps("same", ops[:10]...)
	editor.waitAck("same")
}

// Threat 6: an import that would overflow the board is refused with 413 and
// the board keeps what it had.
func TestImportPastTheBoardLimitChangesNothing(t *testing.T) {
	app := newTestApp(t, smallBoards(4, 1<<20))
	src := app.createBoard(t)
	dst := app.createBoard(t)
	editor := join(t, app.wsURL(src.EditURL+"/ws"), "editor")
	editor.sendOps("three", putRect("a", 0), putRect("b", 0), putRect("c", 0))
	editor.waitAck("three")
	file := httpGetBody(t, app.URL+src.EditURL+"/export.json")

	other := join(t, app.wsURL(dst.EditURL+"/ws"), "other")
	other.sendOps("two", putRect("x", 0), putRect("y", 0))
	other.waitAck("two")

	res, body := postImport(t, app.URL+dst.EditURL+"/import", file)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "limit is 4") {
		t.Fatalf("importing 3 elements into a board of 2 with a limit of 4: %d %s; want 413 naming the limit", res.StatusCode, body)
	}
	_, snap, log, err := app.Store.Load(t.Context(), dst.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range log {
		if log[i].Seq > snap.Seq {
			snap.Apply(&log[i])
		}
	}
	if len(snap.Elements) != 2 || snap.Seq != 1 {
		t.Fatalf("after the refused import: %d elements at seq %d, want 2 at seq 1", len(snap.Elements), snap.Seq)
	}
}

// Threat 6: imports in flight are capped; one past the cap is refused with
// 429 at once instead of holding another upload in memory.
func TestImportsInFlightAreCapped(t *testing.T) {
	// Two per address, so the node-wide cap of one is what refuses.
	app := newTestApp(t, func(_ *session.Config, o *Options) { o.MaxImports, o.MaxImportsPerAddr = 1, 2 })
	b := app.createBoard(t)
	url := app.URL + b.EditURL + "/import"

	// The first import is held open: its body arrives slowly. The probe
	// that sees it hold the slot is refused by the node-wide cap.
	held := holdImportSlot(t, http.DefaultClient, url, http.DefaultClient)
	if res, body := postImport(t, url, []byte(`{}`)); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "imports") {
		held.cutOff()
		t.Fatalf("a second import while one is in flight: %d %q, want 429 saying why", res.StatusCode, body)
	}
	deadline := time.Now().Add(10 * time.Second)
	held.cutOff()
	// The slot is freed once the server has dropped the cut-off upload: a
	// bad file then gets its 400, not a 429.
	for {
		res, body := postImport(t, url, []byte(`{}`))
		if res.StatusCode == http.StatusBadRequest {
			break
		}
		if res.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("import after the first ended: %d %s, want 400", res.StatusCode, body)
		}
	}
}

func httpGetBody(t testing.TB, url string) []byte {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
	}
	return data
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// Threat 6/7: an upload that trickles is cut off at ImportReadTimeout, and
// its import slot is free again without the client's help.
func TestTricklingImportIsCutOff(t *testing.T) {
	app := newTestApp(t, func(_ *session.Config, o *Options) { o.MaxImports, o.ImportReadTimeout = 1, time.Second })
	b := app.createBoard(t)
	url := app.URL + b.EditURL + "/import"
	held := holdImportSlot(t, http.DefaultClient, url, http.DefaultClient)
	defer held.cutOff()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, body := postImport(t, url, []byte(`{}`))
		if res.StatusCode == http.StatusBadRequest {
			break // the slot was freed: this import ran and found a bad file
		}
		if res.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("import beside a trickling one: %d %s; want 429 until it is cut off, then 400", res.StatusCode, body)
		}
	}
	select {
	case <-held.done:
		if held.status != http.StatusBadRequest {
			t.Fatalf("the trickling import ended with %d, want 400 (cut off)", held.status)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the trickling upload was not cut off")
	}
}
