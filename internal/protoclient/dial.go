package protoclient

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// Subprotocol is the WebSocket subprotocol of protocol v1.
const Subprotocol = "easel.v1"

// Options shape a connection. The zero value dials with no subprotocol, a
// 10 s handshake timeout and 5 s write deadlines.
type Options struct {
	Header       http.Header // sent with the handshake (Origin, Host…)
	Subprotocols []string    // offered, in order; Subprotocol for a protocol client
	// HandshakeTimeout bounds the opening handshake; 10 s when zero.
	HandshakeTimeout time.Duration
	// ReadBufferSize and WriteBufferSize are the WebSocket library's I/O
	// buffers (its defaults when zero).
	ReadBufferSize, WriteBufferSize int
	// Compression offers permessage-deflate (the server must decline it).
	Compression bool
	TLS         *tls.Config // for wss:// URLs
	// NetDial makes the TCP connection; a net.Dialer's when nil.
	NetDial func(ctx context.Context, network, addr string) (net.Conn, error)
	// ReceiveBuffer, when set, is the socket's receive buffer in bytes
	// (SO_RCVBUF): a small one, like a slow device's, makes the kernel hold
	// little of what the server sends a client that stops reading.
	ReceiveBuffer int
	// ReadRate, when set, limits reads from the socket to that many bytes
	// a second (a phone on a bad link).
	ReadRate int
	// WriteTimeout is each send's write deadline; 5 s when zero.
	WriteTimeout time.Duration
	// OnPing, when set, replaces the answer to the server's pings (which is
	// a pong): a test of a client that never answers swallows them.
	OnPing func(appData string) error
}

// Dial opens a connection to url (ws:// or wss://). The response is the
// handshake's, also on failure when the server answered (its status and
// body say why it refused).
func Dial(ctx context.Context, url string, o Options) (*Conn, *http.Response, error) {
	d := websocket.Dialer{
		HandshakeTimeout:  o.HandshakeTimeout,
		Subprotocols:      o.Subprotocols,
		ReadBufferSize:    o.ReadBufferSize,
		WriteBufferSize:   o.WriteBufferSize,
		EnableCompression: o.Compression,
		TLSClientConfig:   o.TLS,
		NetDialContext:    o.netDial(),
	}
	if d.HandshakeTimeout == 0 {
		d.HandshakeTimeout = 10 * time.Second
	}
	ws, res, err := d.DialContext(ctx, url, o.Header)
	if err != nil {
		if res != nil {
			return nil, res, fmt.Errorf("dial %s: %w (status %d)", url, err, res.StatusCode)
		}
		return nil, nil, fmt.Errorf("dial %s: %w", url, err)
	}
	if o.OnPing != nil {
		ws.SetPingHandler(o.OnPing)
	}
	c := &Conn{ws: ws, writeTimeout: o.WriteTimeout, loop: newLoop()}
	if c.writeTimeout == 0 {
		c.writeTimeout = 5 * time.Second
	}
	return c, res, nil
}

// netDial is NetDial with the receive buffer and read rate applied; nil
// (the library's own dialing) when none of them is set.
func (o Options) netDial() func(ctx context.Context, network, addr string) (net.Conn, error) {
	if o.NetDial == nil && o.ReceiveBuffer == 0 && o.ReadRate == 0 {
		return nil
	}
	dial := o.NetDial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		if tcp, ok := conn.(*net.TCPConn); ok && o.ReceiveBuffer > 0 {
			tcp.SetReadBuffer(o.ReceiveBuffer)
		}
		if o.ReadRate > 0 {
			conn = &throttledConn{Conn: conn, rate: o.ReadRate, start: time.Now()}
		}
		return conn, nil
	}
}
