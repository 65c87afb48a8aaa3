package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/board"
)

// Deletion and idleness on Redis:
//
//	<p>gone        hash: edit id → "edit <viewId>", view id → "view <id>";
//	               the tombstones lookups answer ErrGone from, for good
//	<p>{id}:gone   "deleting", then "deleted": the tombstone under the
//	               board's hash tag, which every script that writes under
//	               the tag checks (append, snapshot, blob commit)
//	<p>touched     sorted set: edit id, scored by its last touch (Unix s)
//	<p>touched:filled  set once every board from before touches has its
//	               entry (backfillTouched)
//
// A delete writes both tombstones first, then deletes the record, the
// view id and the board's entries in the global sets, then every key
// under <p>{id}: (named: the known parts and the recorded images' chunks), then marks the tag's tombstone
// "deleted". A write racing it on another node either ran before the
// tombstone (and the delete, which comes after, finds its keys) or sees it
// and refuses. Writes that are not scripts check after writing instead
// (repairHistory, Touch's entry is filtered by IdleBoards). A delete that
// died half way is finished by the next DeleteBoard of the id, which finds
// the tag's tombstone still "deleting".

var _ board.Deleter = (*Redis)(nil)

const (
	goneDeleting = "deleting"
	goneDeleted  = "deleted"
)

func (s *Redis) goneKey(id string) string { return s.key(id, "gone") }
func (s *Redis) tombsKey() string         { return s.prefix + "gone" }
func (s *Redis) touchedKey() string       { return s.prefix + "touched" }
func (s *Redis) filledKey() string        { return s.prefix + "touched:filled" }

// tombstone reads id's tombstone: its kind and the board's other id; ok
// is false when there is none.
func (s *Redis) tombstone(ctx context.Context, id string) (kind, other string, ok bool, err error) {
	v, err := s.rdb.HGet(ctx, s.tombsKey(), id).Result()
	if errors.Is(err, redis.Nil) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, unavailable("read tombstone", err)
	}
	kind, other, _ = strings.Cut(v, " ")
	return kind, other, true, nil
}

// missing is the error for an id no board is found under as kind:
// ErrGone when it was a deleted board's, ErrNotFound otherwise.
func (s *Redis) missing(ctx context.Context, id, kind string) error {
	k, _, ok, err := s.tombstone(ctx, id)
	switch {
	case err != nil:
		return err
	case ok && k == kind:
		return board.ErrGone
	}
	return board.ErrNotFound
}

// refuseTombstoned refuses a new board under a deleted board's id.
func (s *Redis) refuseTombstoned(ctx context.Context, b board.Board) error {
	n, err := s.rdb.HMGet(ctx, s.tombsKey(), b.ID, b.ViewID).Result()
	if err != nil {
		return unavailable("read tombstones", err)
	}
	for _, v := range n {
		if v != nil {
			return fmt.Errorf("the id is a deleted board's: %w", board.ErrGone)
		}
	}
	return nil
}

// DeleteBoard tombstones the board, then removes everything of it. Of two
// deletes at once, the one whose tombstone came first answers nil and the
// other ErrGone.
func (s *Redis) DeleteBoard(ctx context.Context, id string) error {
	data, err := s.rdb.Get(ctx, s.boardKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return s.deleteAgain(ctx, id)
	}
	if err != nil {
		return unavailable("delete board", err)
	}
	var b board.Board
	if err := json.Unmarshal(data, &b); err != nil {
		return fmt.Errorf("decode stored board: %w", err)
	}
	var first *redis.BoolCmd
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.tombsKey(), b.ID, tombEdit+" "+b.ViewID, b.ViewID, tombView+" "+b.ID)
		first = p.SetNX(ctx, s.goneKey(id), goneDeleting, 0)
		return nil
	})
	if err != nil {
		return unavailable("delete board", err)
	}
	if !first.Val() {
		// Another delete came first; finish it if it died.
		if err := s.finishDelete(ctx, id, b.ViewID); err != nil {
			return err
		}
		return board.ErrGone
	}
	return s.purge(ctx, id, b.ViewID)
}

// deleteAgain answers a delete of an id without a board record: ErrGone
// for a deleted board (after finishing its delete, if that died half
// way), ErrNotFound otherwise.
func (s *Redis) deleteAgain(ctx context.Context, id string) error {
	kind, viewID, ok, err := s.tombstone(ctx, id)
	if err != nil {
		return err
	}
	if !ok || kind != tombEdit {
		return board.ErrNotFound
	}
	if err := s.finishDelete(ctx, id, viewID); err != nil {
		return err
	}
	return board.ErrGone
}

// finishDelete purges a tombstoned board unless its delete was finished.
func (s *Redis) finishDelete(ctx context.Context, id, viewID string) error {
	state, err := s.rdb.Get(ctx, s.goneKey(id)).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return unavailable("read tombstone", err)
	}
	if state == goneDeleted {
		return nil
	}
	return s.purge(ctx, id, viewID)
}

// purge removes everything of a tombstoned board but its tombstones.
// Running it again (a delete finishing another's) is harmless.
func (s *Redis) purge(ctx context.Context, id, viewID string) error {
	// One key per DEL: the record and view keys are in other slots.
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, s.boardKey(id))
		p.Del(ctx, s.viewKey(viewID))
		p.ZRem(ctx, s.touchedKey(), id)
		p.ZRem(ctx, s.blobBoardsKey(), id)
		p.SRem(ctx, s.histBoardsKey(), id)
		return nil
	})
	if err != nil {
		return unavailable("delete board", err)
	}
	if err := s.unlinkTagged(ctx, id); err != nil {
		return err
	}
	if err := s.rdb.Set(ctx, s.goneKey(id), goneDeleted, 0).Err(); err != nil {
		return unavailable("delete board", err)
	}
	return nil
}

// boardKeyParts are the keys under a board's hash tag (redis.go,
// redis_blobs.go, redis_history.go) but its tombstone and its image
// chunks. A part added there must be added here: the conformance suite's
// scan after a delete fails otherwise.
var boardKeyParts = []string{
	"seq", "log", "refs", "snap", "title", "logbytes",
	"blobs", "blobbytes",
	"cpmeta", "cpdata", "cpstate", "cpmark",
}

// unlinkTagged unlinks every key under the board's hash tag but its
// tombstone: the known parts, and the chunks of every image its blobs
// hash records. They are named, not found by a SCAN: a SCAN walks the
// whole keyspace, every board's keys, so each delete (anyone can create
// and delete boards) would cost Redis time in proportion to the whole
// deployment. Chunks of an upload caught by the delete have no record yet
// and expire with their TTL. UNLINK frees a long log off Redis's main
// thread.
func (s *Redis) unlinkTagged(ctx context.Context, id string) error {
	keys := make([]string, 0, len(boardKeyParts))
	for _, part := range boardKeyParts {
		keys = append(keys, s.key(id, part))
	}
	records, err := s.rdb.HGetAll(ctx, s.key(id, "blobs")).Result()
	if err != nil {
		return unavailable("delete board", err)
	}
	for sha, raw := range records {
		var rec storedBlob
		if err := json.Unmarshal([]byte(raw), &rec); err != nil {
			return fmt.Errorf("decode stored image %.12s: %w", sha, err)
		}
		keys = append(keys, s.chunkKeys(id, sha, rec.Chunks)...)
	}
	// Chunks before the blobs hash that names them: a delete that dies
	// half way is finished by the next one, which must still find them.
	for len(keys) > 0 {
		n := max(0, len(keys)-256)
		if err := s.rdb.Unlink(ctx, keys[n:]...).Err(); err != nil {
			return unavailable("delete board", err)
		}
		keys = keys[:n]
	}
	return nil
}

// globEscape quotes what SCAN's MATCH would read as a pattern.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// undoIfGone undoes a write that may have brought back a board deleted
// meanwhile (see repairHistory): ErrGone if it was.
func (s *Redis) undoIfGone(ctx context.Context, b board.Board) error {
	n, err := s.rdb.Exists(ctx, s.goneKey(b.ID)).Result()
	if err != nil {
		return unavailable("read tombstone", err)
	}
	if n == 0 {
		return nil
	}
	if err := s.purge(ctx, b.ID, b.ViewID); err != nil {
		return err
	}
	return board.ErrGone
}

// Touch records that the board was opened at at; a touch never moves the
// time back (ZADD GT).
func (s *Redis) Touch(ctx context.Context, id string, at time.Time) error {
	n, err := s.rdb.Exists(ctx, s.boardKey(id)).Result()
	if err != nil {
		return unavailable("touch board", err)
	}
	if n == 0 {
		return s.missing(ctx, id, tombEdit)
	}
	return s.touch(ctx, id, at)
}

func (s *Redis) touch(ctx context.Context, id string, at time.Time) error {
	err := s.rdb.ZAddArgs(ctx, s.touchedKey(), redis.ZAddArgs{GT: true, Members: []redis.Z{{Score: float64(at.Unix()), Member: id}}}).Err()
	if err != nil {
		return unavailable("touch board", err)
	}
	return nil
}

// touchEdited records an edit of the board, at most once per touchGrain
// from this node: the set is not under the board's hash tag, so it is a
// command after the append script, and one per message would double the
// appends' round trips. A failure is not the append's: its ack stands,
// and the next edit a minute later records it.
func (s *Redis) touchEdited(ctx context.Context, id string) {
	now := time.Now()
	if s.touches.due(id, now) {
		_ = s.touch(ctx, id, now)
	}
}

// touchThrottle remembers when this node last recorded an edit of each
// board, forgetting boards not edited for touchGrain.
type touchThrottle struct {
	mu     sync.Mutex
	last   map[string]time.Time
	pruned time.Time
}

// due reports whether the board's edit at now should be recorded, and
// counts it recorded if so.
func (t *touchThrottle) due(id string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last = make(map[string]time.Time)
	}
	if now.Sub(t.pruned) >= touchGrain {
		for k, at := range t.last {
			if now.Sub(at) >= touchGrain {
				delete(t.last, k)
			}
		}
		t.pruned = now
	}
	if at, ok := t.last[id]; ok && now.Sub(at) < touchGrain {
		return false
	}
	t.last[id] = now
	return true
}

// idlePage is how many entries of the touched set IdleBoards checks at
// once, at least.
const idlePage = 100

// IdleBoards lists the oldest entries of the touched set before before,
// skipping (and removing) those without a board record: a board deleted,
// or touched by a node that raced its delete, is never listed.
func (s *Redis) IdleBoards(ctx context.Context, before time.Time, limit int) ([]string, error) {
	if limit <= 0 {
		return nil, nil
	}
	if err := s.backfillTouched(ctx); err != nil {
		return nil, err
	}
	var out []string
	for {
		page := max(limit-len(out), idlePage)
		ids, err := s.rdb.ZRangeByScore(ctx, s.touchedKey(), &redis.ZRangeBy{
			Min: "-inf", Max: "(" + strconv.FormatInt(before.Unix(), 10), Offset: int64(len(out)), Count: int64(page),
		}).Result()
		if err != nil {
			return nil, unavailable("list idle boards", err)
		}
		live, err := s.liveBoards(ctx, ids)
		if err != nil {
			return nil, err
		}
		out = append(out, live...)
		if len(out) >= limit {
			return out[:limit], nil
		}
		if len(ids) < page {
			return out, nil
		}
	}
}

// liveBoards keeps the ids that have a board record and removes the
// others from the touched set (so the next page's offset holds).
func (s *Redis) liveBoards(ctx context.Context, ids []string) ([]string, error) {
	exists := make([]*redis.IntCmd, len(ids))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			exists[i] = p.Exists(ctx, s.boardKey(id))
		}
		return nil
	})
	if err != nil {
		return nil, unavailable("list idle boards", err)
	}
	var live, dead []string
	for i, id := range ids {
		if exists[i].Val() == 1 {
			live = append(live, id)
		} else {
			dead = append(dead, id)
		}
	}
	if len(dead) > 0 {
		if err := s.rdb.ZRem(ctx, s.touchedKey(), dead).Err(); err != nil {
			return nil, unavailable("list idle boards", err)
		}
	}
	return live, nil
}

// backfillTouched gives every board created before touches were kept an
// entry at its creation time (ZADD NX: a real touch wins), once per
// deployment: the first IdleBoards on any node does one pass over the
// board records, a page at a time, and marks it done. Two nodes doing it
// at once do the same writes. (A board created afterwards by a node of
// the older version has no entry and is never idle.)
func (s *Redis) backfillTouched(ctx context.Context) error {
	n, err := s.rdb.Exists(ctx, s.filledKey()).Result()
	if err != nil {
		return unavailable("list idle boards", err)
	}
	if n == 1 {
		return nil
	}
	iter := s.rdb.Scan(ctx, 0, globEscape(s.boardKey(""))+"*", 500).Iterator()
	var keys []string
	for iter.Next(ctx) {
		if keys = append(keys, iter.Val()); len(keys) == 500 {
			if err := s.backfillPage(ctx, keys); err != nil {
				return err
			}
			keys = keys[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return unavailable("backfill touches", err)
	}
	if err := s.backfillPage(ctx, keys); err != nil {
		return err
	}
	if err := s.rdb.Set(ctx, s.filledKey(), "1", 0).Err(); err != nil {
		return unavailable("backfill touches", err)
	}
	return nil
}

func (s *Redis) backfillPage(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	// One GET per key: the records are in different slots.
	gets := make([]*redis.StringCmd, len(keys))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			gets[i] = p.Get(ctx, k)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return unavailable("backfill touches", err)
	}
	var members []redis.Z
	for _, g := range gets {
		data, err := g.Bytes()
		if err != nil {
			continue // deleted since the scan
		}
		var b board.Board
		if err := json.Unmarshal(data, &b); err != nil {
			return fmt.Errorf("decode stored board: %w", err)
		}
		members = append(members, redis.Z{Score: float64(createdAt(b).Unix()), Member: b.ID})
	}
	if len(members) == 0 {
		return nil
	}
	if err := s.rdb.ZAddNX(ctx, s.touchedKey(), members...).Err(); err != nil {
		return unavailable("backfill touches", err)
	}
	return nil
}
