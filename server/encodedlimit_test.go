package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// Fault 2 of issue 10: the board byte limit counts what is stored and sent.
// Notes of '<' are 6× larger as JSON (\u003c) than typed; a board of them
// is refused once its encoded size would pass the limit, so the welcome a
// new member gets, and the JSON export, stay within the limit.
func TestBoardLimitCountsEncodedBytes(t *testing.T) {
	const limit = 1 << 20
	app := newTestApp(t, smallBoards(10_000, limit))
	b := app.createBoard(t)
	editor := join(t, app.wsURL(b.EditURL+"/ws"), "editor")
	editor.timeout = time.Minute

	text := strings.Repeat("<", board.MaxText) // 4 000 characters, 24 000 bytes of JSON
	note := func(id string) map[string]any {
		return map[string]any{"op": "put", "el": map[string]any{"id": id, "kind": "sticky", "x": 0, "y": 0, "w": 100, "h": 100, "text": text, "font": 16, "z": "a0"}}
	}
	// Messages of 10 notes (240 KB each as JSON) until one is refused. By
	// characters, 1 MiB holds ~250 notes; by encoded bytes, ~43.
	accepted, refused := 0, ""
	for i := 0; i < 30 && refused == ""; i++ {
		ref := fmt.Sprint("fill-", i)
		var ops []map[string]any
		for j := range 10 {
			ops = append(ops, note(fmt.Sprintf("n%d-%d", i, j)))
		}
		editor.sendOps(ref, ops...)
		editor.waitUntil("an answer to "+ref, func(msgs []wireMsg) bool {
			for _, m := range msgs {
				if m.Ref == ref && m.Type == "ops" {
					accepted += 10
					return true
				}
				if m.Ref == ref && m.Type == "error" {
					if m.Code != "too_large" {
						t.Fatalf("%s refused with %s: %s", ref, m.Code, m.Message)
					}
					refused = ref
					return true
				}
			}
			return false
		})
	}
	if refused == "" || accepted > 50 {
		t.Fatalf("the board took %d notes of %d '<' (%d bytes of JSON) under a %d-byte limit; refused: %q",
			accepted, board.MaxText, accepted*6*board.MaxText, limit, refused)
	}
	// What fits is still accepted: one more note is 24 KB.
	editor.sendOps("one-more", note("last"))
	editor.waitAck("one-more")

	// (Before the join below: the server logs a request after answering
	// it, and the test must not end before that log line.)
	if export := httpGetBody(t, app.URL+b.EditURL+"/export.json"); len(export) > limit+1<<10 {
		t.Fatalf("the JSON export is %d bytes; the board limit is %d", len(export), limit)
	}
	viewer := join(t, app.wsURL(b.EditURL+"/ws"), "viewer")
	welcome := viewer.waitType("welcome")
	var raw struct {
		Elements json.RawMessage `json:"elements"`
	}
	if err := json.Unmarshal([]byte(welcome.Raw), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Elements) > limit+1 {
		t.Fatalf("the welcome's elements are %d bytes; the board limit is %d", len(raw.Elements), limit)
	}
	// The envelope (ids, title, peers, limits) is what comes on top.
	if len(welcome.Raw) > limit+4<<10 {
		t.Fatalf("the welcome is %d bytes; the board limit is %d", len(welcome.Raw), limit)
	}
}
