package session

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/easel-app/easel/board"
)

// The HTTP carriers (docs/protocol.md, "When WebSocket is blocked"): a
// member whose network refuses WebSocket upgrades reads its frames as
// numbered events — over one server-sent-events stream, or by
// long-polling — and sends its messages with POSTs numbered by
// X-Easel-Seq. HTTPSession is that member's Conn: what the outbox hands it
// becomes an event, and an event counts as written once a carrier has
// taken it, so the outbox packs and bounds an HTTP member exactly as it
// does a socket (a member that stops reading overflows it: 1013).
//
// Events stay until acknowledged — by a poll's `after`, or by a stream
// reattaching after the event it names — so a lost poll response or a
// dropped stream loses nothing; events already taken by a stream are kept
// up to retainBytes and dropped oldest first beyond it (a carrier asking
// for one of those gets ErrSessionGone and starts afresh with since).

// Event kinds of an HTTP session.
const (
	EventSession = "session"
	EventMessage = "message"
	EventChunk   = "chunk"
	EventClose   = "close"
)

// Event is one numbered event of an HTTP session. Data is the text of a
// message event (the frame's messages, one per line), base64 of a chunk,
// or JSON for session and close.
type Event struct {
	N    uint64 `json:"n"`
	Kind string `json:"event"`
	Data string `json:"data"`
}

// Errors of the HTTP carriers; the server answers each with a status.
var (
	// ErrSessionGone: unknown, closed, another board's or role's, or its
	// events are no longer held (410).
	ErrSessionGone = errors.New("no such session: open a new one")
	// ErrSendGap: a send past a gap that did not fill in time; the
	// session is closed with 1002 (410).
	ErrSendGap = errors.New("send sequence gap: the session is closed")
	// ErrBadAfter: an event number the session has not reached (400).
	ErrBadAfter = errors.New("after names an event not sent yet")
)

// HTTPSession is a member over HTTP carriers: its Conn, its event queue,
// and its ordered sends. Carriers come and go (one at a time); the session
// lives until its member leaves.
type HTTPSession struct {
	hub   *Hub
	m     *Member
	token string
	// route is the id in the URL of the routes that carry it: the board's
	// id for the edit role, its view id for the view role.
	route string
	role  board.Role

	mu        sync.Mutex
	events    []queued // events after acked, in order
	acked     uint64   // every event up to this one is acknowledged or dropped
	next      uint64   // the next event's number
	held      int      // bytes of events' data held
	taken     uint64   // the last event a carrier has taken
	wake      chan struct{}
	carrier   uint64 // generation of the current carrier; 0: none
	polling   bool   // the last carrier was a poll (HTTPPollIdle applies)
	idle      *time.Timer
	closed    bool // the close event is queued: nothing follows it
	removed   bool // gone from the hub: every request is refused
	endedOnce sync.Once

	// smu serialises sends: held while a send's messages are handled, as
	// a socket's read loop handles its frames one at a time.
	smu      sync.Mutex
	applied  uint64        // the last X-Easel-Seq handled
	advanced chan struct{} // closed and replaced whenever applied moves
	ended    bool          // the member has left: nothing more is handled
}

// queued is an event and, until a carrier takes it, the frame the outbox
// handed over for it (to be reported written then).
type queued struct {
	Event
	frame  []byte
	binary bool
}

// OpenHTTP starts a member over HTTP carriers; the caller has made the
// checks ServeWS's caller makes (origin, capability, caps: a.Release frees
// them when the member leaves). The session's first event names its token.
func (h *Hub) OpenHTTP(a Admission, remote string) (*HTTPSession, error) {
	h.mu.Lock()
	closing := h.closing
	if !closing {
		h.active.Add(1) // Shutdown waits for this member as for a socket's
	}
	h.mu.Unlock()
	if closing {
		return nil, ErrShuttingDown
	}
	s := &HTTPSession{hub: h, route: routeID(a.Board, a.Role), role: a.Role, token: h.node + "." + randomToken(),
		next: 1, wake: make(chan struct{}), advanced: make(chan struct{})}
	s.m = h.newMember(a, remote)
	data, _ := json.Marshal(map[string]string{"session": s.token})
	s.push(Event{Kind: EventSession, Data: string(data)}, nil, false)
	h.httpMu.Lock()
	h.httpSessions[s.token] = s
	h.httpMu.Unlock()
	h.metrics.HTTPSessions.Inc()
	h.connected(s.m, s)
	s.mu.Lock()
	s.detachedLocked() // no carrier yet: the caller attaches one at once
	s.mu.Unlock()
	return s, nil
}

// FindHTTP returns the live session token names, if it is the session of
// the route /b/<route> (role edit) or /v/<route> (role view): this node's,
// or, when the token names another node and the nodes can reach each
// other, that node's (forward.go). The session was opened through that
// route's capability, so a match is the capability check: no store read.
func (h *Hub) FindHTTP(token, route string, role board.Role) (Carrier, error) {
	if !validToken(token) {
		return nil, ErrSessionGone // nothing to look up, nor to forward
	}
	if node := tokenNode(token); node != h.node && h.nodes != nil {
		return &remoteSession{hub: h, node: node, token: token, route: route, role: role}, nil
	}
	return h.localHTTP(token, route, role)
}

// localHTTP is FindHTTP for this node's sessions only.
func (h *Hub) localHTTP(token, route string, role board.Role) (*HTTPSession, error) {
	h.httpMu.Lock()
	s := h.httpSessions[token]
	h.httpMu.Unlock()
	if s == nil || s.route != route || s.role != role {
		return nil, ErrSessionGone
	}
	return s, nil
}

// tokenNode is the node a valid session token names.
func tokenNode(token string) string {
	node, _, _ := strings.Cut(token, ".")
	return node
}

// routeID is the id a route of role carries for b.
func routeID(b board.Board, role board.Role) string {
	if role == board.RoleView {
		return b.ViewID
	}
	return b.ID
}

// validToken reports whether token has the shape of a session token: a
// node id (1–64 characters of A–Z a–z 0–9 _ -), a dot, 32 characters of
// the same alphabet.
func validToken(token string) bool {
	node, secret, ok := strings.Cut(token, ".")
	return ok && len(node) >= 1 && len(node) <= 64 && len(secret) == 32 && tokenAlphabet(node) && tokenAlphabet(secret)
}

func tokenAlphabet(s string) bool {
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Token is the session's token, the capability of its carriers.
func (s *HTTPSession) Token() string { return s.token }

// push queues an event; frame, when set, is reported written once a
// carrier takes it.
func (s *HTTPSession) push(ev Event, frame []byte, binary bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	ev.N = s.next
	s.next++
	s.events = append(s.events, queued{ev, frame, binary})
	s.held += len(ev.Data)
	s.wakeLocked()
	return true
}

func (s *HTTPSession) wakeLocked() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// WriteText queues a message event: the frame's messages, one per line.
func (s *HTTPSession) WriteText(frame []byte) error {
	if !s.push(Event{Kind: EventMessage, Data: string(frame)}, frame, false) {
		return ErrSessionGone
	}
	return nil
}

// WriteBinary queues a chunk event: the chunk frame in base64.
func (s *HTTPSession) WriteBinary(frame []byte) error {
	if !s.push(Event{Kind: EventChunk, Data: base64.StdEncoding.EncodeToString(frame)}, frame, true) {
		return ErrSessionGone
	}
	return nil
}

// WriteClose queues the close event, the session's last, and ends the
// member: it leaves the room now. The session stays HTTPReattach longer
// so that a carrier can still read the close.
func (s *HTTPSession) WriteClose(code int, reason string, _ time.Time) error {
	data, _ := json.Marshal(struct {
		Code   int    `json:"code"`
		Reason string `json:"reason"`
	}{code, reason})
	s.push(Event{Kind: EventClose, Data: string(data)}, nil, false)
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.end(s.hub.cfg.HTTPReattach)
	return nil
}

// Close ends the member without a word (nobody reads any more).
func (s *HTTPSession) Close() error {
	s.mu.Lock()
	s.closed = true
	s.wakeLocked()
	s.mu.Unlock()
	s.end(0)
	return nil
}

// end ends the member once: after any send being handled (the read loop's
// end, as for a socket), it is disconnected; the session leaves the hub
// after linger.
func (s *HTTPSession) end(linger time.Duration) {
	s.endedOnce.Do(func() {
		go func() {
			s.smu.Lock()
			s.ended = true
			close(s.advanced) // sends waiting on a gap give up
			s.advanced = make(chan struct{})
			s.smu.Unlock()
			s.mu.Lock()
			if s.idle != nil {
				s.idle.Stop()
			}
			s.mu.Unlock()
			s.hub.disconnected(s.m)
			s.m.leave()
			s.hub.active.Done()
			time.AfterFunc(linger, s.remove)
		}()
	})
}

// remove forgets the session: its token is refused from now on.
func (s *HTTPSession) remove() {
	s.hub.httpMu.Lock()
	delete(s.hub.httpSessions, s.token)
	s.hub.httpMu.Unlock()
	s.mu.Lock()
	if !s.removed {
		s.removed = true
		s.hub.metrics.HTTPSessions.Dec()
	}
	s.closed = true
	s.wakeLocked() // a carrier still attached ends
	s.mu.Unlock()
}

// attach makes a carrier the session's only one (the previous one ends),
// acknowledging every event up to after. It returns the carrier's
// generation and the event it resumes after (AfterHeld resolved).
func (s *HTTPSession) attach(after uint64, polling bool) (gen, from uint64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.removed {
		return 0, 0, ErrSessionGone
	}
	if after == AfterHeld {
		after = s.acked
	}
	if after >= s.next {
		return 0, 0, ErrBadAfter
	}
	if after < s.acked {
		return 0, 0, ErrSessionGone // those events were dropped
	}
	s.ackLocked(after)
	s.carrier++
	s.polling = polling
	kind := "sse"
	if polling {
		kind = "poll"
	}
	s.hub.metrics.CarrierRequests.WithLabelValues(kind).Inc()
	if s.idle != nil {
		s.idle.Stop()
	}
	s.wakeLocked() // the previous carrier, if any, sees it is superseded
	return s.carrier, after, nil
}

// ackLocked drops the events up to n.
func (s *HTTPSession) ackLocked(n uint64) {
	i := 0
	for i < len(s.events) && s.events[i].N <= n {
		s.held -= len(s.events[i].Data)
		i++
	}
	clear(s.events[:i])
	s.events = s.events[i:]
	s.acked = max(s.acked, n)
}

// detach ends carrier gen; when no other has replaced it, the idle clock
// starts.
func (s *HTTPSession) detach(gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.carrier == gen {
		s.carrier = 0
		s.detachedLocked()
	}
}

func (s *HTTPSession) detachedLocked() {
	if s.closed {
		return
	}
	wait := s.hub.cfg.HTTPReattach
	if s.polling {
		wait = s.hub.cfg.HTTPPollIdle
	}
	if s.idle != nil {
		s.idle.Stop()
	}
	s.idle = time.AfterFunc(wait, s.idleTimeout)
}

// idleTimeout ends a session no carrier came back for.
func (s *HTTPSession) idleTimeout() {
	s.mu.Lock()
	stale := s.carrier == 0 && !s.closed
	s.mu.Unlock()
	if stale {
		s.m.log.Info("http session idle: leaving")
		s.m.closeWith(CloseGoingAway, "no carrier: the session ended")
	}
}

// take returns (copies of) the events after after for carrier gen, marks
// them taken and reports the frames they carried written. current is
// false once another carrier replaced gen or the session was removed;
// wake is closed when there may be more.
func (s *HTTPSession) take(gen, after uint64) (evs []Event, current bool, wake <-chan struct{}) {
	s.mu.Lock()
	if s.carrier != gen || s.removed {
		s.mu.Unlock()
		return nil, false, nil
	}
	var written []queued
	for i := range s.events {
		q := &s.events[i]
		if q.N <= after {
			continue
		}
		evs = append(evs, q.Event)
		if q.frame != nil {
			written = append(written, *q)
			q.frame = nil
		}
	}
	if len(evs) > 0 {
		s.taken = max(s.taken, evs[len(evs)-1].N)
	}
	s.trimTakenLocked()
	wake = s.wake
	s.mu.Unlock()
	for _, q := range written {
		s.hub.written(s.m, q.frame, q.binary)
	}
	return evs, true, wake
}

// retainBytes bounds the events a session holds after a stream took them
// (a stream's events are acknowledged only if it reattaches).
func (s *HTTPSession) retainBytes() int { return max(s.hub.cfg.OutboxBytes, 64<<10) }

// trimTakenLocked drops the oldest taken events beyond retainBytes.
func (s *HTTPSession) trimTakenLocked() {
	limit := s.retainBytes()
	drop := uint64(0)
	held := s.held
	for _, q := range s.events {
		if held <= limit || q.N > s.taken {
			break
		}
		held -= len(q.Data)
		drop = q.N
	}
	if drop > 0 {
		s.ackLocked(drop)
	}
}

// isClose reports whether the last of evs is the session's close.
func isClose(evs []Event) bool { return len(evs) > 0 && evs[len(evs)-1].Kind == EventClose }

// Stream runs a server-sent-events carrier from the event after after:
// emit writes and flushes events, heartbeat a comment after every quiet
// period. It returns when ctx ends, another carrier replaces it, the close
// event is out, or a write fails.
func (s *HTTPSession) Stream(ctx context.Context, after uint64, emit func([]Event) error, heartbeat func() error, quiet time.Duration) error {
	gen, after, err := s.attach(after, false)
	if err != nil {
		return err
	}
	defer s.detach(gen)
	timer := time.NewTimer(quiet)
	defer timer.Stop()
	for opened := false; ; opened = true {
		evs, current, wake := s.take(gen, after)
		if !current {
			return nil
		}
		if len(evs) == 0 && !opened {
			// The response starts now, not at the first event: a
			// reattached stream may have nothing to say for a while.
			if err := heartbeat(); err != nil {
				return err
			}
		}
		if len(evs) > 0 {
			if err := emit(evs); err != nil {
				return err
			}
			after = evs[len(evs)-1].N
			if isClose(evs) {
				return nil
			}
			timer.Reset(quiet)
			continue
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return nil
		case <-timer.C:
			if err := heartbeat(); err != nil {
				return err
			}
			timer.Reset(quiet)
		}
	}
}

// Poll is a long-polling carrier: the events after after at once, or the
// first to come within wait (none: an empty answer).
func (s *HTTPSession) Poll(ctx context.Context, after uint64, wait time.Duration) ([]Event, error) {
	gen, after, err := s.attach(after, true)
	if err != nil {
		return nil, err
	}
	defer s.detach(gen)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		evs, current, wake := s.take(gen, after)
		if !current || len(evs) > 0 {
			return evs, nil
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, nil
		case <-timer.C:
			return nil, nil
		}
	}
}

// Send handles one POST of messages numbered seq, in seq order and once: a
// repeat is answered as done, a send past a gap waits HTTPSendGap for the
// missing one, then closes the session with 1002.
func (s *HTTPSession) Send(ctx context.Context, seq uint64, body []byte) error {
	s.hub.metrics.CarrierRequests.WithLabelValues("send").Inc()
	deadline := time.NewTimer(s.hub.cfg.HTTPSendGap)
	defer deadline.Stop()
	s.smu.Lock()
	for !s.ended && seq > s.applied+1 {
		advanced := s.advanced
		s.smu.Unlock()
		select {
		case <-advanced:
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			s.m.closeWith(CloseProtocolError, "send sequence gap")
			return ErrSendGap
		}
		s.smu.Lock()
	}
	defer s.smu.Unlock()
	if s.ended {
		return ErrSessionGone
	}
	if seq <= s.applied {
		return nil // a repeat: applied once already
	}
	s.hub.received(s.m, body)
	s.applied = seq
	close(s.advanced)
	s.advanced = make(chan struct{})
	return nil
}

// TooLarge closes the session as a socket is closed for a frame over the
// size limit.
func (s *HTTPSession) TooLarge() {
	s.m.closeWith(CloseMessageTooBig, "message over the size limit")
}

// AfterHeld, as a carrier's after, asks for every event the session still
// holds.
const AfterHeld = ^uint64(0)

// MaxMessage is the largest frame (or send body) a client may send.
func (h *Hub) MaxMessage() int64 { return h.cfg.MaxMessage }

// WriteWait bounds each write to a client.
func (h *Hub) WriteWait() time.Duration { return h.cfg.WriteWait }
