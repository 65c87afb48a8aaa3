package session

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/broker"
)

// Benchmarks of the cursor fan-out hot paths. Run them with allocations:
//
//	go test -run '^$' -bench . -benchmem ./session/
//
// The scenario that sizes them is S2: a board of 200 members who all move
// their pointers, at the default 33 ms tick (~30 Hz). Each tick then
// delivers 200×199 cursor positions, so per-entry and per-recipient costs
// are multiplied by tens of thousands 30 times a second.

// benchRoom is a room with n local members, built with the real pieces:
// a Hub with the in-memory broker, the room subscribed to it as admission
// does, and members whose Outbox is real but whose write (melody's write
// pump in production) only counts what it is handed.
type benchRoom struct {
	r       *Room
	members []*Member
	frames  int // frames handed to the wire
	bytes   int // their total length
}

func newBenchRoom(b *testing.B, n int) *benchRoom {
	b.Helper()
	brk := broker.NewMemory()
	b.Cleanup(func() { brk.Close() })
	h := &Hub{
		cfg:     DefaultConfig(), // Tick > 0: moves are batched per tick
		broker:  brk,
		log:     slog.New(slog.DiscardHandler),
		metrics: NewMetrics(prometheus.NewRegistry()),
		node:    "bench-node",
	}
	br := &benchRoom{r: newRoom("bench-board", h)}
	unsub, err := brk.Subscribe(br.r.id, br.r.onEvent)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(unsub)
	write := func(frame []byte) { br.frames++; br.bytes += len(frame) }
	for range n {
		m := &Member{hub: h, peer: board.Peer{ID: board.NewPeerID(), Name: "bench", Color: "#1e1e1e", Role: board.RoleEdit}}
		m.outbox = newOutbox(h.cfg.OutboxBytes, write, func() { b.Fatal("outbox overflowed") })
		br.r.members[m.peer.ID] = m
		br.r.peers[m.peer.ID] = m.peer
		br.members = append(br.members, m)
	}
	return br
}

// moveAll records one move of every member through Room.setCursor. The
// pending flag stands in for the timer that the first move of a tick arms
// (scheduleLocked); the benchmark calls tick itself instead.
func (br *benchRoom) moveAll(step int) {
	br.r.mu.Lock()
	br.r.flushPending = true
	br.r.mu.Unlock()
	for i, m := range br.members {
		br.r.setCursor(m, 100.5+float64(i), 200.25+float64(step%128), false)
	}
}

// sent tells every outbox its frame was written, as melody's
// HandleSentMessage does, so the next tick's message goes out at once.
func (br *benchRoom) sent() {
	for _, m := range br.members {
		m.outbox.Sent(m.outbox.inFlight())
	}
}

// BenchmarkCursorTick measures one whole room tick in which all N members
// moved: the N moves recorded (setCursor), the batch published through the
// in-memory broker and applied back (onEvent), and flushLocked encoding one
// `cursors` message per member and handing it to its Outbox. At N=200 this
// is the S2 scenario; ns/op must stay well below the 33 ms tick budget, and
// allocs/op is what the GC pays 30 times a second per busy room.
func BenchmarkCursorTick(b *testing.B) {
	for _, n := range []int{10, 50, 200} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			br := newBenchRoom(b, n)
			b.ReportAllocs()
			step := 0
			for b.Loop() {
				br.moveAll(step)
				br.r.tick()
				br.sent()
				step++
			}
			if br.frames != b.N*n {
				b.Fatalf("%d frames over %d ticks, want %d per tick", br.frames, b.N, n)
			}
			positions := float64(b.N) * float64(n*(n-1))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/positions, "ns/position")
			b.ReportMetric(float64(br.bytes)/float64(b.N), "wireB/tick")
		})
	}
}

// A typical cursor entry: a real (12-character base64url) peer id and
// coordinates with a short fraction, as a client at zoom 1 sends them;
// "long" is a zoomed client whose coordinates carry every digit.
var benchCursors = []struct {
	name string
	c    board.Cursor
}{
	{"short", board.Cursor{Peer: "q3Zk9XbT_a-1", X: 123.5, Y: 456.25}},
	{"long", board.Cursor{Peer: "q3Zk9XbT_a-1", X: 1234.5678901234567, Y: -98.76543210987654}},
}

// BenchmarkEncodeCursorEntry measures appendCursorEntry, which runs once
// per changed cursor per tick (200 times a tick in S2). It must not
// allocate when the buffer has room.
func BenchmarkEncodeCursorEntry(b *testing.B) {
	for _, tc := range benchCursors {
		b.Run(tc.name, func(b *testing.B) {
			buf := make([]byte, 0, 128)
			b.ReportAllocs()
			for b.Loop() {
				buf = appendCursorEntry(buf[:0], tc.c)
			}
			b.SetBytes(int64(len(buf)))
		})
	}
}

// BenchmarkAppendJSONString measures the string encoder behind every entry
// and every `gone` id: the base64url fast path that peer ids take, and the
// encoding/json fallback for anything that needs escaping.
func BenchmarkAppendJSONString(b *testing.B) {
	for _, tc := range []struct{ name, s string }{
		{"peerID", "q3Zk9XbT_a-1"},
		{"escaped", `Ünïcode "name"`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			buf := make([]byte, 0, 64)
			b.ReportAllocs()
			for b.Loop() {
				buf = appendJSONString(buf[:0], tc.s)
			}
			b.SetBytes(int64(len(buf)))
		})
	}
}

// BenchmarkOutboxPack measures K messages queuing behind an in-flight frame
// and being packed into one newline-delimited frame when it is written
// (Enqueue ×K, then Sent). This is a member's path whenever its socket is
// slower than the tick: cursors plus ops and join/leave pile up.
func BenchmarkOutboxPack(b *testing.B) {
	msg := []byte(`{"type":"cursors","c":[["q3Zk9XbT_a-1",123.5,456.25],["Zx81_pQ-77aB",17,-42.75]]}`)
	for _, k := range []int{2, 8, 32} {
		b.Run(fmt.Sprintf("K=%d", k), func(b *testing.B) {
			var lastFrame []byte
			o := newOutbox(DefaultConfig().OutboxBytes, func(frame []byte) { lastFrame = frame }, func() { b.Fatal("outbox overflowed") })
			o.Enqueue(msg) // goes out at once: a frame is now in flight
			b.ReportAllocs()
			for b.Loop() {
				for range k {
					o.Enqueue(msg)
				}
				o.Sent(lastFrame) // the in-flight frame is written: the K queued go out packed
			}
			if want := k*len(msg) + k - 1; len(lastFrame) != want {
				b.Fatalf("packed frame of %d bytes, want %d", len(lastFrame), want)
			}
			b.SetBytes(int64(len(lastFrame)))
		})
	}
}

// BenchmarkDecodeInboundCursor measures decodeLine on a cursor move, the
// read-path cost of every message received: S2's 200 members at the
// client's ~30 moves/s make 6,000 of these a second on one board.
func BenchmarkDecodeInboundCursor(b *testing.B) {
	line := []byte(`{"type":"cursor","x":123.5,"y":456.25}`)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		msg, err := decodeLine(line)
		if err != nil || msg.X == nil || msg.Y == nil {
			b.Fatalf("decodeLine = %+v, %v", msg, err)
		}
	}
}
