package protoclient

import (
	"sync"
	"testing"
	"time"
)

// Wait returns as soon as what it waits for is recorded, and false at its
// deadline when it never is.
func TestWaiter(t *testing.T) {
	var mu sync.Mutex
	n := 0
	w := NewWaiter(&mu)
	go func() {
		for range 3 {
			w.Record(func() { n++ })
		}
	}()
	if !w.Wait(5*time.Second, func() bool { return n == 3 }) {
		t.Fatal("three wakes were not seen")
	}
	start := time.Now()
	if w.Wait(100*time.Millisecond, func() bool { return n == 4 }) {
		t.Fatal("waited for something that never happened and got it")
	}
	if took := time.Since(start); took < 100*time.Millisecond || took > 5*time.Second {
		t.Fatalf("a 100 ms wait took %v", took)
	}
}
