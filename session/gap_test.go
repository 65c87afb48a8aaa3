package session

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// A message committed but never published (its publisher died after the
// commit) must not stall the board: the room reads it from the store and
// members get every seq in order.
func TestRoomFillsAGapFromTheStore(t *testing.T) {
	cfg := DefaultConfig()
	cfg.GapWait = 50 * time.Millisecond
	th := newTestHub(t, cfg, nil)
	st, b, ctx := th.store, th.board, context.Background()
	c := th.join(t, "n")

	// seq 1 is committed behind the room's back: no publish.
	put := []board.Op{{Op: board.OpPut, El: &board.Element{ID: "x", Kind: board.KindRect}}}
	if _, _, err := st.Append(ctx, b.ID, board.OpsMessage{By: "ghost", Ref: "lost", Ops: put}); err != nil {
		t.Fatal(err)
	}
	// seq 2 comes through the member as usual.
	c.Send(map[string]any{"type": "ops", "ref": "mine", "ops": []any{map[string]any{"op": "del", "id": "x"}}})

	var seqs []string
	for len(seqs) < 2 {
		_, data, err := c.ReadFrame(time.Now().Add(5 * time.Second))
		if err != nil {
			t.Fatalf("waiting for ops: %v (got %v)", err, seqs)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, `"type":"ops"`) {
				seqs = append(seqs, line)
			}
		}
	}
	if !strings.Contains(seqs[0], `"seq":1`) || !strings.Contains(seqs[0], `"ref":"lost"`) || !strings.Contains(seqs[1], `"seq":2`) {
		t.Fatalf("got %v, want the lost seq 1 then seq 2", seqs)
	}
}
