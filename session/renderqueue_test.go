package session

import (
	"context"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/export"
)

// Threat 6: exports waiting for a render slot are bounded; past the queue
// an export is refused with rate_limited at once, and the queue drains.
func TestRenderQueueIsBounded(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Renders, cfg.RenderQueue = 1, 1
	th := newTestHub(t, cfg, nil)
	h, b, ctx := th.Hub, th.board, context.Background()

	h.lightRenders <- struct{}{} // the one slot of small boards' lane is busy
	queued := make(chan error, 1)
	go func() {
		_, err := h.Export(ctx, b, export.JSON, export.Options{Scale: 1}, "queued")
		queued <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for h.renderWaiting.Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the first export never queued")
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := h.Export(ctx, b, export.SVG, export.Options{Scale: 1}, "over"); board.ErrorCode(err) != board.CodeRateLimited {
		t.Fatalf("an export past the queue: %v, want rate_limited", err)
	}
	<-h.lightRenders // the slot frees: the queued export renders
	if err := <-queued; err != nil {
		t.Fatalf("the queued export: %v", err)
	}
	if n := h.renderWaiting.Load(); n != 0 {
		t.Fatalf("%d exports still counted as waiting", n)
	}
}
