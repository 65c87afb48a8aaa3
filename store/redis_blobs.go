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

// Blobs on Redis, under the board's hash tag like the rest of it:
//
//	<p>{id}:blobs           hash sha → storedBlob JSON (with its chunk count)
//	<p>{id}:blobbytes       the sum of the board's blob sizes
//	<p>{id}:blob:<sha>:<n>  chunk n of the bytes, at most blobChunk long
//
// and <p>blobboards, a sorted set (all scores 0, so ordered by id) of the
// boards that hold blobs, for the collector to page through; a board
// joins it before its first blob's chunks are written and leaves it when
// DeleteBlobs deletes its blobs.
//
// No single value is larger than a chunk, so one blob never stalls Redis
// (or a replica, or a cluster migration) with a many-megabyte value. A put
// writes the chunks first, with a TTL, then one script checks the quota,
// checks that every chunk is there, writes the record, counts the bytes
// and makes the chunks permanent: a reader that finds a record finds
// every chunk, and chunks whose record never came (a node that died
// between the two) expire.

// blobChunk is the most bytes one Redis value of a blob holds.
const blobChunk = 512 << 10

// orphanChunkTTL is how long chunks wait for their record.
const orphanChunkTTL = time.Hour

// blobCommitAttempts bounds how often a put rewrites its chunks after a
// concurrent failed put of the same bytes removed them.
const blobCommitAttempts = 3

func (s *Redis) chunkKey(id, sha string, n int) string {
	return s.key(id, "blob:"+sha+":"+strconv.Itoa(n))
}

func (s *Redis) chunkKeys(id, sha string, chunks int) []string {
	keys := make([]string, chunks)
	for i := range keys {
		keys[i] = s.chunkKey(id, sha, i)
	}
	return keys
}

// commitBlobScript records a blob whose chunks are written. It answers
// {1, record} when the board holds the sha already (its Created renewed
// to ARGV[4]), {0} when it recorded it, {-2, held} when the board's
// blobs would pass ARGV[3] bytes (and removes the chunks given), {-3}
// when a chunk is missing: not yet written (fewer than ARGV[6] chunk keys
// given), or removed by a concurrent put of the same bytes that failed,
// {-4} when the board was deleted (its chunks, given or not, expire).
// KEYS: blobs, blobbytes, gone, chunk 0…n-1. ARGV: sha, record, max bytes,
// created (Unix ms), size, chunks.
var commitBlobScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[3]) == 1 then return {-4} end
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local rec = cjson.decode(old)
  rec.created = tonumber(ARGV[4])
  old = cjson.encode(rec)
  redis.call('HSET', KEYS[1], ARGV[1], old)
  return {1, old}
end
local held = tonumber(redis.call('GET', KEYS[2]) or '0')
if held + tonumber(ARGV[5]) > tonumber(ARGV[3]) then
  for i = 4, #KEYS do redis.call('DEL', KEYS[i]) end
  return {-2, held}
end
if #KEYS - 3 < tonumber(ARGV[6]) then return {-3} end
for i = 4, #KEYS do
  if redis.call('PERSIST', KEYS[i]) == 0 and redis.call('EXISTS', KEYS[i]) == 0 then return {-3} end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCRBY', KEYS[2], ARGV[5])
return {0}
`)

// PutBlob stores data in chunks, then records it atomically within the
// board's quota; a sha the board holds is only renewed.
func (s *Redis) PutBlob(ctx context.Context, id string, info board.BlobInfo, data []byte, maxBoardBytes int64) (board.BlobInfo, bool, error) {
	if s.isClosed() {
		return board.BlobInfo{}, false, board.ErrStoreClosed
	}
	if err := checkBlob(info, data); err != nil {
		return board.BlobInfo{}, false, err
	}
	if _, err := s.BoardByID(ctx, id); err != nil {
		return board.BlobInfo{}, false, err
	}
	rec := newStoredBlob(info, time.Now())
	rec.Chunks = int((info.Size + blobChunk - 1) / blobChunk)
	recJSON, err := json.Marshal(rec)
	if err != nil {
		return board.BlobInfo{}, false, err
	}
	keys := append([]string{s.key(id, "blobs"), s.key(id, "blobbytes"), s.goneKey(id)}, s.chunkKeys(id, info.SHA256, rec.Chunks)...)
	args := []any{info.SHA256, recJSON, maxBoardBytes, rec.Created, info.Size, rec.Chunks}
	// Bytes the board holds already, or ones past its quota, need not
	// travel: asked without chunks, the script answers both, or -3 for
	// "write the chunks, then ask again".
	res, err := commitBlobScript.Run(ctx, s.rdb, keys[:3], args...).Slice()
	for attempt := 1; err == nil && res[0].(int64) == -3; attempt++ {
		if attempt > blobCommitAttempts {
			return board.BlobInfo{}, false, fmt.Errorf("put blob on board %.8s: its chunks kept disappearing", id)
		}
		if err = s.rdb.ZAdd(ctx, s.blobBoardsKey(), redis.Z{Member: id}).Err(); err != nil {
			break
		}
		if err = s.writeChunks(ctx, keys[3:], data); err == nil {
			res, err = commitBlobScript.Run(ctx, s.rdb, keys, args...).Slice()
		}
	}
	if err != nil {
		return board.BlobInfo{}, false, unavailable("put blob", err)
	}
	switch res[0].(int64) {
	case -4:
		return board.BlobInfo{}, false, board.ErrGone
	case 1:
		prev, err := decodeStoredBlob([]byte(res[1].(string)))
		return prev.info(), false, err
	case -2:
		return board.BlobInfo{}, false, errBoardBlobsFull(res[1].(int64), info.Size, maxBoardBytes)
	}
	return rec.info(), true, nil
}

// writeChunks writes data's chunks under keys, each expiring unless a
// commit makes it permanent.
func (s *Redis) writeChunks(ctx context.Context, keys []string, data []byte) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			end := min((i+1)*blobChunk, len(data))
			p.Set(ctx, k, data[i*blobChunk:end], orphanChunkTTL)
		}
		return nil
	})
	return err
}

// Blob reads the blob's record and then its chunks. A record whose chunks
// are gone was deleted in between: not found.
func (s *Redis) Blob(ctx context.Context, id, sha string) (board.BlobInfo, []byte, error) {
	rec, err := s.blobRecord(ctx, id, sha)
	if err != nil {
		return board.BlobInfo{}, nil, err
	}
	vals, err := s.rdb.MGet(ctx, s.chunkKeys(id, sha, rec.Chunks)...).Result()
	if err != nil {
		return board.BlobInfo{}, nil, unavailable("read blob", err)
	}
	data := make([]byte, 0, rec.Size)
	for _, v := range vals {
		chunk, ok := v.(string)
		if !ok {
			return board.BlobInfo{}, nil, board.ErrBlobNotFound
		}
		data = append(data, chunk...)
	}
	if int64(len(data)) != rec.Size {
		return board.BlobInfo{}, nil, fmt.Errorf("blob %.12s… of board %.8s: %d bytes in its chunks, its record says %d", sha, id, len(data), rec.Size)
	}
	return rec.info(), data, nil
}

// BlobInfo reads the blob's record.
func (s *Redis) BlobInfo(ctx context.Context, id, sha string) (board.BlobInfo, error) {
	rec, err := s.blobRecord(ctx, id, sha)
	if err != nil {
		return board.BlobInfo{}, err
	}
	return rec.info(), nil
}

func (s *Redis) blobRecord(ctx context.Context, id, sha string) (storedBlob, error) {
	v, err := s.rdb.HGet(ctx, s.key(id, "blobs"), sha).Bytes()
	if errors.Is(err, redis.Nil) {
		return storedBlob{}, board.ErrBlobNotFound
	}
	if err != nil {
		return storedBlob{}, unavailable("read blob record", err)
	}
	return decodeStoredBlob(v)
}

// Blobs lists the board's blob records (in no particular order).
func (s *Redis) Blobs(ctx context.Context, id string) ([]board.BlobInfo, error) {
	var out []board.BlobInfo
	iter := s.rdb.HScan(ctx, s.key(id, "blobs"), 0, "", 256).Iterator()
	for i := 0; iter.Next(ctx); i++ {
		if i%2 == 0 {
			continue // a field: the sha, also in the record
		}
		rec, err := decodeStoredBlob([]byte(iter.Val()))
		if err != nil {
			return nil, err
		}
		out = append(out, rec.info())
	}
	if err := iter.Err(); err != nil {
		return nil, unavailable("list blobs", err)
	}
	return out, nil
}

// deleteBlobScript removes a blob's record and chunks and gives its size
// back to the quota, if the record names the chunks KEYS[3:] (-1 if not)
// and, when ARGV[3] > 0, was created before
// ARGV[3] (Unix ms). It answers 1 when it deleted.
// KEYS: blobs, blobbytes, chunk 0…n-1. ARGV: sha, chunks, created before.
var deleteBlobScript = redis.NewScript(`
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
local rec = cjson.decode(old)
if (rec.chunks or 0) ~= tonumber(ARGV[2]) then return -1 end
local before = tonumber(ARGV[3])
if before > 0 and rec.created >= before then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
for i = 3, #KEYS do redis.call('DEL', KEYS[i]) end
local left = redis.call('DECRBY', KEYS[2], rec.size)
if left < 0 then redis.call('SET', KEYS[2], 0) end
return 1
`)

// DeleteBlob removes the blob, if the board holds it.
func (s *Redis) DeleteBlob(ctx context.Context, id, sha string) error {
	_, err := s.deleteBlob(ctx, id, sha, time.Time{})
	return err
}

// DeleteBlobBefore removes the blob if it was created before cutoff.
func (s *Redis) DeleteBlobBefore(ctx context.Context, id, sha string, cutoff time.Time) (bool, error) {
	return s.deleteBlob(ctx, id, sha, cutoff)
}

func (s *Redis) blobBoardsKey() string { return s.prefix + "blobboards" }

// BlobBoards pages through the set of boards with blobs.
func (s *Redis) BlobBoards(ctx context.Context, after string, limit int) ([]string, error) {
	start := "-"
	if after != "" {
		start = "(" + after
	}
	ids, err := s.rdb.ZRangeByLex(ctx, s.blobBoardsKey(), &redis.ZRangeBy{Min: start, Max: "+", Count: int64(limit)}).Result()
	if err != nil {
		return nil, unavailable("list boards with blobs", err)
	}
	return ids, nil
}

// DeleteBlobs deletes each of the board's blobs (chunks and record, as
// DeleteBlob does), then its records, count and place among the boards
// with blobs. Chunks of a put in flight expire on their own.
func (s *Redis) DeleteBlobs(ctx context.Context, id string) error {
	list, err := s.Blobs(ctx, id)
	if err != nil {
		return err
	}
	for _, info := range list {
		if err := s.DeleteBlob(ctx, id, info.SHA256); err != nil {
			return err
		}
	}
	// Not MULTI: the set of boards is not in the board's hash slot.
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, s.key(id, "blobs"), s.key(id, "blobbytes"))
		p.ZRem(ctx, s.blobBoardsKey(), id)
		return nil
	})
	if err != nil {
		return unavailable("delete the blobs of a board", err)
	}
	return nil
}

// deleteBlob runs deleteBlobScript for the blob's current record; a zero
// before deletes whenever the blob was created.
func (s *Redis) deleteBlob(ctx context.Context, id, sha string, before time.Time) (bool, error) {
	var cutoff int64
	if !before.IsZero() {
		cutoff = max(before.UnixMilli(), 1)
	}
	rec, err := s.blobRecord(ctx, id, sha)
	if errors.Is(err, board.ErrBlobNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	keys := append([]string{s.key(id, "blobs"), s.key(id, "blobbytes")}, s.chunkKeys(id, sha, rec.Chunks)...)
	n, err := deleteBlobScript.Run(ctx, s.rdb, keys, sha, rec.Chunks, cutoff).Int()
	if err != nil {
		return false, unavailable("delete blob", err)
	}
	if n < 0 {
		// The same bytes always make the same chunks: a record that
		// disagrees was not written by this code.
		return false, fmt.Errorf("delete blob %.12s… of board %.8s: its record no longer names %d chunks", sha, id, rec.Chunks)
	}
	return n == 1, nil
}
