package store

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// planMessages makes n messages, each moving element "e", by name(i) at
// t0 + at(i).
func planMessages(n int, name func(i int) string, at func(i int) time.Duration) []board.OpsMessage {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]board.OpsMessage, n)
	for i := range out {
		out[i] = board.OpsMessage{Seq: uint64(i + 1), Name: name(i), At: t0.Add(at(i)),
			Ops: []board.Op{{Op: board.OpPut, El: &board.Element{ID: "e", Kind: board.KindRect, X: float64(i), Z: "a0"}}}}
	}
	return out
}

// plan runs the policy over msgs in passes ending after each of the
// seqs in cuts (and at the end), each resuming from the state and board
// the one before left, and returns the seqs of the checkpoints made.
func plan(t *testing.T, msgs []board.OpsMessage, cuts ...int) []uint64 {
	t.Helper()
	opts, err := Options{CompactEvery: 1, Retain: 1}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	var (
		got  []uint64
		st   cpState
		base = board.NewSnapshot("")
	)
	from := 0
	for _, to := range append(cuts, len(msgs)) {
		made, next, err := runPass(opts, st, base, func(fn func(*board.OpsMessage) error) error {
			for i := from; i < to; i++ {
				if err := fn(&msgs[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range made {
			got = append(got, c.meta.Seq)
		}
		st, from = next, to
	}
	return got
}

func TestPolicyCadence(t *testing.T) {
	second := func(i int) time.Duration { return time.Duration(i) * time.Second }
	ann := func(int) string { return "ann" }
	if got := plan(t, planMessages(250, ann, second)); !slices.Equal(got, []uint64{100, 200}) {
		t.Fatalf("by count: checkpoints at %v, want 100 and 200", got)
	}
	// Passes that stop anywhere decide the same.
	if got := plan(t, planMessages(250, ann, second), 1, 99, 100, 150); !slices.Equal(got, []uint64{100, 200}) {
		t.Fatalf("in passes: checkpoints at %v, want 100 and 200", got)
	}
	minute := func(i int) time.Duration { return time.Duration(i) * time.Minute }
	if got := plan(t, planMessages(25, ann, minute)); !slices.Equal(got, []uint64{11, 22}) {
		t.Fatalf("by time: checkpoints at %v, want 11 and 22 (10 minutes after each run's first)", got)
	}
	// Messages from before commit times (zero At) count only by number.
	if got := plan(t, planMessages(150, ann, func(int) time.Duration { return 0 })); !slices.Equal(got, []uint64{100}) {
		t.Fatalf("no times: checkpoints at %v, want 100", got)
	}
}

func TestPolicyRunEnds(t *testing.T) {
	second := func(i int) time.Duration { return time.Duration(i) * time.Second }
	// Another author: the run before is a version, and the rate bound
	// holds back the next one for 30 s of message time.
	names := func(i int) string { return fmt.Sprint("n", i/5) } // a new author every 5 messages
	if got := plan(t, planMessages(80, names, second)); !slices.Equal(got, []uint64{5, 35, 65}) {
		t.Fatalf("author changes: checkpoints at %v, want 5, 35, 65", got)
	}
	// A pause of 5 minutes.
	pause := func(i int) time.Duration {
		if i >= 3 {
			return checkpointPause + second(i)
		}
		return second(i)
	}
	ann := func(int) string { return "ann" }
	if got := plan(t, planMessages(5, ann, pause)); !slices.Equal(got, []uint64{3}) {
		t.Fatalf("pause: checkpoints at %v, want 3", got)
	}
	if got := plan(t, planMessages(5, ann, func(i int) time.Duration { return second(i) * 60 })); len(got) != 0 {
		t.Fatalf("a message a minute: checkpoints at %v, want none", got)
	}
}

func TestPolicyDeletesHalf(t *testing.T) {
	snap := board.NewSnapshot("")
	for i := range 4 {
		snap.Put(&board.Element{ID: fmt.Sprint("e", i)})
	}
	del := func(ids ...string) *board.OpsMessage {
		m := &board.OpsMessage{}
		for _, id := range ids {
			m.Ops = append(m.Ops, board.Op{Op: board.OpDel, ID: id})
		}
		return m
	}
	for _, c := range []struct {
		m    *board.OpsMessage
		want bool
	}{
		{del("e0"), false},
		{del("e0", "e0", "x", "y"), false}, // one element, however often named
		{del("e0", "e1"), true},
		{del("e0", "e1", "e2", "e3"), true},
		{&board.OpsMessage{}, false},
	} {
		if got := deletesHalf(snap, c.m); got != c.want {
			t.Errorf("deletesHalf(%v) = %v, want %v", c.m.Ops, got, c.want)
		}
	}
	if deletesHalf(board.NewSnapshot(""), del("e0")) {
		t.Error("deleting from an empty board counts as destructive")
	}
}

func TestPolicyThin(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	meta := func(seq uint64, age time.Duration, size int64) cpMeta {
		return cpMeta{Seq: seq, At: now.Add(-age), Size: size}
	}
	opts := DefaultOptions()
	h, d := time.Hour, 24*time.Hour
	metas := []cpMeta{
		meta(1, 40*d, 1),    // past HistoryKeep (30 days)
		meta(2, 9*d+3*h, 1), // day D-9: older than its day's newest
		meta(3, 9*d+2*h, 1), // day D-9's newest
		meta(4, 2*d+30*time.Minute, 1),
		meta(5, 2*d+10*time.Minute, 1), // the newest of its hour
		meta(6, 23*h, 1),
		meta(7, 22*h+59*time.Minute, 1), // within a day: kept
		meta(8, 0, 1),
	}
	if got := opts.thin(metas, now); !slices.Equal(sorted(got), []uint64{1, 2, 4}) {
		t.Fatalf("thin dropped %v, want 1, 2, 4", got)
	}
	// HistoryKeep 0 keeps them all; the newest stays however old.
	opts.HistoryKeep = 0
	if got := opts.thin([]cpMeta{meta(1, 400*d, 1), meta(2, 399*d, 1)}, now); !slices.Equal(got, nil) {
		t.Fatalf("thin without HistoryKeep dropped %v", got)
	}
	opts.HistoryKeep = time.Hour
	if got := opts.thin([]cpMeta{meta(1, 400*d, 1)}, now); len(got) != 0 {
		t.Fatalf("thin dropped the newest: %v", got)
	}
	// The byte budget drops the oldest, never the newest.
	opts = DefaultOptions()
	opts.HistoryMin = 1
	budget := []cpMeta{meta(1, 3*h, 150), meta(2, 2*h, 150), meta(3, h, 150), meta(4, 0, 40)}
	if got := opts.thin(budget, now); !slices.Equal(sorted(got), []uint64{1, 2}) {
		t.Fatalf("the budget of 8 × 40 bytes dropped %v, want 1 and 2", got)
	}
	if got := opts.thin([]cpMeta{meta(1, h, 1<<30)}, now); len(got) != 0 {
		t.Fatalf("the budget dropped the newest: %v", got)
	}
}

func sorted(s []uint64) []uint64 {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
