package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

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
//	<p>{id}:logbytes  the bytes the log's entries hold (by+ref+ops), for
//	               its byte budget (absent on boards from before: 0)
//	<p>{id}:blobs, <p>{id}:blobbytes, <p>{id}:blob:<sha>:<n>
//	               the board's images (redis_blobs.go)
//	<p>{id}:cpmeta, <p>{id}:cpdata, <p>{id}:cpstate, <p>{id}:cpmark
//	               its checkpoints (redis_history.go)
//	<p>{id}:gone   the board's tombstone, for the scripts (redis_delete.go)
//
// plus <p>board:<id> (the board record), <p>view:<viewId> → id,
// <p>histboards (the boards that have checkpoints), and <p>gone and
// <p>touched for deleted and idle boards (redis_delete.go).
// An append is one Lua script: seq, dedupe and log write are atomic. An ack
// means Redis accepted the write; how durable that is depends on Redis's
// AOF settings (docs/operations.md).
type Redis struct {
	rdb    *redis.Client
	prefix string
	opts   Options // the same compaction knobs as the embedded store

	compactions *compactQueue
	passes      boardLocks    // one history pass of a board at a time, on this node
	touches     touchThrottle // when this node last recorded an edit, per board
	mu          sync.Mutex
	closed      bool
	done        chan struct{}
}

var _ board.Store = (*Redis)(nil)

// OpenRedis keeps boards in the Redis rdb talks to, once it answers. rdb
// stays the caller's to close, after the store (main shares one client per
// process with the broker and the transfers). prefix namespaces every key
// (tests use one per test).
func OpenRedis(ctx context.Context, rdb *redis.Client, prefix string, opts Options) (*Redis, error) {
	opts, err := opts.normalize()
	if err != nil {
		return nil, err
	}
	if err := rdb.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("connect to redis %s: %w", rdb.Options().Addr, err)
	}
	s := &Redis{rdb: rdb, prefix: prefix, opts: opts, compactions: newCompactQueue(64), done: make(chan struct{})}
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
	if err := s.refuseTombstoned(ctx, b); err != nil {
		return fmt.Errorf("create board: %w", err)
	}
	// The touch first: one that failed after the record was written would
	// leave a board that is never idle; an entry without a board is
	// dropped by IdleBoards.
	if err := s.touch(ctx, b.ID, createdAt(b)); err != nil {
		return fmt.Errorf("create board: %w", err)
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
		return b, s.missing(ctx, id, tombEdit)
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
		return board.Board{}, s.missing(ctx, viewID, tombView)
	}
	if err != nil {
		return board.Board{}, unavailable("read board", err)
	}
	return s.BoardByID(ctx, id)
}

// appendScript assigns the next seq and logs the message, unless its ref
// was committed before in its scope: then it returns the original. Atomic
// in Redis. It returns the log's bytes and the snapshot's length with the
// new seq, for the byte budget. It refuses (-2) a message that would take
// the log past twice its byte budget (see errLogFull), and (-3) any
// message to a deleted board. It returns the board's last checkpoint
// boundary too, for asking for a history pass.
// KEYS: seq, log, refs, title, logbytes, snap, cpmark, gone. ARGV: dedupe
// key, by, ops JSON, title, has title, ref, scope, LogFactor, LogMin,
// LogCap, name, at (unix ms).
var appendScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[8]) == 1 then return {-3} end
local s = redis.call('HGET', KEYS[3], ARGV[1])
if s then
  local e = redis.call('XRANGE', KEYS[2], s .. '-1', s .. '-1')
  if #e == 0 then return {1, tonumber(s)} end
  return {1, tonumber(s), e[1][2]}
end
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1} end
local size = #ARGV[6] + #ARGV[2] + #ARGV[3]
local budget = math.min(math.max(tonumber(ARGV[8]) * redis.call('STRLEN', KEYS[6]), tonumber(ARGV[9])), tonumber(ARGV[10]))
local logbytes = tonumber(redis.call('GET', KEYS[5]) or '0')
if logbytes > budget and logbytes + size > 2 * budget then return {-2} end
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], seq .. '-1', 'by', ARGV[2], 'ref', ARGV[6], 'ops', ARGV[3], 'scope', ARGV[7], 'name', ARGV[11], 'at', ARGV[12])
redis.call('HSET', KEYS[3], ARGV[1], seq)
if ARGV[5] == '1' then redis.call('SET', KEYS[4], ARGV[4]) end
logbytes = redis.call('INCRBY', KEYS[5], size)
return {0, seq, logbytes, redis.call('STRLEN', KEYS[6]), tonumber(redis.call('GET', KEYS[7]) or '0')}
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
	keys := []string{s.key(id, "seq"), s.key(id, "log"), s.key(id, "refs"), s.key(id, "title"), s.key(id, "logbytes"), s.key(id, "snap"), s.key(id, "cpmark"), s.goneKey(id)}
	m.At = s.opts.now()
	res, err := appendScript.Run(ctx, s.rdb, keys, m.DedupeKey(), m.By, ops, title, flag, m.Ref, m.Scope, s.opts.LogFactor, s.opts.LogMin, s.opts.LogCap,
		m.Name, m.At.UnixMilli()).Slice()
	if err != nil {
		return board.OpsMessage{}, false, unavailable("append ops", err)
	}
	switch res[0].(int64) {
	case -3:
		return board.OpsMessage{}, false, board.ErrGone
	case -2:
		s.askCompaction(id)
		return board.OpsMessage{}, false, errLogFull
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
	s.touchEdited(ctx, id)
	logBytes, snapBytes, mark := uint64(res[2].(int64)), uint64(res[3].(int64)), uint64(res[4].(int64))
	if m.Seq%uint64(s.opts.CompactEvery) == 0 || logBytes > s.opts.logBudget(snapBytes) {
		s.askCompaction(id)
	} else if m.Seq >= mark+uint64(s.opts.CheckpointEvery) {
		s.askWorker(id, (*compactQueue).askPass)
	}
	return m, false, nil
}

func (s *Redis) askCompaction(id string) { s.askWorker(id, (*compactQueue).ask) }

// askWorker queues id on the compactor through ask, unless the store is
// closed.
func (s *Redis) askWorker(id string, ask func(*compactQueue, string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		ask(s.compactions, id)
	}
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
		case "name":
			m.Name = v
		case "at":
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil && ms != 0 {
				m.At = time.UnixMilli(ms).UTC()
			}
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
	var out []board.OpsMessage
	err := s.eachLogged(ctx, id, after, func(m *board.OpsMessage) error { out = append(out, *m); return nil })
	return out, err
}

// logPage is how many log entries one read fetches: a load or compaction
// holds one page of messages (each under the frame limit), not the log.
const logPage = 16

// errLogTrimmed says the log did not continue where a paged read expected:
// a compaction (this node's or another's) trimmed it between two pages, or
// before the first. Those messages are in a newer snapshot.
var errLogTrimmed = errors.New("the log was trimmed while it was read")

// eachLogged reads the messages after seq `after` a page at a time and
// hands each to fn, in order. The pages are separate reads, so it checks
// that every message follows the one before (the first follows `after`);
// when one does not, it stops with errLogTrimmed rather than hand on a
// log with a hole in it.
func (s *Redis) eachLogged(ctx context.Context, id string, after uint64, fn func(*board.OpsMessage) error) error {
	start := fmt.Sprintf("%d-1", after+1)
	next := after + 1
	for {
		entries, err := s.rdb.XRangeN(ctx, s.key(id, "log"), start, "+", logPage).Result()
		if err != nil {
			return unavailable("read log", err)
		}
		for _, e := range entries {
			seq, err := streamSeq(e.ID)
			if err != nil {
				return fmt.Errorf("log entry id %q: %w", e.ID, err)
			}
			fields := make([]any, 0, 12)
			for _, k := range []string{"by", "ref", "ops", "scope", "name", "at"} {
				fields = append(fields, k, e.Values[k])
			}
			if seq != next {
				return fmt.Errorf("board %s: seq %d where %d was expected: %w", id, seq, next, errLogTrimmed)
			}
			next++
			m, err := decodeStreamFields(seq, fields)
			if err != nil {
				return err
			}
			if err := fn(&m); err != nil {
				return err
			}
		}
		if len(entries) < logPage {
			return nil
		}
		start = "(" + entries[len(entries)-1].ID
	}
}

func (s *Redis) getSnapshot(ctx context.Context, id string) (*board.Snapshot, error) {
	data, err := s.rdb.Get(ctx, s.key(id, "snap")).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, board.ErrNotFound
	}
	if err != nil {
		return nil, unavailable("read snapshot", err)
	}
	return parseSnapshot(data)
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
			// The history state speaks of seqs the board no longer has:
			// passes start again from the snapshot.
			p.Del(ctx, s.key(id, "log"), s.key(id, "refs"), s.key(id, "logbytes"), s.key(id, "cpstate"), s.key(id, "cpmark"))
			return nil
		})
		if err != nil {
			return false, unavailable("repair history", err)
		}
		// A delete may have run since the record was read: what the
		// repair wrote would bring the board back. The delete writes its
		// tombstone before it deletes, so checking after writing sees it.
		if err := s.undoIfGone(ctx, b); err != nil {
			return false, err
		}
	}
	return true, nil
}

// LoadEach returns the board's epoch and current snapshot, streaming the
// retained log through each a page at a time.
func (s *Redis) LoadEach(ctx context.Context, id string, each func(*board.OpsMessage)) (string, *board.Snapshot, error) {
	if n, err := s.rdb.Exists(ctx, s.key(id, "seq")).Result(); err != nil {
		return "", nil, unavailable("read seq", err)
	} else if n == 0 {
		if _, err := s.repairHistory(ctx, id); err != nil {
			return "", nil, err
		}
	}
	b, err := s.BoardByID(ctx, id)
	if err != nil {
		return "", nil, err
	}
	// A compaction between reading the snapshot and the tail (or between
	// two pages of it) trims what a newer snapshot holds: start again from
	// that snapshot. each may then see a jump in seq (the consumer keeps a
	// contiguous run; see session's recentOps).
	for attempt := 1; ; attempt++ {
		snap, err := s.getSnapshot(ctx, id)
		if err != nil {
			return "", nil, err
		}
		err = s.eachLogged(ctx, id, snap.Seq, applyTail(snap, each))
		switch {
		case err == nil:
			return b.Epoch, snap, nil
		case !errors.Is(err, errLogTrimmed) || attempt == loadAttempts:
			return "", nil, unavailable("load board", err)
		}
	}
}

// loadAttempts bounds how often a load starts again after a concurrent
// compaction trimmed the log under it (each attempt reads a newer snapshot).
const loadAttempts = 5

// Load returns the board's epoch, snapshot and retained log.
func (s *Redis) Load(ctx context.Context, id string) (string, *board.Snapshot, []board.OpsMessage, error) {
	return loadAll(ctx, s, id)
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
	if errors.Is(err, errLogTrimmed) {
		return nil, board.ErrHistoryGone // compacted away meanwhile
	}
	if err != nil {
		return nil, err
	}
	if len(log) == 0 || log[0].Seq != after+1 {
		return nil, board.ErrHistoryGone
	}
	return log, nil
}

// compactLoop folds logs into snapshots off the append path, each after a
// history pass (on this goroutine): its replay is the new snapshot, so the
// log never loses a message before version history has decided on it. A
// pass that fails (or lost a race with another node's) skips the
// compaction: the next append asks again.
func (s *Redis) compactLoop() {
	defer close(s.done)
	ctx := context.Background()
	for id := range s.compactions.ch {
		compact := s.compactions.take(id)
		snap, err := s.historyPass(ctx, id)
		if err != nil || !compact {
			continue
		}
		_ = s.compact(ctx, id, snap) // the previous snapshot and log stay correct
	}
}

// setSnapshotScript stores a snapshot only if it is newer than the stored
// one, so two nodes compacting at once cannot move it backwards, and never
// for a deleted board. KEYS: snap, gone.
var setSnapshotScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local cur = redis.call('GET', KEYS[1])
if cur then
  local old = cjson.decode(cur)
  if old.seq >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`)

// compact stores snap, the board as the history pass replayed it, as the
// new snapshot and trims the log.
func (s *Redis) compact(ctx context.Context, id string, snap *board.Snapshot) error {
	data, err := encodeSnapshot(snap)
	if err != nil {
		return err
	}
	if err := setSnapshotScript.Run(ctx, s.rdb, []string{s.key(id, "snap"), s.goneKey(id)}, data, snap.Seq).Err(); err != nil {
		return err
	}
	var countCutoff uint64
	if keep := uint64(s.opts.Retain); snap.Seq > keep {
		countCutoff = snap.Seq - keep
	}
	keys := []string{s.key(id, "log"), s.key(id, "refs"), s.key(id, "logbytes")}
	return trimScript.Run(ctx, s.rdb, keys, countCutoff, snap.Seq, s.opts.logBudget(uint64(len(data)))/2, logPage).Err()
}

// trimScript drops the oldest log entries (and their refs) that are in the
// snapshot at ARGV[2] and either at or below seq ARGV[1] (outside the
// count window) or beyond ARGV[3] bytes of log, and keeps the log's byte
// count exact; atomic, so appends and another node's compaction cannot
// make the count drift. It reads ARGV[4] entries at a time.
// KEYS: log, refs, logbytes.
var trimScript = redis.NewScript(`
local total = tonumber(redis.call('GET', KEYS[3]) or '0')
local countCutoff, snapSeq, target = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local cut, start = 0, '-'
while true do
  local es = redis.call('XRANGE', KEYS[1], start, snapSeq .. '-1', 'COUNT', tonumber(ARGV[4]))
  if #es == 0 then break end
  for _, e in ipairs(es) do
    local seq = tonumber(string.match(e[1], '^(%d+)'))
    if seq > countCutoff and total <= target then
      es = nil
      break
    end
    local f, ref, scope = e[2], nil, ''
    for i = 1, #f, 2 do
      if f[i] == 'by' or f[i] == 'ref' or f[i] == 'ops' then total = total - #f[i + 1] end
      if f[i] == 'ref' then ref = f[i + 1] end
      if f[i] == 'scope' then scope = f[i + 1] end
    end
    -- the dedupe key, as board.OpsMessage.DedupeKey builds it
    if ref then
      if scope ~= '' then ref = scope .. '\0' .. ref end
      redis.call('HDEL', KEYS[2], ref)
    end
    cut = seq
  end
  if es == nil then break end
  start = '(' .. es[#es][1]
end
if cut > 0 then
  redis.call('XTRIM', KEYS[1], 'MINID', (cut + 1) .. '-1')
  redis.call('SET', KEYS[3], math.max(total, 0))
end
return cut
`)

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

// Close stops compaction. The client stays open: it is the caller's.
func (s *Redis) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.compactions.close()
	s.mu.Unlock()
	<-s.done
	return nil
}

// unavailable marks a Redis failure as retryable for clients: edits get
// `error` `unavailable`, never a false ack. Clients see a plain sentence;
// the cause stays in the chain for the logs.
func unavailable(op string, err error) error {
	return fmt.Errorf("%s: %w (%w)", op, &board.Error{Code: board.CodeUnavailable, Message: "storage is unavailable; retry"}, err)
}
