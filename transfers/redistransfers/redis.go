package redistransfers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/export"
	"github.com/easel-app/easel/transfers"
)

// Store keeps rendered files in Redis with a TTL, so any node can serve a
// download's chunks and a resume lands wherever the client reconnects. A
// file is one Redis string (chunks are read with GETRANGE); its metadata
// is another; an index key per rendering lets identical requests share a
// file while it has half its lifetime left:
//
//	<p>xfer:<id>:data   the file's bytes
//	<p>xfer:<id>:meta   its Transfer, as JSON
//	<p>xfer-find:<board>:<seq>:<format>:<scale>[:<background>][:fonts]  → id
//	<p>xfer-board:<board>  set of the board's transfer ids, for RemoveBoard
//	               (it lives as long as the board's newest file)
type Store struct {
	rdb    *redis.Client
	prefix string
	ttl    time.Duration
	op     time.Duration // timeout of one Redis call
}

var _ transfers.Store = (*Store)(nil)

// New stores transfers under prefix with the given lifetime, through rdb,
// which stays the caller's (main shares one client per process).
func New(rdb *redis.Client, prefix string, ttl time.Duration) *Store {
	return &Store{rdb: rdb, prefix: prefix, ttl: ttl, op: 10 * time.Second}
}

func (rt *Store) dataKey(id string) string { return rt.prefix + "xfer:" + id + ":data" }
func (rt *Store) metaKey(id string) string { return rt.prefix + "xfer:" + id + ":meta" }

// findKey indexes a rendering by what makes its bytes; a white page
// without embedded fonts (the default) keeps the key it had before
// backgrounds existed.
func (rt *Store) findKey(boardID string, seq uint64, f export.Format, o export.Options) string {
	key := fmt.Sprintf("%sxfer-find:%s:%d:%s:%d", rt.prefix, boardID, seq, f, o.Scale)
	if o.Background != "" {
		key += ":" + o.Background
	}
	if o.EmbedFonts {
		key += ":fonts"
	}
	return key
}

// Add stores the file, then its metadata, then the index entry. A small
// file is served from memory by this node; others read Redis.
func (rt *Store) Add(t *transfers.Transfer, data []byte) error {
	t.Stamp(data, time.Now(), rt.ttl)
	meta, err := json.Marshal(t)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), rt.op)
	defer cancel()
	_, err = rt.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, rt.dataKey(t.ID), data, rt.ttl)
		p.Set(ctx, rt.metaKey(t.ID), meta, rt.ttl)
		p.Set(ctx, rt.findKey(t.BoardID, t.Seq, t.Format, t.Options()), t.ID, rt.ttl/2)
		p.SAdd(ctx, rt.boardKey(t.BoardID), t.ID)
		p.Expire(ctx, rt.boardKey(t.BoardID), rt.ttl)
		return nil
	})
	if err != nil {
		return unavailable("store transfer in redis", err)
	}
	rt.attach(t)
	return nil
}

// attach makes t read its bytes from Redis when they are not in memory.
func (rt *Store) attach(t *transfers.Transfer) {
	if !t.InMemory() {
		t.SetSource(redisFile{rt: rt, id: t.ID})
	}
}

// Get reads a transfer's metadata from Redis.
func (rt *Store) Get(id string) (*transfers.Transfer, bool) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), rt.op)
	defer cancel()
	meta, err := rt.rdb.Get(ctx, rt.metaKey(id)).Bytes()
	if err != nil {
		return nil, false
	}
	t, err := transfers.DecodeMeta(meta)
	if err != nil || !time.Now().Before(t.Expires) {
		return nil, false
	}
	rt.attach(t)
	return t, true
}

// Find looks up the index entry of an identical rendering.
func (rt *Store) Find(boardID string, seq uint64, f export.Format, o export.Options) (*transfers.Transfer, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), rt.op)
	defer cancel()
	id, err := rt.rdb.Get(ctx, rt.findKey(boardID, seq, f, o)).Result()
	if errors.Is(err, redis.Nil) || err != nil {
		return nil, false
	}
	return rt.Get(id)
}

// redisFile reads a transfer's bytes from Redis, a range at a time.
type redisFile struct {
	rt *Store
	id string
}

func (f redisFile) ReadAt(p []byte, off int64) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), f.rt.op)
	defer cancel()
	b, err := f.rt.rdb.GetRange(ctx, f.rt.dataKey(f.id), off, off+int64(len(p))-1).Bytes()
	if err != nil {
		return 0, fmt.Errorf("read transfer %s: %w", f.id, err)
	}
	n := copy(p, b)
	if n == 0 && len(p) > 0 {
		return 0, fmt.Errorf("transfer %s expired", f.id) // GETRANGE of a missing key is ""
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
