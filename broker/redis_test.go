package broker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/redistest"
)

func openTestRedis(t *testing.T, prefix, node string) *Redis {
	t.Helper()
	b, err := OpenRedis(context.Background(), redistest.Client(t), prefix, node, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// testPrefix names a test's channels apart from every other test's.
func testPrefix() string {
	r := make([]byte, 6)
	rand.Read(r)
	return "easeltest:" + hex.EncodeToString(r) + ":"
}

func TestRedisConformance(t *testing.T) {
	testBroker(t, func(t *testing.T) board.Broker { return openTestRedis(t, testPrefix(), "node-a") })
}

// Two nodes on one Redis: an event published on A reaches B's subscribers
// (in order), A's own subscribers get it once, and a node that has no
// subscriber for a board receives nothing of it.
func TestRedisCrossNode(t *testing.T) {
	prefix := testPrefix()
	a, b := openTestRedis(t, prefix, "node-a"), openTestRedis(t, prefix, "node-b")

	var mu sync.Mutex
	var onA, onB []string
	var heard bool
	record := func(list *[]string) func(board.Event) {
		return func(ev board.Event) {
			mu.Lock()
			defer mu.Unlock()
			if ev.PeerID == "probe" { // sent while waiting for the subscription
				heard = heard || list == &onB
				return
			}
			*list = append(*list, ev.PeerID)
		}
	}
	unsubA, _ := a.Subscribe("board-1", record(&onA))
	defer unsubA()
	unsubB, _ := b.Subscribe("board-1", record(&onB))

	// Subscriptions take effect asynchronously in Redis: publish until B
	// hears the first one.
	deadline := time.Now().Add(5 * time.Second)
	for {
		a.Publish(context.Background(), "board-1", board.Event{Kind: board.EventLeave, PeerID: "probe"})
		mu.Lock()
		ready := heard
		mu.Unlock()
		if ready {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("node B never received node A's events")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i := range 50 {
		a.Publish(context.Background(), "board-1", board.Event{Kind: board.EventLeave, PeerID: string(rune('A' + i))})
	}
	deadline = time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(onB)
		mu.Unlock()
		if n >= 50 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(onA) != 50 || len(onB) != 50 {
		t.Fatalf("A got %d events, B got %d; want 50 each (A's own once, not echoed)", len(onA), len(onB))
	}
	for i := range onB {
		if onB[i] != string(rune('A'+i)) || onA[i] != onB[i] {
			t.Fatalf("event %d: A %q, B %q: out of order", i, onA[i], onB[i])
		}
	}
	unsubB()
	b.mu.Lock()
	subscribed := b.counts["board-1"]
	b.mu.Unlock()
	if subscribed != 0 {
		t.Fatalf("B still counts %d subscriptions after its last unsubscribe", subscribed)
	}
}
