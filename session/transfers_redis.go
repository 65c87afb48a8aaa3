package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/export"
)

// RedisTransfers keeps rendered files in Redis with a TTL, so any node can
// serve a download's chunks and a resume lands wherever the client
// reconnects. A file is one Redis string (chunks are read with GETRANGE);
// its metadata is another; an index key per rendering lets identical
// requests share a file while it has half its lifetime left.
type RedisTransfers struct {
	rdb    *redis.Client
	prefix string
	ttl    time.Duration
	op     time.Duration // timeout of one Redis call
}

// NewRedisTransfers stores transfers under prefix with the given lifetime.
func NewRedisTransfers(rdb *redis.Client, prefix string, ttl time.Duration) *RedisTransfers {
	return &RedisTransfers{rdb: rdb, prefix: prefix, ttl: ttl, op: 10 * time.Second}
}

func (rt *RedisTransfers) dataKey(id string) string { return rt.prefix + "xfer:" + id + ":data" }
func (rt *RedisTransfers) metaKey(id string) string { return rt.prefix + "xfer:" + id + ":meta" }

// findKey indexes a rendering by what makes its bytes; a white page
// without embedded fonts (the default) keeps the key it had before
// backgrounds existed.
func (rt *RedisTransfers) findKey(boardID string, seq uint64, f export.Format, o export.Options) string {
	key := fmt.Sprintf("%sxfer-find:%s:%d:%s:%d", rt.prefix, boardID, seq, f, o.Scale)
	if o.Background != "" {
		key += ":" + o.Background
	}
	if o.EmbedFonts {
		key += ":fonts"
	}
	return key
}

// Add stores the file, then its metadata, then the index entry.
func (rt *RedisTransfers) Add(t *Transfer, data []byte) error {
	t.uuid = uuid.New()
	t.ID = t.uuid.String()
	t.Size = int64(len(data))
	t.Expires = time.Now().Add(rt.ttl).UTC().Truncate(time.Second)
	if t.Size <= memoryCopyMax {
		t.data = data // this node serves it from memory; others read Redis
	}
	meta, err := json.Marshal(t)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), rt.op)
	defer cancel()
	_, err = rt.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, rt.dataKey(t.ID), data, rt.ttl)
		p.Set(ctx, rt.metaKey(t.ID), meta, rt.ttl)
		p.Set(ctx, rt.findKey(t.BoardID, t.Seq, t.Format, t.options()), t.ID, rt.ttl/2)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store transfer in redis: %w (%w)", &board.Error{Code: board.CodeUnavailable, Message: "downloads are unavailable; retry"}, err)
	}
	rt.attach(t)
	return nil
}

// attach makes t read its bytes from Redis when they are not in memory.
func (rt *RedisTransfers) attach(t *Transfer) {
	if t.data != nil {
		return
	}
	key := rt.dataKey(t.ID)
	t.readAt = func(p []byte, off int64) (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), rt.op)
		defer cancel()
		b, err := rt.rdb.GetRange(ctx, key, off, off+int64(len(p))-1).Bytes()
		if err != nil {
			return 0, fmt.Errorf("read transfer %s: %w", t.ID, err)
		}
		n := copy(p, b)
		if n == 0 && len(p) > 0 {
			return 0, fmt.Errorf("transfer %s expired", t.ID) // GETRANGE of a missing key is ""
		}
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
}

// Get reads a transfer's metadata from Redis.
func (rt *RedisTransfers) Get(id string) (*Transfer, bool) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), rt.op)
	defer cancel()
	meta, err := rt.rdb.Get(ctx, rt.metaKey(id)).Bytes()
	if err != nil {
		return nil, false
	}
	var t Transfer
	if err := json.Unmarshal(meta, &t); err != nil || !time.Now().Before(t.Expires) {
		return nil, false
	}
	if t.uuid, err = uuid.Parse(t.ID); err != nil {
		return nil, false
	}
	rt.attach(&t)
	return &t, true
}

// Find looks up the index entry of an identical rendering.
func (rt *RedisTransfers) Find(boardID string, seq uint64, f export.Format, o export.Options) (*Transfer, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), rt.op)
	defer cancel()
	id, err := rt.rdb.Get(ctx, rt.findKey(boardID, seq, f, o)).Result()
	if errors.Is(err, redis.Nil) || err != nil {
		return nil, false
	}
	return rt.Get(id)
}
