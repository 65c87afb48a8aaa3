package store

import (
	"fmt"
	"testing"

	"github.com/easel-app/easel/board"
)

// Listing versions again when nothing changed writes nothing: /history
// must not cost an fsync per request.
func TestBoltVersionsAgainWritesNothing(t *testing.T) {
	s, err := OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b := mustNewBoard(t, "quiet")
	if err := s.CreateBoard(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		m := board.OpsMessage{Name: "ann", Ref: fmt.Sprint("r", i), Ops: []board.Op{{Op: board.OpPut, El: &board.Element{ID: "e", Kind: board.KindRect, X: float64(i)}}}}
		if _, _, err := s.Append(t.Context(), b.ID, m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Versions(t.Context(), b.ID); err != nil {
		t.Fatal(err)
	}
	stats := s.db.Stats()
	writes := stats.TxStats.GetWrite()
	if _, err := s.Versions(t.Context(), b.ID); err != nil {
		t.Fatal(err)
	}
	stats = s.db.Stats()
	if again := stats.TxStats.GetWrite(); again != writes {
		t.Fatalf("listing versions again wrote %d pages", again-writes)
	}
}
