// Package redistest gives tests the real Redis they run against:
// EASEL_TEST_REDIS, or db 14 of the local server (CI starts one; a test
// whose Redis does not answer fails, it never skips), and a key prefix of
// each test's own, whose keys are deleted when the test ends, so tests,
// packages and runs sharing one Redis never collide.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// URL is the test Redis.
func URL() string {
	if u := os.Getenv("EASEL_TEST_REDIS"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/14"
}

// Client is a client of the test Redis, which answers, closed when the
// test ends (after what the test hands it to, when that is closed in a
// cleanup registered later).
func Client(t testing.TB) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(URL())
	if err != nil {
		t.Fatalf("EASEL_TEST_REDIS: %v", err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("the Redis tests need a Redis at %s (make test-deps starts one): %v", URL(), err)
	}
	return rdb
}

// Prefix is a fresh key prefix ("easeltest:<random>:"); every key under
// it is deleted, through rdb, when the test ends.
func Prefix(t testing.TB, rdb *redis.Client) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	prefix := "easeltest:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		if keys := Keys(t, rdb, prefix); len(keys) > 0 {
			rdb.Del(context.Background(), keys...)
		}
	})
	return prefix
}

// Keys lists every key under prefix.
func Keys(t testing.TB, rdb *redis.Client, prefix string) []string {
	t.Helper()
	ctx := context.Background()
	var keys []string
	iter := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("list the keys under %s: %v", prefix, err)
	}
	return keys
}
