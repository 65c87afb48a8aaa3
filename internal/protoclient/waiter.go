package protoclient

import (
	"sync"
	"time"
)

// Waiter lets a test wait, with a deadline, for what its handler records
// under the test's lock: the handler records each frame (and its end
// callback the end) through Record, and Wait looks again each time.
// Nothing sleeps blindly.
type Waiter struct{ cond *sync.Cond }

// NewWaiter makes a Waiter on the lock that guards what is recorded.
func NewWaiter(lock sync.Locker) *Waiter { return &Waiter{cond: sync.NewCond(lock)} }

// Record runs fn, which records something, with the lock held, then wakes
// the waiters: a handler's way to keep what a frame brought. Call it
// without the lock held.
func (w *Waiter) Record(fn func()) {
	w.cond.L.Lock()
	fn()
	w.cond.Broadcast()
	w.cond.L.Unlock()
}

// wake tells waiters to look again (the deadline has come).
func (w *Waiter) wake() { w.Record(func() {}) }

// Wait returns true as soon as done holds, false once timeout has passed
// without it. done runs with the lock held: at once, after each Record,
// and at the deadline.
func (w *Waiter) Wait(timeout time.Duration, done func() bool) bool {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, w.wake)
	defer timer.Stop()
	w.cond.L.Lock()
	defer w.cond.L.Unlock()
	for !done() {
		if !time.Now().Before(deadline) {
			return false
		}
		w.cond.Wait()
	}
	return true
}
