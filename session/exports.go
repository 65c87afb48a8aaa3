package session

import (
	"context"
	"unicode/utf8"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/export"
	"github.com/easel-app/easel/transfers"
)

// Export renders board b in format f with options o (scale, background,
// embedded fonts) at
// its current seq, or reuses a file already rendered so at that seq. It serves sockets and HTTP alike, so both
// routes give the same bytes. A file already rendered is found without
// loading the board (its seq comes from the live room or the store's
// head); identical requests in flight share one render (renderflight.go),
// which stops when the last of them leaves (ctx done).
func (h *Hub) Export(ctx context.Context, b board.Board, f export.Format, o export.Options, ref string) (*transfers.Transfer, error) {
	opts, err := o.Normalize(f)
	if err != nil {
		return nil, err
	}
	key := renderKey{board: b.ID, f: f, scale: opts.Scale, background: opts.Background, embedFonts: opts.EmbedFonts}
	var snap *board.Snapshot
	if seq, ok := h.headSeq(ctx, b.ID); ok {
		key.seq = seq
	} else {
		if snap, err = h.Snapshot(ctx, b.ID); err != nil {
			return nil, err
		}
		key.seq = snap.Seq
	}
	if t, ok := h.transfers.Find(b.ID, key.seq, f, opts); ok {
		return t, nil
	}
	return h.shared(ctx, key, ref, snap)
}

// ExportVersion renders board b as it was at its kept version seq (a
// checkpoint, board.History), or reuses a file already rendered at that
// seq: a version's content is the board's at that seq, whichever way it
// was reached. A seq that is not a kept version is ErrNotFound, checked
// (in the listing, without reading the checkpoint) before any file is
// reused, so a file rendered at a seq that is no version is not served as
// one; the checkpoint, a whole board, is read only to render.
func (h *Hub) ExportVersion(ctx context.Context, b board.Board, seq uint64, f export.Format, o export.Options, ref string) (*transfers.Transfer, error) {
	opts, err := o.Normalize(f)
	if err != nil {
		return nil, err
	}
	switch kept, err := h.store.HasVersion(ctx, b.ID, seq); {
	case err != nil:
		return nil, err
	case !kept:
		return nil, board.Errorf(board.CodeNotFound, "no version at seq %d: /history lists the kept versions", seq)
	}
	if t, ok := h.transfers.Find(b.ID, seq, f, opts); ok {
		return t, nil
	}
	snap, err := h.store.Checkpoint(ctx, b.ID, seq)
	if err != nil {
		return nil, err
	}
	key := renderKey{board: b.ID, seq: seq, f: f, scale: opts.Scale, background: opts.Background, embedFonts: opts.EmbedFonts}
	return h.shared(ctx, key, ref, snap)
}

// headSeq is board id's current seq without loading it: from its live
// room, or from the store's head when the store can tell; ok false when
// neither can.
func (h *Hub) headSeq(ctx context.Context, id string) (uint64, bool) {
	var seq uint64
	if h.readLive(id, func(st *boardState) { seq = st.snap.Seq }) {
		return seq, true
	}
	if hr, ok := h.store.(board.HeadReader); ok {
		if seq, err := hr.Head(ctx, id); err == nil {
			return seq, true
		}
	}
	return 0, false
}

// readLive calls read with the state of board id's live room, under the
// room's lock, when it has a loaded and open one; false when not.
func (h *Hub) readLive(id string, read func(*boardState)) bool {
	h.mu.Lock()
	r := h.rooms[id]
	h.mu.Unlock()
	if r == nil {
		return false
	}
	select {
	case <-r.ready:
	default:
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.state == nil || r.closed {
		return false
	}
	read(r.state)
	return true
}

// acquireRender takes a render slot of lane (h.renders or h.lightRenders),
// waiting in a bounded queue: rendering is CPU-bound, and an unbounded
// queue of waiting exports would hold their goroutines and requests for
// minutes.
func (h *Hub) acquireRender(ctx context.Context, lane chan struct{}) error {
	select {
	case lane <- struct{}{}:
		return nil
	default:
	}
	if h.renderWaiting.Add(1) > int64(h.cfg.RenderQueue) {
		h.renderWaiting.Add(-1)
		return board.Errorf(board.CodeRateLimited, "too many exports are waiting to be rendered; retry in a moment")
	}
	defer h.renderWaiting.Add(-1)
	select {
	case lane <- struct{}{}:
		return nil
	case <-ctx.Done():
		return board.Errorf(board.CodeUnavailable, "the server is busy rendering; retry")
	}
}

// Snapshot returns board id's content now: from its live room when there is
// one (no I/O), otherwise from the store.
func (h *Hub) Snapshot(ctx context.Context, id string) (*board.Snapshot, error) {
	var snap *board.Snapshot
	if h.readLive(id, func(st *boardState) { snap = st.snap.Clone() }) {
		return snap, nil
	}
	h.metrics.SnapshotLoads.Inc()
	_, snap, err := h.loadBoard(ctx, id, nil)
	return snap, err
}

// export starts a download: rendering happens off the read loop, then the
// member gets export.meta and the chunks, interleaved with its other
// traffic.
func (m *Member) export(msg inbound) {
	if n := utf8.RuneCountInString(msg.Ref); n < 1 || n > board.MaxRefLen {
		m.sendError(board.Errorf(board.CodeBadRequest, "export needs a ref of 1 to %d characters", board.MaxRefLen), msg.Ref)
		return
	}
	f, ok := export.ParseFormat(msg.Format)
	if !ok {
		m.sendError(board.Errorf(board.CodeBadRequest, "format must be json, svg, png or pdf"), msg.Ref)
		return
	}
	scale := 0
	if msg.Scale != nil {
		scale = *msg.Scale
		if scale < 1 || scale > export.MaxScale {
			m.sendError(board.Errorf(board.CodeBadRequest, "scale must be 1 to %d", export.MaxScale), msg.Ref)
			return
		}
	}
	bg, err := export.ParseBackground(msg.Background)
	if err != nil {
		m.sendError(err, msg.Ref)
		return
	}
	if m.exporting.Load()+int32(m.downloads.count()) >= int32(m.hub.cfg.MaxDownloads) {
		m.sendError(board.Errorf(board.CodeRateLimited, "at most %d downloads at once", m.hub.cfg.MaxDownloads), msg.Ref)
		return
	}
	m.exporting.Add(1)
	m.hub.active.Add(1)
	go func() {
		defer m.hub.active.Done()
		defer m.exporting.Add(-1)
		defer m.hub.recoverPanic(m, "export")
		// The render is bounded by its own deadline; the member waits
		// for it until then or until it leaves.
		t, err := m.hub.Export(m.gone, m.board, f, export.Options{Scale: scale, Background: bg, EmbedFonts: msg.EmbedFonts}, msg.Ref)
		if err != nil {
			m.log.Warn("export", "format", f, "err", err)
			m.sendError(err, msg.Ref)
			return
		}
		m.startDownload(t, msg.Ref, 0)
	}()
}

func (m *Member) startDownload(t *transfers.Transfer, ref string, offset int64) {
	if !m.send(m.downloads.meta(t, ref)) {
		return // the member is gone
	}
	m.downloads.start(t, offset)
	m.outbox.Kick()
}

// exportAck opens the window of a download.
func (m *Member) exportAck(msg inbound) {
	if msg.ID == "" || msg.Offset == nil || *msg.Offset < 0 {
		m.sendError(board.Errorf(board.CodeBadRequest, "export.ack needs id and a non-negative offset"), "")
		return
	}
	if m.downloads.ack(msg.ID, *msg.Offset) {
		m.outbox.Kick()
	}
}

// exportResume continues a transfer of this board from offset, on any
// connection — also after a reconnect or a restart of the node.
func (m *Member) exportResume(msg inbound) {
	if msg.ID == "" || msg.Offset == nil || *msg.Offset < 0 {
		m.sendError(board.Errorf(board.CodeBadRequest, "export.resume needs id and a non-negative offset"), "")
		return
	}
	t, ok := m.hub.transfers.Get(msg.ID)
	if !ok || t.BoardID != m.board.ID {
		m.send(encode(errorMsg{Type: "error", Code: board.CodeGone, Message: "no such download, or it expired: start the export again", ID: msg.ID}))
		return
	}
	if *msg.Offset > t.Size {
		m.send(encode(errorMsg{Type: "error", Code: board.CodeBadRequest, Message: "offset is beyond the file's size", ID: msg.ID}))
		return
	}
	if m.downloads.count() >= m.hub.cfg.MaxDownloads {
		m.send(encode(errorMsg{Type: "error", Code: board.CodeRateLimited, Message: "too many downloads at once", ID: msg.ID}))
		return
	}
	m.startDownload(t, t.Ref, *msg.Offset)
}

func (m *Member) exportCancel(msg inbound) {
	if msg.ID == "" {
		m.sendError(board.Errorf(board.CodeBadRequest, "export.cancel needs id"), "")
		return
	}
	m.downloads.cancel(msg.ID)
}
