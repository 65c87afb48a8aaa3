package session

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/olahol/melody"
)

// The WebSocket transport: melody serves the socket, and this file is the
// only one that knows it. It configures melody explicitly — its defaults
// accept every origin, read at most 512 bytes and drop messages silently
// on a full buffer — and turns melody's callbacks into the hub's transport
// entry points (conn.go).

// melodyTransport serves a hub's WebSocket connections.
type melodyTransport struct {
	ws      *melody.Melody
	lingers *lingerer
}

func newMelodyTransport(h *Hub, checkOrigin func(*http.Request) bool) *melodyTransport {
	ws := melody.New()
	ws.Config.MaxMessageSize = h.cfg.MaxMessage
	ws.Config.WriteWait = h.cfg.WriteWait
	ws.Config.PongWait = h.cfg.PongWait
	ws.Config.PingPeriod = h.cfg.PingPeriod
	ws.Config.MessageBufferSize = h.relay.writeQueue()
	ws.Upgrader = &websocket.Upgrader{
		HandshakeTimeout:  10 * time.Second,
		ReadBufferSize:    0, // reuse the HTTP server's 4 KiB read buffer
		WriteBufferSize:   16 << 10,
		WriteBufferPool:   &sync.Pool{}, // idle connections hold no write buffer
		Subprotocols:      []string{Subprotocol},
		CheckOrigin:       checkOrigin,
		EnableCompression: false,
		Error: func(w http.ResponseWriter, _ *http.Request, status int, reason error) {
			http.Error(w, reason.Error(), status)
		},
	}
	ws.HandleConnect(func(s *melody.Session) {
		h.BoundSendBuffer(s.WebsocketConnection().NetConn())
		h.connected(memberOf(s), melodyConn{s})
	})
	ws.HandleDisconnect(func(s *melody.Session) { h.disconnected(memberOf(s)) })
	ws.HandleMessage(func(s *melody.Session, frame []byte) { h.received(memberOf(s), frame) })
	ws.HandleMessageBinary(func(s *melody.Session, _ []byte) { h.receivedBinary(memberOf(s)) })
	ws.HandleSentMessage(func(s *melody.Session, frame []byte) { h.written(memberOf(s), frame, false) })
	ws.HandleSentMessageBinary(func(s *melody.Session, frame []byte) { h.written(memberOf(s), frame, true) })
	ws.HandleError(func(s *melody.Session, err error) { h.melodyError(memberOf(s), err) })
	return &melodyTransport{ws: ws, lingers: h.lingers}
}

// serve upgrades the request and runs m's connection until it ends. Reads
// go through the frame guard (frameguard.go); hijacked is called once the
// connection is taken over.
func (t *melodyTransport) serve(w http.ResponseWriter, r *http.Request, m *Member, hijacked func()) error {
	return t.ws.HandleRequestWithKeys(guardedWriter{w, t.lingers, hijacked}, r, map[string]any{memberKey: m})
}

// close drops every connection still open.
func (t *melodyTransport) close() error { return t.ws.Close() }

const memberKey = "easel.member"

func memberOf(s *melody.Session) *Member {
	v, _ := s.Get(memberKey)
	m, _ := v.(*Member)
	return m
}

// melodyConn is a member's Conn over a melody session.
type melodyConn struct{ s *melody.Session }

func (c melodyConn) WriteText(frame []byte) error   { return c.s.Write(frame) }
func (c melodyConn) WriteBinary(frame []byte) error { return c.s.WriteBinary(frame) }

// WriteClose does not go through melody's queue: a member being closed for
// a full outbox would queue its close frame behind the very data it cannot
// take (melody's Session.Close from HandleError on ErrMessageBufferFull
// even recurses). gorilla's WriteControl may run beside the write pump.
func (c melodyConn) WriteClose(code int, reason string, deadline time.Time) error {
	return c.s.WebsocketConnection().WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), deadline)
}

func (c melodyConn) Close() error { return c.s.WebsocketConnection().Close() }

// melodyError sees every read and write failure. A normal disconnect is not
// news; a full melody buffer cannot happen with the Outbox in front, but if
// it ever did, it is a slow consumer, never a silent drop.
func (h *Hub) melodyError(m *Member, err error) {
	if errors.Is(err, melody.ErrMessageBufferFull) {
		m.closeSlow()
		return
	}
	if errors.Is(err, errOneByteClose) {
		m.failWith(CloseProtocolError, errOneByteClose.Error())
		return
	}
	if errors.Is(err, errCloseSent) {
		return // this side closed; the frame guard stopped the read loop
	}
	if errors.Is(err, websocket.ErrReadLimit) {
		// gorilla has sent 1009 itself, at the frame's header.
		m.closing.Store(true)
		h.metrics.Closes.WithLabelValues(strconv.Itoa(CloseMessageTooBig)).Inc()
		m.log.Info("closing connection", "code", CloseMessageTooBig, "reason", "frame over the size limit")
		return
	}
	if websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) || m.closing.Load() {
		return
	}
	m.log.Debug("connection error", "err", err)
}
