package redistransfers

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/transfers"
)

func (rt *Store) boardKey(boardID string) string { return rt.prefix + "xfer-board:" + boardID }

// RemoveBoard deletes the files listed in the board's set, with their
// metadata and index entries, then the set. Files added before the set
// existed are not listed; they expire with their lifetime.
func (rt *Store) RemoveBoard(boardID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), rt.op)
	defer cancel()
	ids, err := rt.rdb.SMembers(ctx, rt.boardKey(boardID)).Result()
	if err != nil {
		return rt.removeFailed(boardID, err)
	}
	metas := make([]*redis.StringCmd, len(ids))
	_, err = rt.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			metas[i] = p.Get(ctx, rt.metaKey(id))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return rt.removeFailed(boardID, err)
	}
	keys := []string{rt.boardKey(boardID)}
	for i, id := range ids {
		keys = append(keys, rt.dataKey(id), rt.metaKey(id))
		// The index entry's key is made of the rendering, in the metadata;
		// an expired one has gone by itself.
		if meta, err := metas[i].Bytes(); err == nil {
			if t, err := transfers.DecodeMeta(meta); err == nil {
				keys = append(keys, rt.findKey(t.BoardID, t.Seq, t.Format, t.Options()))
			}
		}
	}
	if err := rt.rdb.Del(ctx, keys...).Err(); err != nil {
		return rt.removeFailed(boardID, err)
	}
	return nil
}

func (rt *Store) removeFailed(boardID string, err error) error {
	return unavailable(fmt.Sprintf("remove the transfers of board %.8s", boardID), err)
}

// unavailable marks a Redis failure as retryable for clients, who see a
// plain sentence; the cause stays in the chain for the logs.
func unavailable(op string, err error) error {
	return fmt.Errorf("%s: %w (%w)", op, &board.Error{Code: board.CodeUnavailable, Message: "downloads are unavailable; retry"}, err)
}
