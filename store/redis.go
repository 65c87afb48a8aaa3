package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/board"
)

// Redis is the board.Store for several nodes. Per board, under one hash
// tag (so a cluster keeps a board on one slot):
//
//	<p>{id}:seq    the last seq (INCR'd by the append script)
//	<p>{id}:log    a Stream of ops messages, entry id "<seq>-1"
//	<p>{id}:refs   hash dedupe key (scope + ref) → seq, for dedupe
//	<p>{id}:snap   the snapshot JSON the log is compacted into
//	<p>{id}:title  the current title (set by title ops)
//
// plus <p>board:<id> (the board record) and <p>view:<viewId> → id.
// An append is one Lua script: seq, dedupe and log write are atomic. An ack
// means Redis accepted the write; how durable that is depends on Redis's
// AOF settings (docs/operations.md).
type Redis struct {
	rdb    *redis.Client
	prefix string
	opts   BoltOptions // the same compaction knobs as the embedded store

	compactions chan string
	mu          sync.Mutex
	closed      bool
	done        chan struct{}
}

var _ board.Store = (*Redis)(nil)

// OpenRedis connects with a redis:// URL. prefix namespaces every key
// (tests use one per test).
func OpenRedis(ctx context.Context, url, prefix string, opts BoltOptions) (*Redis, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	rdb := redis.NewClient(o)
	if err := rdb.Ping(ctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("connect to redis %s: %w", o.Addr, err)
	}
	s := &Redis{rdb: rdb, prefix: prefix, opts: opts, compactions: make(chan string, 64), done: make(chan struct{})}
	go s.compactLoop()
	return s, nil
}

func (s *Redis) key(id, part string) string { return s.prefix + "{" + id + "}:" + part }
func (s *Redis) boardKey(id string) string  { return s.prefix + "board:" + id }
func (s *Redis) viewKey(id string) string   { return s.prefix + "view:" + id }

// CreateBoard stores the board, its view index and its empty history.
func (s *Redis) CreateBoard(ctx context.Context, b board.Board) error {
	data, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode board: %w", err)
	}
	ok, err := s.rdb.SetNX(ctx, s.boardKey(b.ID), data, 0).Result()
	if err != nil {
		return fmt.Errorf("create board: %w", err)
	}
	if !ok {
		return errors.New("create board: board id already exists")
	}
	if ok, err := s.rdb.SetNX(ctx, s.viewKey(b.ViewID), b.ID, 0).Result(); err != nil || !ok {
		s.rdb.Del(ctx, s.boardKey(b.ID))
		if err == nil {
			err = errors.New("view id already exists")
		}
		return fmt.Errorf("create board: %w", err)
	}
	snap, err := encodeSnapshot(board.NewSnapshot(b.Title))
	if err != nil {
		return err
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, s.key(b.ID, "seq"), 0, 0)
		p.Set(ctx, s.key(b.ID, "snap"), snap, 0)
		return nil
	})
	if err != nil {
		return fmt.Errorf("create board history: %w", err)
	}
	return nil
}

// BoardByID finds a board by its edit id.
func (s *Redis) BoardByID(ctx context.Context, id string) (board.Board, error) {
	var b board.Board
	data, err := s.rdb.Get(ctx, s.boardKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return b, board.ErrNotFound
	}
	if err != nil {
		return b, unavailable("read board", err)
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return b, fmt.Errorf("decode stored board: %w", err)
	}
	if title, err := s.rdb.Get(ctx, s.key(id, "title")).Result(); err == nil {
		b.Title = title
	}
	return b, nil
}

// BoardByViewID finds a board by its view id.
func (s *Redis) BoardByViewID(ctx context.Context, viewID string) (board.Board, error) {
	id, err := s.rdb.Get(ctx, s.viewKey(viewID)).Result()
	if errors.Is(err, redis.Nil) {
		return board.Board{}, board.ErrNotFound
	}
	if err != nil {
		return board.Board{}, unavailable("read board", err)
	}
	return s.BoardByID(ctx, id)
}

// appendScript assigns the next seq and logs the message, unless its ref
// was committed before in its scope: then it returns the original. Atomic
// in Redis. KEYS: seq, log, refs, title. ARGV: dedupe key, by, ops JSON,
// title, has title, ref, scope.
var appendScript = redis.NewScript(`
local s = redis.call('HGET', KEYS[3], ARGV[1])
if s then
  local e = redis.call('XRANGE', KEYS[2], s .. '-1', s .. '-1')
  if #e == 0 then return {1, tonumber(s)} end
  return {1, tonumber(s), e[1][2]}
end
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], seq .. '-1', 'by', ARGV[2], 'ref', ARGV[6], 'ops', ARGV[3], 'scope', ARGV[7])
redis.call('HSET', KEYS[3], ARGV[1], seq)
if ARGV[5] == '1' then redis.call('SET', KEYS[4], ARGV[4]) end
return {0, seq}
`)

// Append commits m through the append script.
func (s *Redis) Append(ctx context.Context, id string, m board.OpsMessage) (board.OpsMessage, bool, error) {
	if s.isClosed() {
		return board.OpsMessage{}, false, board.ErrStoreClosed
	}
	ops, err := json.Marshal(m.Ops)
	if err != nil {
		return board.OpsMessage{}, false, fmt.Errorf("encode ops: %w", err)
	}
	title, renamed := lastTitle(m.Ops)
	flag := "0"
	if renamed {
		flag = "1"
	}
	keys := []string{s.key(id, "seq"), s.key(id, "log"), s.key(id, "refs"), s.key(id, "title")}
	res, err := appendScript.Run(ctx, s.rdb, keys, m.DedupeKey(), m.By, ops, title, flag, m.Ref, m.Scope).Slice()
	if err != nil {
		return board.OpsMessage{}, false, unavailable("append ops", err)
	}
	switch res[0].(int64) {
	case -1:
		// No seq counter: an unknown board, or one whose history Redis
		// lost. Only the first is final.
		repaired, err := s.repairHistory(ctx, id)
		if err != nil {
			return board.OpsMessage{}, false, err
		}
		if !repaired {
			return board.OpsMessage{}, false, board.ErrNotFound
		}
		return s.Append(ctx, id, m)
	case 1:
		seq := uint64(res[1].(int64))
		if len(res) < 3 {
			return board.OpsMessage{Seq: seq, Ref: m.Ref, Scope: m.Scope}, true, nil
		}
		orig, err := decodeStreamFields(seq, res[2].([]any))
		return orig, true, err
	}
	m.Seq = uint64(res[1].(int64))
	if m.Seq%uint64(s.opts.CompactEvery) == 0 {
		s.mu.Lock()
		if !s.closed {
			select {
			case s.compactions <- id:
			default: // busy: the next multiple of CompactEvery asks again
			}
		}
		s.mu.Unlock()
	}
	return m, false, nil
}

// decodeStreamFields turns a log entry's field list back into a message.
func decodeStreamFields(seq uint64, fields []any) (board.OpsMessage, error) {
	m := board.OpsMessage{Seq: seq}
	for i := 0; i+1 < len(fields); i += 2 {
		v, _ := fields[i+1].(string)
		switch fields[i] {
		case "by":
			m.By = v
		case "ref":
			m.Ref = v
		case "scope":
			m.Scope = v
		case "ops":
			if err := json.Unmarshal([]byte(v), &m.Ops); err != nil {
				return m, fmt.Errorf("decode logged message %d: %w", seq, err)
			}
		}
	}
	return m, nil
}

func streamSeq(id string) (uint64, error) {
	n, _, _ := cutDash(id)
	return strconv.ParseUint(n, 10, 64)
}

func cutDash(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '-' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func (s *Redis) readLog(ctx context.Context, id string, after uint64) ([]board.OpsMessage, error) {
	entries, err := s.rdb.XRange(ctx, s.key(id, "log"), fmt.Sprintf("%d-1", after+1), "+").Result()
	if err != nil {
		return nil, unavailable("read log", err)
	}
	out := make([]board.OpsMessage, 0, len(entries))
	for _, e := range entries {
		seq, err := streamSeq(e.ID)
		if err != nil {
			return nil, fmt.Errorf("log entry id %q: %w", e.ID, err)
		}
		fields := make([]any, 0, 8)
		for _, k := range []string{"by", "ref", "ops", "scope"} {
			fields = append(fields, k, e.Values[k])
		}
		m, err := decodeStreamFields(seq, fields)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func (s *Redis) getSnapshot(ctx context.Context, id string) (*board.Snapshot, error) {
	data, err := s.rdb.Get(ctx, s.key(id, "snap")).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, board.ErrNotFound
	}
	if err != nil {
		return nil, unavailable("read snapshot", err)
	}
	var st storedSnapshot
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("decode snapshot: %w", err)
	}
	snap := board.NewSnapshot(st.Title)
	snap.Seq = st.Seq
	for _, e := range st.Elements {
		snap.Put(e)
	}
	return snap, nil
}

// repairHistory handles a board whose record exists but whose seq counter
// is gone (evicted, or a partial restore): its history was lost. The board
// starts a new epoch at the seq of whatever snapshot survived, so clients
// holding the old epoch take a snapshot instead of trusting their seq. It
// reports false for an unknown board.
func (s *Redis) repairHistory(ctx context.Context, id string) (bool, error) {
	b, err := s.BoardByID(ctx, id)
	if errors.Is(err, board.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	snap, err := s.getSnapshot(ctx, id)
	if errors.Is(err, board.ErrNotFound) {
		snap, err = board.NewSnapshot(b.Title), nil
	}
	if err != nil {
		return false, err
	}
	b.Epoch = board.NewPeerID()
	data, err := json.Marshal(b)
	if err != nil {
		return false, err
	}
	snapData, err := encodeSnapshot(snap)
	if err != nil {
		return false, err
	}
	// SETNX on the counter: if another node repaired it meanwhile, keep
	// its epoch.
	ok, err := s.rdb.SetNX(ctx, s.key(id, "seq"), snap.Seq, 0).Result()
	if err != nil {
		return false, unavailable("repair history", err)
	}
	if ok {
		_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, s.boardKey(id), data, 0)
			p.Set(ctx, s.key(id, "snap"), snapData, 0)
			p.Del(ctx, s.key(id, "log"), s.key(id, "refs"))
			return nil
		})
		if err != nil {
			return false, unavailable("repair history", err)
		}
	}
	return true, nil
}

// Load returns the board's epoch, snapshot and retained log.
func (s *Redis) Load(ctx context.Context, id string) (string, *board.Snapshot, []board.OpsMessage, error) {
	if n, err := s.rdb.Exists(ctx, s.key(id, "seq")).Result(); err != nil {
		return "", nil, nil, unavailable("read seq", err)
	} else if n == 0 {
		if _, err := s.repairHistory(ctx, id); err != nil {
			return "", nil, nil, err
		}
	}
	b, err := s.BoardByID(ctx, id)
	if err != nil {
		return "", nil, nil, err
	}
	snap, err := s.getSnapshot(ctx, id)
	if err != nil {
		return "", nil, nil, err
	}
	log, err := s.readLog(ctx, id, 0)
	if err != nil {
		return "", nil, nil, err
	}
	return b.Epoch, snap, log, nil
}

// Since returns the messages after seq `after` of epoch.
func (s *Redis) Since(ctx context.Context, id, epoch string, after uint64) ([]board.OpsMessage, error) {
	b, err := s.BoardByID(ctx, id)
	if err != nil {
		return nil, err
	}
	seq, err := s.rdb.Get(ctx, s.key(id, "seq")).Uint64()
	if err != nil {
		return nil, unavailable("read seq", err)
	}
	if epoch != b.Epoch || after > seq {
		return nil, board.ErrHistoryGone
	}
	if after == seq {
		return nil, nil
	}
	log, err := s.readLog(ctx, id, after)
	if err != nil {
		return nil, err
	}
	if len(log) == 0 || log[0].Seq != after+1 {
		return nil, board.ErrHistoryGone
	}
	return log, nil
}

// compactLoop folds logs into snapshots off the append path.
func (s *Redis) compactLoop() {
	defer close(s.done)
	for id := range s.compactions {
		_ = s.compact(context.Background(), id) // the previous snapshot and log stay correct
	}
}

// setSnapshotScript stores a snapshot only if it is newer than the stored
// one, so two nodes compacting at once cannot move it backwards.
var setSnapshotScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur then
  local old = cjson.decode(cur)
  if old.seq >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`)

func (s *Redis) compact(ctx context.Context, id string) error {
	snap, err := s.getSnapshot(ctx, id)
	if err != nil {
		return err
	}
	log, err := s.readLog(ctx, id, snap.Seq)
	if err != nil {
		return err
	}
	for i := range log {
		snap.Apply(&log[i])
	}
	data, err := encodeSnapshot(snap)
	if err != nil {
		return err
	}
	if err := setSnapshotScript.Run(ctx, s.rdb, []string{s.key(id, "snap")}, data, snap.Seq).Err(); err != nil {
		return err
	}
	if keep := uint64(s.opts.Retain); snap.Seq > keep {
		cutoff := snap.Seq - keep // drop seq ≤ cutoff: in the snapshot and outside the window
		old, err := s.readRange(ctx, id, cutoff)
		if err != nil {
			return err
		}
		refs := make([]string, 0, len(old))
		for _, m := range old {
			refs = append(refs, m.DedupeKey())
		}
		_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.XTrimMinID(ctx, s.key(id, "log"), fmt.Sprintf("%d-1", cutoff+1))
			if len(refs) > 0 {
				p.HDel(ctx, s.key(id, "refs"), refs...)
			}
			return nil
		})
		return err
	}
	return nil
}

// readRange reads the log up to and including seq `upto`.
func (s *Redis) readRange(ctx context.Context, id string, upto uint64) ([]board.OpsMessage, error) {
	entries, err := s.rdb.XRange(ctx, s.key(id, "log"), "-", fmt.Sprintf("%d-1", upto)).Result()
	if err != nil {
		return nil, err
	}
	out := make([]board.OpsMessage, 0, len(entries))
	for _, e := range entries {
		ref, _ := e.Values["ref"].(string)
		scope, _ := e.Values["scope"].(string) // absent in entries logged before scopes
		out = append(out, board.OpsMessage{Ref: ref, Scope: scope})
	}
	return out, nil
}

// Ping checks that Redis answers.
func (s *Redis) Ping(ctx context.Context) error {
	if s.isClosed() {
		return board.ErrStoreClosed
	}
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		return unavailable("ping redis", err)
	}
	return nil
}

func (s *Redis) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Close stops compaction and closes the connections.
func (s *Redis) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.compactions)
	s.mu.Unlock()
	<-s.done
	return s.rdb.Close()
}

// unavailable marks a Redis failure as retryable for clients: edits get
// `error` `unavailable`, never a false ack. Clients see a plain sentence;
// the cause stays in the chain for the logs.
func unavailable(op string, err error) error {
	return fmt.Errorf("%s: %w (%w)", op, &board.Error{Code: board.CodeUnavailable, Message: "storage is unavailable; retry"}, err)
}
