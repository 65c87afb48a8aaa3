package session

import "time"

// tokenBucket allows rate events per second with bursts of burst. It is used
// only from one session's read loop, so it needs no lock.
type tokenBucket struct {
	rate, burst float64
	tokens      float64
	last        time.Time
}

func newTokenBucket(rate float64) tokenBucket {
	return tokenBucket{rate: rate, burst: 2 * rate, tokens: 2 * rate}
}

// allow takes one token if there is one.
func (b *tokenBucket) allow(now time.Time) bool {
	if !b.last.IsZero() {
		b.tokens += now.Sub(b.last).Seconds() * b.rate
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// budget is one message class's limit: messages within the bucket are
// accepted; messages past it are refused (the client is told once per run of
// refusals), and a client that keeps going far past its budget — as many
// refused messages again as a whole burst, net of refill — is a flood.
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

func (b *budget) check(now time.Time) verdict {
	if b.accept.allow(now) {
		b.refusing = false
		return accepted
	}
	if !b.refuse.allow(now) {
		return flooding
	}
	if b.refusing {
		return refusedQuiet
	}
	b.refusing = true
	return refusedTell
}
