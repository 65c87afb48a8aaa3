package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"
)

// Issue 10, fault 5: Redis stalls longer than go-redis's read timeout (3 s)
// while an editor commits. go-redis retries the append, the retry lands on
// the dedupe path, and the edit must still reach every member, not only
// its author.
func TestStalledRedisAckedEditReachesEveryMember(t *testing.T) {
	port := freePort(t)
	rs := startRedis(t, port, t.TempDir(), "--appendonly", "no", "--enable-debug-command", "yes")
	t.Cleanup(func() { rs.kill9() })
	addr, _ := startRun(t, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--redis", "redis://127.0.0.1:" + port + "/0"}, nil)
	id, _ := createBoardAt(t, addr)
	url := "ws://" + addr + "/b/" + id + "/ws"
	author := connectClient(t, url, "author", "author-client-id-0001", nil)
	other := connectMember(t, url, "other", nil)

	author.edit("before")
	other.waitFor("the edit before the stall", 10*time.Second, func() bool { return other.elements["before"] })

	slept := stallRedis(t, "127.0.0.1:"+port, 7)
	author.edit("stalled")
	author.waitFor("the ack of the edit made during the stall", 30*time.Second, func() bool { return author.acked["stalled"] })
	<-slept
	// No later edit: nothing else could make the room notice a gap.
	other.waitFor("the acknowledged edit", 10*time.Second, func() bool { return other.elements["stalled"] })
}

// stallRedis makes the Redis at addr sleep for secs seconds (DEBUG SLEEP)
// and returns once it is asleep; the channel closes when it wakes.
func stallRedis(t *testing.T, addr string, secs int) <-chan struct{} {
	t.Helper()
	sleeper, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleeper.Close() })
	if _, err := sleeper.Write([]byte("DEBUG SLEEP " + strconv.Itoa(secs) + "\r\n")); err != nil {
		t.Fatal(err)
	}
	woke := make(chan struct{})
	go func() {
		defer close(woke)
		sleeper.SetReadDeadline(time.Now().Add(time.Duration(secs+10) * time.Second))
		bufio.NewReader(sleeper).ReadString('\n') // +OK once it wakes
	}()
	// Asleep once a PING goes unanswered for a while.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte("PING\r\n"))
		c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		_, err = bufio.NewReader(c).ReadString('\n')
		c.Close()
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return woke
		}
		if time.Now().After(deadline) {
			t.Fatal("Redis still answers PING 5 s after DEBUG SLEEP")
		}
	}
}

// Issue 10, fault 5: Redis loses acknowledged writes (a failover to a
// lagging replica; a flush of the board's history). The next edit gets a
// seq the room already applied. Without detection it is stored but never
// acknowledged or delivered; now the room is reloaded: members are closed
// with 1001, come back with since, find their epoch gone and take a
// snapshot that holds the new edit, and the loss is logged at error level.
func TestRedisLostWritesReloadTheRoom(t *testing.T) {
	for _, tc := range []struct {
		name string
		lose func(ctx context.Context, rdb *redis.Client, key func(part string) string) error
		kept []string // what survives of e1..e4
	}{
		{"lagging replica: same epoch, lower seq", func(ctx context.Context, rdb *redis.Client, key func(string) string) error {
			// What a replica two writes behind holds.
			refs, err := rdb.HGetAll(ctx, key("refs")).Result()
			if err != nil {
				return err
			}
			for field, seq := range refs {
				if seq == "3" || seq == "4" {
					rdb.HDel(ctx, key("refs"), field)
				}
			}
			// The stream as it was at seq 2 (XDEL would keep its last id).
			kept, err := rdb.XRange(ctx, key("log"), "-", "2-1").Result()
			if err != nil {
				return err
			}
			rdb.Del(ctx, key("log"))
			for _, e := range kept {
				if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: key("log"), ID: e.ID, Values: e.Values}).Err(); err != nil {
					return err
				}
			}
			return rdb.Set(ctx, key("seq"), 2, 0).Err()
		}, []string{"e1", "e2"}},
		{"history flushed: a fresh epoch from seq 0", func(ctx context.Context, rdb *redis.Client, key func(string) string) error {
			return rdb.Del(ctx, key("seq"), key("log"), key("refs"), key("snap")).Err()
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prefix := redisPrefix(t)
			// Two nodes: the author's notices the loss at its commit, the
			// other's when the commit is published over what it applied.
			var mu sync.Mutex
			errorLines := map[string]int{}
			node := func(name string) string {
				addr, _ := startRunLogging(t, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--redis", testRedisURL(), "--redis-prefix", prefix}, nil, func(line string) {
					if strings.Contains(line, "level=ERROR") && strings.Contains(line, "lost acknowledged edits") {
						mu.Lock()
						errorLines[name]++
						mu.Unlock()
					}
				})
				return addr
			}
			addrA, addrB := node("A"), node("B")
			t.Cleanup(http.DefaultClient.CloseIdleConnections)
			id, _ := createBoardAt(t, addrA)
			urls := map[string]string{"author": "ws://" + addrA + "/b/" + id + "/ws", "other": "ws://" + addrB + "/b/" + id + "/ws"}
			const client = "lost-writes-author-0001"
			author := connectClient(t, urls["author"], "author", client, nil)
			other := connectMember(t, urls["other"], "other", nil)
			for _, ref := range []string{"e1", "e2", "e3", "e4"} {
				author.edit(ref)
			}
			other.waitFor("e1..e4", 10*time.Second, func() bool { return other.seq == 4 })

			opts, _ := redis.ParseURL(testRedisURL())
			rdb := redis.NewClient(opts)
			defer rdb.Close()
			if err := tc.lose(context.Background(), rdb, func(part string) string { return prefix + "{" + id + "}:" + part }); err != nil {
				t.Fatal(err)
			}
			author.edit("e5")

			for _, m := range []*member{author, other} {
				m.waitFor("close 1001 (reconnect)", 10*time.Second, func() bool {
					var ce *websocket.CloseError
					return errors.As(m.readErr, &ce) && ce.Code == websocket.CloseGoingAway
				})
			}
			// Log lines arrive through a pipe: poll for them.
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
				mu.Lock()
				logged := errorLines["A"] > 0 && errorLines["B"] > 0
				counts := fmt.Sprint(errorLines)
				mu.Unlock()
				if logged {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("error-level log lines about the lost writes per node: %s, want one on each", counts)
				}
			}

			// Both come back with since, as clients do; the author resends
			// its unacknowledged edit with the same client id.
			for _, m := range []*member{author, other} {
				m.mu.Lock()
				since := map[string]any{"epoch": m.epoch, "seq": m.seq}
				oldEpoch := m.epoch
				m.mu.Unlock()
				c := ""
				if m == author {
					c = client
				}
				back := connectClient(t, urls[m.name], m.name+"-again", c, since)
				back.mu.Lock()
				if back.recovered || back.epoch == oldEpoch || !back.elements["e5"] {
					t.Errorf("%s: welcome after the reload: recovered=%v, epoch changed=%v, holds e5=%v; want a snapshot in a new epoch with e5",
						m.name, back.recovered, back.epoch != oldEpoch, back.elements["e5"])
				}
				for _, ref := range tc.kept {
					if !back.elements[ref] {
						t.Errorf("%s: %s, which the store kept, is missing", m.name, ref)
					}
				}
				back.mu.Unlock()
				if m == author {
					back.resendIsDeduped("e5")
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for node, n := range errorLines {
				if n != 1 {
					t.Errorf("node %s logged the loss %d times, want once", node, n)
				}
			}
		})
	}
}
