package broker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// Two nodes on one Redis: a request from A reaches B's handler and its
// answer comes back to the right caller, also with many in flight at once;
// a request to a node nobody listens for is refused at once with
// ErrNoNode; once B stops serving, its requests go unanswered until the
// caller's deadline.
func TestRedisNodeRequests(t *testing.T) {
	prefix := testPrefix()
	a, b := openTestRedis(t, prefix, "node-a"), openTestRedis(t, prefix, "node-b")
	stop, err := b.ServeRequests(func(_ context.Context, p []byte) []byte {
		return append([]byte("b:"), p...)
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			want := fmt.Sprintf("req-%d", i)
			got, err := a.Request(ctx, "node-b", []byte(want))
			if err != nil || !bytes.Equal(got, []byte("b:"+want)) {
				errs <- fmt.Errorf("request %d: %q, %v", i, got, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	start := time.Now()
	if _, err := a.Request(ctx, "node-gone", []byte("x")); !errors.Is(err, board.ErrNoNode) {
		t.Fatalf("a request to a node nobody listens for: %v, want ErrNoNode", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("refusing a request to a missing node took %v", d)
	}

	stop()
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancelShort()
	if _, err := a.Request(short, "node-b", []byte("x")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a request to a node that stopped serving: %v, want the caller's deadline", err)
	}
}
