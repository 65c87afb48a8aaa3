package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// httpMember is a member over the HTTP carriers of a test hub, driven
// through HTTPSession's own API (the server's routes are tested in
// package server).
type httpMember struct {
	s     *HTTPSession
	after uint64
	seq   uint64
}

func openHTTP(t *testing.T, th *testHub) *httpMember {
	t.Helper()
	s, err := th.OpenHTTP(Admission{Board: th.board, Role: board.RoleEdit}, "test")
	if err != nil {
		t.Fatal(err)
	}
	return &httpMember{s: s}
}

// send posts lines as the next X-Easel-Seq.
func (h *httpMember) send(t *testing.T, lines ...string) {
	t.Helper()
	h.seq++
	if err := h.s.Send(context.Background(), h.seq, []byte(strings.Join(lines, "\n"))); err != nil {
		t.Fatalf("send %d: %v", h.seq, err)
	}
}

// pollUntil polls until an event's data contains want, and returns every
// event read on the way.
func (h *httpMember) pollUntil(t *testing.T, want string) []Event {
	t.Helper()
	var all []Event
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		evs, err := h.s.Poll(context.Background(), h.after, 200*time.Millisecond)
		if err != nil {
			t.Fatalf("poll after %d: %v", h.after, err)
		}
		all = append(all, evs...)
		for _, ev := range evs {
			h.after = ev.N
			if strings.Contains(ev.Data, want) {
				return all
			}
		}
	}
	t.Fatalf("no event with %s; read %.800v", want, all)
	return nil
}

func count(evs []Event, sub string) int {
	n := 0
	for _, ev := range evs {
		n += strings.Count(ev.Data, sub)
	}
	return n
}

// Sends are handled in X-Easel-Seq order and once: a repeated number is
// answered as done and not handled again, and a send that arrives before
// the one it follows waits for it.
func TestHTTPSendsAreHandledInOrderAndOnce(t *testing.T) {
	th := newTestHub(t, DefaultConfig(), nil)
	m := openHTTP(t, th)
	m.pollUntil(t, `"session"`)
	m.send(t, `{"type":"hello","name":"Ada","color":"#123456"}`)
	if err := m.s.Send(context.Background(), 1, []byte(`{"type":"hello","name":"Ada","color":"#123456"}`)); err != nil {
		t.Fatalf("a repeated send: %v, want it answered as done", err)
	}
	// 3 arrives before 2: it waits, and the ops go out in the order sent.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := m.s.Send(context.Background(), 3, []byte(`{"type":"ops","ref":"second","ops":[{"op":"put","el":{"id":"b","kind":"rect","x":0,"y":0,"w":1,"h":1,"z":"b"}}]}`)); err != nil {
			t.Errorf("send 3: %v", err)
		}
	}()
	if err := m.s.Send(context.Background(), 2, []byte(`{"type":"ops","ref":"first","ops":[{"op":"put","el":{"id":"a","kind":"rect","x":0,"y":0,"w":1,"h":1,"z":"a"}}]}`)); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	evs := m.pollUntil(t, `"ref":"second"`)
	all := fmt.Sprint(evs)
	if strings.Index(all, `"ref":"first"`) > strings.Index(all, `"ref":"second"`) {
		t.Fatalf("ops acked out of X-Easel-Seq order: %.600s", all)
	}
	if strings.Contains(all, "already received") || count(evs, `"type":"welcome"`) != 1 {
		t.Fatalf("a repeated send was handled twice: %.600s", all)
	}
}

// A send past a gap that does not fill within HTTPSendGap closes the
// session with 1002, and its token is refused once the close has been
// readable for HTTPReattach.
func TestHTTPSendGapClosesWith1002(t *testing.T) {
	cfg := DefaultConfig()
	cfg.HTTPSendGap, cfg.HTTPReattach = 100*time.Millisecond, 200*time.Millisecond
	th := newTestHub(t, cfg, nil)
	m := openHTTP(t, th)
	m.send(t, `{"type":"hello","name":"Ada","color":"#123456"}`)
	if err := m.s.Send(context.Background(), 5, []byte(`{"type":"cursor","x":1,"y":1}`)); !errors.Is(err, ErrSendGap) {
		t.Fatalf("a send past a gap: %v, want ErrSendGap", err)
	}
	m.pollUntil(t, `"code":1002`)
	waitTokenRefused(t, th, m.s.Token())
}

// waitTokenRefused polls until the hub refuses token.
func waitTokenRefused(t *testing.T, th *testHub, token string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := th.FindHTTP(token, th.board.ID, board.RoleEdit); errors.Is(err, ErrSessionGone) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the session's token is still accepted")
		}
		time.Sleep(10 * time.Millisecond) // polling, with the deadline above
	}
}

// A token of another board or role is refused, and so is a malformed one.
func TestHTTPSessionIsBoundToItsBoardAndRole(t *testing.T) {
	th := newTestHub(t, DefaultConfig(), nil)
	m := openHTTP(t, th)
	for _, tc := range []struct {
		token, board string
		role         board.Role
	}{
		{m.s.Token(), "another-board", board.RoleEdit},
		{m.s.Token(), th.board.ID, board.RoleView},
		{m.s.Token(), th.board.ViewID, board.RoleView},
		{m.s.Token() + "x", th.board.ID, board.RoleEdit},
		{"../../etc", th.board.ID, board.RoleEdit},
	} {
		if _, err := th.FindHTTP(tc.token, tc.board, tc.role); !errors.Is(err, ErrSessionGone) {
			t.Errorf("FindHTTP(%q, %q, %s): %v, want ErrSessionGone", tc.token, tc.board, tc.role, err)
		}
	}
	if got, err := th.FindHTTP(m.s.Token(), th.board.ID, board.RoleEdit); err != nil || got != Carrier(m.s) {
		t.Fatalf("its own board and role: %v, %v", got, err)
	}
}

// A member with no carrier for HTTPPollIdle leaves: the others see its
// leave, and its token is refused.
func TestHTTPSessionWithoutCarrierLeaves(t *testing.T) {
	cfg := DefaultConfig()
	cfg.HTTPPollIdle, cfg.HTTPReattach = 300*time.Millisecond, 100*time.Millisecond
	th := newTestHub(t, cfg, nil)
	watcher, m := socketAndHTTPMembers(t, th)
	watcher.waitFor(t, `"name":"Http"`)
	// No poll from now on.
	watcher.waitFor(t, `"type":"leave"`)
	waitTokenRefused(t, th, m.s.Token())
}

// A stream that stops reading fills its member's outbox, which closes it
// with 1013 as a socket's would, while the others keep getting everything.
func TestHTTPStreamThatStopsReadingIsClosedSlow(t *testing.T) {
	cfg := DefaultConfig()
	cfg.OutboxBytes = 64 << 10
	th := newTestHub(t, cfg, nil)
	editor, slow := socketAndHTTPMembers(t, th)
	stuck := make(chan struct{})
	defer close(stuck)
	streamed := make(chan uint64, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go slow.s.Stream(ctx, slow.after, func(evs []Event) error {
		select {
		case streamed <- evs[len(evs)-1].N:
		default:
		}
		<-stuck // the reader has stopped: the write never completes
		return errors.New("gone")
	}, func() error { return nil }, time.Minute)

	text := strings.Repeat("x", 3000)
	for i := range 60 {
		editor.send(fmt.Sprintf(`{"type":"ops","ref":"r%d","ops":[{"op":"put","el":{"id":"e%d","kind":"text","x":0,"y":0,"w":10,"h":10,"z":"a","text":"%s"}}]}`, i, i, text))
		editor.waitFor(t, fmt.Sprintf(`"ref":"r%d"`, i)) // the others go on as ever
	}
	deadline := time.Now().Add(10 * time.Second)
	for !slowClosed(slow.s) {
		if time.Now().After(deadline) {
			t.Fatal("the member whose stream stopped reading was not closed with 1013")
		}
		time.Sleep(10 * time.Millisecond) // polling, with the deadline above
	}
	editor.waitFor(t, `"type":"leave"`)
}

// slowClosed reports whether s's last event is a close with 1013.
func slowClosed(s *HTTPSession) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.events)
	return n > 0 && s.events[n-1].Kind == EventClose && strings.Contains(s.events[n-1].Data, `"code":1013`)
}

// A stream that reattaches after the last event it got resumes there:
// nothing lost, nothing twice; one asking for events no longer held is
// refused.
func TestHTTPStreamReattachesAfterItsLastEvent(t *testing.T) {
	th := newTestHub(t, DefaultConfig(), nil)
	m := openHTTP(t, th)
	m.send(t, `{"type":"hello","name":"Ada","color":"#123456"}`)
	var got []Event
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- m.s.Stream(ctx, AfterHeld, func(evs []Event) error {
			got = append(got, evs...)
			if count(got, `"type":"welcome"`) > 0 {
				cancel() // the stream drops after the welcome
			}
			return nil
		}, func() error { return nil }, time.Minute)
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	last := got[len(got)-1].N
	m.send(t, `{"type":"ops","ref":"while-away","ops":[{"op":"put","el":{"id":"a","kind":"rect","x":0,"y":0,"w":1,"h":1,"z":"a"}}]}`)
	m.after = last
	evs := m.pollUntil(t, `"ref":"while-away"`)
	if evs[0].N != last+1 {
		t.Fatalf("reattached after %d, first event %d", last, evs[0].N)
	}
	if _, err := m.s.Poll(context.Background(), 0, 0); !errors.Is(err, ErrSessionGone) {
		t.Fatalf("asking again for acknowledged events: %v, want ErrSessionGone", err)
	}
}

// socketAndHTTPMembers joins a member on a Conn of the test's own
// ("Conn") and one over HTTP ("Http"), both welcomed.
func socketAndHTTPMembers(t *testing.T, th *testHub) (*fakeConn, *httpMember) {
	t.Helper()
	c := connectFake(t, th)
	c.send(`{"type":"hello","name":"Conn","color":"#445566"}`)
	c.waitFor(t, `"type":"welcome"`)
	h := openHTTP(t, th)
	h.send(t, `{"type":"hello","name":"Http","color":"#123456"}`)
	h.pollUntil(t, `"type":"welcome"`)
	return c, h
}
