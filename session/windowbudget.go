package session

import "time"

// windowBudget accepts the first n messages in any window of time and
// refuses the rest: an exact rule, not a rate, for messages people type
// (chat and react share one). It remembers when the last n accepted ones
// were accepted — a ring of n times, allocated at the first message, since
// most members never chat — and accepts a message when fewer than n were
// accepted in the window before it. Refused messages take nothing from the
// window; a client that keeps sending them faster than refuse's rate (with
// bursts of twice that) is a flood, as with every other budget.
type windowBudget struct {
	n      int
	window time.Duration
	times  []time.Time // accepted messages, oldest at next once full
	next   int
	refuse tokenBucket
}

func newWindowBudget(n int, window time.Duration, floodRate float64) windowBudget {
	return windowBudget{n: n, window: window, refuse: newTokenBucket(floodRate)}
}

// check counts one message at now: accepted, refusedTell or flooding.
func (w *windowBudget) check(now time.Time) verdict {
	if w.times == nil {
		w.times = make([]time.Time, 0, w.n)
	}
	if len(w.times) < w.n {
		w.times = append(w.times, now)
		return accepted
	}
	if w.n > 0 && now.Sub(w.times[w.next]) >= w.window {
		w.times[w.next] = now
		w.next = (w.next + 1) % w.n
		return accepted
	}
	if !w.refuse.allow(now, 1) {
		return flooding
	}
	return refusedTell
}
