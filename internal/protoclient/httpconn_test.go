package protoclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// carriers are the HTTP dials, for tests that hold of both.
var carriers = []struct {
	name string
	dial func(context.Context, string, Options) (*HTTPConn, *http.Response, error)
}{
	{SSE, DialSSE},
	{Poll, DialPoll},
}

var fakeOrigin = Options{Header: http.Header{"Origin": {"https://easel.example"}}}

// dialFake opens a session on the fake board; it is closed at the end.
func dialFake(t *testing.T, f *fakeBoard, dial func(context.Context, string, Options) (*HTTPConn, *http.Response, error)) *HTTPConn {
	t.Helper()
	c, res, err := dial(context.Background(), f.URL, fakeOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || c.Session() == "" || c.LastEvent() != 1 {
		t.Fatalf("status %d, session %q, last event %d", res.StatusCode, c.Session(), c.LastEvent())
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// A session opens with its token, says hello, reads the welcome frame,
// then text frames (a message event's data lines are the frame's lines)
// and binary ones (a chunk event, base64), and ends with the close
// event's code and reason. Every request carries the options' headers;
// sends are text/plain, numbered 1, 2, 3….
func TestHTTPCarriesTheProtocol(t *testing.T) {
	for _, carrier := range carriers {
		t.Run(carrier.name, func(t *testing.T) {
			f := newFakeBoard(t)
			c := dialFake(t, f, carrier.dial)
			if c.Carrier() != carrier.name {
				t.Errorf("carrier %q", c.Carrier())
			}
			if err := c.Send(Hello{Name: "ann", Color: "#123456"}); err != nil {
				t.Fatal(err)
			}
			welcome, rest, err := c.ReadWelcome(5 * time.Second)
			if err != nil || string(welcome) != `{"type":"welcome","you":"p1"}` || string(rest) != `{"type":"join","peer":"p1"}` {
				t.Fatalf("welcome %s, rest %s, %v", welcome, rest, err)
			}
			chunk := append(bytes.Repeat([]byte{9}, ChunkHeader), []byte("payload\n\x00bytes")...)
			f.push(c.Session(), "chunk", base64.StdEncoding.EncodeToString(chunk))
			f.push(c.Session(), "", "{\"type\":\"a\"}\n\n{\"type\":\"b\"}")
			if err := c.SendText([]byte("{\"type\":\"cursor\",\"x\":1,\"y\":2}\n{\"type\":\"cursor\",\"x\":3,\"y\":4}")); err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var frames []string
			var endErr error
			ended := false
			w := NewWaiter(&mu)
			c.Run(func(typ int, data []byte, _ time.Time) error {
				w.Record(func() { frames = append(frames, strings.Repeat("binary:", typ-TextFrame)+string(data)) })
				return nil
			}, func(err error) { w.Record(func() { endErr, ended = err, true }) })
			if !w.Wait(5*time.Second, func() bool { return len(frames) == 2 }) {
				t.Fatalf("frames %q", frames)
			}
			f.mu.Lock()
			f.closeLocked(f.sessions[c.Session()], 1013, "slow")
			f.mu.Unlock()
			if !w.Wait(5*time.Second, func() bool { return ended }) {
				t.Fatal("the close event did not end the read")
			}
			mu.Lock()
			defer mu.Unlock()
			if want := []string{"binary:" + string(chunk), "{\"type\":\"a\"}\n\n{\"type\":\"b\"}"}; !slices.Equal(frames, want) {
				t.Errorf("frames %q, want %q", frames, want)
			}
			if CloseCode(endErr) != 1013 || !strings.Contains(endErr.Error(), "slow") {
				t.Errorf("ended with %v", endErr)
			}
			s := f.session(c.Session())
			if !slices.Equal(s.seqs, []int64{1, 2}) || len(s.lines) != 3 {
				t.Errorf("seqs %v, lines %q", s.seqs, s.lines)
			}
			for _, h := range s.headers {
				if h.Get("Origin") != "https://easel.example" {
					t.Errorf("a request without the Origin: %v", h)
				}
				if h.Get("X-Easel-Seq") != "" && h.Get("Content-Type") != "text/plain; charset=utf-8" {
					t.Errorf("a send of type %q", h.Get("Content-Type"))
				}
				if carrier.name == SSE && h.Get("X-Easel-Seq") == "" && h.Get("Accept") != "text/event-stream" {
					t.Errorf("a stream that accepts %q", h.Get("Accept"))
				}
			}
			if _, _, err := c.ReadFrame(time.Now().Add(time.Second)); CloseCode(err) != 1013 {
				t.Errorf("a read after the end: %v", err)
			}
		})
	}
}

// Sends from many goroutines go one POST at a time, numbered without a
// gap, each goroutine's in its order.
func TestHTTPSendsOneAtATimeInOrder(t *testing.T) {
	for _, carrier := range carriers {
		t.Run(carrier.name, func(t *testing.T) {
			f := newFakeBoard(t)
			c := dialFake(t, f, carrier.dial)
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for i := range 25 {
						if err := c.Send(map[string]int{"g": g, "i": i}); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			s := f.session(c.Session())
			if s.most != 1 || s.applied != 200 || len(s.lines) != 200 {
				t.Fatalf("%d sends in flight at most, %d applied, %d lines", s.most, s.applied, len(s.lines))
			}
			for i, k := range s.seqs {
				if k != int64(i+1) {
					t.Fatalf("seqs %v", s.seqs)
				}
			}
			next := map[int]int{}
			for _, line := range s.lines {
				var m struct{ G, I int }
				json.Unmarshal([]byte(line), &m)
				if m.I != next[m.G] {
					t.Fatalf("goroutine %d's send %d came after its %d others", m.G, m.I, next[m.G])
				}
				next[m.G]++
			}
		})
	}
}

// SendRaw sends a seq as it is: a repeated one is answered 204 and
// applied once, Send goes on after the highest, a gap that is not filled
// closes the session with 1002 and is answered 410, as is any later send.
func TestHTTPSendRaw(t *testing.T) {
	for _, carrier := range carriers {
		t.Run(carrier.name, func(t *testing.T) {
			f := newFakeBoard(t)
			f.gapWait = 200 * time.Millisecond
			c := dialFake(t, f, carrier.dial)
			for range 2 {
				if status, err := c.SendRaw(1, []byte(`{"type":"x"}`)); status != http.StatusNoContent || err != nil {
					t.Fatalf("SendRaw = %d, %v", status, err)
				}
			}
			if err := c.Send(map[string]string{"type": "y"}); err != nil {
				t.Fatal(err)
			}
			if s := f.session(c.Session()); !slices.Equal(s.lines, []string{`{"type":"x"}`, `{"type":"y"}`}) || !slices.Equal(s.seqs, []int64{1, 1, 2}) {
				t.Fatalf("lines %q, seqs %v", s.lines, s.seqs)
			}
			if status, err := c.SendRaw(4, []byte(`{"type":"z"}`)); status != http.StatusGone || err != nil {
				t.Fatalf("a send past a gap: %d, %v", status, err)
			}
			if _, _, err := c.ReadFrame(time.Now().Add(5 * time.Second)); CloseCode(err) != 1002 {
				t.Fatalf("read %v, want the close 1002", err)
			}
			var se *StatusError
			if err := c.Send(map[string]string{"type": "late"}); !errors.As(err, &se) || se.Status != http.StatusGone || se.Op != "send" {
				t.Fatalf("a send after the end: %v", err)
			}
		})
	}
}

// A body over the size limit is answered 413 and closes the session 1009.
func TestHTTPOversizeSend(t *testing.T) {
	f := newFakeBoard(t)
	c := dialFake(t, f, DialSSE)
	var se *StatusError
	if err := c.SendText(bytes.Repeat([]byte("x"), 2<<10)); !errors.As(err, &se) || se.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversize send: %v", err)
	}
	if _, _, err := c.ReadFrame(time.Now().Add(5 * time.Second)); CloseCode(err) != 1009 {
		t.Fatalf("read %v, want the close 1009", err)
	}
}

// A stream or poll that breaks is reattached to the session after the
// last event received (SSE: ?session= and Last-Event-ID; poll: after=):
// nothing lost, nothing twice.
func TestHTTPReattachesAfterTheLastEvent(t *testing.T) {
	for _, carrier := range carriers {
		t.Run(carrier.name, func(t *testing.T) {
			f := newFakeBoard(t)
			c := dialFake(t, f, carrier.dial)
			f.push(c.Session(), "", "one")
			f.push(c.Session(), "", "two")
			for _, want := range []string{"one", "two"} {
				if _, data, err := c.ReadFrame(time.Now().Add(5 * time.Second)); err != nil || string(data) != want {
					t.Fatalf("read %q, %v; want %q", data, err, want)
				}
			}
			c.Interrupt()
			f.waitFor(t, c.Session(), "the carrier reattach", func(s *fakeSession) bool {
				return slices.Contains(s.attaches, carrier.name+" after=3")
			})
			f.push(c.Session(), "", "three")
			if _, data, err := c.ReadFrame(time.Now().Add(5 * time.Second)); err != nil || string(data) != "three" {
				t.Fatalf("after the reattach, read %q, %v", data, err)
			}
			if _, data, err := c.ReadFrame(time.Now().Add(100 * time.Millisecond)); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("then read %q, %v; want nothing", data, err)
			}
			if c.LastEvent() != 4 {
				t.Errorf("last event %d", c.LastEvent())
			}
			if carrier.name == SSE {
				s := f.session(c.Session())
				h := s.headers[slices.Index(s.attaches, "sse after=3")]
				if h.Get("Last-Event-ID") != "3" {
					t.Errorf("reattached with Last-Event-ID %q", h.Get("Last-Event-ID"))
				}
			}
		})
	}
}

// Events that skip a number were lost: the read ends with an error that
// says so, rather than going on with a hole.
func TestHTTPLostEventsEndTheRead(t *testing.T) {
	for _, carrier := range carriers {
		t.Run(carrier.name, func(t *testing.T) {
			f := newFakeBoard(t)
			c := dialFake(t, f, carrier.dial)
			f.mu.Lock()
			f.skip = true
			f.mu.Unlock()
			f.push(c.Session(), "", "after a hole")
			if _, _, err := c.ReadFrame(time.Now().Add(5 * time.Second)); !errors.Is(err, errMalformed) || !strings.Contains(err.Error(), "event 3 after 1") {
				t.Fatalf("read %v", err)
			}
		})
	}
}

// CloseNormally says bye (the session ends on the server) and leaves
// nothing running; so does Close of a paused loop.
func TestHTTPCloseLeavesNothingRunning(t *testing.T) {
	for _, carrier := range carriers {
		t.Run(carrier.name, func(t *testing.T) {
			f := newFakeBoard(t)
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			c := dialFake(t, f, carrier.dial)
			c.Run(func(int, []byte, time.Time) error { return nil }, nil)
			c.CloseNormally()
			if s := f.session(c.Session()); !s.ended || !slices.Contains(s.lines, `{"type":"bye"}`) {
				t.Fatalf("after CloseNormally, the session: ended %v, lines %q", s.ended, s.lines)
			}
			paused := dialFake(t, f, carrier.dial)
			paused.Pause()
			paused.Run(func(int, []byte, time.Time) error { return nil }, nil)
			f.push(paused.Session(), "", "unread")
			paused.Close()
			if _, _, err := paused.ReadFrame(time.Now().Add(time.Second)); !errors.Is(err, ErrClosed) {
				t.Fatalf("a read after Close: %v", err)
			}
		})
	}
}

// A refused session says its status.
func TestHTTPDialRefused(t *testing.T) {
	for _, carrier := range carriers {
		t.Run(carrier.name, func(t *testing.T) {
			f := newFakeBoard(t)
			_, res, err := carrier.dial(context.Background(), f.URL, Options{Header: http.Header{"Origin": {"https://evil.example"}}})
			var se *StatusError
			if !errors.As(err, &se) || se.Status != http.StatusForbidden || res == nil || res.StatusCode != http.StatusForbidden {
				t.Fatalf("dial = %v, %v", res, err)
			}
		})
	}
}
