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
	frames [][]byte
}

func (w *fakeWire) write(frame []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.frames = append(w.frames, frame)
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
	o.Sent()
	if len(w.frames) != 2 || string(w.frames[1]) != "{\"b\":2}\n{\"c\":3}" {
		t.Fatalf("second frame = %q, want the two queued messages newline-delimited", w.frames[1])
	}
	o.Sent()
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
	o.Sent()
	if len(w.frames) != 1 {
		t.Fatalf("a shut outbox wrote %d more frames", len(w.frames)-1)
	}
}

func TestCursorBatchNeverSendsARecipientItsOwnCursor(t *testing.T) {
	var b cursorBatch
	b.add(cursorOf("p1", 1, 2))
	b.add(cursorOf("p2", 3.5, -4))
	b.addGone("p3")
	if got := string(b.messageFor("p9")); got != `{"type":"cursors","c":[["p1",1,2],["p2",3.5,-4]],"gone":["p3"]}` {
		t.Fatalf("shared message = %s", got)
	}
	if got := string(b.messageFor("p1")); got != `{"type":"cursors","c":[["p2",3.5,-4]],"gone":["p3"]}` {
		t.Fatalf("message for p1 = %s", got)
	}
	if got := string(b.messageFor("p3")); got != `{"type":"cursors","c":[["p1",1,2],["p2",3.5,-4]]}` {
		t.Fatalf("message for p3 = %s", got)
	}
	var alone cursorBatch
	alone.add(cursorOf("me", 1, 1))
	if msg := alone.messageFor("me"); msg != nil {
		t.Fatalf("a batch of only my cursor gave me %s", msg)
	}
	// Members not in the batch share one encoding.
	if &b.messageFor("x")[0] != &b.messageFor("y")[0] {
		t.Fatal("uninvolved members should share one encoded message")
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
