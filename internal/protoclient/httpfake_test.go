package protoclient

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeBoard serves one board's HTTP carriers as "When WebSocket is
// blocked" in the protocol describes them: sessions of numbered events
// (1 is `session`), /sse and /poll (opening and reattaching), /send in
// X-Easel-Seq order exactly once, 410 for an unknown or ended session,
// 413 and close 1009 for a body over the limit, 1002 for a gap that is not
// filled. What a session does with a message is the test's (apply).
type fakeBoard struct {
	URL string // the board's base: http://host/b/fake

	mu       sync.Mutex
	cond     *sync.Cond // new events, applied seqs, ended requests
	sessions map[string]*fakeSession
	// apply sees each applied line with mu held and may push events;
	// by default hello is answered with welcome and join in one frame.
	apply   func(s *fakeSession, line string)
	maxBody int           // 1 KiB unless set
	gapWait time.Duration // how long a send past a gap waits
	pollFor time.Duration // how long an empty poll waits
	origin  string        // the allowed Origin ("" allows none but none)
	skip    bool          // the next event pushed is preceded by one never sent
}

type fakeSession struct {
	token    string
	events   []event // events[i].n == i+1; never changed, only appended
	ended    bool
	applied  int64    // the highest seq applied
	lines    []string // applied, in order
	seqs     []int64  // X-Easel-Seq of every send request, as they came
	sending  int      // send requests in flight
	most     int      // the most ever in flight
	attaches []string // how each stream or poll asked: "sse after=n", "poll after=n"
	headers  []http.Header
}

func newFakeBoard(t testing.TB) *fakeBoard {
	f := &fakeBoard{sessions: map[string]*fakeSession{}, maxBody: 1 << 10, gapWait: 2 * time.Second, pollFor: 2 * time.Second, origin: "https://easel.example"}
	f.cond = sync.NewCond(&f.mu)
	f.apply = func(s *fakeSession, line string) {
		if strings.Contains(line, `"type":"hello"`) {
			f.pushLocked(s, "", `{"type":"welcome","you":"p1"}`+"\n"+`{"type":"join","peer":"p1"}`)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /b/fake/sse", f.sse)
	mux.HandleFunc("GET /b/fake/poll", f.poll)
	mux.HandleFunc("POST /b/fake/send", f.send)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && o != f.origin {
			http.Error(w, "foreign origin", http.StatusForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		f.mu.Lock()
		for _, s := range f.sessions {
			s.ended = true
		}
		f.cond.Broadcast()
		f.mu.Unlock()
		ts.Close()
	})
	f.URL = ts.URL + "/b/fake"
	return f
}

// push adds an event to the session (name "" for a message).
func (f *fakeBoard) push(token, name, data string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pushLocked(f.sessions[token], name, data)
}

func (f *fakeBoard) pushLocked(s *fakeSession, name, data string) {
	n := int64(len(s.events)) + 1
	if f.skip {
		s.events = append(s.events, event{n: n, name: "lost"})
		n, f.skip = n+1, false
	}
	s.events = append(s.events, event{n: n, name: name, data: []byte(data)})
	f.cond.Broadcast()
}

// closeLocked ends the session with a close event.
func (f *fakeBoard) closeLocked(s *fakeSession, code int, reason string) {
	if !s.ended {
		f.pushLocked(s, "close", fmt.Sprintf(`{"code":%d,"reason":%q}`, code, reason))
		s.ended = true
	}
}

// wait waits on cond until done holds, r ends or timeout passes; mu held.
func (f *fakeBoard) wait(r *http.Request, timeout time.Duration, done func() bool) bool {
	t := time.AfterFunc(timeout, func() { f.mu.Lock(); f.cond.Broadcast(); f.mu.Unlock() })
	defer t.Stop()
	stop := context.AfterFunc(r.Context(), func() { f.mu.Lock(); f.cond.Broadcast(); f.mu.Unlock() })
	defer stop()
	deadline := time.Now().Add(timeout)
	for !done() {
		if r.Context().Err() != nil || !time.Now().Before(deadline) {
			return false
		}
		f.cond.Wait()
	}
	return true
}

// attach opens a session (no token) or finds the one asked for, and the
// event after which to go on; mu held. nil: 410.
func (f *fakeBoard) attach(r *http.Request, carrier string, after string) (*fakeSession, int) {
	token := r.URL.Query().Get("session")
	var s *fakeSession
	if token == "" {
		token = rand.Text()
		s = &fakeSession{token: token}
		f.sessions[token] = s
		f.pushLocked(s, "session", fmt.Sprintf(`{"session":%q}`, token))
		after = "0"
	} else if s = f.sessions[token]; s == nil || (s.ended && len(s.events) == 0) {
		return nil, 0
	}
	n, _ := strconv.Atoi(after)
	s.attaches = append(s.attaches, fmt.Sprintf("%s after=%d", carrier, n))
	s.headers = append(s.headers, r.Header.Clone())
	f.cond.Broadcast()
	return s, n
}

func (f *fakeBoard) sse(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	s, after := f.attach(r, "sse", r.Header.Get("Last-Event-ID"))
	if s == nil || (s.ended && after >= len(s.events)) {
		f.mu.Unlock()
		http.Error(w, "gone", http.StatusGone)
		return
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	flush := w.(http.Flusher).Flush
	flush()
	for {
		f.mu.Lock()
		f.wait(r, time.Minute, func() bool { return len(s.events) > after || s.ended })
		batch := s.events[after:]
		after = len(s.events)
		f.mu.Unlock()
		if r.Context().Err() != nil || len(batch) == 0 {
			return
		}
		var b strings.Builder
		b.WriteString(": heartbeat\n\n")
		for _, ev := range batch {
			if ev.name == "lost" {
				continue
			}
			fmt.Fprintf(&b, "id: %d\n", ev.n)
			if ev.name != "" {
				fmt.Fprintf(&b, "event: %s\n", ev.name)
			}
			for line := range strings.SplitSeq(string(ev.data), "\n") {
				fmt.Fprintf(&b, "data: %s\n", line)
			}
			b.WriteString("\n")
		}
		if _, err := io.WriteString(w, b.String()); err != nil {
			return
		}
		flush()
		if batch[len(batch)-1].name == "close" {
			return
		}
	}
}

func (f *fakeBoard) poll(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	s, after := f.attach(r, "poll", r.URL.Query().Get("after"))
	if s == nil || (s.ended && after >= len(s.events)) {
		f.mu.Unlock()
		http.Error(w, "gone", http.StatusGone)
		return
	}
	f.wait(r, f.pollFor, func() bool { return len(s.events) > after || s.ended })
	type wire struct {
		N     int64  `json:"n"`
		Event string `json:"event"`
		Data  string `json:"data"`
	}
	answer := struct {
		Events []wire `json:"events"`
	}{Events: []wire{}}
	for _, ev := range s.events[min(after, len(s.events)):] {
		name := ev.name
		if name == "lost" {
			continue
		}
		if name == "" {
			name = "message"
		}
		answer.Events = append(answer.Events, wire{ev.n, name, string(ev.data)})
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(answer)
}

func (f *fakeBoard) send(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, int64(f.maxBody)+1))
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.sessions[r.URL.Query().Get("session")]
	if s == nil || s.ended {
		http.Error(w, "gone", http.StatusGone)
		return
	}
	s.headers = append(s.headers, r.Header.Clone())
	k, _ := strconv.ParseInt(r.Header.Get("X-Easel-Seq"), 10, 64)
	s.seqs = append(s.seqs, k)
	s.sending++
	s.most = max(s.most, s.sending)
	status := f.applySend(r, s, k, body)
	s.sending--
	f.cond.Broadcast()
	w.WriteHeader(status)
}

// applySend applies one send request in seq order, once; mu held.
func (f *fakeBoard) applySend(r *http.Request, s *fakeSession, k int64, body []byte) int {
	if len(body) > f.maxBody {
		f.closeLocked(s, 1009, "message too big")
		return http.StatusRequestEntityTooLarge
	}
	if k <= s.applied {
		return http.StatusNoContent
	}
	if !f.wait(r, f.gapWait, func() bool { return s.applied >= k-1 || s.ended }) || s.ended {
		f.closeLocked(s, 1002, "seq gap")
		return http.StatusGone
	}
	if k <= s.applied { // applied while this one waited
		return http.StatusNoContent
	}
	for line := range strings.SplitSeq(string(body), "\n") {
		if line == "" {
			continue
		}
		s.lines = append(s.lines, line)
		if line == `{"type":"bye"}` {
			s.ended = true
			continue
		}
		f.apply(s, line)
	}
	s.applied = k
	return http.StatusNoContent
}

// session is a copy of the session's record.
func (f *fakeBoard) session(token string) fakeSession {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := *f.sessions[token]
	s.lines = append([]string(nil), s.lines...)
	s.seqs = append([]int64(nil), s.seqs...)
	s.attaches = append([]string(nil), s.attaches...)
	return s
}

// waitFor waits, with a deadline, until done holds of the session.
func (f *fakeBoard) waitFor(t *testing.T, token string, what string, done func(s *fakeSession) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	timer := time.AfterFunc(10*time.Second, func() { f.mu.Lock(); f.cond.Broadcast(); f.mu.Unlock() })
	defer timer.Stop()
	f.mu.Lock()
	defer f.mu.Unlock()
	for !done(f.sessions[token]) {
		if !time.Now().Before(deadline) {
			t.Fatalf("the fake never saw %s", what)
		}
		f.cond.Wait()
	}
}
