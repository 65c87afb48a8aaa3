package broker

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/easel-app/easel/board"
)

// testBroker is the conformance suite every board.Broker passes. open
// returns a fresh broker; the suite closes it.
func testBroker(t *testing.T, open func(t *testing.T) board.Broker) {
	ctx := context.Background()

	t.Run("publish reaches the board's subscribers before it returns, in order", func(t *testing.T) {
		b := open(t)
		var got []string
		unsub, err := b.Subscribe("b1", func(ev board.Event) { got = append(got, ev.PeerID) })
		if err != nil {
			t.Fatal(err)
		}
		defer unsub()
		for i := range 100 {
			if err := b.Publish(ctx, "b1", board.Event{Kind: board.EventLeave, PeerID: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
			if len(got) != i+1 || got[i] != fmt.Sprint(i) {
				t.Fatalf("after publish %d got %v", i, got)
			}
		}
	})

	t.Run("other boards' subscribers see nothing", func(t *testing.T) {
		b := open(t)
		called := false
		unsub, err := b.Subscribe("b2", func(board.Event) { called = true })
		if err != nil {
			t.Fatal(err)
		}
		defer unsub()
		if err := b.Publish(ctx, "b1", board.Event{Kind: board.EventJoin}); err != nil {
			t.Fatal(err)
		}
		if called {
			t.Fatal("subscriber of b2 got an event of b1")
		}
	})

	t.Run("no delivery after unsubscribe", func(t *testing.T) {
		b := open(t)
		count := 0
		unsub, err := b.Subscribe("b1", func(board.Event) { count++ })
		if err != nil {
			t.Fatal(err)
		}
		b.Publish(ctx, "b1", board.Event{Kind: board.EventJoin})
		unsub()
		unsub() // idempotent
		b.Publish(ctx, "b1", board.Event{Kind: board.EventJoin})
		if count != 1 {
			t.Fatalf("handler called %d times, want 1", count)
		}
	})

	t.Run("handlers of one board never run concurrently", func(t *testing.T) {
		b := open(t)
		var inside, overlaps int
		var mu sync.Mutex
		unsub, err := b.Subscribe("b1", func(board.Event) {
			mu.Lock()
			inside++
			if inside > 1 {
				overlaps++
			}
			mu.Unlock()
			mu.Lock()
			inside--
			mu.Unlock()
		})
		if err != nil {
			t.Fatal(err)
		}
		defer unsub()
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 200 {
					b.Publish(ctx, "b1", board.Event{Kind: board.EventCursors})
				}
			})
		}
		wg.Wait()
		if overlaps > 0 {
			t.Fatalf("%d overlapping handler calls", overlaps)
		}
	})

	t.Run("events keep their content", func(t *testing.T) {
		b := open(t)
		var got board.Event
		unsub, _ := b.Subscribe("b1", func(ev board.Event) { got = ev })
		defer unsub()
		want := board.Event{Kind: board.EventCursors, Cursors: []board.Cursor{{Peer: "p", X: 1.5, Y: -2}}, Gone: []string{"q"}}
		b.Publish(ctx, "b1", want)
		if got.Kind != want.Kind || len(got.Cursors) != 1 || got.Cursors[0] != want.Cursors[0] || len(got.Gone) != 1 || got.Gone[0] != "q" {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})
}

func TestMemoryConformance(t *testing.T) {
	testBroker(t, func(t *testing.T) board.Broker {
		b := NewMemory()
		t.Cleanup(func() { b.Close() })
		return b
	})
}
