package server

import (
	"math"
	"net"
	"net/http"
	"sync"
	"time"
)

// CreateLimit is the budget of board creations per client address: a token
// bucket of Burst tokens refilled at PerMinute. PerMinute 0 turns it off.
type CreateLimit struct {
	PerMinute float64
	Burst     int
}

// DefaultCreateLimit is generous for people (ten boards at once, then one
// every two seconds) and stops a script from filling the disk with boards.
var DefaultCreateLimit = CreateLimit{PerMinute: 30, Burst: 10}

// maxTrackedAddrs bounds the limiter's memory: about 100 bytes an address.
const maxTrackedAddrs = 100_000

// addrRateLimiter is a token bucket per client address, in a bounded map.
// A bucket that has refilled is the same as no bucket, so it is forgotten
// whenever the map is full; if every tracked address is still limited, an
// arbitrary one is forgotten (it gets a fresh burst: an attacker needs
// maxTrackedAddrs addresses for that, and each has a burst anyway).
type addrRateLimiter struct {
	perSecond float64
	burst     float64
	max       int

	mu      sync.Mutex
	buckets map[string]*tokenBucket
}

type tokenBucket struct {
	tokens float64
	at     time.Time
}

// newAddrRateLimiter returns nil (no limit) when l.PerMinute is 0.
func newAddrRateLimiter(l CreateLimit, max int) *addrRateLimiter {
	if l.PerMinute <= 0 {
		return nil
	}
	return &addrRateLimiter{perSecond: l.PerMinute / 60, burst: math.Max(1, float64(l.Burst)), max: max, buckets: make(map[string]*tokenBucket)}
}

// take spends one token of addr's bucket at now; when there is none it
// answers how long until there is.
func (l *addrRateLimiter) take(addr string, now time.Time) (ok bool, retryAfter time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) >= l.max {
			l.forget(now)
		}
		b = &tokenBucket{tokens: l.burst, at: now}
		l.buckets[addr] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.perSecond)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.perSecond * float64(time.Second))
}

// forget drops every bucket that has refilled, or one arbitrary bucket if
// none has. Called with mu held when the map is full.
func (l *addrRateLimiter) forget(now time.Time) {
	for addr, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.perSecond >= l.burst {
			delete(l.buckets, addr)
		}
	}
	if len(l.buckets) < l.max {
		return
	}
	for addr := range l.buckets {
		delete(l.buckets, addr)
		return
	}
}

// rateKey is the address a budget is kept for: the peer's IPv4 address, or
// the /64 of an IPv6 one (a single host commonly holds a whole /64, and
// could otherwise take a fresh budget per address).
func rateKey(r *http.Request) string {
	addr := clientAddr(r)
	ip := net.ParseIP(addr)
	if ip == nil {
		return addr
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String() // also for ::ffff:a.b.c.d
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
