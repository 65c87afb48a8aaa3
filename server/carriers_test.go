package server

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/internal/protoclient"
	"github.com/easel-app/easel/session"
)

// joinHTTP joins a member over an HTTP carrier ("sse" or "poll") of the
// board at base (http://host/b/<id>), says hello and waits for welcome.
func joinHTTP(t testing.TB, base, carrier, name string, dialOpts ...dialOption) *wsClient {
	t.Helper()
	dial := protoclient.DialSSE
	if carrier == "poll" {
		dial = protoclient.DialPoll
	}
	o := protoclient.Options{HandshakeTimeout: 5 * time.Second}
	for _, set := range dialOpts {
		set(&o)
	}
	conn, _, err := dial(context.Background(), base, o)
	if err != nil {
		t.Fatalf("%s over %s: %v", name, carrier, err)
	}
	c := recording(t, conn)
	c.name = name
	c.hello(nil)
	return c
}

// Acceptance 1 (issue 16): a member over SSE, one long-polling and one on
// a socket see each other's cursors both ways, and their edits are acked
// and reach all three in seq order.
func TestCarriersShareABoardWithASocket(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	ws := join(t, app.wsURL("/b/"+b.ID+"/ws"), "socket")
	sse := joinHTTP(t, app.URL+"/b/"+b.ID, "sse", "sse")
	poll := joinHTTP(t, app.URL+"/b/"+b.ID, "poll", "poll")
	members := []*wsClient{ws, sse, poll}
	for i, m := range members {
		m.moveTo(float64(100+i), float64(i))
	}
	for _, m := range members {
		for i, other := range members {
			if other == m {
				continue
			}
			want := float64(100 + i)
			m.waitUntil(other.name+"'s cursor", func(msgs []wireMsg) bool {
				return cursorsSeen(msgs)[other.you][0] == want
			})
		}
	}
	for round := range 3 {
		for _, m := range members {
			ref := fmt.Sprintf("%s-%d", m.name, round)
			m.send(map[string]any{"type": "ops", "ref": ref, "ops": []any{map[string]any{"op": "put",
				"el": map[string]any{"id": ref, "kind": "rect", "x": 0, "y": 0, "w": 10, "h": 10, "z": "a0"}}}})
		}
	}
	for _, m := range members {
		m.waitUntil("all nine edits", func(msgs []wireMsg) bool { return len(opsSeqs(msgs)) == 9 })
		for i, seq := range opsSeqs(m.messages()) {
			if seq != uint64(i+1) {
				t.Fatalf("%s: seqs %v are not 1…9 in order", m.name, opsSeqs(m.messages()))
			}
		}
	}
}

// opsSeqs lists the seqs of the ops messages in msgs, in arrival order.
func opsSeqs(msgs []wireMsg) []uint64 {
	var seqs []uint64
	for _, m := range msgs {
		if m.Type == "ops" {
			seqs = append(seqs, m.Seq)
		}
	}
	return seqs
}

// A repeated X-Easel-Seq is answered 204 and handled once.
func TestCarrierRepeatedSendIsHandledOnce(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	conn, _, err := protoclient.DialSSE(context.Background(), app.URL+"/b/"+b.ID, protoclient.Options{HandshakeTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	m := recording(t, conn)
	m.name = "sse"
	m.hello(nil) // seq 1
	op := []byte(`{"type":"ops","ref":"once","ops":[{"op":"put","el":{"id":"a","kind":"rect","x":0,"y":0,"w":1,"h":1,"z":"a0"}}]}`)
	for range 3 {
		if status, err := conn.SendRaw(2, op); err != nil || status != http.StatusNoContent {
			t.Fatalf("send 2: %d %v, want 204 each time", status, err)
		}
	}
	m.send(map[string]any{"type": "cursor", "x": 1, "y": 1}) // seq 3
	m.waitUntil("the ops", func(msgs []wireMsg) bool { return len(opsSeqs(msgs)) > 0 })
	// An edit sent after the repeats, so that a second handling would
	// have landed before it.
	m.send(map[string]any{"type": "ops", "ref": "after", "ops": []any{map[string]any{"op": "del", "id": "a"}}})
	m.waitUntil("the later edit", func(msgs []wireMsg) bool { return len(opsSeqs(msgs)) >= 2 })
	if seqs := opsSeqs(m.messages()); len(seqs) != 2 {
		t.Fatalf("ops seen %v: the repeated send was handled more than once", seqs)
	}
}

// A session the route does not know — unknown, another board's, the
// other role's — is 410 on every route, and a foreign Origin is 403.
func TestCarrierRefusals(t *testing.T) {
	app := newTestApp(t)
	b, other := app.createBoard(t), app.createBoard(t)
	conn, _, err := protoclient.DialPoll(context.Background(), app.URL+"/b/"+b.ID, protoclient.Options{HandshakeTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	token := conn.Session()
	do := func(method, path string, header http.Header) int {
		req, _ := http.NewRequest(method, app.URL+path, strings.NewReader(`{"type":"cursor","x":1,"y":1}`))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("X-Easel-Seq", "1")
		for k, v := range header {
			req.Header[k] = v
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		res, err := http.DefaultClient.Do(req.WithContext(ctx))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, tc := range []struct {
		name, method, path string
		header             http.Header
		want               int
	}{
		{"unknown session: send", "POST", "/b/" + b.ID + "/send?session=" + token[:len(token)-1] + "A", nil, http.StatusGone},
		{"unknown session: poll", "GET", "/b/" + b.ID + "/poll?session=nope&after=1", nil, http.StatusGone},
		{"unknown session: sse", "GET", "/b/" + b.ID + "/sse?session=nope", nil, http.StatusGone},
		{"another board's route", "POST", "/b/" + other.ID + "/send?session=" + token, nil, http.StatusGone},
		{"the view route", "POST", "/v/" + b.ViewID + "/send?session=" + token, nil, http.StatusGone},
		{"foreign origin: send", "POST", "/b/" + b.ID + "/send?session=" + token, http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"foreign origin: poll", "GET", "/b/" + b.ID + "/poll", http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"foreign origin: sse", "GET", "/b/" + b.ID + "/sse", http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"no such board", "GET", "/b/00000000-0000-4000-8000-000000000000/poll", nil, http.StatusNotFound},
		{"no X-Easel-Seq", "POST", "/b/" + b.ID + "/send?session=" + token, http.Header{"X-Easel-Seq": {""}}, http.StatusBadRequest},
	} {
		if got := do(tc.method, tc.path, tc.header); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// A send over the size limit is 413, and the session closes with 1009.
func TestCarrierOversizedSendCloses1009(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.MaxMessage = 4 << 10 })
	b := app.createBoard(t)
	m := joinHTTP(t, app.URL+"/b/"+b.ID, "sse", "sse")
	status, err := m.conn.(*protoclient.HTTPConn).SendRaw(2, []byte(`{"type":"chat","text":"`+strings.Repeat("x", 5<<10)+`"}`))
	if err != nil || status != http.StatusRequestEntityTooLarge {
		t.Fatalf("an oversized send: %d %v, want 413", status, err)
	}
	if code, _ := m.waitClosed(5 * time.Second); code != 1009 {
		t.Fatalf("the session closed with %d, want 1009", code)
	}
}

// An SSE member that stops reading is closed with 1013 and leaves, while
// the socket member editing beside it gets every ack as before.
func TestCarrierStreamThatStopsReadingIsClosedSlow(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.OutboxBytes = 64 << 10 })
	b := app.createBoard(t)
	editor := join(t, app.wsURL("/b/"+b.ID+"/ws"), "editor")
	slow := joinHTTP(t, app.URL+"/b/"+b.ID, "sse", "slow", smallReceiveBuffer)
	editor.waitUntil("the slow member's join", func(msgs []wireMsg) bool { return hasJoin(msgs, slow.you) })
	slow.pause()
	text := strings.Repeat("x", 3000)
	for i := 0; !hasLeave(editor.messages(), slow.you); i++ {
		if i == 2000 {
			t.Fatal("the member that stopped reading was never closed")
		}
		ref := fmt.Sprintf("r%d", i)
		editor.send(map[string]any{"type": "ops", "ref": ref, "ops": []any{map[string]any{"op": "put",
			"el": map[string]any{"id": ref, "kind": "text", "x": 0, "y": 0, "w": 10, "h": 10, "z": "a0", "text": text}}}})
		editor.waitUntil("ack of "+ref, func(msgs []wireMsg) bool { return len(opsSeqs(msgs)) == i+1 })
	}
	app.waitMetric(t, "easel_slow_consumer_closes_total", 1)
	slow.unpause()
	if code, _ := slow.waitClosed(10 * time.Second); code != 1013 {
		t.Fatalf("the slow member's session closed with %d, want 1013", code)
	}
}

func hasJoin(msgs []wireMsg, id string) bool {
	for _, m := range msgs {
		if m.Type == "join" && m.Peer != nil && m.Peer.ID == id {
			return true
		}
	}
	return false
}

// A long-polling member that stops polling leaves once HTTPPollIdle has
// passed (30 s in production; shortened here).
func TestCarrierSessionWithoutPollsLeaves(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.HTTPPollIdle = 500 * time.Millisecond })
	b := app.createBoard(t)
	watcher := join(t, app.wsURL("/b/"+b.ID+"/ws"), "watcher")
	poll := joinHTTP(t, app.URL+"/b/"+b.ID, "poll", "poll")
	watcher.waitUntil("the poller's join", func(msgs []wireMsg) bool { return hasJoin(msgs, poll.you) })
	poll.close() // no poll from now on, and no bye
	watcher.waitUntil("the poller's leave", func(msgs []wireMsg) bool { return hasLeave(msgs, poll.you) })
}

// A stream that drops reattaches to its live session (?session= and
// Last-Event-ID): the member gets what was sent meanwhile, and nobody sees
// it leave.
func TestCarrierStreamReattachesWithoutALeave(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	watcher := join(t, app.wsURL("/b/"+b.ID+"/ws"), "watcher")
	sse := joinHTTP(t, app.URL+"/b/"+b.ID, "sse", "sse")
	watcher.waitUntil("the SSE member's join", func(msgs []wireMsg) bool { return hasJoin(msgs, sse.you) })
	streams := app.waitMetric(t, `easel_http_carrier_requests_total{kind="sse"}`, 1)

	sse.conn.(*protoclient.HTTPConn).Interrupt() // the network drops the stream
	watcher.moveTo(42, 1)
	sse.waitUntil("the watcher's move, after the reattach", func(msgs []wireMsg) bool {
		return cursorsSeen(msgs)[watcher.you][0] == 42
	})
	app.waitMetric(t, `easel_http_carrier_requests_total{kind="sse"}`, streams+1)
	sse.moveTo(7, 7)
	watcher.waitUntil("the SSE member's move", func(msgs []wireMsg) bool { return cursorsSeen(msgs)[sse.you][0] == 7 })
	if hasLeave(watcher.messages(), sse.you) {
		t.Fatal("the watcher saw the SSE member leave while its stream reattached")
	}
}

// HTTP sessions count under the connection caps as sockets do: with two
// places per address, a socket and an SSE session take them, and a third
// session of either carrier is refused with 429 before it exists.
func TestCarrierSessionsCountUnderTheCaps(t *testing.T) {
	app := newTestApp(t, func(_ *session.Config, o *Options) { o.MaxConnsPerAddr = 2 })
	b := app.createBoard(t)
	base := app.URL + "/b/" + b.ID
	join(t, app.wsURL("/b/"+b.ID+"/ws"), "socket")
	joinHTTP(t, base, "sse", "sse")
	for _, dial := range []func(context.Context, string, protoclient.Options) (*protoclient.HTTPConn, *http.Response, error){protoclient.DialSSE, protoclient.DialPoll} {
		conn, res, err := dial(context.Background(), base, protoclient.Options{HandshakeTimeout: 5 * time.Second})
		if err == nil {
			conn.Close()
			t.Fatal("a third session was opened past the per-address cap")
		}
		if res == nil || res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("third session: %v (%v), want 429", res, err)
		}
	}
}

// A node reads and holds at most sendsPerSession sends of one session at
// once: with that many waiting on a gap in X-Easel-Seq, the next is
// refused with 429 at once, before its body is read.
func TestCarrierSendsPerSessionAreBounded(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	m := joinHTTP(t, app.URL+"/b/"+b.ID, "sse", "sse") // hello is send 1
	conn := m.conn.(*protoclient.HTTPConn)
	cursor := []byte(`{"type":"cursor","x":1,"y":1}`)
	waiting := make(chan int, sendsPerSession)
	for i := range sendsPerSession {
		go func() {
			status, _ := conn.SendRaw(int64(3+i), cursor) // 2 never comes: they wait
			waiting <- status
		}()
	}
	app.waitMetric(t, `easel_http_carrier_requests_total{kind="send"}`, float64(1+sendsPerSession))
	if status, err := conn.SendRaw(int64(3+sendsPerSession), cursor); status != http.StatusTooManyRequests {
		t.Fatalf("a send beyond %d at once: %d %v, want 429", sendsPerSession, status, err)
	}
	for range sendsPerSession {
		if status := <-waiting; status != http.StatusGone {
			t.Errorf("a send past the gap that never filled: %d, want 410", status)
		}
	}
}
