package server

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// gateRefusal is what a connection past the gate's limit reads: a complete
// HTTP response, so browsers, probes and load balancers see a 503 with a
// reason rather than a reset.
const gateRefusal = "server is at its connection limit; retry shortly\n"

func gateResponse() string {
	return "HTTP/1.1 503 Service Unavailable\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Retry-After: 5\r\n" +
		"Connection: close\r\n" +
		"Content-Length: " + strconv.Itoa(len(gateRefusal)) + "\r\n\r\n" + gateRefusal
}

// gateRefuseTime bounds how long a refused connection is kept to deliver
// its 503: the response is written, the peer's request read and
// discarded (closing with unread bytes would reset the connection and lose
// the response), then it is closed.
const gateRefuseTime = time.Second

// maxRefusing bounds refused connections being answered at once; past it a
// refused connection is closed at once. Part of the reserve.
const maxRefusing = 64

// GateListener counts the connections it has accepted and not yet closed
// (WebSockets included: a hijacked connection is still this listener's
// conn). Past limit, it answers each new connection with 503 and closes
// it, so the process keeps file descriptors for its store, its downloads'
// files and its health checks, instead of failing accept with EMFILE
// while already-open connections starve.
type GateListener struct {
	net.Listener
	limit int
	log   *slog.Logger

	open     atomic.Int64
	refusing atomic.Int64
	full     atomic.Bool // for one log line per episode, not one per refusal
}

// NewGateListener wraps ln with a limit of open connections (at least 1).
func NewGateListener(ln net.Listener, limit int, log *slog.Logger) *GateListener {
	return &GateListener{Listener: ln, limit: max(1, limit), log: log}
}

// Open is the number of accepted connections not yet closed.
func (g *GateListener) Open() int { return int(g.open.Load()) }

// Accept returns the next connection within the limit; connections past
// it are answered with 503 and never returned.
func (g *GateListener) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if g.open.Load() >= int64(g.limit) {
			g.refuse(c)
			continue
		}
		if g.full.Swap(false) {
			g.log.Info("connections below the limit again", "open", g.open.Load(), "limit", g.limit)
		}
		g.open.Add(1)
		return &gatedConn{Conn: c, gate: g}, nil
	}
}

func (g *GateListener) refuse(c net.Conn) {
	if !g.full.Swap(true) {
		g.log.Warn("connection limit reached: refusing new connections with 503", "open", g.open.Load(), "limit", g.limit)
	}
	if g.refusing.Add(1) > maxRefusing {
		g.refusing.Add(-1)
		c.Close()
		return
	}
	go func() {
		defer g.refusing.Add(-1)
		defer c.Close()
		c.SetDeadline(time.Now().Add(gateRefuseTime))
		// Answer after the request's headers: a client that has not sent
		// its request yet would take an early answer for a stray one.
		if !readHeaders(c) {
			return
		}
		if _, err := io.WriteString(c, gateResponse()); err != nil {
			return
		}
		if cw, ok := c.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
		io.Copy(io.Discard, io.LimitReader(c, 64<<10))
	}()
}

// readHeaders reads from c until the end of a request's headers, at most
// 16 KiB; false if they did not arrive (deadline, close, too long).
func readHeaders(c net.Conn) bool {
	buf := make([]byte, 0, 16<<10)
	for len(buf) < cap(buf) {
		n, err := c.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if bytes.Contains(buf, []byte("\r\n\r\n")) {
			return true
		}
		if err != nil {
			return false
		}
	}
	return false
}

// gatedConn gives its place back once, on the first Close.
type gatedConn struct {
	net.Conn
	gate *GateListener
	once sync.Once
}

// NetConn is the connection underneath, for socket options (the session
// layer sizes a WebSocket's send buffer on the *net.TCPConn).
func (c *gatedConn) NetConn() net.Conn { return c.Conn }

// ReadFrom keeps the TCP connection's sendfile/splice path for static files.
func (c *gatedConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

func (c *gatedConn) Close() error {
	c.once.Do(func() { c.gate.open.Add(-1) })
	return c.Conn.Close()
}
