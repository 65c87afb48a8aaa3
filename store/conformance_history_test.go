package store

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// testClock is a store clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *testClock) advance(d time.Duration) { c.set(c.Now().Add(d)) }

// historyBoard is one board of a history test: its store, clock and every
// message committed to it, to replay against.
type historyBoard struct {
	t       *testing.T
	s       board.Store
	clock   *testClock
	b       board.Board
	step    time.Duration // the clock moves this much before each message
	log     []board.OpsMessage
	nextRef int
}

// send commits ops as name after moving the clock by step.
func (h *historyBoard) send(name string, ops ...board.Op) board.OpsMessage {
	h.t.Helper()
	h.clock.advance(h.step)
	h.nextRef++
	m, dup, err := h.s.Append(h.t.Context(), h.b.ID, board.OpsMessage{By: "p-" + name, Name: name, Ref: fmt.Sprint("r", h.nextRef), Ops: ops})
	if err != nil || dup {
		h.t.Fatalf("append %d: %v dup=%v", h.nextRef, err, dup)
	}
	h.log = append(h.log, m)
	return m
}

// edit sends one message moving element "e" to x.
func (h *historyBoard) edit(name string, x float64) board.OpsMessage {
	return h.send(name, board.Op{Op: board.OpPut, El: &board.Element{ID: "e", Kind: board.KindRect, X: x, Z: "a0"}})
}

func (h *historyBoard) versions() []board.Version {
	h.t.Helper()
	vs, err := h.s.Versions(h.t.Context(), h.b.ID)
	if err != nil {
		h.t.Fatalf("Versions: %v", err)
	}
	return vs
}

func seqsOf(vs []board.Version) []uint64 {
	out := make([]uint64, len(vs))
	for i, v := range vs {
		out[i] = v.Seq
	}
	return out
}

func (h *historyBoard) wantSeqs(want ...uint64) []board.Version {
	h.t.Helper()
	vs := h.versions()
	if got := seqsOf(vs); !slices.Equal(got, want) {
		h.t.Fatalf("versions at %v, want %v", got, want)
	}
	return vs
}

// replay is the board as its log says it was at seq.
func (h *historyBoard) replay(seq uint64) *board.Snapshot {
	snap := board.NewSnapshot(h.b.Title)
	for i := range h.log {
		if h.log[i].Seq <= seq {
			snap.Apply(&h.log[i])
		}
	}
	return snap
}

// wantCheckpoint checks that kept version seq is the board the log
// replays to at seq.
func (h *historyBoard) wantCheckpoint(seq uint64) {
	h.t.Helper()
	got, err := h.s.Checkpoint(h.t.Context(), h.b.ID, seq)
	if err != nil {
		h.t.Fatalf("Checkpoint(%d): %v", seq, err)
	}
	want := h.replay(seq)
	gotJSON, _ := json.Marshal(got.Sorted())
	wantJSON, _ := json.Marshal(want.Sorted())
	if got.Seq != seq || got.Title != want.Title || string(gotJSON) != string(wantJSON) {
		h.t.Fatalf("Checkpoint(%d) = seq %d %q %s, want the replay %q %s", seq, got.Seq, got.Title, gotJSON, want.Title, wantJSON)
	}
}

// testStoreHistory is the conformance suite for version history. open
// returns a fresh store with opts; reopen closes s and opens its data
// again with opts.
func testStoreHistory(t *testing.T, open func(t *testing.T, opts Options) board.Store, reopen func(t *testing.T, s board.Store, opts Options) board.Store) {
	newHistory := func(t *testing.T, step time.Duration, tune func(*Options)) (*historyBoard, Options) {
		t.Helper()
		clock := newTestClock()
		opts := DefaultOptions()
		opts.Now = clock.Now
		if tune != nil {
			tune(&opts)
		}
		s := open(t, opts)
		b := mustNewBoard(t, "history")
		if err := s.CreateBoard(t.Context(), b); err != nil {
			t.Fatal(err)
		}
		return &historyBoard{t: t, s: s, clock: clock, b: b, step: step}, opts
	}

	t.Run("appends stamp the store's clock and keep the author's name", func(t *testing.T) {
		h, _ := newHistory(t, time.Second, nil)
		m := h.edit("ann", 1)
		if want := h.clock.Now(); !m.At.Equal(want) || m.Name != "ann" {
			t.Fatalf("committed %q at %v, want ann at %v", m.Name, m.At, want)
		}
		_, _, log, err := h.s.Load(t.Context(), h.b.ID)
		if err != nil || len(log) != 1 || log[0].Name != "ann" || !log[0].At.Equal(m.At) {
			t.Fatalf("Load: %+v, %v; want ann at %v", log, err, m.At)
		}
		since, err := h.s.Since(t.Context(), h.b.ID, h.b.Epoch, 0)
		if err != nil || len(since) != 1 || since[0].Name != "ann" || !since[0].At.Equal(m.At) {
			t.Fatalf("Since: %+v, %v; want ann at %v", since, err, m.At)
		}
		h.clock.advance(time.Minute)
		dup, isDup, err := h.s.Append(t.Context(), h.b.ID, board.OpsMessage{Name: "ann", Ref: "r1", Ops: m.Ops})
		if err != nil || !isDup || !dup.At.Equal(m.At) || dup.Name != "ann" {
			t.Fatalf("resent: %+v dup=%v %v; want the original, ann at %v", dup, isDup, err, m.At)
		}
	})

	t.Run("a checkpoint every CheckpointEvery messages, newest first", func(t *testing.T) {
		h, _ := newHistory(t, time.Second, nil)
		for i := range 250 {
			h.send("ann", board.Op{Op: board.OpPut, El: &board.Element{ID: fmt.Sprint("e", i%7), Kind: board.KindRect, X: float64(i), Z: "a0"}})
		}
		vs := h.wantSeqs(200, 100)
		for _, v := range vs {
			if !slices.Equal(v.By, []string{"ann"}) || v.Elements != 7 || !v.At.Equal(h.log[v.Seq-1].At) {
				t.Fatalf("version %+v, want by ann, 7 elements, at %v", v, h.log[v.Seq-1].At)
			}
		}
		h.wantCheckpoint(100)
		h.wantCheckpoint(200)
		for seq, want := range map[uint64]bool{100: true, 200: true, 150: false} {
			if kept, err := h.s.HasVersion(t.Context(), h.b.ID, seq); err != nil || kept != want {
				t.Fatalf("HasVersion(%d) = %v, %v; want %v", seq, kept, err, want)
			}
		}
		if _, err := h.s.Checkpoint(t.Context(), h.b.ID, 150); !errors.Is(err, board.ErrNotFound) {
			t.Fatalf("Checkpoint of a seq that is no version: %v, want ErrNotFound", err)
		}
		if _, err := h.s.Checkpoint(t.Context(), "00000000-0000-4000-8000-000000000000", 100); !errors.Is(err, board.ErrNotFound) {
			t.Fatalf("Checkpoint of an unknown board: %v, want ErrNotFound", err)
		}
		if _, err := h.s.Versions(t.Context(), "00000000-0000-4000-8000-000000000000"); !errors.Is(err, board.ErrNotFound) {
			t.Fatalf("Versions of an unknown board: %v, want ErrNotFound", err)
		}
	})

	t.Run("a checkpoint every CheckpointInterval of editing", func(t *testing.T) {
		h, _ := newHistory(t, time.Minute, nil) // no pause: a message a minute
		for i := range 15 {
			h.edit("ann", float64(i))
		}
		// The first message is at 1 min, the one 10 minutes later is 11.
		h.wantSeqs(11)
		h.wantCheckpoint(11)
	})

	t.Run("the run before another author's edit is a version", func(t *testing.T) {
		h, _ := newHistory(t, time.Second, nil)
		for i := range 5 {
			h.edit("ann", float64(i))
		}
		h.edit("bob", 9)
		vs := h.wantSeqs(5) // bob's run stays open
		if !slices.Equal(vs[0].By, []string{"ann"}) || vs[0].Elements != 1 {
			t.Fatalf("version %+v, want by ann with 1 element", vs[0])
		}
		h.wantCheckpoint(5)
	})

	t.Run("the run before a pause is a version", func(t *testing.T) {
		h, _ := newHistory(t, time.Second, nil)
		for i := range 3 {
			h.edit("ann", float64(i))
		}
		h.clock.advance(checkpointPause)
		h.edit("ann", 7)
		h.wantSeqs(3)
		h.wantCheckpoint(3)
	})

	t.Run("the board before a destructive delete is a version", func(t *testing.T) {
		h, _ := newHistory(t, time.Second, nil)
		for i := range 4 {
			h.send("ann", board.Op{Op: board.OpPut, El: &board.Element{ID: fmt.Sprint("e", i), Kind: board.KindRect, Z: "a0"}})
		}
		h.send("ann", board.Op{Op: board.OpDel, ID: "e1"}) // a quarter: no boundary
		h.send("ann", board.Op{Op: board.OpDel, ID: "e0"}, board.Op{Op: board.OpDel, ID: "e2"})
		vs := h.wantSeqs(5)
		if vs[0].Elements != 3 {
			t.Fatalf("version %+v, want the 3 elements before the delete", vs[0])
		}
		h.wantCheckpoint(5)
	})

	t.Run("boundaries other than cadence come at most once per 30 s", func(t *testing.T) {
		h, _ := newHistory(t, time.Second, nil)
		for i := range 60 {
			h.edit(fmt.Sprint("stranger ", i), float64(i)) // a new name each message
		}
		// The first at once (the board had none), then one 30 s later.
		h.wantSeqs(31, 1)
	})

	t.Run("a version lists its editors in first-edit order", func(t *testing.T) {
		h, _ := newHistory(t, time.Second, func(o *Options) { o.CheckpointEvery = 10 })
		for i := range 10 {
			h.edit("ann", float64(i))
		}
		for i, name := range []string{"carol", "", "dave", "carol", "dave", "", "carol", "dave", "carol", "erin"} {
			h.send(name, board.Op{Op: board.OpPut, El: &board.Element{ID: fmt.Sprint("n", i), Kind: board.KindRect, Z: "a0"}})
		}
		vs := h.wantSeqs(20, 10)
		if !slices.Equal(vs[0].By, []string{"carol", "dave", "erin"}) || vs[0].Elements != 11 {
			t.Fatalf("version %+v, want by carol, dave, erin with 11 elements", vs[0])
		}
	})

	t.Run("content equal to the previous version is not kept twice", func(t *testing.T) {
		h, _ := newHistory(t, time.Second, func(o *Options) { o.CheckpointEvery = 1 })
		h.edit("ann", 1)
		h.edit("ann", 2)
		h.edit("ann", 2)
		h.edit("ann", 1)
		h.wantSeqs(4, 2, 1)
	})

	t.Run("versions survive compaction and reopening", func(t *testing.T) {
		h, opts := newHistory(t, time.Second, func(o *Options) { o.CompactEvery, o.Retain = 10, 5 })
		for i := range 250 {
			name := "ann"
			if i >= 150 {
				name = "bob"
			}
			h.edit(name, float64(i))
		}
		// Compaction runs behind the appends: wait until it trimmed the
		// log, so the versions are read past it.
		deadline := time.Now().Add(20 * time.Second)
		for {
			_, err := h.s.Since(t.Context(), h.b.ID, h.b.Epoch, 0)
			if errors.Is(err, board.ErrHistoryGone) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the log was not compacted: Since(0) = %v", err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		check := func() {
			vs := h.wantSeqs(250, 150, 100)
			if !slices.Equal(vs[1].By, []string{"ann"}) || !slices.Equal(vs[0].By, []string{"bob"}) {
				t.Fatalf("versions %+v, want 150 by ann and 250 by bob", vs)
			}
			for _, v := range vs {
				h.wantCheckpoint(v.Seq)
			}
		}
		check()
		h.s = reopen(t, h.s, opts)
		check()
	})

	t.Run("versions thin with age", func(t *testing.T) {
		h, _ := newHistory(t, 0, func(o *Options) { o.CheckpointEvery, o.HistoryKeep = 1, 10*24*time.Hour })
		t0 := h.clock.Now() // midnight
		at := func(d time.Duration, x float64) {
			h.clock.set(t0.Add(d))
			h.edit("ann", x)
		}
		at(0, 1)
		at(10*time.Minute, 2)
		at(20*time.Minute, 3)
		at(2*time.Hour, 4)
		at(2*time.Hour+10*time.Minute, 5)
		at(26*time.Hour, 6)
		// Older than a day: the newest of each hour.
		h.wantSeqs(6, 5, 4, 3)
		// Older than 7 days: the newest of each day. A sweep thins too,
		// without a pass.
		h.clock.set(t0.Add(8 * 24 * time.Hour))
		if err := h.s.SweepHistory(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := h.s.Checkpoint(t.Context(), h.b.ID, 4); !errors.Is(err, board.ErrNotFound) {
			t.Fatalf("version 4 after the sweep: %v, want ErrNotFound (5 is its day's newest)", err)
		}
		h.wantCheckpoint(5)
		h.wantSeqs(6, 5)
		// Older than HistoryKeep: gone, except the newest.
		h.clock.set(t0.Add(10*24*time.Hour + 3*time.Hour))
		h.wantSeqs(6)
		h.clock.set(t0.Add(40 * 24 * time.Hour))
		if err := h.s.SweepHistory(t.Context()); err != nil {
			t.Fatal(err)
		}
		h.wantSeqs(6)
		h.wantCheckpoint(6)
	})

	t.Run("a board's versions stay within their byte budget", func(t *testing.T) {
		h, _ := newHistory(t, time.Second, func(o *Options) { o.CheckpointEvery, o.HistoryFactor, o.HistoryMin = 1, 3, 1 })
		var text []byte
		for i := range 20 {
			// Text that does not compress much, the same length each time.
			text = fmt.Appendf(text[:0], "%x", sha256Of(i))
			h.send("ann", board.Op{Op: board.OpPut, El: &board.Element{ID: "t", Kind: board.KindText, Text: string(text), Z: "a0"}})
		}
		vs := h.versions()
		if len(vs) < 2 || len(vs) > 3 || vs[0].Seq != 20 || vs[1].Seq != 19 {
			t.Fatalf("versions at %v, want the newest 2 or 3 within 3× the newest's size", seqsOf(vs))
		}
		h.wantCheckpoint(20)
	})
}

func sha256Of(i int) [32]byte { return sha256.Sum256(fmt.Append(nil, i)) }
