package server

import (
	"net"
	"net/http"
	"sync"
)

// connLimits counts open WebSocket connections per client address and in
// total, so a single host cannot take all of a node's sockets.
type connLimits struct {
	perAddr, total int // 0: no cap

	mu     sync.Mutex
	byAddr map[string]int
	count  int
}

func newConnLimits(perAddr, total int) *connLimits {
	return &connLimits{perAddr: perAddr, total: total, byAddr: make(map[string]int)}
}

// acquire claims a place for r's address; it answers the HTTP status to
// refuse with (429 per address, 503 in total), or a release func.
func (l *connLimits) acquire(r *http.Request) (release func(), status int) {
	addr := clientAddr(r)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.total > 0 && l.count >= l.total {
		return nil, http.StatusServiceUnavailable
	}
	if l.perAddr > 0 && l.byAddr[addr] >= l.perAddr {
		return nil, http.StatusTooManyRequests
	}
	l.count++
	l.byAddr[addr]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.count--
			if l.byAddr[addr]--; l.byAddr[addr] <= 0 {
				delete(l.byAddr, addr)
			}
		})
	}, 0
}

// clientAddr is the connection's peer address. Forwarding headers are not
// trusted: anyone can send them.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
