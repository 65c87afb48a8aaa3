package server

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/session"
)

func putRect(id string, x float64) map[string]any {
	return map[string]any{"op": "put", "el": map[string]any{"id": id, "kind": "rect", "x": x, "y": 0, "w": 10, "h": 10, "z": "a0"}}
}

func (c *wsClient) sendOps(ref string, ops ...map[string]any) {
	c.send(map[string]any{"type": "ops", "ref": ref, "ops": ops})
}

// waitAck waits for the ops message carrying ref (the author's ack).
func (c *wsClient) waitAck(ref string) wireMsg {
	c.t.Helper()
	var ack wireMsg
	c.waitUntil("the ack of "+ref, func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "ops" && m.Ref == ref {
				ack = m
				return true
			}
		}
		return false
	})
	return ack
}

func (c *wsClient) waitError(ref, code string) wireMsg {
	c.t.Helper()
	var e wireMsg
	c.waitUntil(code+" error for "+ref, func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "error" && m.Ref == ref && m.Code == code {
				e = m
				return true
			}
		}
		return false
	})
	return e
}

// boardFromMessages rebuilds a client's view of the board: the welcome's
// elements, then every ops message in order. It also checks that seq rises
// by exactly one per message.
func boardFromMessages(t testing.TB, name string, msgs []wireMsg) (map[string]string, uint64) {
	t.Helper()
	elements := map[string]string{}
	var seq uint64
	welcomed := false
	for _, m := range msgs {
		switch m.Type {
		case "welcome":
			welcomed = true
			seq = m.Seq
			if !m.Recovered {
				elements = map[string]string{}
				for _, raw := range m.Elements {
					var el struct{ ID string }
					json.Unmarshal(raw, &el)
					elements[el.ID] = string(raw)
				}
			}
		case "ops":
			if !welcomed {
				t.Fatalf("%s: ops before welcome", name)
			}
			if m.Seq != seq+1 {
				t.Fatalf("%s: seq %d after %d: not contiguous", name, m.Seq, seq)
			}
			seq = m.Seq
			for _, raw := range m.Ops {
				var op struct {
					Op string
					ID string
					El json.RawMessage
				}
				json.Unmarshal(raw, &op)
				switch op.Op {
				case "put":
					var el struct{ ID string }
					json.Unmarshal(op.El, &el)
					elements[el.ID] = string(op.El)
				case "del":
					delete(elements, op.ID)
				}
			}
		}
	}
	return elements, seq
}

// Acceptance 1: five clients editing one board at once — puts, dels, and
// element ids they share — all end with the same board, equal to the
// server's snapshot, and each sees contiguous seqs.
func TestConcurrentEditorsConverge(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	const editors, messages = 5, 40
	clients := make([]*wsClient, editors)
	for i := range clients {
		clients[i] = join(t, app.wsURL(b.EditURL+"/ws"), fmt.Sprint("ed", i))
	}
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for n := range messages {
				var ops []map[string]any
				for range 1 + rng.IntN(4) {
					id := fmt.Sprint("shared-", rng.IntN(8)) // overlapping ids across editors
					if rng.IntN(4) == 0 {
						ops = append(ops, map[string]any{"op": "del", "id": id})
					} else {
						ops = append(ops, putRect(id, float64(i*1000+n)))
					}
				}
				c.sendOps(fmt.Sprintf("ed%d-%d", i, n), ops...)
			}
		})
	}
	wg.Wait()
	final := uint64(editors * messages)
	boards := make([]map[string]string, editors)
	for i, c := range clients {
		c.waitUntil("every ops message", func(msgs []wireMsg) bool {
			for _, m := range msgs {
				if m.Type == "ops" && m.Seq == final {
					return true
				}
			}
			return false
		})
		var seq uint64
		boards[i], seq = boardFromMessages(t, c.name, c.messages())
		if seq != final {
			t.Fatalf("%s ended at seq %d, want %d", c.name, seq, final)
		}
	}
	// The server's own snapshot, as a late joiner receives it.
	late := join(t, app.wsURL(b.EditURL+"/ws"), "late")
	server, seq := boardFromMessages(t, "late", late.messages())
	if seq != final {
		t.Fatalf("late joiner's welcome at seq %d, want %d", seq, final)
	}
	for i := range boards {
		if !reflect.DeepEqual(boards[i], server) {
			t.Fatalf("%s's board differs from the server's:\n%v\nvs\n%v", clients[i].name, boards[i], server)
		}
	}
	if len(server) == 0 {
		t.Fatal("the converged board is empty; the test exercised nothing")
	}
}

// Acceptance 3: a client that resends an acked ref after reconnecting gets
// the original seq back, and the board holds the edit once. Refs belong to
// their author, so the client says who it is (hello.client) on both
// connections, as the bundled page does for its whole life.
func TestResentRefGetsTheOriginalSeq(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	sameClient := func(c *wsClient) { c.clientID = "resending-client-0001" }
	a := joinWith(t, app.wsURL(b.EditURL+"/ws"), "a", nil, sameClient)
	watcher := join(t, app.wsURL(b.EditURL+"/ws"), "w")
	a.sendOps("a-1", putRect("r1", 1))
	a.sendOps("a-2", putRect("r2", 2))
	first := a.waitAck("a-1")
	a.waitAck("a-2")
	a.close()

	again := joinWith(t, app.wsURL(b.EditURL+"/ws"), "a-again", nil, sameClient)
	again.sendOps("a-1", putRect("r1", 1))
	dup := again.waitAck("a-1")
	if dup.Seq != first.Seq {
		t.Fatalf("resent ref got seq %d, want the original %d", dup.Seq, first.Seq)
	}
	again.sendOps("a-3", putRect("r3", 3))
	if ack := again.waitAck("a-3"); ack.Seq != 3 {
		t.Fatalf("next edit got seq %d, want 3: the resend must not take a seq", ack.Seq)
	}
	// Others never saw the duplicate.
	watcher.waitAck("a-3")
	n := 0
	for _, m := range watcher.messages() {
		if m.Type == "ops" && m.Ref == "a-1" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("watcher received a-1 %d times", n)
	}
	late := join(t, app.wsURL(b.EditURL+"/ws"), "late")
	elements, seq := boardFromMessages(t, "late", late.messages())
	if seq != 3 || len(elements) != 3 {
		t.Fatalf("board at seq %d with %d elements, want 3 and 3", seq, len(elements))
	}
}

// Acceptance 4: a client that misses 100 ops and reconnects with `since`
// gets recovered:true and exactly those ops; an older since, or another
// epoch, gets a full snapshot.
func TestCatchUpWithSince(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.CatchUpMessages = 100 }) // holds exactly seq 11..110 at the end
	b := app.createBoard(t)
	writer := join(t, app.wsURL(b.EditURL+"/ws"), "writer")
	reader := join(t, app.wsURL(b.EditURL+"/ws"), "reader")
	for i := 1; i <= 10; i++ {
		writer.sendOps(fmt.Sprint("w-", i), putRect(fmt.Sprint("e", i), float64(i)))
	}
	writer.waitAck("w-10")
	reader.waitAck("w-10")
	w := reader.waitType("welcome")
	reader.close()

	for i := 11; i <= 110; i++ {
		writer.sendOps(fmt.Sprint("w-", i), putRect(fmt.Sprint("e", i), float64(i)))
	}
	writer.waitAck("w-110")

	back := connect(t, app.wsURL(b.EditURL+"/ws"))
	back.name = "back"
	back.send(map[string]any{"type": "hello", "name": "back", "color": "#000000", "since": map[string]any{"epoch": w.Epoch, "seq": 10}})
	back.waitAck("w-110")
	msgs := back.messages()
	if msgs[0].Type != "welcome" || !msgs[0].Recovered || msgs[0].Seq != 110 || msgs[0].Elements != nil {
		t.Fatalf("welcome = %s, want recovered:true at seq 110 without elements", msgs[0].Raw)
	}
	var seqs []uint64
	for _, m := range msgs[1:] {
		if m.Type == "ops" {
			seqs = append(seqs, m.Seq)
		}
	}
	if len(seqs) != 100 || seqs[0] != 11 || seqs[99] != 110 || !sort.SliceIsSorted(seqs, func(i, j int) bool { return seqs[i] < seqs[j] }) {
		t.Fatalf("caught up with %d ops from %v to %v, want exactly 11..110 in order", len(seqs), seqs[0], seqs[len(seqs)-1])
	}

	for _, test := range []struct {
		name  string
		since map[string]any
	}{
		{"older than the log", map[string]any{"epoch": w.Epoch, "seq": 1}},
		{"another epoch", map[string]any{"epoch": "another", "seq": 100}},
		{"ahead of the board", map[string]any{"epoch": w.Epoch, "seq": 500}},
	} {
		t.Run(test.name, func(t *testing.T) {
			c := connect(t, app.wsURL(b.EditURL+"/ws"))
			c.send(map[string]any{"type": "hello", "name": "c", "color": "#000000", "since": test.since})
			got := c.waitType("welcome")
			if got.Recovered || len(got.Elements) != 110 || got.Seq != 110 {
				t.Fatalf("welcome recovered=%v with %d elements at seq %d; want a full snapshot of 110 at 110", got.Recovered, len(got.Elements), got.Seq)
			}
		})
	}
}

// Acceptance 5 and 6: invalid ops get bad_request naming the problem, a
// view member's ops get forbidden; nothing is applied and the connection
// and the board are unharmed.
func TestInvalidOpsAreRejectedWhole(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	viewer := join(t, app.wsURL(b.ViewURL+"/ws"), "viewer")
	c.sendOps("ok-1", putRect("keep", 1))
	c.waitAck("ok-1")

	manyPoints := make([][2]float64, 5001)
	manyOps := make([]map[string]any, 501)
	for i := range manyOps {
		manyOps[i] = map[string]any{"op": "del", "id": "x"}
	}
	for _, test := range []struct {
		ref  string
		line string
	}{
		{"bad-inf", `{"type":"ops","ref":"bad-inf","ops":[{"op":"put","el":{"id":"keep","kind":"rect","x":1e999}}]}`},
		{"bad-points", mustJSON(map[string]any{"type": "ops", "ref": "bad-points", "ops": []any{map[string]any{"op": "put", "el": map[string]any{"id": "keep", "kind": "stroke", "points": manyPoints}}}})},
		{"bad-text", mustJSON(map[string]any{"type": "ops", "ref": "bad-text", "ops": []any{map[string]any{"op": "put", "el": map[string]any{"id": "keep", "kind": "text", "text": strings.Repeat("x", 4001)}}}})},
		{"bad-kind", `{"type":"ops","ref":"bad-kind","ops":[{"op":"put","el":{"id":"keep","kind":"hexagon"}}]}`},
		{"bad-count", mustJSON(map[string]any{"type": "ops", "ref": "bad-count", "ops": manyOps})},
		{"bad-types", `{"type":"ops","ref":"bad-types","ops":[{"op":"put","el":{"id":"keep","kind":"rect","w":"wide"}}]}`},
		{"bad-mixed", `{"type":"ops","ref":"bad-mixed","ops":[{"op":"del","id":"keep"},{"op":"put","el":{"id":"y","kind":"blob"}}]}`},
	} {
		c.sendRaw(websocket.TextMessage, []byte(test.line))
		if e := c.waitError(test.ref, "bad_request"); e.Message == "" {
			t.Errorf("%s: error without a message", test.ref)
		}
	}
	c.send(map[string]any{"type": "ops", "ops": []any{putRect("keep", 5)}})
	c.waitUntil("bad_request for the missing ref", func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "error" && m.Code == "bad_request" && strings.Contains(m.Message, "ref") {
				return true
			}
		}
		return false
	})
	viewer.sendOps("view-1", putRect("keep", 9))
	viewer.waitError("view-1", "forbidden")

	// The connection still works and the board is as it was.
	c.sendOps("ok-2", putRect("other", 2))
	if ack := c.waitAck("ok-2"); ack.Seq != 2 {
		t.Fatalf("next good edit got seq %d, want 2: a rejected message took a seq", ack.Seq)
	}
	late := join(t, app.wsURL(b.EditURL+"/ws"), "late")
	elements, _ := boardFromMessages(t, "late", late.messages())
	if len(elements) != 2 || !strings.Contains(elements["keep"], `"x":1`) {
		t.Fatalf("board after rejected messages: %v", elements)
	}
}

func TestTitleOpRenamesTheBoard(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	c.send(map[string]any{"type": "ops", "ref": "t-1", "ops": []any{map[string]any{"op": "title", "title": "Q3 planning"}}})
	c.waitAck("t-1")
	late := join(t, app.wsURL(b.ViewURL+"/ws"), "late")
	if w := late.waitType("welcome"); !strings.Contains(string(w.Board), `"title":"Q3 planning"`) {
		t.Fatalf("welcome board %s lacks the new title", w.Board)
	}
	if _, body := get(t, app.URL+b.ViewURL); !strings.Contains(body, "Q3 planning") {
		t.Fatal("the page does not show the new title")
	}
}

func TestOpsRateLimit(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.OpsRate = 5 })
	b := app.createBoard(t)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	for i := range 15 {
		c.sendOps(fmt.Sprint("r-", i), putRect("x", float64(i)))
	}
	c.waitError("r-14", "rate_limited")
	c.waitAck("r-9") // the burst of 2×5 was accepted
}

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(data)
}

var _ = board.MaxPoints
var _ = time.Second
