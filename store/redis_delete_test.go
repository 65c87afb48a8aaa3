package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/redistest"
)

// redisDeleteProbe sees into the store's keys for the deletion suite.
var redisDeleteProbe = deleteProbe{
	leftovers: func(t *testing.T, s board.Store, b board.Board) []string {
		r := s.(*Redis)
		ctx := context.Background()
		names := func(v string) bool { return strings.Contains(v, b.ID) || strings.Contains(v, b.ViewID) }
		var found []string
		for _, k := range redistest.Keys(t, r.rdb, r.prefix) {
			if k == r.goneKey(b.ID) || k == r.tombsKey() {
				continue
			}
			if names(k) {
				found = append(found, k)
				continue
			}
			var inside []string
			switch r.rdb.Type(ctx, k).Val() {
			case "string":
				inside = []string{r.rdb.Get(ctx, k).Val()}
			case "hash":
				for f, v := range r.rdb.HGetAll(ctx, k).Val() {
					inside = append(inside, f, v)
				}
			case "zset":
				inside = r.rdb.ZRange(ctx, k, 0, -1).Val()
			case "set":
				inside = r.rdb.SMembers(ctx, k).Val()
			}
			for _, v := range inside {
				if names(v) {
					found = append(found, k+" holds "+v)
				}
			}
		}
		return found
	},
	forget: func(t *testing.T, s board.Store, id string) {
		r := s.(*Redis)
		ctx := context.Background()
		if err := r.rdb.ZRem(ctx, r.touchedKey(), id).Err(); err != nil {
			t.Fatal(err)
		}
		if err := r.rdb.Del(ctx, r.filledKey()).Err(); err != nil {
			t.Fatal(err)
		}
	},
}

// tombstoneOnly does a delete's first step and nothing more, as a node
// that is deleting the board (or died doing it) leaves it.
func tombstoneOnly(t *testing.T, s *Redis, b board.Board) {
	t.Helper()
	ctx := context.Background()
	if err := s.rdb.HSet(ctx, s.tombsKey(), b.ID, tombEdit+" "+b.ViewID, b.ViewID, tombView+" "+b.ID).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.rdb.Set(ctx, s.goneKey(b.ID), goneDeleting, 0).Err(); err != nil {
		t.Fatal(err)
	}
}

// Between a delete's tombstone and its sweep, another node's append,
// image upload and compaction refuse, so the sweep leaves nothing; the
// next delete of the id finishes a delete that died there.
func TestRedisWritesRacingADeleteRefuse(t *testing.T) {
	ctx := context.Background()
	s, _ := redisWithBoard(t, "racing")
	b := fullBoard(t, s, "racing")
	tombstoneOnly(t, s, b)

	if _, _, err := s.Append(ctx, b.ID, board.OpsMessage{Ref: "late", Ops: rectOps("late")}); !errors.Is(err, board.ErrGone) {
		t.Errorf("append after the tombstone: %v, want ErrGone", err)
	}
	data := randomBytes(t, 2000)
	if _, _, err := s.PutBlob(ctx, b.ID, blobInfoOf(data), data, 1<<30); !errors.Is(err, board.ErrGone) {
		t.Errorf("image upload after the tombstone: %v, want ErrGone", err)
	}
	before := s.rdb.Get(ctx, s.key(b.ID, "snap")).Val()
	if err := s.compact(ctx, b.ID, board.NewSnapshot("late")); err != nil {
		t.Fatal(err)
	}
	if after := s.rdb.Get(ctx, s.key(b.ID, "snap")).Val(); after != before {
		t.Error("a compaction after the tombstone wrote a snapshot")
	}

	if err := s.DeleteBoard(ctx, b.ID); !errors.Is(err, board.ErrGone) {
		t.Fatalf("the delete after one that died: %v, want ErrGone", err)
	}
	left := redisDeleteProbe.leftovers(t, s, b)
	for _, k := range left {
		// The upload's chunks were written before its commit refused;
		// they expire.
		if !strings.Contains(k, ":blob:"+blobInfoOf(data).SHA256) || s.rdb.TTL(ctx, k).Val() <= 0 {
			t.Errorf("left: %s", k)
		}
	}
	if state := s.rdb.Get(ctx, s.goneKey(b.ID)).Val(); state != goneDeleted {
		t.Errorf("the tag's tombstone says %q, want %q", state, goneDeleted)
	}
	checkGone(t, s, b)
}

// A delete that died after removing the record (so the next one finds
// only the tombstone) is finished too.
func TestRedisDeleteFinishesAfterTheRecordWent(t *testing.T) {
	ctx := context.Background()
	s, _ := redisWithBoard(t, "half")
	b := fullBoard(t, s, "half")
	tombstoneOnly(t, s, b)
	s.rdb.Del(ctx, s.boardKey(b.ID))
	if err := s.DeleteBoard(ctx, b.ID); !errors.Is(err, board.ErrGone) {
		t.Fatalf("DeleteBoard: %v, want ErrGone", err)
	}
	if left := redisDeleteProbe.leftovers(t, s, b); len(left) > 0 {
		t.Errorf("left: %v", left)
	}
}

// A history repair that read the record before a delete and writes after
// it (record, counter, snapshot) takes its writes back.
func TestRedisRepairAfterADeleteIsUndone(t *testing.T) {
	ctx := context.Background()
	s, b := redisWithBoard(t, "repaired")
	if err := s.DeleteBoard(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	// What a repair that lost the race writes.
	s.rdb.Set(ctx, s.boardKey(b.ID), `{"id":"`+b.ID+`"}`, 0)
	s.rdb.Set(ctx, s.key(b.ID, "seq"), 0, 0)
	s.rdb.Set(ctx, s.key(b.ID, "snap"), `{"seq":0}`, 0)
	if err := s.undoIfGone(ctx, b); !errors.Is(err, board.ErrGone) {
		t.Fatalf("undoIfGone: %v, want ErrGone", err)
	}
	if left := redisDeleteProbe.leftovers(t, s, b); len(left) > 0 {
		t.Errorf("left: %v", left)
	}
}

// A touch that raced a delete leaves an entry without a board: IdleBoards
// neither lists it nor keeps it.
func TestRedisIdleBoardsDropsDeletedEntries(t *testing.T) {
	ctx := context.Background()
	s, b := redisWithBoard(t, "touched late")
	idle := boardMadeAt(t, s, time.Now().Add(-48*time.Hour))
	if err := s.DeleteBoard(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	s.rdb.ZAdd(ctx, s.touchedKey(), redis.Z{Score: 1, Member: b.ID})
	ids, err := s.IdleBoards(ctx, time.Now().Add(-time.Hour), 10)
	if err != nil || !slices.Equal(ids, []string{idle.ID}) {
		t.Fatalf("IdleBoards = %v, %v; want only %s", ids, err, idle.ID)
	}
	if _, err := s.rdb.ZScore(ctx, s.touchedKey(), b.ID).Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("the deleted board's entry is still in the set: %v", err)
	}
}
