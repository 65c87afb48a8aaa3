package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/session"
)

// The HTTP carriers of the protocol, for networks that refuse WebSocket
// upgrades (docs/protocol.md, "When WebSocket is blocked"): a server-sent
// events stream or long-polling to read, POST /send to write. The member
// behind them is session.HTTPSession; these handlers only translate
// between HTTP and it, and run the checks every request gets (origin,
// capability, the session's board and role).

// Timings of the carriers (the contract's).
const (
	sseQuiet = 15 * time.Second // a comment line after this long without an event
	pollWait = 25 * time.Second // how long a poll waits for an event
)

// carrierRoute wraps a carrier handler with the checks of every request:
// the origin, and the board's capability for the route's role.
func (s *Server) carrierRoute(role board.Role, next func(echo.Context, board.Role) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.origins.Allowed(c.Request()) {
			return plainError(http.StatusForbidden, "origin not allowed")
		}
		return next(c, role)
	}
}

// findSession is the live session the request's ?session= names, opened
// through this very route (board id or view id, and role): the session
// was admitted with that capability, so finding it checks it, without a
// store read on every send and poll.
func (s *Server) findSession(c echo.Context, role board.Role) (session.Carrier, error) {
	hs, err := s.hub.FindHTTP(c.QueryParam("session"), c.Param("id"), role)
	if err != nil {
		return nil, plainError(http.StatusGone, err.Error())
	}
	return hs, nil
}

// openOrFind opens a new session when the request names none, else finds
// the one it names.
func (s *Server) openOrFind(c echo.Context, role board.Role) (session.Carrier, error) {
	if c.QueryParam("session") != "" {
		return s.findSession(c, role)
	}
	a, err := s.admitMember(c, role)
	if err != nil {
		return nil, err
	}
	hs, err := s.hub.OpenHTTP(a, c.Request().RemoteAddr)
	if err != nil {
		a.Release()
		return nil, plainError(http.StatusServiceUnavailable, "server is shutting down")
	}
	return hs, nil
}

// carrierStart is what a reading carrier (stream or poll) starts from: its
// session, new or named, and the event it resumes after.
func (s *Server) carrierStart(c echo.Context, role board.Role) (session.Carrier, uint64, error) {
	after, err := afterParam(c)
	if err != nil {
		return nil, 0, err
	}
	hs, err := s.openOrFind(c, role)
	return hs, after, err
}

// afterParam is the event a carrier resumes after: Last-Event-ID (what an
// EventSource sends when it reconnects) or ?after=; neither: every event
// the session still holds.
func afterParam(c echo.Context) (uint64, error) {
	v := c.Request().Header.Get("Last-Event-ID")
	if v == "" {
		v = c.QueryParam("after")
	}
	if v == "" {
		return session.AfterHeld, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, plainError(http.StatusBadRequest, "after must be an event number")
	}
	return n, nil
}

// carrierError answers what a session refused.
func carrierError(err error) error {
	switch {
	case errors.Is(err, session.ErrBadAfter):
		return plainError(http.StatusBadRequest, err.Error())
	case errors.Is(err, session.ErrSessionGone), errors.Is(err, session.ErrSendGap):
		return plainError(http.StatusGone, err.Error())
	}
	return err
}

// sseStream is GET …/sse: a new session's events, or a live session's
// after the one named.
func (s *Server) sseStream(c echo.Context, role board.Role) error {
	hs, after, err := s.carrierStart(c, role)
	if err != nil {
		return err
	}
	s.hub.BoundSendBuffer(netConnOf(c.Request()))
	w := c.Response()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	rc := http.NewResponseController(w)
	wait := s.hub.WriteWait()
	started := false
	write := func(text string) error {
		rc.SetWriteDeadline(time.Now().Add(wait)) // a reader that stopped is not waited for
		if !started {
			w.WriteHeader(http.StatusOK)
			started = true
		}
		if _, err := io.WriteString(w, text); err != nil {
			return err
		}
		return rc.Flush()
	}
	var buf strings.Builder
	emit := func(evs []session.Event) error {
		buf.Reset()
		for _, ev := range evs {
			writeSSE(&buf, ev)
		}
		return write(buf.String())
	}
	heartbeat := func() error { return write(": keep-alive\n\n") }
	err = hs.Stream(c.Request().Context(), after, emit, heartbeat, sseQuiet)
	if err != nil && !started {
		return carrierError(err)
	}
	return nil
}

// writeSSE writes one event in text/event-stream form: its number, its
// kind (omitted for message), one data line per line of its data.
func writeSSE(b *strings.Builder, ev session.Event) {
	b.WriteString("id: ")
	b.WriteString(strconv.FormatUint(ev.N, 10))
	b.WriteByte('\n')
	if ev.Kind != session.EventMessage {
		b.WriteString("event: ")
		b.WriteString(ev.Kind)
		b.WriteByte('\n')
	}
	for line := range strings.SplitSeq(ev.Data, "\n") {
		b.WriteString("data: ")
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
}

// poll is GET …/poll: a new session's first event, or a live session's
// events after the one named (acknowledging those up to it), waiting up
// to pollWait for one.
func (s *Server) poll(c echo.Context, role board.Role) error {
	hs, after, err := s.carrierStart(c, role)
	if err != nil {
		return err
	}
	evs, err := hs.Poll(c.Request().Context(), after, pollWait)
	if err != nil {
		return carrierError(err)
	}
	if evs == nil {
		evs = []session.Event{}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string][]session.Event{"events": evs})
}

// send is POST …/send: the client's messages, one per line, numbered by
// X-Easel-Seq (or ?seq=, for a beacon, which cannot set headers).
func (s *Server) send(c echo.Context, role board.Role) error {
	r := c.Request()
	v := r.Header.Get("X-Easel-Seq")
	if v == "" {
		v = c.QueryParam("seq")
	}
	seq, err := strconv.ParseUint(v, 10, 64)
	if err != nil || seq == 0 {
		return plainError(http.StatusBadRequest, "X-Easel-Seq must be 1, 2, 3… per session")
	}
	hs, err := s.findSession(c, role)
	if err != nil {
		return err
	}
	// At most a few sends of a session are read and held at once, so a
	// session cannot make the server hold bodies without bound.
	release, ok := s.sends.acquire(c.QueryParam("session"))
	if !ok {
		return plainError(http.StatusTooManyRequests, "too many sends of this session at once: one at a time")
	}
	defer release()
	limit := s.hub.MaxMessage()
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return plainError(http.StatusBadRequest, "cannot read the body")
	}
	if int64(len(body)) > limit {
		hs.TooLarge()
		return plainError(http.StatusRequestEntityTooLarge, "messages over the size limit of "+strconv.FormatInt(limit, 10)+" bytes")
	}
	if err := hs.Send(r.Context(), seq, body); err != nil {
		return carrierError(err)
	}
	return c.NoContent(http.StatusNoContent)
}

// sendsPerSession bounds the sends of one session a node reads and holds
// at once: the bundled client has one in flight, and one more when it
// retries a send whose answer it lost.
const sendsPerSession = 4

// sendSlots counts the sends in progress per session token.
type sendSlots struct {
	mu     sync.Mutex
	counts map[string]int
}

func (s *sendSlots) acquire(token string) (release func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = make(map[string]int)
	}
	if s.counts[token] >= sendsPerSession {
		return nil, false
	}
	s.counts[token]++
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.counts[token]--; s.counts[token] <= 0 {
			delete(s.counts, token)
		}
	}, true
}
