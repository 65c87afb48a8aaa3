package protoclient

import (
	"sync"
	"sync/atomic"
	"time"
)

// loop is what every carrier's read loop shares: it runs on a goroutine of
// its own, pauses between frames, and says when it has ended. Conn and
// HTTPConn embed it, so Pause, Unpause, Done and EndedWithin are theirs.
type loop struct {
	pmu    sync.Mutex                    // serializes Pause and Unpause
	paused atomic.Pointer[chan struct{}] // closed and cleared by Unpause

	running atomic.Bool   // Run has started the read loop
	done    chan struct{} // closed when Run's loop has ended
}

func newLoop() loop { return loop{done: make(chan struct{})} }

// start runs serve on a goroutine of its own, then tells end why it
// stopped and closes done.
func (l *loop) start(serve func() error, end func(err error)) {
	l.running.Store(true)
	go func() {
		defer close(l.done)
		err := serve()
		if end != nil {
			end(err)
		}
	}()
}

// waitUnpaused returns once the loop is not paused.
func (l *loop) waitUnpaused() {
	if p := l.paused.Load(); p != nil {
		<-*p
	}
}

// waitEnded waits for Run's loop to end, if it was started.
func (l *loop) waitEnded() {
	if l.running.Load() {
		<-l.done
	}
}

// Done is closed when Run's read loop has ended (never, without Run).
func (l *loop) Done() <-chan struct{} { return l.done }

// EndedWithin waits up to timeout for Run's read loop to end (the server
// closed the connection, or it broke) and says whether it did.
func (l *loop) EndedWithin(timeout time.Duration) bool {
	select {
	case <-l.done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// Pause stops the read loop before its next frame: the carrier's buffers
// fill and the server sees a client that does not read. Unpause resumes.
func (l *loop) Pause() {
	l.pmu.Lock()
	defer l.pmu.Unlock()
	if l.paused.Load() == nil {
		ch := make(chan struct{})
		l.paused.Store(&ch)
	}
}

// Unpause lets a paused read loop go on.
func (l *loop) Unpause() {
	l.pmu.Lock()
	defer l.pmu.Unlock()
	if p := l.paused.Load(); p != nil {
		close(*p)
		l.paused.Store(nil)
	}
}
