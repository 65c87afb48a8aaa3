package store

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/redistest"
)

func TestRedisConformance(t *testing.T) {
	opts := Options{CompactEvery: 10, Retain: 5}
	prefixes := map[board.Store]string{}
	clients := map[board.Store]*redis.Client{}
	openWith := func(t *testing.T, opts Options) board.Store {
		rdb := redistest.Client(t)
		prefix := redistest.Prefix(t, rdb)
		s, err := OpenRedis(context.Background(), rdb, prefix, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		prefixes[s] = prefix
		clients[s] = rdb
		return s
	}
	open := func(t *testing.T) board.Store { return openWith(t, opts) }
	reopenWith := func(t *testing.T, s board.Store, opts Options) board.Store {
		prefix := prefixes[s]
		s.Close()
		again, err := OpenRedis(context.Background(), clients[s], prefix, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { again.Close() })
		prefixes[again], clients[again] = prefix, clients[s]
		return again
	}
	reopen := func(t *testing.T, s board.Store) board.Store { return reopenWith(t, s, opts) }
	testStore(t, open, reopen)
	testStoreOps(t, open, reopen)
	values := func(t *testing.T, s board.Store) map[string]int64 { return redisValues(t, clients[s], prefixes[s]) }
	testStoreBlobs(t, open, reopen, values)
	testStoreBlobCollection(t, open, values)
	testStoreHistory(t, openWith, reopenWith)
	testStoreDelete(t, open, reopen, redisDeleteProbe)
	testStoreLogBytes(t, func(t *testing.T, opts Options) (board.Store, func() int64) {
		return openWith(t, opts), nil // Redis's memory is not a file
	})
}

// When Redis loses a board's history (its counter and log evicted) but not
// the board, the board starts a new epoch: clients holding the old one are
// told their history is gone and take a snapshot, never a silent gap.
func TestRedisLostHistoryStartsANewEpoch(t *testing.T) {
	ctx := context.Background()
	s, b := redisWithBoard(t, "lost")
	put := []board.Op{{Op: board.OpPut, El: &board.Element{ID: "x", Kind: board.KindRect}}}
	for i := range 3 {
		if _, _, err := s.Append(ctx, b.ID, board.OpsMessage{Ref: fmt.Sprint("r", i), Ops: put}); err != nil {
			t.Fatal(err)
		}
	}
	s.rdb.Del(ctx, s.key(b.ID, "seq"), s.key(b.ID, "log"), s.key(b.ID, "refs"))

	epoch, _, _, err := s.Load(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if epoch == b.Epoch {
		t.Fatal("the epoch did not change after the history was lost")
	}
	if _, err := s.Since(ctx, b.ID, b.Epoch, 3); !errors.Is(err, board.ErrHistoryGone) {
		t.Fatalf("since in the old epoch: %v, want ErrHistoryGone", err)
	}
	m, _, err := s.Append(ctx, b.ID, board.OpsMessage{Ref: "after", Ops: put})
	if err != nil || m.Seq != 1 {
		t.Fatalf("append after the repair: seq %d, %v; want 1 in the new epoch", m.Seq, err)
	}
}

// redisWithBoard opens a Redis store under a fresh prefix (removed when the
// test ends) that compacts rarely, and creates one board in it.
func redisWithBoard(t *testing.T, title string) (*Redis, board.Board) {
	t.Helper()
	rdb := redistest.Client(t)
	s, err := OpenRedis(context.Background(), rdb, redistest.Prefix(t, rdb), Options{CompactEvery: 1000, Retain: 1000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	b := mustNewBoard(t, title)
	if err := s.CreateBoard(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return s, b
}

// redisValues lists every string and every hash field under prefix with
// its size: what a single Redis value holds.
func redisValues(t *testing.T, rdb *redis.Client, prefix string) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	out := map[string]int64{}
	for _, k := range redistest.Keys(t, rdb, prefix) {
		switch rdb.Type(ctx, k).Val() {
		case "string":
			out[k] = rdb.StrLen(ctx, k).Val()
		case "hash":
			for field, v := range rdb.HGetAll(ctx, k).Val() {
				out[k+"/"+field] = int64(len(v))
			}
		}
	}
	return out
}
