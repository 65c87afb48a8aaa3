package server

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// An editor flooding drafts is told rate_limited, then closed with 1008 by
// its draft budget; the room it floods sends each member at most one
// presence message per frame meanwhile, and an editor of another board
// keeps getting its acks throughout. (Large drafts are bounded by the
// connection's bytes budget too: BenchmarkDraftDecode prices them.)
func TestDraftFloodIsClosed(t *testing.T) {
	app := newTestApp(t)
	other := app.createBoard(t)
	editor := join(t, app.wsURL(other.EditURL+"/ws"), "editor")
	b := app.createBoard(t)
	flooder := join(t, app.wsURL(b.EditURL+"/ws"), "flooder")
	watcher := join(t, app.wsURL(b.ViewURL+"/ws"), "watcher")

	var lines []string
	for i := range 1000 {
		lines = append(lines, fmt.Sprintf(`{"type":"draft","el":{"id":"d","kind":"stroke","points":[[0,0],[%d,1]]}}`, i))
	}
	frame := []byte(strings.Join(lines, "\n"))
	for i := range 100 { // 100 000 drafts at most, on loopback
		if flooder.sendRaw(websocket.TextMessage, frame) != nil {
			break
		}
		if i%10 == 0 {
			ref := fmt.Sprint("edit-", i)
			editor.sendOps(ref, putRect("r", float64(i)))
			editor.waitAck(ref)
		}
	}
	if code, reason := closeOf(t, flooder); code != websocket.ClosePolicyViolation || !strings.Contains(reason, "rate limit") {
		t.Fatalf("flooder closed with %d %q, want 1008 for its rate limit", code, reason)
	}
	editor.sendOps("after", putRect("r", -1))
	editor.waitAck("after")
	for _, f := range watcher.framesCopy() {
		if count(f.types, "presence") > 1 {
			t.Fatalf("a frame held %d presence messages", count(f.types, "presence"))
		}
	}
}
