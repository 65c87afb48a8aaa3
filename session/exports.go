package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
	"unicode/utf8"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/export"
)

// Export renders board b in format f at its current seq, or reuses a file
// already rendered at that seq. It serves sockets and HTTP alike, so both
// routes give the same bytes.
func (h *Hub) Export(ctx context.Context, b board.Board, f export.Format, scale int, ref string) (*Transfer, error) {
	opts, err := export.Options{Scale: scale}.Normalize(f)
	if err != nil {
		return nil, err
	}
	snap, err := h.Snapshot(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	if t, ok := h.transfers.Find(b.ID, snap.Seq, f, opts.Scale); ok {
		return t, nil
	}
	if err := h.acquireRender(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	data, err := export.Render(snap, f, opts)
	<-h.renders
	if err != nil {
		return nil, err
	}
	h.metrics.Renders.WithLabelValues(string(f)).Observe(time.Since(start).Seconds())
	sum := sha256.Sum256(data)
	t := &Transfer{
		BoardID:  b.ID,
		Ref:      ref,
		Format:   f,
		Scale:    opts.Scale,
		MIME:     f.MIME(),
		Filename: export.Filename(snap.Title, snap.Seq, f),
		SHA256:   hex.EncodeToString(sum[:]),
		Seq:      snap.Seq,
	}
	if err := h.transfers.Add(t, data); err != nil {
		return nil, err
	}
	return t, nil
}

// acquireRender takes a render slot, waiting in a bounded queue: rendering
// is CPU-bound, and an unbounded queue of waiting exports would hold their
// goroutines and requests for minutes.
func (h *Hub) acquireRender(ctx context.Context) error {
	select {
	case h.renders <- struct{}{}:
		return nil
	default:
	}
	if h.renderWaiting.Add(1) > int64(h.cfg.RenderQueue) {
		h.renderWaiting.Add(-1)
		return board.Errorf(board.CodeRateLimited, "too many exports are waiting to be rendered; retry in a moment")
	}
	defer h.renderWaiting.Add(-1)
	select {
	case h.renders <- struct{}{}:
		return nil
	case <-ctx.Done():
		return board.Errorf(board.CodeUnavailable, "the server is busy rendering; retry")
	}
}

// Snapshot returns board id's content now: from its live room when there is
// one (no I/O), otherwise from the store.
func (h *Hub) Snapshot(ctx context.Context, id string) (*board.Snapshot, error) {
	h.mu.Lock()
	r := h.rooms[id]
	h.mu.Unlock()
	if r != nil {
		select {
		case <-r.ready:
			r.mu.Lock()
			st := r.state
			var snap *board.Snapshot
			if st != nil && !r.closed {
				snap = st.snap.Clone()
			}
			r.mu.Unlock()
			if snap != nil {
				return snap, nil
			}
		default:
		}
	}
	_, snap, err := h.loadBoard(ctx, id, nil)
	return snap, err
}

// renderTimeout bounds how long an export request may wait for a render
// slot and render.
const renderTimeout = 2 * time.Minute

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
		ctx, cancel := context.WithTimeout(context.Background(), renderTimeout)
		defer cancel()
		t, err := m.hub.Export(ctx, m.board, f, scale, msg.Ref)
		if err != nil {
			m.log.Warn("export", "format", f, "err", err)
			m.sendError(err, msg.Ref)
			return
		}
		m.startDownload(t, msg.Ref, 0)
	}()
}

func (m *Member) startDownload(t *Transfer, ref string, offset int64) {
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

// Commit appends a server-made ops message (an import) and publishes it to
// the board, like an editor's edit.
func (h *Hub) Commit(ctx context.Context, boardID string, m board.OpsMessage) (board.OpsMessage, error) {
	snap, err := h.Snapshot(ctx, boardID)
	if err != nil {
		return board.OpsMessage{}, err
	}
	if err := snap.CheckLimits(m.Ops, h.cfg.Board); err != nil {
		return board.OpsMessage{}, err
	}
	committed, _, err := h.store.Append(ctx, boardID, m)
	if err != nil {
		return committed, err
	}
	ev := board.Event{Kind: board.EventOps, Node: h.node, Ops: &committed}
	if err := h.broker.Publish(ctx, boardID, ev); err != nil {
		h.log.Warn("publish committed ops", "board", shortID(boardID), "err", err)
	}
	return committed, nil
}
