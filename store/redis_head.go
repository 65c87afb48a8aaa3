package store

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/board"
)

var _ board.HeadReader = (*Redis)(nil)

// Head reads the board's seq counter.
func (s *Redis) Head(ctx context.Context, id string) (uint64, error) {
	seq, err := s.rdb.Get(ctx, s.key(id, "seq")).Uint64()
	switch {
	case errors.Is(err, redis.Nil):
		return 0, s.missing(ctx, id, tombEdit) // or its history is lost: Load repairs it
	case err != nil:
		return 0, unavailable("read seq", err)
	}
	return seq, nil
}
