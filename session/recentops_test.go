package session

import (
	"fmt"
	"testing"

	"github.com/easel-app/easel/board"
)

// The catch-up ring answers `since` by position, so it must hold one
// contiguous run of seqs: a message that does not follow the last (a load
// that started again from a newer snapshot) starts a new run, and a since
// inside the hole is not answered from memory.
func TestRecentOpsHoldsOneContiguousRun(t *testing.T) {
	r := recentOps{maxMsgs: 100, maxBytes: 1 << 20}
	for _, seq := range []uint64{5, 6, 7, 12, 13} {
		r.add(&board.OpsMessage{Seq: seq, Ref: fmt.Sprint("r", seq)}, []byte(fmt.Sprint(seq)))
	}
	if _, ok := r.after(6, 13, 1<<20); ok {
		t.Fatal("since 6 was answered from a ring with a hole between 7 and 12")
	}
	msgs, ok := r.after(11, 13, 1<<20)
	if !ok || len(msgs) != 2 || string(msgs[0]) != "12" {
		t.Fatalf("since 11: %q %v, want 12 and 13", msgs, ok)
	}
}
