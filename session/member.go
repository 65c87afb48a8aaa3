package session

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/easel-app/easel/board"
)

// Member is one WebSocket connection to a board. It becomes part of the
// room once it has said hello.
type Member struct {
	hub       *Hub
	board     board.Board
	role      board.Role
	log       *slog.Logger
	outbox    *Outbox
	downloads *downloads

	conn       Conn // set when the transport connects (Hub.connected)
	helloTimer *time.Timer
	closing    atomic.Bool
	exporting  atomic.Int32 // exports being rendered for this member
	releaseCap func()       // frees this connection's place under the caps
	closeOnce  sync.Once
	// gone is done once the connection has ended (leave cancels it): what
	// the member's exports wait on.
	gone  context.Context
	leave context.CancelFunc

	// room is set once, when the member is admitted at hello.
	room atomic.Pointer[Room]

	// Read-loop state: only touched by this session's read loop.
	peer     board.Peer
	refScope string // whose refs this member's are (see refScope); set at hello
	budgets  connBudgets
	// opsQueue feeds the member's commit worker, started at the first edit;
	// the read loop never waits for an fsync. Closed when the connection
	// ends.
	opsQueue chan opsRequest

	// Room state: guarded by room.mu.
	fullDue bool        // the next flush sends it every known cursor, draft and view, not only changes
	missed  missedTicks // the ticks it skipped while behind (conflate.go)

	// Read-loop state of the member's drafts: the id of the element of its
	// latest draft ("" when it has none) and the number of its drafts so
	// far (board.Draft.Gen).
	draftID  string
	draftGen uint64
}

// admitted reports whether the member has said hello (read loop only).
func (m *Member) admitted() bool { return m.room.Load() != nil }

// send queues one encoded message; false when the member is gone.
func (m *Member) send(msg []byte) bool { return m.outbox.Enqueue(msg) }

// sendTick queues a member's tick frame (tickframe.go): shared (owner
// nil) or its own in a pool buffer, which goes back once written.
func (m *Member) sendTick(frame []byte, owner *[]byte) {
	switch {
	case owner != nil:
		m.outbox.EnqueueTick(*owner, owner)
	case frame != nil:
		m.outbox.EnqueueTick(frame, nil)
	}
}

// sendUnpacked writes msg as a frame of its own straight to the
// connection, bypassing the outbox's packing: the per-message broadcast of
// melody's examples and of Excalidraw's room server, which the baseline
// relay (relay.go) reproduces for cursors so benchmarks can compare
// against it.
func (m *Member) sendUnpacked(msg []byte) {
	if m.closing.Load() {
		return
	}
	m.writeFrame(msg)
}

// writeFrame hands one text frame to the connection: the outbox's writer.
func (m *Member) writeFrame(frame []byte) {
	if err := m.conn.WriteText(frame); err != nil {
		m.log.Debug("write to closed connection", "err", err)
	}
}

// writeBinaryFrame hands one export chunk to the connection.
func (m *Member) writeBinaryFrame(frame []byte) {
	if err := m.conn.WriteBinary(frame); err != nil {
		m.log.Debug("write to closed connection", "err", err)
	}
}

// sendError tells the member a request failed; the connection stays.
func (m *Member) sendError(err error, ref string) {
	m.send(encodeError(board.ErrorCode(err), board.ClientMessage(err), ref))
}

// closeWith closes the connection with a close code, once. The close goes
// around the outbox (Conn.WriteClose), after what the member was last told:
// the frame guard sees it go out, ends the read loop (the member leaves at
// once) and lets the socket linger, draining what the client still sends,
// so that the close frame is read before the socket closes (linger.go).
func (m *Member) closeWith(code int, reason string) {
	if !m.closing.CompareAndSwap(false, true) {
		return
	}
	m.hub.metrics.Closes.WithLabelValues(strconv.Itoa(code)).Inc()
	m.log.Info("closing connection", "code", code, "reason", reason)
	conn := m.conn
	// What the member was told last (the error that explains the close)
	// goes out first, for at most closeFlushWait: a member that does not
	// read (a slow consumer's outbox is already shut) is not waited for.
	giveUp := time.AfterFunc(closeFlushWait, m.outbox.Shut)
	m.outbox.Drain(func() {
		giveUp.Stop()
		go func() {
			if err := conn.WriteClose(code, reason, time.Now().Add(m.hub.cfg.WriteWait)); err != nil {
				conn.Close() // the close cannot be delivered; nothing to wait for
			}
		}()
	})
}

// closeFlushWait bounds how long a close waits for the frames already
// queued for the member to be written before its close frame.
const closeFlushWait = time.Second

// failWith fails a connection whose read side is already broken (the read
// loop has ended and the transport closes the socket when this returns):
// the close is written now, or never.
func (m *Member) failWith(code int, reason string) {
	if !m.closing.CompareAndSwap(false, true) {
		return
	}
	m.outbox.Shut()
	m.hub.metrics.Closes.WithLabelValues(strconv.Itoa(code)).Inc()
	m.log.Info("failing connection", "code", code, "reason", reason)
	m.conn.WriteClose(code, reason, time.Now().Add(m.hub.cfg.WriteWait))
}

// closeSlow is the outbox's overflow action: the member leaves the room at
// once (the others see `leave` now, not after the TCP buffers drain) and is
// closed with 1013, to catch up on reconnect.
func (m *Member) closeSlow() {
	m.hub.metrics.SlowConsumerCloses.Inc()
	m.log.Warn("slow consumer: outbox overflowed", "limit", m.hub.cfg.OutboxBytes)
	m.closeWith(1013, "slow consumer: reconnect to catch up")
	go m.leaveRoom()
}

// closeSlowBehind closes, as closeSlow does, a member that kept skipping
// ticks (conflate.go) rather than overflowing its outbox.
func (m *Member) closeSlowBehind() {
	if m.closing.Load() {
		return
	}
	m.hub.metrics.SlowConsumerCloses.Inc()
	m.log.Warn("slow consumer: skipped most ticks", "lag", m.missed.lag)
	m.outbox.Shut() // what waits is stale, and the close frame should not wait behind it
	m.closeWith(1013, "slow consumer: reconnect to catch up")
	go m.leaveRoom()
}

// leaveRoom takes the member out of its room, once, from whichever path
// notices first (disconnect, slow close).
func (m *Member) leaveRoom() {
	m.closeOnce.Do(func() {
		if r := m.room.Load(); r != nil {
			r.remove(m)
		}
	})
}
