package store

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/internal/redistest"
)

// Two nodes editing one board and listing its versions at once agree on
// them: their passes race, one stores its state, the other stores
// nothing, and compaction (every 10 messages) loses nothing either
// decided on.
func TestRedisNodesShareVersions(t *testing.T) {
	ctx := context.Background()
	rdb := redistest.Client(t)
	prefix := redistest.Prefix(t, rdb)
	clock := newTestClock()
	opts := DefaultOptions()
	opts.CompactEvery, opts.Retain, opts.Now = 10, 5, clock.Now
	var nodes [2]*Redis
	for i := range nodes {
		s, err := OpenRedis(ctx, rdb, prefix, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		nodes[i] = s
	}
	b := mustNewBoard(t, "shared")
	if err := nodes[0].CreateBoard(ctx, b); err != nil {
		t.Fatal(err)
	}
	h := &historyBoard{t: t, clock: clock, b: b}
	var wg sync.WaitGroup
	for i := range 300 {
		h.s = nodes[i%2]
		clock.advance(time.Second)
		h.edit("ann", float64(i))
		if i%25 == 0 {
			for _, n := range nodes {
				wg.Go(func() {
					if _, err := n.Versions(ctx, b.ID); err != nil {
						t.Errorf("Versions: %v", err)
					}
				})
			}
		}
	}
	wg.Wait()
	for _, n := range nodes {
		h.s = n
		if got := seqsOf(h.versions()); !slices.Equal(got, []uint64{300, 200, 100}) {
			t.Fatalf("versions at %v, want 300, 200, 100", got)
		}
		for _, seq := range []uint64{100, 200, 300} {
			h.wantCheckpoint(seq)
		}
	}
	if n, err := rdb.SIsMember(ctx, prefix+"histboards", b.ID).Result(); err != nil || !n {
		t.Fatalf("the board is not in histboards: %v %v", n, err)
	}
}
