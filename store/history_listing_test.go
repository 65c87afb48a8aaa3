package store

import (
	"context"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/redistest"
)

// Listing versions when no message arrived since the last pass reads no
// checkpoint: /history in a loop on a large board costs small reads, not
// a decode of the whole board each time. Proof: the newest checkpoint's
// bytes are damaged after the pass, and listing still answers; once a new
// message makes a pass due, the pass reads it and fails.
func testListingReadsNoCheckpoint(t *testing.T, s board.Store, damage func(id string, seq uint64)) {
	ctx := context.Background()
	b, err := board.New("", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBoard(ctx, b); err != nil {
		t.Fatal(err)
	}
	appendRect := func(ref string) {
		if _, _, err := s.Append(ctx, b.ID, board.OpsMessage{By: "p", Name: "Ann", Ref: ref, Ops: rectOps(ref)}); err != nil {
			t.Fatal(err)
		}
	}
	appendRect("r1")
	appendRect("r2")
	vs, err := s.Versions(ctx, b.ID)
	if err != nil || len(vs) == 0 {
		t.Fatalf("versions after two messages with CheckpointEvery 1: %v %v", vs, err)
	}
	damage(b.ID, vs[0].Seq)
	for range 3 {
		again, err := s.Versions(ctx, b.ID)
		if err != nil || len(again) != len(vs) {
			t.Fatalf("listing again with nothing new: %v %v, want the same %d versions without reading one", again, err, len(vs))
		}
	}
	appendRect("r3")
	if _, err := s.Versions(ctx, b.ID); err == nil {
		t.Fatal("a pass after a new message did not read the damaged checkpoint: the test shows nothing")
	}
}

func TestBoltListingReadsNoCheckpoint(t *testing.T) {
	opts := DefaultOptions()
	opts.CheckpointEvery = 1
	s, err := OpenBoltWith(t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	testListingReadsNoCheckpoint(t, s, func(id string, seq uint64) {
		err := s.db.Update(func(tx *bolt.Tx) error {
			return cpBucket(tx, id, cpDataBucket).Put(seqKey(seq), []byte("damaged"))
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestRedisListingReadsNoCheckpoint(t *testing.T) {
	rdb := redistest.Client(t)
	opts := DefaultOptions()
	opts.CheckpointEvery = 1
	s, err := OpenRedis(context.Background(), rdb, redistest.Prefix(t, rdb), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	testListingReadsNoCheckpoint(t, s, func(id string, seq uint64) {
		if err := rdb.HSet(context.Background(), s.key(id, "cpdata"), strconv.FormatUint(seq, 10), "damaged").Err(); err != nil {
			t.Fatal(err)
		}
	})
}
