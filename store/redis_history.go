package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/board"
)

// A board's checkpoints on Redis, under its hash tag (deleting a board
// drops every <p>{id}:* key):
//
//	<p>{id}:cpmeta   hash seq → cpMeta JSON (what Versions lists)
//	<p>{id}:cpdata   hash seq → compressed snapshot
//	<p>{id}:cpstate  cpState JSON: where the passes stand
//	<p>{id}:cpmark   the state's Mark, which the append script returns
//
// and <p>histboards, the set of boards that have checkpoints, for
// SweepHistory. Passes of one board on one node take turns; passes of
// several nodes race, and the first to store its state wins (the state
// is compared and set by commitPassScript); the loser stores nothing and
// does not compact.

var _ board.History = (*Redis)(nil)

func (s *Redis) histBoardsKey() string { return s.prefix + "histboards" }

// errPassRaced: another node stored a pass of the board meanwhile.
var errPassRaced = errors.New("another node's history pass came first")

// Versions makes the checkpoints that are due and lists them, newest
// first.
func (s *Redis) Versions(ctx context.Context, id string) ([]board.Version, error) {
	if err := s.boardExists(ctx, id); err != nil {
		return nil, err
	}
	seen, err := s.passedHead(ctx, id)
	if err != nil {
		return nil, err
	}
	if seen {
		err = s.thin(ctx, id, s.opts.now())
	} else if _, err = s.historyPass(ctx, id); errors.Is(err, errPassRaced) {
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("versions of board %.8s: %w", id, err)
	}
	metas, err := s.metas(ctx, id)
	if err != nil {
		return nil, err
	}
	return newestFirst(metas), nil
}

// passedHead tells whether the passes have seen every message of the
// board: then listing needs no pass, which would read and decode the
// newest checkpoint (the whole board) for nothing.
func (s *Redis) passedHead(ctx context.Context, id string) (bool, error) {
	vals, err := s.rdb.MGet(ctx, s.key(id, "seq"), s.key(id, "cpstate")).Result()
	if err != nil {
		return false, unavailable("read history state", err)
	}
	head, _ := vals[0].(string)
	seq, err := strconv.ParseUint(head, 10, 64)
	if err != nil {
		return false, nil // no counter (a lost history): the pass repairs or reports it
	}
	if seq == 0 {
		return true, nil
	}
	raw, _ := vals[1].(string)
	if raw == "" {
		return false, nil
	}
	var st cpState
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return false, fmt.Errorf("decode history state: %w", err)
	}
	return st.Seq >= seq, nil
}

// HasVersion looks seq up in the board's listing, not its data.
func (s *Redis) HasVersion(ctx context.Context, id string, seq uint64) (bool, error) {
	if err := s.boardExists(ctx, id); err != nil {
		return false, err
	}
	kept, err := s.rdb.HExists(ctx, s.key(id, "cpmeta"), strconv.FormatUint(seq, 10)).Result()
	if err != nil {
		return false, unavailable("read versions", err)
	}
	return kept, nil
}

// Checkpoint reads kept version seq back.
func (s *Redis) Checkpoint(ctx context.Context, id string, seq uint64) (*board.Snapshot, error) {
	if err := s.boardExists(ctx, id); err != nil {
		return nil, err
	}
	packed, err := s.rdb.HGet(ctx, s.key(id, "cpdata"), strconv.FormatUint(seq, 10)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, board.ErrNotFound
	}
	if err != nil {
		return nil, unavailable("read checkpoint", err)
	}
	return parseCheckpoint(packed)
}

// SweepHistory thins the checkpoints of every board in histboards, and
// forgets the boards that have none left (deleted ones).
func (s *Redis) SweepHistory(ctx context.Context) error {
	now := s.opts.now()
	iter := s.rdb.SScan(ctx, s.histBoardsKey(), 0, "", 100).Iterator()
	for iter.Next(ctx) {
		id := iter.Val()
		n, err := s.rdb.Exists(ctx, s.key(id, "cpmeta")).Result()
		if err != nil {
			return unavailable("sweep history", err)
		}
		if n == 0 {
			if err := s.rdb.SRem(ctx, s.histBoardsKey(), id).Err(); err != nil {
				return unavailable("sweep history", err)
			}
			continue
		}
		if err := s.thin(ctx, id, now); err != nil {
			return err
		}
	}
	if err := iter.Err(); err != nil {
		return unavailable("sweep history", err)
	}
	return nil
}

func (s *Redis) boardExists(ctx context.Context, id string) error {
	n, err := s.rdb.Exists(ctx, s.boardKey(id)).Result()
	if err != nil {
		return unavailable("read board", err)
	}
	if n == 0 {
		return s.missing(ctx, id, tombEdit)
	}
	return nil
}

// historyPass makes the checkpoints that are due on board id and returns
// the board at the last message it has seen, which the compactor stores
// as the new snapshot.
func (s *Redis) historyPass(ctx context.Context, id string) (*board.Snapshot, error) {
	unlock := s.passes.lock(id)
	defer unlock()
	stored, err := s.rdb.Get(ctx, s.key(id, "cpstate")).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, unavailable("read history state", err)
	}
	var st cpState
	if stored != "" {
		if err := json.Unmarshal([]byte(stored), &st); err != nil {
			return nil, fmt.Errorf("decode history state: %w", err)
		}
	}
	// A compaction (another node's) may trim the log between reading the
	// base and the messages after it: start again from a newer base.
	for attempt := 1; ; attempt++ {
		base, err := s.passBase(ctx, id, st)
		if err != nil {
			return nil, err
		}
		made, next, err := runPass(s.opts, st, base, func(fn func(*board.OpsMessage) error) error {
			return s.eachLogged(ctx, id, base.Seq, fn)
		})
		if errors.Is(err, errLogTrimmed) && attempt < loadAttempts {
			continue
		}
		if err != nil {
			return nil, unavailable("history pass", err)
		}
		if err := s.commitPass(ctx, id, stored, next, made); err != nil {
			return nil, err
		}
		return base, s.thin(ctx, id, s.opts.now())
	}
}

// passBase is the board as a pass starts from: the newest kept
// checkpoint while the log still follows on from it, else the compacted
// snapshot (which no compaction takes past what a pass has seen).
func (s *Redis) passBase(ctx context.Context, id string, st cpState) (*board.Snapshot, error) {
	if st.Kept > 0 {
		first, err := s.rdb.XRangeN(ctx, s.key(id, "log"), "-", "+", 1).Result()
		if err != nil {
			return nil, unavailable("read log", err)
		}
		follows := len(first) == 0
		if len(first) == 1 {
			seq, err := streamSeq(first[0].ID)
			follows = err == nil && seq <= st.Kept+1
		}
		if follows {
			packed, err := s.rdb.HGet(ctx, s.key(id, "cpdata"), strconv.FormatUint(st.Kept, 10)).Bytes()
			switch {
			case err == nil:
				return parseCheckpoint(packed)
			case !errors.Is(err, redis.Nil):
				return nil, unavailable("read checkpoint", err)
			}
		}
	}
	return s.getSnapshot(ctx, id)
}

// commitPassScript stores a pass if the board's history state is still
// the one it started from (ARGV[1], "" for none) and the board still
// exists: the new state, its mark, and the checkpoints made, as triples
// seq, meta, data. It returns 1, 0 when another pass came first, -1 for a
// board gone (its seq counter missing, or its tombstone there: a delete
// in progress, whose sweep of the board's keys may have passed these).
// KEYS: cpstate, cpmark, cpmeta, cpdata, seq, gone.
var commitPassScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[5]) == 0 or redis.call('EXISTS', KEYS[6]) == 1 then return -1 end
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
for i = 4, #ARGV, 3 do
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 2])
end
return 1
`)

func (s *Redis) commitPass(ctx context.Context, id, stored string, st cpState, made []newCheckpoint) error {
	enc, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if len(made) == 0 && string(enc) == stored {
		return nil // nothing new (Versions asked again)
	}
	args := []any{stored, enc, st.Mark}
	for _, c := range made {
		meta, err := json.Marshal(c.meta)
		if err != nil {
			return err
		}
		args = append(args, c.meta.Seq, meta, c.data)
	}
	keys := []string{s.key(id, "cpstate"), s.key(id, "cpmark"), s.key(id, "cpmeta"), s.key(id, "cpdata"), s.key(id, "seq"), s.goneKey(id)}
	res, err := commitPassScript.Run(ctx, s.rdb, keys, args...).Int()
	switch {
	case err != nil:
		return unavailable("store checkpoints", err)
	case res == -1:
		return board.ErrNotFound
	case res == 0:
		return errPassRaced
	}
	if len(made) > 0 {
		// Outside the script: the set is no board's, so in a cluster it
		// is on another slot.
		if err := s.rdb.SAdd(ctx, s.histBoardsKey(), id).Err(); err != nil {
			return unavailable("store checkpoints", err)
		}
	}
	return nil
}

// thin drops what the age policy and the byte budget no longer keep.
// Racing another node's thinning or pass is harmless: both only drop
// checkpoints that have a newer one kept.
func (s *Redis) thin(ctx context.Context, id string, now time.Time) error {
	metas, err := s.metas(ctx, id)
	if err != nil {
		return err
	}
	drop := s.opts.thin(metas, now)
	if len(drop) == 0 {
		return nil
	}
	fields := make([]string, len(drop))
	for i, seq := range drop {
		fields[i] = strconv.FormatUint(seq, 10)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HDel(ctx, s.key(id, "cpmeta"), fields...)
		p.HDel(ctx, s.key(id, "cpdata"), fields...)
		return nil
	})
	if err != nil {
		return unavailable("thin checkpoints", err)
	}
	return nil
}

// metas lists the board's kept checkpoints (in no order).
func (s *Redis) metas(ctx context.Context, id string) ([]cpMeta, error) {
	all, err := s.rdb.HGetAll(ctx, s.key(id, "cpmeta")).Result()
	if err != nil {
		return nil, unavailable("read checkpoints", err)
	}
	out := make([]cpMeta, 0, len(all))
	for seq, v := range all {
		var c cpMeta
		if err := json.Unmarshal([]byte(v), &c); err != nil {
			return nil, fmt.Errorf("decode checkpoint %s: %w", seq, err)
		}
		out = append(out, c)
	}
	return out, nil
}
