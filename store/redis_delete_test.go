package store

import (
	"context"
	"strings"
	"testing"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/redistest"
)

// redisDeleteProbe sees into the store's keys for the deletion suite.
var redisDeleteProbe = deleteProbe{
	plant: func(t *testing.T, s board.Store, b board.Board) {
		r := s.(*Redis)
		ctx := context.Background()
		if err := r.rdb.Set(ctx, r.key(b.ID, "cp:10"), `{"title":"a checkpoint"}`, 0).Err(); err != nil {
			t.Fatal(err)
		}
		if err := r.rdb.HSet(ctx, r.key(b.ID, "cps"), "10", "alice").Err(); err != nil {
			t.Fatal(err)
		}
	},
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
