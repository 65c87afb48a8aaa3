package server

import (
	"context"
	"log"
	"net"
	"net/http"
	"time"
)

// HTTPLimits are the connection-level limits of the HTTP server, which no
// handler can enforce: they act before a request reaches the router.
//
// There is deliberately no ReadTimeout and no WriteTimeout. Both are
// absolute deadlines from the start of a request, not idle timeouts:
// WriteTimeout would cut off every export or page download slower than it,
// and ReadTimeout every import upload slower than it, whatever the client's
// progress. WebSockets have their own liveness rules in the session layer
// (hello timeout, ping/pong with PongWait, per-frame WriteWait, the slow
// consumer outbox) that replace these once a connection is upgraded.
type HTTPLimits struct {
	// ReadHeaderTimeout bounds how long a client may take to send a
	// request's headers (including a WebSocket upgrade request): a client
	// trickling header bytes (slowloris) is dropped when it passes.
	ReadHeaderTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its next
	// request.
	IdleTimeout time.Duration
	// MaxHeaderBytes caps the size of a request's headers; more is answered
	// with 431 Request Header Fields Too Large. (net/http allows 4 KiB of
	// slack above it.)
	MaxHeaderBytes int
}

// DefaultHTTPLimits returns the production limits.
func DefaultHTTPLimits() HTTPLimits {
	return HTTPLimits{
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// NewHTTPServer returns the http.Server that serves h with limits l; both
// the binary and the tests build theirs here, so the tests run with the
// production settings. errorLog receives net/http's own complaints (TLS
// handshake errors and the like); nil means the standard logger.
func NewHTTPServer(h http.Handler, l HTTPLimits, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ErrorLog:          errorLog,
		ConnContext:       withNetConn,
	}
}

// netConnKey is the context key of a request's connection.
type netConnKey struct{}

// withNetConn puts each connection into its requests' context, so that a
// long-lived response (an SSE stream) can bound its socket's send buffer
// as a WebSocket's is bounded.
func withNetConn(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, netConnKey{}, c)
}

// netConnOf is the connection r came on, when the server recorded it.
func netConnOf(r *http.Request) net.Conn {
	c, _ := r.Context().Value(netConnKey{}).(net.Conn)
	return c
}
