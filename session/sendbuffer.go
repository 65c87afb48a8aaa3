package session

import "net"

// BoundSendBuffer caps a client connection's kernel send buffer (see
// Config.SocketBuffer), whatever carries the member: a socket's, or the
// connection an SSE stream is written to. Without it loopback TCP
// autotunes to megabytes, and a client that stopped reading would hide
// from its outbox's bound for that long.
func (h *Hub) BoundSendBuffer(conn net.Conn) {
	if h.cfg.SocketBuffer <= 0 || conn == nil {
		return
	}
	// Unwrap to the TCP socket: under the frame guard, and under TLS.
	for {
		wrapper, ok := conn.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		conn = wrapper.NetConn()
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		if err := tcp.SetWriteBuffer(h.cfg.SocketBuffer); err != nil {
			h.log.Debug("set socket send buffer", "err", err)
		}
	}
}
