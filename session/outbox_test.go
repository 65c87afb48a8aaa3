package session

import (
	"bytes"
	"sync"
	"testing"
)

// fakeWire stands in for melody's write pump: it records frames and lets
// the test say when the in-flight one has been written.
type fakeWire struct {
	mu     sync.Mutex
	frames [][]byte // copies of what was written
	last   []byte   // the frame in flight, as handed over
}

func (w *fakeWire) write(frame []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.frames = append(w.frames, append([]byte(nil), frame...)) // pooled frames are reused
	w.last = frame
}

// written is melody's sent callback for the frame in flight.
func (w *fakeWire) written(o *Outbox) {
	w.mu.Lock()
	last := w.last
	w.mu.Unlock()
	o.Sent(last)
}

func TestOutboxPacksWhatQueuesDuringAWrite(t *testing.T) {
	w := &fakeWire{}
	o := newOutbox(1<<20, w.write, func() { t.Fatal("overflow") })
	o.Enqueue([]byte(`{"a":1}`)) // goes out at once
	o.Enqueue([]byte(`{"b":2}`))
	o.Enqueue([]byte(`{"c":3}`))
	if len(w.frames) != 1 || string(w.frames[0]) != `{"a":1}` {
		t.Fatalf("frames before Sent = %q", w.frames)
	}
	w.written(o)
	if len(w.frames) != 2 || string(w.frames[1]) != "{\"b\":2}\n{\"c\":3}" {
		t.Fatalf("second frame = %q, want the two queued messages newline-delimited", w.frames[1])
	}
	w.written(o)
	if len(w.frames) != 2 || o.Pending() != 0 {
		t.Fatalf("nothing should be sent when nothing waits: %q", w.frames)
	}
}

func TestOutboxOverflowsOnceAndShuts(t *testing.T) {
	w := &fakeWire{}
	overflows := 0
	o := newOutbox(100, w.write, func() { overflows++ })
	big := bytes.Repeat([]byte("x"), 500)
	if !o.Enqueue(big) {
		t.Fatal("one message larger than the limit must still go out when nothing waits")
	}
	for i := 0; i < 20; i++ {
		o.Enqueue([]byte(`{"n":1234567890}`)) // in-flight frame never completes
	}
	if overflows != 1 {
		t.Fatalf("overflow called %d times, want exactly 1", overflows)
	}
	if o.Enqueue([]byte(`{}`)) {
		t.Fatal("a shut outbox accepted a message")
	}
	w.written(o)
	if len(w.frames) != 1 {
		t.Fatalf("a shut outbox wrote %d more frames", len(w.frames)-1)
	}
}

func TestCursorBatchNeverSendsARecipientItsOwnCursor(t *testing.T) {
	var b cursorBatch
	b.add(cursorOf("p1", 1, 2))
	b.add(cursorOf("p2", 3.5, -4))
	b.addGone("p3")
	message := func(self string) (string, *[]byte) {
		msg, owner := b.messageFor(self)
		return string(msg), owner
	}
	if got, owner := message("p9"); got != `{"type":"cursors","c":[["p1",1,2],["p2",3.5,-4]],"gone":["p3"]}` || owner != nil {
		t.Fatalf("shared message = %s (pooled: %v)", got, owner != nil)
	}
	if got, owner := message("p1"); got != `{"type":"cursors","c":[["p2",3.5,-4]],"gone":["p3"]}` || owner == nil {
		t.Fatalf("message for p1 = %s (pooled: %v); a member's own message comes from the pool", got, owner != nil)
	}
	if got, _ := message("p3"); got != `{"type":"cursors","c":[["p1",1,2],["p2",3.5,-4]]}` {
		t.Fatalf("message for p3 = %s", got)
	}
	var alone cursorBatch
	alone.add(cursorOf("me", 1, 1))
	if msg, owner := alone.messageFor("me"); msg != nil || owner != nil {
		t.Fatalf("a batch of only my cursor gave me %s", msg)
	}
	// Members not in the batch share one encoding.
	x, _ := b.messageFor("x")
	y, _ := b.messageFor("y")
	if &x[0] != &y[0] {
		t.Fatal("uninvolved members should share one encoded message")
	}
}

// A pooled message goes back to the pool only once melody has written it,
// and a packed frame's parts go back when they are copied: what melody
// holds is never handed out again while it is being written.
func TestOutboxGivesPooledFramesBackOnlyWhenWritten(t *testing.T) {
	w := &fakeWire{}
	o := newOutbox(1<<20, w.write, func() { t.Fatal("overflow") })
	own := func(s string) *[]byte {
		p := getMsgBuf(len(s))
		*p = append(*p, s...)
		return p
	}
	first := own(`{"a":1}`)
	o.EnqueueOwned(first) // in flight
	o.EnqueueOwned(own(`{"b":2}`))
	o.EnqueueOwned(own(`{"c":3}`))
	// Until Sent, the in-flight frame must be intact even if the pool is
	// drained and refilled many times.
	for range 100 {
		p := getMsgBuf(8)
		*p = append(*p, "XXXXXXXX"...)
		putMsgBuf(p)
	}
	if got := string(w.last); got != `{"a":1}` {
		t.Fatalf("the frame in flight changed to %q before it was written", got)
	}
	o.Sent([]byte(`{"a":1}`)) // another slice with the same bytes: not the frame in flight
	if len(w.frames) != 1 {
		t.Fatal("Sent for a frame the outbox did not hand over moved the outbox on")
	}
	w.written(o)
	if len(w.frames) != 2 || string(w.frames[1]) != "{\"b\":2}\n{\"c\":3}" {
		t.Fatalf("second frame = %q", w.frames)
	}
	w.written(o)
	if o.inFlight() != nil {
		t.Fatal("nothing should be in flight once everything is written")
	}
}

func TestBudgetRefusesThenCallsAFlood(t *testing.T) {
	b := newBudget(10) // 10/s, bursts of 20
	now := fixedTime()
	for i := 0; i < 20; i++ {
		if v := b.check(now); v != accepted {
			t.Fatalf("message %d of the burst refused", i)
		}
	}
	if v := b.check(now); v != refusedTell {
		t.Fatalf("first over budget = %v, want refusedTell", v)
	}
	for i := 0; i < 19; i++ {
		if v := b.check(now); v != refusedQuiet {
			t.Fatalf("over budget %d = %v, want refusedQuiet", i, v)
		}
	}
	if v := b.check(now); v != flooding {
		t.Fatalf("far past budget = %v, want flooding", v)
	}
	// After a pause the client is welcome again.
	later := now.Add(3e9)
	if v := b.check(later); v != accepted {
		t.Fatalf("after refill = %v, want accepted", v)
	}
}

// A closing member's last messages (the error that explains the close) go
// out before its close frame: Drain calls back only once they are written,
// refuses new messages meanwhile, and a Shut that gives up waiting calls it
// too, exactly once.
func TestOutboxDrainsBeforeTheClose(t *testing.T) {
	w := &fakeWire{}
	o := newOutbox(1<<20, w.write, func() { t.Fatal("overflow") })
	o.Enqueue([]byte(`{"a":1}`)) // in flight
	o.Enqueue([]byte(`{"error":"why"}`))
	closes := 0
	o.Drain(func() { closes++ })
	if o.Enqueue([]byte(`{"late":1}`)) {
		t.Fatal("a draining outbox took a new message")
	}
	if closes != 0 {
		t.Fatal("drained before the waiting message went out")
	}
	w.written(o) // {"a":1} written: the error goes out
	if closes != 0 || len(w.frames) != 2 || string(w.frames[1]) != `{"error":"why"}` {
		t.Fatalf("after the first write: closes=%d frames=%q", closes, w.frames)
	}
	w.written(o)
	if closes != 1 {
		t.Fatalf("closes after the last write = %d, want 1", closes)
	}
	o.Shut()
	if closes != 1 {
		t.Fatalf("a Shut after the drain called back again: %d", closes)
	}

	stalled := newOutbox(1<<20, (&fakeWire{}).write, func() { t.Fatal("overflow") })
	stalled.Enqueue([]byte(`{"a":1}`)) // never written: the client does not read
	gaveUp := 0
	stalled.Drain(func() { gaveUp++ })
	stalled.Shut()
	stalled.Shut()
	if gaveUp != 1 {
		t.Fatalf("a Shut that gives up waiting called back %d times, want 1", gaveUp)
	}
}
