package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// deleteProbe reaches into a store's backend for the deletion suite.
type deleteProbe struct {
	// leftovers lists everything the backend still holds that names one
	// of the board's ids (key, bucket, field, member or value), except
	// its tombstones.
	leftovers func(t *testing.T, s board.Store, b board.Board) []string
	// forget removes the board's last touch, as if it were created before
	// touches were kept.
	forget func(t *testing.T, s board.Store, id string)
}

// plantVersions gives board b (three elements and) kept versions, made as the store makes
// them: edits by two authors (the author change is a boundary), then a
// listing, which makes what is due.
func plantVersions(t *testing.T, s board.Store, b board.Board) {
	ctx := context.Background()
	for i, name := range []string{"Ann", "Bob", "Ann"} {
		ref := fmt.Sprint("v", i)
		if _, _, err := s.Append(ctx, b.ID, board.OpsMessage{By: "p-" + name, Name: name, Ref: ref, Ops: rectOps(ref)}); err != nil {
			t.Fatal(err)
		}
	}
	if vs, err := s.Versions(ctx, b.ID); err != nil || len(vs) == 0 {
		t.Fatalf("versions of a board two authors edited: %v %v", vs, err)
	}
}

// testStoreDelete is the conformance suite of board.Deleter.
func testStoreDelete(t *testing.T, open func(t *testing.T) board.Store, reopen func(t *testing.T, s board.Store) board.Store, probe deleteProbe) {
	ctx := context.Background()

	t.Run("delete removes everything of the board but its tombstones", func(t *testing.T) {
		s := open(t)
		doomed, kept := fullBoard(t, s, "doomed"), fullBoard(t, s, "kept")
		if left := probe.leftovers(t, s, doomed); len(left) == 0 {
			t.Fatal("the probe finds nothing of a full board: it cannot see what a delete leaves")
		}
		keptBefore := probe.leftovers(t, s, kept)
		if err := s.DeleteBoard(ctx, doomed.ID); err != nil {
			t.Fatalf("DeleteBoard: %v", err)
		}
		if left := probe.leftovers(t, s, doomed); len(left) > 0 {
			t.Errorf("the deleted board left %d things: %v", len(left), left)
		}
		keptAfter := probe.leftovers(t, s, kept)
		slices.Sort(keptBefore)
		slices.Sort(keptAfter)
		if !slices.Equal(keptBefore, keptAfter) {
			t.Errorf("the other board's data changed:\nbefore %v\nafter  %v", keptBefore, keptAfter)
		}
		checkFullBoard(t, s, kept)
	})

	t.Run("both ids answer gone, also after reopening", func(t *testing.T) {
		s := open(t)
		b := createdBoard(t, s)
		if err := s.DeleteBoard(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		checkGone(t, s, b)
		if reopen != nil {
			checkGone(t, reopen(t, s), b)
		}
	})

	t.Run("a second delete is gone, an unknown id or a view id not found", func(t *testing.T) {
		s := open(t)
		b, live := createdBoard(t, s), createdBoard(t, s)
		if err := s.DeleteBoard(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			id   string
			want error
		}{
			{b.ID, board.ErrGone},
			{"00000000-0000-4000-8000-000000000000", board.ErrNotFound},
			{b.ViewID, board.ErrNotFound},
			{live.ViewID, board.ErrNotFound},
		} {
			if err := s.DeleteBoard(ctx, c.id); !errors.Is(err, c.want) {
				t.Errorf("DeleteBoard(%s) = %v, want %v", c.id, err, c.want)
			}
		}
		if _, err := s.BoardByID(ctx, live.ID); err != nil {
			t.Errorf("a delete by view id touched the board: %v", err)
		}
	})

	t.Run("nothing brings a deleted board back", func(t *testing.T) {
		s := open(t)
		b := fullBoard(t, s, "doomed")
		if err := s.DeleteBoard(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		notThere := func(what string, err error) {
			t.Helper()
			if !errors.Is(err, board.ErrGone) && !errors.Is(err, board.ErrNotFound) {
				t.Errorf("%s on a deleted board: %v, want ErrGone or ErrNotFound", what, err)
			}
		}
		_, _, err := s.Append(ctx, b.ID, board.OpsMessage{Ref: "late", Ops: rectOps("late")})
		notThere("Append", err)
		_, _, err = s.Append(ctx, b.ID, board.OpsMessage{Ref: "r0", Ops: rectOps("dup")}) // a ref it held
		notThere("Append of a known ref", err)
		_, _, _, err = s.Load(ctx, b.ID)
		notThere("Load", err)
		_, _, err = s.LoadEach(ctx, b.ID, nil)
		notThere("LoadEach", err)
		_, err = s.Since(ctx, b.ID, b.Epoch, 0)
		notThere("Since", err)
		if h, ok := s.(board.HeadReader); ok {
			_, err = h.Head(ctx, b.ID)
			notThere("Head", err)
		}
		_, err = s.Rebase(ctx, b.ID, b.Epoch)
		notThere("Rebase", err)
		notThere("Touch", s.Touch(ctx, b.ID, time.Now()))
		data := randomBytes(t, 100)
		_, _, err = s.PutBlob(ctx, b.ID, blobInfoOf(data), data, 1<<30)
		notThere("PutBlob", err)
		if _, _, err := s.Blob(ctx, b.ID, blobInfoOf(data).SHA256); err == nil {
			t.Error("Blob of a deleted board found")
		}
		if list, err := s.Blobs(ctx, b.ID); err != nil || len(list) > 0 {
			t.Errorf("Blobs of a deleted board: %v, %v", list, err)
		}
		if err := s.CreateBoard(ctx, b); !errors.Is(err, board.ErrGone) {
			t.Errorf("CreateBoard under the deleted ids: %v, want ErrGone", err)
		}
		fresh := mustNewBoard(t, "reuses the view id")
		fresh.ViewID = b.ViewID
		if err := s.CreateBoard(ctx, fresh); !errors.Is(err, board.ErrGone) {
			t.Errorf("CreateBoard under the deleted view id: %v, want ErrGone", err)
		}
		if left := probe.leftovers(t, s, b); len(left) > 0 {
			t.Errorf("calls after the delete brought back: %v", left)
		}
		checkGone(t, s, b)
	})

	t.Run("appends racing a delete leave nothing", func(t *testing.T) {
		s := open(t)
		b := createdBoard(t, s)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for w := range 4 {
			wg.Go(func() {
				<-start
				for i := range 30 {
					_, _, err := s.Append(ctx, b.ID, board.OpsMessage{Ref: fmt.Sprint(w, "-", i), Ops: rectOps(fmt.Sprint(w, i))})
					if err != nil {
						if !errors.Is(err, board.ErrGone) && !errors.Is(err, board.ErrNotFound) {
							t.Errorf("append racing the delete: %v", err)
						}
						return
					}
				}
			})
		}
		close(start)
		if err := s.DeleteBoard(ctx, b.ID); err != nil {
			t.Errorf("DeleteBoard: %v", err)
		}
		wg.Wait()
		if left := probe.leftovers(t, s, b); len(left) > 0 {
			t.Errorf("left after the race: %v", left)
		}
		checkGone(t, s, b)
	})

	t.Run("idle boards are the ones untouched since the cutoff, oldest first", func(t *testing.T) {
		s := open(t)
		now := time.Now()
		day := 24 * time.Hour
		oldest := boardMadeAt(t, s, now.Add(-10*day))
		older := boardMadeAt(t, s, now.Add(-9*day))
		old := boardMadeAt(t, s, now.Add(-8*day))
		fresh := boardMadeAt(t, s, now.Add(-time.Hour))
		idle := func(before time.Time, limit int) []string {
			t.Helper()
			ids, err := s.IdleBoards(ctx, before, limit)
			if err != nil {
				t.Fatalf("IdleBoards: %v", err)
			}
			return ids
		}
		cutoff := now.Add(-2 * day)
		if got, want := idle(cutoff, 10), []string{oldest.ID, older.ID, old.ID}; !slices.Equal(got, want) {
			t.Fatalf("IdleBoards = %v, want %v", got, want)
		}
		if got, want := idle(cutoff, 2), []string{oldest.ID, older.ID}; !slices.Equal(got, want) {
			t.Errorf("IdleBoards limit 2 = %v, want %v", got, want)
		}
		if got := idle(now.Add(-20*day), 10); len(got) != 0 {
			t.Errorf("IdleBoards before every board = %v", got)
		}
		if err := s.Touch(ctx, oldest.ID, now.Add(-3*day)); err != nil {
			t.Fatal(err)
		}
		// A touch never moves a board's time back.
		if err := s.Touch(ctx, fresh.ID, now.Add(-30*day)); err != nil {
			t.Fatal(err)
		}
		if got, want := idle(cutoff, 10), []string{older.ID, old.ID, oldest.ID}; !slices.Equal(got, want) {
			t.Errorf("after touches IdleBoards = %v, want %v", got, want)
		}
		if got, want := idle(now.Add(-5*day), 10), []string{older.ID, old.ID}; !slices.Equal(got, want) {
			t.Errorf("IdleBoards before the touch = %v, want %v", got, want)
		}
		// An edit is a touch.
		if _, _, err := s.Append(ctx, older.ID, board.OpsMessage{Ref: "edit", Ops: rectOps("e")}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteBoard(ctx, old.ID); err != nil {
			t.Fatal(err)
		}
		if got, want := idle(cutoff, 10), []string{oldest.ID}; !slices.Equal(got, want) {
			t.Errorf("after an edit and a delete IdleBoards = %v, want %v", got, want)
		}
		if err := s.Touch(ctx, old.ID, now); !errors.Is(err, board.ErrGone) {
			t.Errorf("Touch of a deleted board: %v, want ErrGone", err)
		}
		if err := s.Touch(ctx, "00000000-0000-4000-8000-000000000000", now); !errors.Is(err, board.ErrNotFound) {
			t.Errorf("Touch of an unknown board: %v, want ErrNotFound", err)
		}
	})

	t.Run("boards from before touches count from their creation", func(t *testing.T) {
		s := open(t)
		now := time.Now()
		b := boardMadeAt(t, s, now.Add(-10*24*time.Hour))
		touched := boardMadeAt(t, s, now.Add(-10*24*time.Hour))
		if err := s.Touch(ctx, touched.ID, now); err != nil {
			t.Fatal(err)
		}
		probe.forget(t, s, b.ID)
		ids, err := s.IdleBoards(ctx, now.Add(-24*time.Hour), 10)
		if err != nil || !slices.Equal(ids, []string{b.ID}) {
			t.Errorf("IdleBoards = %v, %v; want the untouched board %s", ids, err, b.ID)
		}
	})
}

// fullBoard creates a board with everything a board can hold: a log long
// enough to have been compacted, a title, two images, a touch, versions.
func fullBoard(t *testing.T, s board.Store, title string) board.Board {
	t.Helper()
	ctx := context.Background()
	b := createdBoard(t, s)
	for i := range 25 {
		if _, _, err := s.Append(ctx, b.ID, board.OpsMessage{Ref: fmt.Sprint("r", i), Ops: rectOps(fmt.Sprint("el", i))}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Append(ctx, b.ID, board.OpsMessage{Ref: "title", Ops: []board.Op{{Op: board.OpTitle, Title: title}}}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1000, 600 << 10} { // one blob in several Redis chunks
		data := randomBytes(t, n)
		if _, _, err := s.PutBlob(ctx, b.ID, blobInfoOf(data), data, 1<<30); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Touch(ctx, b.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	plantVersions(t, s, b)
	b.Title = title
	return b
}

// checkFullBoard checks that a board fullBoard made is whole.
func checkFullBoard(t *testing.T, s board.Store, b board.Board) {
	t.Helper()
	ctx := context.Background()
	if got, err := s.BoardByViewID(ctx, b.ViewID); err != nil || got.ID != b.ID || got.Title != b.Title {
		t.Fatalf("the other board: %+v, %v", got, err)
	}
	_, snap, _, err := s.Load(ctx, b.ID)
	if err != nil || snapLen(snap) != 28 || snap.Seq != 29 {
		t.Fatalf("the other board loads %v elements at seq %v, %v; want 28 at 29", snapLen(snap), snapSeq(snap), err)
	}
	if _, err := s.Since(ctx, b.ID, b.Epoch, 25); err != nil {
		t.Errorf("the other board's Since: %v", err)
	}
	list, err := s.Blobs(ctx, b.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("the other board's blobs: %v, %v", list, err)
	}
	for _, info := range list {
		if _, data, err := s.Blob(ctx, b.ID, info.SHA256); err != nil || int64(len(data)) != info.Size {
			t.Errorf("the other board's blob %.8s: %d bytes, %v", info.SHA256, len(data), err)
		}
	}
}

func snapLen(s *board.Snapshot) int {
	if s == nil {
		return -1
	}
	return len(s.Sorted())
}

func snapSeq(s *board.Snapshot) int64 {
	if s == nil {
		return -1
	}
	return int64(s.Seq)
}

// checkGone checks that both ids of a deleted board answer ErrGone, and
// each only as its own kind.
func checkGone(t *testing.T, s board.Store, b board.Board) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.BoardByID(ctx, b.ID); !errors.Is(err, board.ErrGone) {
		t.Errorf("BoardByID of a deleted board: %v, want ErrGone", err)
	}
	if _, err := s.BoardByViewID(ctx, b.ViewID); !errors.Is(err, board.ErrGone) {
		t.Errorf("BoardByViewID of a deleted board: %v, want ErrGone", err)
	}
	if _, err := s.BoardByID(ctx, b.ViewID); !errors.Is(err, board.ErrNotFound) {
		t.Errorf("BoardByID of a deleted board's view id: %v, want ErrNotFound", err)
	}
	if _, err := s.BoardByViewID(ctx, b.ID); !errors.Is(err, board.ErrNotFound) {
		t.Errorf("BoardByViewID of a deleted board's edit id: %v, want ErrNotFound", err)
	}
}

// boardMadeAt creates a board made at at.
func boardMadeAt(t *testing.T, s board.Store, at time.Time) board.Board {
	t.Helper()
	b, err := board.New("", at)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBoard(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b
}

func rectOps(id string) []board.Op {
	return []board.Op{{Op: board.OpPut, El: &board.Element{ID: id, Kind: board.KindRect}}}
}
