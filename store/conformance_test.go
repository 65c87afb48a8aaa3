package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// testStore is the conformance suite every board.Store passes. open returns
// a fresh, empty store; reopen (may be nil) closes and reopens the same
// data, for checking durability.
func testStore(t *testing.T, open func(t *testing.T) board.Store, reopen func(t *testing.T, s board.Store) board.Store) {
	ctx := context.Background()

	t.Run("create and find by both ids", func(t *testing.T) {
		s := open(t)
		b := mustNewBoard(t, "Roadmap")
		if err := s.CreateBoard(ctx, b); err != nil {
			t.Fatalf("CreateBoard: %v", err)
		}
		got, err := s.BoardByID(ctx, b.ID)
		if err != nil || got.ID != b.ID || got.ViewID != b.ViewID || got.Title != "Roadmap" {
			t.Fatalf("BoardByID = %+v, %v; want %+v", got, err, b)
		}
		got, err = s.BoardByViewID(ctx, b.ViewID)
		if err != nil || got.ID != b.ID {
			t.Fatalf("BoardByViewID = %+v, %v; want board %s", got, err, b.ID)
		}
	})

	t.Run("unknown ids are not found", func(t *testing.T) {
		s := open(t)
		b := mustNewBoard(t, "")
		if err := s.CreateBoard(ctx, b); err != nil {
			t.Fatal(err)
		}
		for _, lookup := range []func() (board.Board, error){
			func() (board.Board, error) { return s.BoardByID(ctx, "00000000-0000-4000-8000-000000000000") },
			func() (board.Board, error) { return s.BoardByViewID(ctx, "00000000-0000-4000-8000-000000000000") },
			// A view id is not an edit id, and the reverse.
			func() (board.Board, error) { return s.BoardByID(ctx, b.ViewID) },
			func() (board.Board, error) { return s.BoardByViewID(ctx, b.ID) },
		} {
			if _, err := lookup(); !errors.Is(err, board.ErrNotFound) {
				t.Errorf("lookup error = %v, want ErrNotFound", err)
			}
		}
	})

	t.Run("duplicate ids are refused and the original kept", func(t *testing.T) {
		s := open(t)
		b := mustNewBoard(t, "first")
		if err := s.CreateBoard(ctx, b); err != nil {
			t.Fatal(err)
		}
		clash := b
		clash.Title = "second"
		if err := s.CreateBoard(ctx, clash); err == nil {
			t.Fatal("CreateBoard with an existing id succeeded")
		}
		got, err := s.BoardByID(ctx, b.ID)
		if err != nil || got.Title != "first" {
			t.Fatalf("after clash BoardByID = %+v, %v; want title first", got, err)
		}
	})

	t.Run("ping", func(t *testing.T) {
		if err := open(t).Ping(ctx); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})

	if reopen != nil {
		t.Run("boards survive reopening", func(t *testing.T) {
			s := open(t)
			b := mustNewBoard(t, "durable")
			if err := s.CreateBoard(ctx, b); err != nil {
				t.Fatal(err)
			}
			s = reopen(t, s)
			got, err := s.BoardByViewID(ctx, b.ViewID)
			if err != nil || got.ID != b.ID || got.Title != "durable" {
				t.Fatalf("after reopen = %+v, %v", got, err)
			}
		})
	}
}

func mustNewBoard(t *testing.T, title string) board.Board {
	t.Helper()
	b, err := board.New(title, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return b
}
