package session

import (
	"sync"
	"time"
)

// tokenBucket allows rate units per second (messages, or bytes) with bursts
// of burst. It is used only from one session's read loop, so it needs no
// lock (sharedBucket wraps one for a room).
type tokenBucket struct {
	rate, burst float64
	tokens      float64
	last        time.Time
}

func newTokenBucket(rate float64) tokenBucket {
	return tokenBucket{rate: rate, burst: 2 * rate, tokens: 2 * rate}
}

// allow takes n tokens if there are that many. Refill stops at the burst;
// tokens granted beyond it (grant) are kept until spent.
func (b *tokenBucket) allow(now time.Time, n float64) bool {
	if !b.last.IsZero() && b.tokens < b.burst {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens >= n {
		b.tokens -= n
		return true
	}
	return false
}

// grant adds n tokens, beyond the burst if need be.
func (b *tokenBucket) grant(n float64) { b.tokens += n }

// budget is one limit of a connection, counted in messages or in bytes:
// what fits the bucket is accepted; what does not is refused (the client is
// told once per run of refusals), and a client that keeps going far past
// its budget — as much refused again as a whole burst, net of refill — is
// a flood.
type budget struct {
	accept, refuse tokenBucket
	refusing       bool
}

func newBudget(rate float64) budget {
	return budget{accept: newTokenBucket(rate), refuse: newTokenBucket(rate)}
}

type verdict int

const (
	accepted     verdict = iota
	refusedTell          // refused; tell the client (first of a run)
	refusedQuiet         // refused; already told
	flooding             // close the connection
)

// check counts one message.
func (b *budget) check(now time.Time) verdict { return b.checkN(now, 1) }

// checkN counts n units (a message's bytes).
func (b *budget) checkN(now time.Time, n float64) verdict {
	if b.accept.allow(now, n) {
		b.refusing = false
		return accepted
	}
	if !b.refuse.allow(now, n) {
		return flooding
	}
	if b.refusing {
		return refusedQuiet
	}
	b.refusing = true
	return refusedTell
}

// sharedBucket is a token bucket several read loops draw from (all editors
// of a room). Its lock is a leaf: nothing else is taken while holding it.
type sharedBucket struct {
	mu sync.Mutex
	b  tokenBucket
}

func (s *sharedBucket) allow(now time.Time, n float64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.allow(now, n)
}
