package session

import (
	"testing"
	"time"
)

// "The first 5 in any 10 s": a sliding window, exact to the instant;
// refused messages take nothing from it; a flood of refused ones closes.
func TestWindowBudgetAcceptsTheFirstFiveInAnyTenSeconds(t *testing.T) {
	w := newWindowBudget(5, 10*time.Second, 1)
	t0 := fixedTime()
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	for i, tc := range []struct {
		at   time.Duration
		want verdict
	}{
		{0, accepted}, {1 * time.Second, accepted}, {2 * time.Second, accepted}, {3 * time.Second, accepted},
		{4 * time.Second, accepted},
		{5 * time.Second, refusedTell},                             // 5 in [0, 5s]
		{9999 * time.Millisecond, refusedTell},                     // the first is still inside the window
		{10 * time.Second, accepted},                               // the one at 0 left the window
		{10500 * time.Millisecond, refusedTell},                    // 1s…10s: five
		{11 * time.Second, accepted},                               // the one at 1s left
		{12*time.Second - time.Nanosecond, refusedTell},            // the one at 2s has not
		{24 * time.Second, accepted}, {24 * time.Second, accepted}, // all old
	} {
		if got := w.check(at(tc.at)); got != tc.want {
			t.Fatalf("message %d at %v: verdict %d, want %d", i, tc.at, got, tc.want)
		}
	}
	// Refusals faster than the flood rate (1/s, bursts of 2) close.
	w = newWindowBudget(0, time.Second, 1)
	verdicts := []verdict{w.check(t0), w.check(t0), w.check(t0)}
	if verdicts[0] != refusedTell || verdicts[1] != refusedTell || verdicts[2] != flooding {
		t.Fatalf("a flood of refused messages: %v, want told, told, flooding", verdicts)
	}
}
