package server

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/session"
)

type historyBody struct {
	Versions []struct {
		Seq      uint64   `json:"seq"`
		At       string   `json:"at"`
		By       []string `json:"by"`
		Elements int      `json:"elements"`
	} `json:"versions"`
}

func getHistory(t *testing.T, url string) historyBody {
	t.Helper()
	res, body := get(t, url)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", url, res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q", url, ct)
	}
	var h historyBody
	if err := json.Unmarshal([]byte(body), &h); err != nil {
		t.Fatalf("GET %s: %v in %s", url, err, body)
	}
	return h
}

// exportedElements is the elements of an Easel JSON export, sorted by id,
// re-encoded so that two exports compare by content.
func exportedElements(t *testing.T, url string) []string {
	t.Helper()
	res, body := get(t, url)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", url, res.StatusCode, body)
	}
	var doc struct {
		Elements []json.RawMessage `json:"elements"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	out := make([]string, len(doc.Elements))
	for i, e := range doc.Elements {
		out[i] = string(e)
	}
	sort.Strings(out)
	return out
}

// Alice draws, Bob erases everything: /history (edit and view routes)
// lists a version before the erase, by Alice, with her three elements,
// newest first; its export equals the board as it was then (exported
// while it was current); a seq that is no version is 404.
func TestHistoryKeepsTheVersionBeforeAnotherEditorsErase(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	alice := join(t, app.wsURL("/b/"+b.ID+"/ws"), "Alice")
	bob := join(t, app.wsURL("/b/"+b.ID+"/ws"), "Bob")
	for i, id := range []string{"r1", "r2", "r3"} {
		ref := "a" + strconv.Itoa(i)
		alice.sendOps(ref, putRect(id, float64(i*20)))
		alice.waitAck(ref)
	}
	before := exportedElements(t, app.URL+"/b/"+b.ID+"/export.json")
	if len(before) != 3 {
		t.Fatalf("the board before the erase has %d elements, want 3", len(before))
	}
	bob.sendOps("erase", map[string]any{"op": "del", "id": "r1"}, map[string]any{"op": "del", "id": "r2"}, map[string]any{"op": "del", "id": "r3"})
	eraseSeq := bob.waitAck("erase").Seq

	h := getHistory(t, app.URL+"/b/"+b.ID+"/history")
	if view := getHistory(t, app.URL+"/v/"+b.ViewID+"/history"); !reflect.DeepEqual(view, h) {
		t.Fatalf("the view route lists %+v, the edit route %+v", view, h)
	}
	if len(h.Versions) == 0 {
		t.Fatal("no versions after Alice drew and Bob erased")
	}
	for i := 1; i < len(h.Versions); i++ {
		if h.Versions[i-1].Seq <= h.Versions[i].Seq {
			t.Fatalf("versions not newest first: %+v", h.Versions)
		}
	}
	var found bool
	for _, v := range h.Versions {
		if _, err := time.Parse(time.RFC3339, v.At); err != nil {
			t.Fatalf("version %d: at %q is not RFC 3339", v.Seq, v.At)
		}
		if v.By == nil {
			t.Fatalf("version %d: by is null, want a list", v.Seq)
		}
		if v.Seq == eraseSeq-1 {
			found = true
			if v.Elements != 3 || !reflect.DeepEqual(v.By, []string{"Alice"}) {
				t.Fatalf("the version before the erase = %+v, want 3 elements by [Alice]", v)
			}
			at := exportedElements(t, app.URL+"/b/"+b.ID+"/export.json?seq="+strconv.FormatUint(v.Seq, 10))
			if !reflect.DeepEqual(at, before) {
				t.Fatalf("export at seq %d = %v, want the board as it was: %v", v.Seq, at, before)
			}
			viewAt := exportedElements(t, app.URL+"/v/"+b.ViewID+"/export.json?seq="+strconv.FormatUint(v.Seq, 10))
			if !reflect.DeepEqual(viewAt, before) {
				t.Fatalf("view export at seq %d = %v, want %v", v.Seq, viewAt, before)
			}
		}
	}
	if !found {
		t.Fatalf("no version at seq %d (just before Bob's erase): %+v", eraseSeq-1, h.Versions)
	}
	if now := exportedElements(t, app.URL+"/b/"+b.ID+"/export.json"); len(now) != 0 {
		t.Fatalf("the current export has %d elements after the erase", len(now))
	}
	for _, q := range []string{"999", strconv.FormatUint(eraseSeq, 10)} {
		if res, body := get(t, app.URL+"/b/"+b.ID+"/export.png?seq="+q); res.StatusCode != http.StatusNotFound {
			t.Fatalf("export at seq %s (no version) = %d %s, want 404", q, res.StatusCode, body)
		}
	}
	if res, _ := get(t, app.URL+"/b/"+b.ID+"/export.svg?seq=x"); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("export at seq x = %d, want 400", res.StatusCode)
	}
}

func deleteReq(t *testing.T, url, origin string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res, sb.String()
}

// DELETE /b/<id> ends the board for everyone: 204; connected members (edit
// and view) get `deleted`, then 1000; afterwards pages, history, exports,
// blobs, imports, handshakes and a second delete answer 410, also after a
// restart of the hub (the tombstone is the store's).
func TestDeleteEndsTheBoardForEveryone(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	other := app.createBoard(t)
	editor := join(t, app.wsURL("/b/"+b.ID+"/ws"), "Alice")
	viewer := join(t, app.wsURL("/v/"+b.ViewID+"/ws"), "Val")
	editor.sendOps("r", putRect("r1", 0))
	editor.waitAck("r")

	if res, body := deleteReq(t, app.URL+"/b/"+b.ID, app.URL); res.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE = %d %s, want 204", res.StatusCode, body)
	}
	for _, m := range []*wsClient{editor, viewer} {
		m.waitType("deleted")
		if code, _ := m.waitClosed(5 * time.Second); code != 1000 {
			t.Fatalf("%s closed with %d after deleted, want 1000", m.name, code)
		}
	}
	gone := []string{
		"/b/" + b.ID, "/v/" + b.ViewID,
		"/b/" + b.ID + "/history", "/v/" + b.ViewID + "/history",
		"/b/" + b.ID + "/export.png", "/v/" + b.ViewID + "/export.json",
		"/b/" + b.ID + "/blobs/" + strings.Repeat("a", 64),
		"/b/" + b.ID + "/sse", "/v/" + b.ViewID + "/poll",
	}
	for _, path := range gone {
		if res, body := get(t, app.URL+path); res.StatusCode != http.StatusGone {
			t.Fatalf("GET %s after delete = %d %s, want 410", path, res.StatusCode, body)
		}
	}
	if res, body := get(t, app.URL+"/b/"+b.ID); !strings.Contains(body, "deleted") || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("the page of a deleted board does not say so: %s %s", res.Header.Get("Content-Type"), body)
	}
	for _, path := range []string{"/b/" + b.ID + "/ws", "/v/" + b.ViewID + "/ws"} {
		_, res, err := dialWS(t, app.wsURL(path), nil)
		if err == nil || res == nil || res.StatusCode != http.StatusGone {
			t.Fatalf("handshake %s after delete: %v %v, want 410", path, res, err)
		}
	}
	if res, _ := deleteReq(t, app.URL+"/b/"+b.ID, ""); res.StatusCode != http.StatusGone {
		t.Fatalf("second DELETE = %d, want 410", res.StatusCode)
	}
	if _, err := app.Store.BoardByID(context.Background(), b.ID); err != board.ErrGone {
		t.Fatalf("store after delete: %v, want ErrGone", err)
	}
	// Other boards are untouched.
	if res, _ := get(t, app.URL+"/b/"+other.ID); res.StatusCode != http.StatusOK {
		t.Fatalf("another board's page = %d after a delete", res.StatusCode)
	}
	app.waitMetric(t, `easel_boards_deleted_total{reason="request"}`, 1)
}

// Only the edit capability from an allowed origin (or none: a script)
// deletes: a foreign Origin gets 403, the view route 403, a view id on the
// edit route 404, and the board is still there.
func TestDeleteRefusesForeignOriginsAndViewLinks(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	for _, c := range []struct {
		path, origin string
		want         int
	}{
		{"/b/" + b.ID, "https://evil.example", http.StatusForbidden},
		{"/v/" + b.ViewID, "", http.StatusForbidden},
		{"/b/" + b.ViewID, "", http.StatusNotFound},
	} {
		if res, body := deleteReq(t, app.URL+c.path, c.origin); res.StatusCode != c.want {
			t.Fatalf("DELETE %s (Origin %q) = %d %s, want %d", c.path, c.origin, res.StatusCode, body, c.want)
		}
	}
	if res, _ := get(t, app.URL+"/b/"+b.ID); res.StatusCode != http.StatusOK {
		t.Fatalf("the board's page = %d after refused deletes", res.StatusCode)
	}
	if res, _ := deleteReq(t, app.URL+"/b/"+b.ID, ""); res.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE without Origin (a script) = %d, want 204", res.StatusCode)
	}
}

// --board-idle-days: the retention pass deletes the boards nobody opened
// or edited for that long, and only those; a board with members here is
// left alone whatever its record says.
func TestRetentionDeletesOnlyIdleBoards(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) {
		c.BoardIdle, c.RetentionEvery = time.Hour, 0 // passes run by the test
	})
	ctx := context.Background()
	// Boards made two hours ago and untouched since (a touch never moves
	// a board's time back, so they are made so in the store).
	old := func() board.Board {
		b, err := board.New("", time.Now().Add(-2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if err := app.Store.CreateBoard(ctx, b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	idle, inUse, fresh := old(), old(), app.createBoard(t)
	member := join(t, app.wsURL("/b/"+inUse.ID+"/ws"), "Alice")
	app.Hub.RetentionPass(ctx, time.Now())
	app.waitMetric(t, `easel_boards_deleted_total{reason="idle"}`, 1)
	if _, err := app.Store.BoardByID(ctx, idle.ID); err != board.ErrGone {
		t.Fatalf("idle board after retention: %v, want ErrGone", err)
	}
	for _, id := range []string{fresh.ID, inUse.ID} {
		if _, err := app.Store.BoardByID(ctx, id); err != nil {
			t.Fatalf("board %s deleted by retention: %v", id[:8], err)
		}
	}
	member.sendOps("still", putRect("r1", 0))
	member.waitAck("still")
}
