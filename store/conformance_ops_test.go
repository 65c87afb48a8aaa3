package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// testStoreOps is the conformance suite for the op log. open must return a
// store that compacts every 10 messages and retains 5 (or an equivalent
// small window), so compaction is exercised.
func testStoreOps(t *testing.T, open func(t *testing.T) board.Store, reopen func(t *testing.T, s board.Store) board.Store) {
	ctx := context.Background()
	put := func(id string, x float64) board.Op {
		return board.Op{Op: board.OpPut, El: &board.Element{ID: id, Kind: board.KindRect, X: x, Z: "a0"}}
	}
	newBoard := func(t *testing.T, s board.Store) board.Board {
		t.Helper()
		b := mustNewBoard(t, "ops")
		if err := s.CreateBoard(ctx, b); err != nil {
			t.Fatal(err)
		}
		return b
	}

	t.Run("concurrent appends get contiguous seqs and replay in order", func(t *testing.T) {
		s := open(t)
		b := newBoard(t, s)
		const writers, each = 10, 20
		seqs := make(chan uint64, writers*each)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					m, dup, err := s.Append(ctx, b.ID, board.OpsMessage{By: "p", Ref: fmt.Sprintf("w%d-%d", w, i), Ops: []board.Op{put(fmt.Sprint("e", w), float64(i))}})
					if err != nil || dup {
						t.Errorf("append: %v dup=%v", err, dup)
						return
					}
					seqs <- m.Seq
				}
			})
		}
		wg.Wait()
		close(seqs)
		seen := map[uint64]bool{}
		for seq := range seqs {
			if seen[seq] {
				t.Fatalf("seq %d given twice", seq)
			}
			seen[seq] = true
		}
		for seq := uint64(1); seq <= writers*each; seq++ {
			if !seen[seq] {
				t.Fatalf("seq %d missing: seqs are not contiguous", seq)
			}
		}
		epoch, snap, log, err := s.Load(ctx, b.ID)
		if err != nil || epoch != b.Epoch {
			t.Fatalf("Load: %v, epoch %q want %q", err, epoch, b.Epoch)
		}
		for i, m := range log {
			if i > 0 && m.Seq != log[i-1].Seq+1 {
				t.Fatalf("log not contiguous at %d: %d after %d", i, m.Seq, log[i-1].Seq)
			}
			if m.Seq > snap.Seq {
				snap.Apply(&m)
			}
		}
		if snap.Seq != writers*each || len(snap.Elements) != writers {
			t.Fatalf("replayed board at seq %d with %d elements", snap.Seq, len(snap.Elements))
		}
		for w := range writers {
			if x := snap.Elements[fmt.Sprint("e", w)].X; x != each-1 {
				t.Fatalf("element e%d x = %v, want the last write %d", w, x, each-1)
			}
		}
	})

	t.Run("a resent ref returns the original seq and is stored once", func(t *testing.T) {
		s := open(t)
		b := newBoard(t, s)
		first, dup, err := s.Append(ctx, b.ID, board.OpsMessage{By: "p1", Ref: "c-1", Ops: []board.Op{put("a", 1)}})
		if err != nil || dup {
			t.Fatal(err, dup)
		}
		s.Append(ctx, b.ID, board.OpsMessage{By: "p1", Ref: "c-2", Ops: []board.Op{put("b", 1)}})
		again, dup, err := s.Append(ctx, b.ID, board.OpsMessage{By: "p9", Ref: "c-1", Ops: []board.Op{put("a", 99)}})
		if err != nil || !dup || again.Seq != first.Seq || again.By != "p1" || again.Ops[0].El.X != 1 {
			t.Fatalf("resend = %+v dup=%v err=%v; want the original seq %d", again, dup, err, first.Seq)
		}
		wantLogLen(t, s, b.ID, 2)
	})

	t.Run("refs are deduped within their author's scope only", func(t *testing.T) {
		s := open(t)
		b := newBoard(t, s)
		alice, mallory := "AliceScopeAAAAAAAAAAAA", "MalloryScopeMMMMMMMMMM"
		// Mallory commits the ref Alice is about to use.
		squat, dup, err := s.Append(ctx, b.ID, board.OpsMessage{By: "m", Ref: "c-7", Scope: mallory, Ops: []board.Op{put("evil", 1)}})
		if err != nil || dup {
			t.Fatal(err, dup)
		}
		mine, dup, err := s.Append(ctx, b.ID, board.OpsMessage{By: "a", Ref: "c-7", Scope: alice, Ops: []board.Op{put("mine", 1)}})
		if err != nil || dup || mine.Seq == squat.Seq {
			t.Fatalf("Alice's c-7 = %+v dup=%v err=%v: deduped against Mallory's c-7 (seq %d)", mine, dup, err, squat.Seq)
		}
		// Alice resends it (a reconnect): her own original comes back.
		again, dup, err := s.Append(ctx, b.ID, board.OpsMessage{By: "a2", Ref: "c-7", Scope: alice, Ops: []board.Op{put("mine", 2)}})
		if err != nil || !dup || again.Seq != mine.Seq || again.Ops[0].El.ID != "mine" || again.Scope != alice {
			t.Fatalf("Alice's resend = %+v dup=%v err=%v; want her original seq %d", again, dup, err, mine.Seq)
		}
		// An unscoped message (an import) does not match a scoped ref.
		if _, dup, err := s.Append(ctx, b.ID, board.OpsMessage{By: "import", Ref: "c-7", Ops: []board.Op{put("imp", 1)}}); err != nil || dup {
			t.Fatalf("unscoped c-7: dup=%v err=%v", dup, err)
		}
		wantLogLen(t, s, b.ID, 3)
	})

	t.Run("rebase starts one new epoch, only from the epoch named", func(t *testing.T) {
		s := open(t)
		b := newBoard(t, s)
		s.Append(ctx, b.ID, board.OpsMessage{Ref: "r1", Ops: []board.Op{put("a", 1)}})
		fresh, err := s.Rebase(ctx, b.ID, b.Epoch)
		if err != nil || fresh == "" || fresh == b.Epoch {
			t.Fatalf("Rebase = %q, %v; want a new epoch", fresh, err)
		}
		// A second node noticing the same loss names the old epoch: it
		// gets the one already chosen.
		if again, err := s.Rebase(ctx, b.ID, b.Epoch); err != nil || again != fresh {
			t.Fatalf("second Rebase = %q, %v; want %q", again, err, fresh)
		}
		epoch, snap, log, err := s.Load(ctx, b.ID)
		if err != nil || epoch != fresh || len(log) != 1 || snap == nil {
			t.Fatalf("Load after rebase: epoch %q (want %q), %d messages, %v", epoch, fresh, len(log), err)
		}
		if _, err := s.Since(ctx, b.ID, b.Epoch, 0); !errors.Is(err, board.ErrHistoryGone) {
			t.Fatalf("Since(old epoch) = %v, want ErrHistoryGone", err)
		}
		if _, err := s.Rebase(ctx, "00000000-0000-4000-8000-000000000000", "e"); !errors.Is(err, board.ErrNotFound) {
			t.Fatalf("Rebase(unknown board) = %v, want ErrNotFound", err)
		}
	})

	t.Run("since returns what was missed, or says history is gone", func(t *testing.T) {
		s := open(t)
		b := newBoard(t, s)
		for i := 1; i <= 30; i++ {
			if _, _, err := s.Append(ctx, b.ID, board.OpsMessage{Ref: fmt.Sprint("r", i), Ops: []board.Op{put("x", float64(i))}}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Since(ctx, b.ID, b.Epoch, 27)
		if err != nil || len(got) != 3 || got[0].Seq != 28 || got[2].Seq != 30 {
			t.Fatalf("Since(27) = %d messages, %v", len(got), err)
		}
		if got, err := s.Since(ctx, b.ID, b.Epoch, 30); err != nil || len(got) != 0 {
			t.Fatalf("Since(current) = %v, %v; want nothing", got, err)
		}
		for _, test := range []struct {
			name  string
			epoch string
			after uint64
		}{{"other epoch", "not-the-epoch", 29}, {"ahead of the board", b.Epoch, 31}} {
			if _, err := s.Since(ctx, b.ID, test.epoch, test.after); !errors.Is(err, board.ErrHistoryGone) {
				t.Errorf("%s: err = %v, want ErrHistoryGone", test.name, err)
			}
		}
		// Compaction is asynchronous: the log is trimmed soon after, not
		// at once.
		deadline := time.Now().Add(5 * time.Second)
		for {
			_, err := s.Since(ctx, b.ID, b.Epoch, 1)
			if errors.Is(err, board.ErrHistoryGone) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("older than the log: err = %v 5 s after the appends, want ErrHistoryGone", err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		// Compaction kept the board whole.
		_, snap, log, _ := s.Load(ctx, b.ID)
		for _, m := range log {
			if m.Seq > snap.Seq {
				snap.Apply(&m)
			}
		}
		if snap.Seq != 30 || snap.Elements["x"].X != 30 {
			t.Fatalf("after compaction the board is at seq %d with x=%v", snap.Seq, snap.Elements["x"].X)
		}
	})

	t.Run("appends to an unknown board fail", func(t *testing.T) {
		s := open(t)
		_, _, err := s.Append(ctx, "00000000-0000-4000-8000-000000000000", board.OpsMessage{Ref: "r", Ops: []board.Op{put("a", 1)}})
		if !errors.Is(err, board.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})

	t.Run("a title op renames the board record", func(t *testing.T) {
		s := open(t)
		b := newBoard(t, s)
		s.Append(ctx, b.ID, board.OpsMessage{Ref: "t", Ops: []board.Op{{Op: board.OpTitle, Title: "Renamed"}}})
		got, _ := s.BoardByViewID(ctx, b.ViewID)
		if got.Title != "Renamed" {
			t.Fatalf("title %q, want Renamed", got.Title)
		}
	})

	if reopen != nil {
		t.Run("acknowledged appends survive reopening", func(t *testing.T) {
			s := open(t)
			b := newBoard(t, s)
			for i := 1; i <= 25; i++ {
				s.Append(ctx, b.ID, board.OpsMessage{Ref: fmt.Sprint("r", i), Ops: []board.Op{put(fmt.Sprint("e", i), 1)}})
			}
			s = reopen(t, s)
			_, snap, log, err := s.Load(ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range log {
				if m.Seq > snap.Seq {
					snap.Apply(&m)
				}
			}
			if snap.Seq != 25 || len(snap.Elements) != 25 {
				t.Fatalf("after reopen: seq %d, %d elements", snap.Seq, len(snap.Elements))
			}
			if _, dup, _ := s.Append(ctx, b.ID, board.OpsMessage{Ref: "r25", Ops: []board.Op{put("z", 1)}}); !dup {
				t.Fatal("a ref committed before the reopen was not recognised")
			}
			if _, dup, _ := s.Append(ctx, b.ID, board.OpsMessage{Ref: "r25", Scope: "SomeScopeSSSSSSSSSSSSS", Ops: []board.Op{put("z", 1)}}); dup {
				t.Fatal("a scoped ref deduped against an unscoped one")
			}
			if _, dup, _ := s.Append(ctx, b.ID, board.OpsMessage{Ref: "r25", Scope: "SomeScopeSSSSSSSSSSSSS", Ops: []board.Op{put("z", 2)}}); !dup {
				t.Fatal("a scoped ref committed before was not recognised")
			}
		})
	}
}

// wantLogLen fails t unless the log of board id holds n messages.
func wantLogLen(t *testing.T, s board.Store, id string, n int) {
	t.Helper()
	_, _, log, _ := s.Load(context.Background(), id)
	if len(log) != n {
		t.Fatalf("log holds %d messages, want %d", len(log), n)
	}
}
