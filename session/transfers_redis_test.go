package session

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/export"
)

// testRedisClient is the real Redis the tests use (EASEL_TEST_REDIS, or
// db 14 on the local server) and a key prefix of this test's own, whose
// keys are deleted afterwards.
func testRedisClient(t *testing.T) (*redis.Client, string) {
	t.Helper()
	url := os.Getenv("EASEL_TEST_REDIS")
	if url == "" {
		url = "redis://127.0.0.1:6379/14"
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	b := make([]byte, 6)
	rand.Read(b)
	prefix := "easeltest:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		rdb.Close()
	})
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis at %s: %v (scripts/test-deps.sh starts one)", url, err)
	}
	return rdb, prefix
}

// TestRedisTransfersKeyEmbeddedFonts: an SVG with embedded fonts and one
// without, of the same board at the same seq, are two files in Redis too,
// and each request finds its own; a default SVG keeps its old index key.
func TestRedisTransfersKeyEmbeddedFonts(t *testing.T) {
	rdb, prefix := testRedisClient(t)
	rt := NewRedisTransfers(rdb, prefix, time.Minute)
	plain := &Transfer{BoardID: "b", Seq: 7, Format: export.SVG, Scale: 1}
	embed := &Transfer{BoardID: "b", Seq: 7, Format: export.SVG, Scale: 1, EmbedFonts: true}
	if err := rt.Add(plain, []byte("<svg/>")); err != nil {
		t.Fatal(err)
	}
	if err := rt.Add(embed, []byte("<svg><style/></svg>")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []*Transfer{plain, embed} {
		got, ok := rt.Find("b", 7, export.SVG, want.options())
		if !ok || got.ID != want.ID || got.EmbedFonts != want.EmbedFonts {
			t.Errorf("Find embedFonts=%v: %+v %v, want transfer %s", want.EmbedFonts, got, ok, want.ID)
		}
	}
	if n, _ := rdb.Exists(context.Background(), prefix+"xfer-find:b:7:svg:1").Result(); n != 1 {
		t.Error("the default SVG's index key changed")
	}
}
