package protoclient

import (
	"sync"
	"time"
)

// Waiter lets a test wait, with a deadline, for what its handler records
// under the test's lock: the handler calls Wake after each frame (and its
// end callback when the connection ends), and Wait looks again each time.
// Nothing sleeps blindly.
type Waiter struct{ cond *sync.Cond }

// NewWaiter makes a Waiter on the lock that guards what is recorded.
func NewWaiter(lock sync.Locker) *Waiter { return &Waiter{cond: sync.NewCond(lock)} }

// Wake tells waiters to look again. Call it without the lock held.
func (w *Waiter) Wake() {
	w.cond.L.Lock()
	w.cond.Broadcast()
	w.cond.L.Unlock()
}

// Wait returns true as soon as done holds, false once timeout has passed
// without it. done runs with the lock held: at once, after each Wake, and
// at the deadline.
func (w *Waiter) Wait(timeout time.Duration, done func() bool) bool {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, w.Wake)
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
