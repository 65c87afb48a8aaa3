package server

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/easel-app/easel/session"
)

// Threat 7: every message type has a budget. A view socket packing cheap
// lines (export.cancel, export.ack, …) thousands to a frame is told
// rate_limited once, then closed with 1008, while an editor of another
// board keeps getting its acks.
func TestCheapMessageFloodIsClosed(t *testing.T) {
	lines := map[string]string{
		"export.cancel": `{"type":"export.cancel","id":"00000000-0000-4000-8000-000000000000"}`,
		"export.ack":    `{"type":"export.ack","id":"00000000-0000-4000-8000-000000000000","offset":0}`,
		"export.resume": `{"type":"export.resume","id":"00000000-0000-4000-8000-000000000000","offset":0}`,
		"hello":         `{"type":"hello","name":"again","color":"#336699"}`,
		"unknown":       `{"type":"nonsense"}`,
		"view":          `{"type":"view","x":0,"y":0,"w":800,"h":600}`,
		"chat":          `{"type":"chat","text":"spam"}`,
		"react":         `{"type":"react","emoji":"💩"}`,
		"summon":        `{"type":"summon"}`,
		"malformed":     `{"type":"cursor","x":"left"}`,
	}
	app := newTestApp(t)
	other := app.createBoard(t)
	editor := join(t, app.wsURL(other.EditURL+"/ws"), "editor")
	for class, line := range lines {
		t.Run(class, func(t *testing.T) {
			b := app.createBoard(t)
			flooder := join(t, app.wsURL(b.ViewURL+"/ws"), "flooder")
			frame := bytes.Repeat([]byte(line+"\n"), 1000)
			frame = frame[:len(frame)-1]
			for i := range 200 { // 200 000 lines at most, on loopback
				if flooder.sendRaw(websocket.TextMessage, frame) != nil {
					break // closed by the server, as it should be
				}
				ref := fmt.Sprintf("%s-%d", class, i)
				if i%50 == 0 {
					editor.sendOps(ref, putRect("r", float64(i)))
					editor.waitAck(ref) // the other board's edits go on
				}
			}
			if code, reason := closeOf(t, flooder); code != websocket.ClosePolicyViolation || !strings.Contains(reason, "rate limit") {
				t.Fatalf("flooder closed with %d %q, want 1008 for its rate limit", code, reason)
			}
			limited, others := 0, 0
			for _, m := range flooder.messages() {
				switch {
				case m.Type == "error" && m.Code == "rate_limited":
					limited++
				case m.Type == "error":
					others++
				}
			}
			// Told once per run of refusals (a token refilled between two
			// lines starts a new run), and answered for the lines accepted
			// before the budget ran out (bad_request for the wrong ones):
			// at most a few bursts of errors for 1 000+ lines, never one
			// error per refused line.
			cfg := session.DefaultConfig()
			if most := 4 * int(max(cfg.ControlRate, cfg.AckRate)); limited+others > most {
				t.Fatalf("flooder got %d rate_limited and %d other errors; want at most %d", limited, others, most)
			}
			ref := class + "-after"
			editor.sendOps(ref, putRect("r", -1))
			editor.waitAck(ref)
		})
	}
}

// An export downloaded in many small chunks, acknowledged chunk by chunk,
// is never limited, even with a base ack budget of 1 per second: every
// chunk sent earns its ack.
func TestFastDownloadAcksAreNeverLimited(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) {
		c.AckRate = 1
		c.ExportChunk = 512
		c.ExportWindow = 2048
	})
	b := app.createBoard(t)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	for part := range 2 {
		ops := make([]map[string]any, 400)
		for i := range ops {
			ops[i] = putRect(fmt.Sprint("r", part, "-", i), float64(i))
		}
		c.sendOps(fmt.Sprint("fill", part), ops...)
		c.waitAck(fmt.Sprint("fill", part))
	}
	meta, data := socketExport(t, c, "big", "json", 0)
	if int64(len(data)) != meta.Size || meta.Size < 100*512 {
		t.Fatalf("got %d of %d bytes (want 100+ chunks of 512)", len(data), meta.Size)
	}
	for _, m := range c.messages() {
		if m.Type == "error" {
			t.Fatalf("a download acknowledged chunk by chunk got %s", m.Raw)
		}
	}
}

// opsLine is an ops message of exactly n bytes (n ≥ 80), for byte budgets.
func opsLine(ref string, n int) string {
	head := fmt.Sprintf(`{"type":"ops","ref":%q,"ops":[{"op":"del","id":"`, ref)
	tail := `"}]}`
	return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
}

// Threat 3: ops bytes per second per connection. With 100 B/s (bursts of
// 200), of a frame of three 100-byte ops messages the first two are
// committed (a watcher sees them) and the third is refused with its ref;
// nothing of it reaches the board. A client that goes on far past its
// budget (a frame of 20 more) is closed with 1008.
func TestOpsBytesPerConnectionAreLimited(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.OpsBytesRate = 100 })
	b := app.createBoard(t)
	watcher := join(t, app.wsURL(b.ViewURL+"/ws"), "watcher")
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	sendOpsFrame := func(from, to int) {
		var frame []string
		for i := from; i < to; i++ {
			frame = append(frame, opsLine(fmt.Sprint("b", i), 100))
		}
		if err := c.sendRaw(websocket.TextMessage, []byte(strings.Join(frame, "\n"))); err != nil {
			t.Fatal(err)
		}
	}
	sendOpsFrame(0, 3)
	c.waitAck("b1")
	if e := c.waitError("b2", "rate_limited"); !strings.Contains(e.Message, "bytes of ops messages per second") {
		t.Fatalf("refusal says %q", e.Message)
	}
	// A marker edit from another editor: the board's order says b2 was
	// not committed before it.
	other := join(t, app.wsURL(b.EditURL+"/ws"), "other")
	other.sendOps("marker", putRect("m", 0))
	watcher.waitAck("marker")
	for _, m := range watcher.messages() {
		if m.Type == "ops" && m.Ref != "b0" && m.Ref != "b1" && m.Ref != "marker" {
			t.Fatalf("the board got %s past the budget", m.Ref)
		}
	}
	sendOpsFrame(3, 23)
	if code, reason := closeOf(t, c); code != websocket.ClosePolicyViolation {
		t.Fatalf("closed with %d %q, want 1008", code, reason)
	}
}

// closeOf waits for the server to close c and returns the close frame's
// code and reason.
func closeOf(t testing.TB, c *wsClient) (int, string) {
	t.Helper()
	code, _ := c.waitClosed(10 * time.Second)
	c.mu.Lock()
	defer c.mu.Unlock()
	var ce *websocket.CloseError
	if errors.As(c.closeErr, &ce) {
		return code, ce.Text
	}
	return code, ""
}

// Threat 3: ops bytes per second per board, for all its editors together.
// With 1000 B/s for the board (bursts of 2000) and no limit that matters
// per connection, an editor sending 20 KB of ops in one frame has most of
// it refused with its refs, and so has a second editor right after: the
// board is busy, whoever sends. Neither is closed: the board's budget
// cannot call one client a flood.
func TestOpsBytesPerBoardAreLimited(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.BoardOpsBytesRate = 1000 })
	b := app.createBoard(t)
	url := app.wsURL(b.EditURL + "/ws")
	editors := []*wsClient{join(t, url, "ann"), join(t, url, "bob")}
	for e, c := range editors {
		var frame []string
		for i := range 20 {
			frame = append(frame, opsLine(fmt.Sprintf("%s%d", c.name, i), 1000))
		}
		if err := c.sendRaw(websocket.TextMessage, []byte(strings.Join(frame, "\n"))); err != nil {
			t.Fatal(err)
		}
		last := fmt.Sprintf("%s%d", c.name, 19)
		c.waitUntil("an answer to "+last, func(msgs []wireMsg) bool {
			for _, m := range msgs {
				if m.Ref == last {
					return true
				}
			}
			return false
		})
		refused := 0
		for _, m := range c.messages() {
			if m.Type == "error" && m.Code == "rate_limited" && strings.HasPrefix(m.Ref, c.name) {
				if !strings.Contains(m.Message, "on this board") {
					t.Fatalf("%s: refusal says %q", c.name, m.Message)
				}
				refused++
			}
		}
		// 20 000 bytes against 2 000 of burst and 1 000 a second: at
		// least 10 refused unless the test took 8 s per editor.
		if refused < 10 {
			t.Fatalf("editor %d (%s): %d of 20 messages of 1000 bytes refused", e, c.name, refused)
		}
	}
	for _, c := range editors {
		// Still connected: a request still gets its answer.
		c.send(map[string]any{"type": "export", "ref": "alive", "format": "svg"})
		c.waitType("export.meta")
	}
}
