package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/export"
	"github.com/easel-app/easel/transfers"
)

// Renders in flight. Identical export requests (same board, seq, format
// and options) share one render, whichever route (socket or HTTP) asked.
// A render runs on its own goroutine under its own context: it ends when
// it is done, when its deadline (Config.RenderTimeout) passes, or when the
// last request waiting for it leaves — never because one of several
// waiters went away.

// renderKey identifies one rendering.
type renderKey struct {
	board      string
	seq        uint64
	f          export.Format
	scale      int
	background string // canonical (export.ParseBackground)
	embedFonts bool   // svg only (export.Options.Normalize)
}

// flight is one render and the requests waiting for it. done is closed
// once t or err is set; waiters is guarded by renderFlights.mu.
type flight struct {
	done    chan struct{}
	t       *transfers.Transfer
	err     error
	waiters int
	cancel  context.CancelFunc
}

// renderFlights maps keys to the renders in progress. Safe for
// concurrent use.
type renderFlights struct {
	mu sync.Mutex
	m  map[renderKey]*flight
}

// RenderTimeoutError is a render stopped by its deadline
// (Config.RenderTimeout). It is a too_large board.Error, which the socket
// sends as it is; HTTP answers it with 503 (see server/exports.go).
type RenderTimeoutError struct{ err *board.Error }

func (e *RenderTimeoutError) Error() string { return e.err.Error() }
func (e *RenderTimeoutError) Unwrap() error { return e.err }

func renderTimeoutError(limit time.Duration) error {
	return &RenderTimeoutError{&board.Error{Code: board.CodeTooLarge,
		Message: "rendering this board took longer than " + limit.String() + ", the server's limit; try a smaller scale, or SVG or PDF"}}
}

// shared waits for the render of key, starting it when none is in
// flight; snap is the board's content when the caller has it already
// (nil: the render loads it). It returns when the render ends or ctx is
// done; the last waiter to leave cancels the render.
func (h *Hub) shared(ctx context.Context, key renderKey, ref string, snap *board.Snapshot) (*transfers.Transfer, error) {
	fs := &h.flights
	fs.mu.Lock()
	fl := fs.m[key]
	if fl == nil {
		rctx, cancel := context.WithTimeout(h.rendersCtx, h.cfg.RenderTimeout)
		fl = &flight{done: make(chan struct{}), cancel: cancel}
		fs.m[key] = fl
		h.metrics.RendersStarted.Inc()
		h.renderWG.Add(1)
		go h.fly(rctx, key, fl, ref, snap)
	}
	fl.waiters++
	fs.mu.Unlock()

	select {
	case <-fl.done:
		return fl.t, fl.err
	case <-ctx.Done():
	}
	fs.mu.Lock()
	fl.waiters--
	last := fl.waiters == 0
	if last && fs.m[key] == fl {
		delete(fs.m, key) // a later request starts afresh
	}
	fs.mu.Unlock()
	if last {
		fl.cancel()
	}
	return nil, board.Errorf(board.CodeUnavailable, "the export was abandoned")
}

// fly runs one render and publishes its outcome to the waiters.
func (h *Hub) fly(ctx context.Context, key renderKey, fl *flight, ref string, snap *board.Snapshot) {
	lowerThreadPriority() // never unlocked: the thread ends with this goroutine
	defer h.renderWG.Done()
	defer fl.cancel()
	t, err := h.render(ctx, key, ref, snap)
	if err != nil {
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			h.metrics.RenderTimeouts.Inc()
			err = renderTimeoutError(h.cfg.RenderTimeout)
		case errors.Is(err, context.Canceled):
			h.metrics.RendersCancelled.Inc()
			err = board.Errorf(board.CodeUnavailable, "the export was cancelled")
		}
	}
	h.flights.mu.Lock()
	if h.flights.m[key] == fl {
		delete(h.flights.m, key) // done: the transfer store serves it from now on
	}
	h.flights.mu.Unlock()
	fl.t, fl.err = t, err
	close(fl.done)
}

// render loads the board unless snap is given, estimates the render's
// work (refusing a PNG beyond the budget before it waits for anything),
// takes a slot of its lane, renders and stores the file.
func (h *Hub) render(ctx context.Context, key renderKey, ref string, snap *board.Snapshot) (*transfers.Transfer, error) {
	if snap == nil {
		var err error
		if snap, err = h.Snapshot(ctx, key.board); err != nil {
			return nil, err
		}
	}
	opts := export.Options{Scale: key.scale, Background: key.background, EmbedFonts: key.embedFonts}
	work, err := export.EstimateWork(snap, key.f, opts)
	if err != nil {
		return nil, err
	}
	lane := h.renders
	if work <= export.LightRenderWork {
		lane = h.lightRenders
	}
	if err := h.acquireRender(ctx, lane); err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, ctx.Err() // nobody waits any more
		}
		return nil, err // busy: rate_limited, or unavailable at the deadline
	}
	defer func() { <-lane }()
	start := time.Now()
	data, err := export.RenderContext(ctx, snap, key.f, opts)
	if err != nil {
		if ctx.Err() != nil { // the renderer's own error may hide why it stopped
			return nil, ctx.Err()
		}
		return nil, err
	}
	h.metrics.Renders.WithLabelValues(string(key.f)).Observe(time.Since(start).Seconds())
	sum := sha256.Sum256(data)
	t := &transfers.Transfer{
		BoardID:    key.board,
		Ref:        ref,
		Format:     key.f,
		Scale:      key.scale,
		Background: key.background,
		EmbedFonts: key.embedFonts,
		MIME:       key.f.MIME(),
		Filename:   export.Filename(snap.Title, snap.Seq, key.f),
		SHA256:     hex.EncodeToString(sum[:]),
		Seq:        snap.Seq,
	}
	if err := h.transfers.Add(t, data); err != nil {
		return nil, err
	}
	return t, nil
}
