package session

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/broker"
	"github.com/easel-app/easel/export"
	"github.com/easel-app/easel/store"
)

// Threat 6: exports waiting for a render slot are bounded; past the queue
// an export is refused with rate_limited at once, and the queue drains.
func TestRenderQueueIsBounded(t *testing.T) {
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	brk := broker.NewMemory()
	defer brk.Close()
	transfers, err := OpenTransfers(t.TempDir(), time.Minute, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Renders, cfg.RenderQueue = 1, 1
	h := NewHub(Options{Config: cfg, Store: st, Transfers: transfers, Broker: brk, Logger: slog.New(slog.DiscardHandler),
		Metrics: NewMetrics(prometheus.NewRegistry()), CheckOrigin: func(*http.Request) bool { return true }})
	ctx := context.Background()
	defer h.Shutdown(ctx)
	b, _ := board.New("", time.Now())
	if err := st.CreateBoard(ctx, b); err != nil {
		t.Fatal(err)
	}

	h.renders <- struct{}{} // the one slot is busy
	queued := make(chan error, 1)
	go func() {
		_, err := h.Export(ctx, b, export.JSON, 1, "queued")
		queued <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for h.renderWaiting.Load() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the first export never queued")
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := h.Export(ctx, b, export.SVG, 1, "over"); board.ErrorCode(err) != board.CodeRateLimited {
		t.Fatalf("an export past the queue: %v, want rate_limited", err)
	}
	<-h.renders // the slot frees: the queued export renders
	if err := <-queued; err != nil {
		t.Fatalf("the queued export: %v", err)
	}
	if n := h.renderWaiting.Load(); n != 0 {
		t.Fatalf("%d exports still counted as waiting", n)
	}
}
