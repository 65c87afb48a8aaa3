package session

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/easel-app/easel/board"
)

// Room is one board's live state on this node: its local members, everyone
// present on the board (on any node), and the latest cursor of each, and
// their presence beyond cursors (drafts, views, chat, reactions, summons:
// presencestate.go), which travels and is flushed with the cursors.
//
// Cursors are latest-wins. A local move only marks the member's cursor
// dirty; at most once per tick the room publishes this node's dirty cursors
// as one Event through the Broker (every node's room, this one included,
// receives it in onEvent) and writes each member one `cursors` message with
// what changed since its previous one. That is O(members) frames per tick,
// not O(members²) per move. An idle room schedules nothing.
type Room struct {
	id  string
	hub *Hub

	unsubscribe func() // set once at creation, before the room is shared

	// ready is closed once the board is loaded (or failed to: loadErr).
	ready   chan struct{}
	loadErr error

	mu             sync.Mutex
	closed         bool
	joining        int                     // admissions waiting for ready; guarded by Hub.mu
	state          *boardState             // nil until loaded
	unloadedOps    []*board.OpsMessage     // ops events that arrived before the load
	gapFillPending bool                    // a fillGap is scheduled
	reloading      bool                    // lost writes found: the room is being retired (lostwrites.go)
	knownSeq       uint64                  // the highest seq another node announced
	nodeSeen       map[string]time.Time    // other nodes' last announcement
	peerNode       map[string]string       // remote peer → its node
	members        map[string]*Member      // local, admitted members by peer id
	peers          map[string]board.Peer   // everyone on the board, every node
	cursors        map[string]board.Cursor // latest visible cursor of each peer
	changed        map[string]struct{}     // cursors changed since the last flush
	gone           map[string]struct{}     // cursors gone since the last flush
	localDirty     map[string]board.Cursor // local moves not yet published
	localGone      map[string]struct{}     // local cursors gone, not yet published
	flushPending   bool                    // a tick is scheduled or running
	lastTick       time.Time
	batch          cursorBatch   // reused by every flush
	presence       roomPresence  // drafts, views and events (presencestate.go)
	presenceBatch  presenceBatch // reused by every flush
	draftEncoder   draftEncoder  // the ticks' own, off mu
	touchedAt      time.Time     // when the store last heard the board is in use (deleted.go)

	// opsBytes is the board's ops bytes budget on this node, shared by
	// its editors' read loops (BoardOpsBytesRate); its own leaf lock.
	opsBytes sharedBucket
	// blobs are the images the board is known to hold (blobcheck.go);
	// their own leaf lock.
	blobs knownBlobs
}

func newRoom(id string, h *Hub) *Room {
	return &Room{
		id:         id,
		hub:        h,
		opsBytes:   sharedBucket{b: newTokenBucket(h.cfg.BoardOpsBytesRate)},
		ready:      make(chan struct{}),
		members:    make(map[string]*Member),
		peers:      make(map[string]board.Peer),
		cursors:    make(map[string]board.Cursor),
		changed:    make(map[string]struct{}),
		gone:       make(map[string]struct{}),
		localDirty: make(map[string]board.Cursor),
		localGone:  make(map[string]struct{}),
		nodeSeen:   make(map[string]time.Time),
		peerNode:   make(map[string]string),
		presence:   newRoomPresence(),
	}
}

// load reads the board from the store, through the node's bound on
// concurrent loads. The log's tail (what the stored snapshot lacks) is
// streamed into the catch-up ring (itself bounded) as it is read, held
// decoded (sharing the snapshot's elements) until a `since` asks for it
// encoded, so a load holds the board and little more, never the whole
// log nor a second encoding of its tail; older messages
// are not read at all (a member reconnecting from before them gets the
// board in its welcome instead). Events that arrive meanwhile
// are applied on top, so nothing committed between the subscription and
// the read is missed.
func (r *Room) load() {
	defer close(r.ready)
	defer r.hub.recoverBackground("board load", func() {
		r.loadErr = board.Errorf(board.CodeInternal, "the board could not be loaded")
	})
	recent := recentOps{
		maxMsgs:  r.hub.cfg.CatchUpMessages,
		maxBytes: r.hub.cfg.CatchUpBytes,
	}
	epoch, snap, err := r.hub.loadBoard(context.Background(), r.id, func(m *board.OpsMessage) {
		recent.addLoaded(m)
	})
	if err != nil {
		r.loadErr = err
		r.hub.log.Error("load board", "board", shortID(r.id), "err", err)
		return
	}
	st := &boardState{
		epoch:  epoch,
		snap:   snap,
		early:  make(map[uint64]*board.OpsMessage),
		recent: recent,
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.state = st
	for _, m := range r.unloadedOps {
		st.apply(m)
	}
	r.unloadedOps = nil
}

// admitLocked makes m a member. It is sent its welcome first — with the
// board's content, or only what it missed when its `since` is still
// covered — so that nothing of the room reaches it before. Called with
// Hub.mu held, after ready; the caller then publishes the join.
func (r *Room) admitLocked(m *Member, since *since) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.touchLocked(time.Now())
	peers := make([]board.Peer, 0, len(r.peers))
	for id, p := range r.peers {
		if id != m.peer.ID {
			peers = append(peers, p)
		}
	}
	st := r.state
	var missed [][]byte
	recovered := false
	if since != nil && since.Epoch == st.epoch {
		if msgs, ok := st.recent.after(since.Seq, st.snap.Seq, r.hub.cfg.OutboxBytes/2); ok {
			// Beyond half the outbox, a snapshot is the cheaper way back
			// (and replaying would overflow the outbox at once).
			recovered, missed = true, msgs
		}
	}
	ws := welcomeState{peers: peers, epoch: st.epoch, seq: st.snap.Seq, title: st.snap.Title, recovered: recovered}
	if !recovered {
		ws.elements = st
	}
	m.send(m.welcome(ws))
	for _, msg := range missed {
		m.send(msg)
	}
	r.members[m.peer.ID] = m
	m.room.Store(r)
	if len(r.cursors) > 0 || r.presence.hasState() {
		m.fullDue = true
		r.scheduleLocked()
	}
}

// fillGap runs when committed messages have waited GapWait for an earlier
// seq whose publish never came (a worker that died after its commit, a
// broker that dropped a message): the missing ones are read from the store,
// so members never stall and never see a gap.
func (r *Room) fillGap() {
	defer r.hub.recoverBackground("gap fill", nil)
	r.mu.Lock()
	r.gapFillPending = false
	if r.closed || r.state == nil || (len(r.state.early) == 0 && r.knownSeq <= r.state.snap.Seq) {
		r.mu.Unlock()
		return
	}
	epoch, after := r.state.epoch, r.state.snap.Seq
	r.mu.Unlock()

	missing, err := r.hub.store.Since(context.Background(), r.id, epoch, after)
	r.mu.Lock()
	defer r.mu.Unlock()
	if errors.Is(err, board.ErrHistoryGone) {
		// The store is behind the room or in another epoch: it lost what
		// the room applied. Waiting cannot fill this gap.
		go r.reloadAfterLoss("the store has no history after the room's seq in its epoch (lost writes, or a gap older than the retained log)", &board.OpsMessage{Seq: after})
		return
	}
	if err != nil {
		r.hub.log.Error("fill a gap in the board's ops from the store", "board", shortID(r.id), "after", after, "err", err)
	}
	for i := range missing {
		for _, msg := range r.state.apply(&missing[i]) {
			r.sendAllLocked(msg, "")
		}
	}
	if len(r.state.early) > 0 && !r.closed {
		r.scheduleGapFillLocked()
	}
}

// scheduleGapFillLocked arranges a fillGap after GapWait, once.
func (r *Room) scheduleGapFillLocked() {
	if r.gapFillPending || r.closed {
		return
	}
	r.gapFillPending = true
	time.AfterFunc(r.hub.cfg.GapWait, r.fillGap)
}

// remove takes m out of the room and tells the board it left. Idempotent.
func (r *Room) remove(m *Member) {
	r.mu.Lock()
	if r.members[m.peer.ID] != m {
		r.mu.Unlock()
		return
	}
	delete(r.members, m.peer.ID)
	delete(r.localDirty, m.peer.ID)
	delete(r.localGone, m.peer.ID)
	r.presence.forgetLocal(m.peer.ID)
	r.mu.Unlock()

	r.publish(board.Event{Kind: board.EventLeave, PeerID: m.peer.ID})
	r.hub.releaseRoom(r)
}

// setCursor records a local member's move (a laser pointer's, when laser).
func (r *Room) setCursor(m *Member, x, y float64, laser bool) {
	r.hub.relay.cursor(r, m, board.Cursor{Peer: m.peer.ID, X: x, Y: y, Laser: laser}, false)
}

// cursorGone records that a local member's pointer left the board.
func (r *Room) cursorGone(m *Member) {
	r.hub.relay.cursor(r, m, board.Cursor{Peer: m.peer.ID}, true)
}

// publish sends ev to every node's room for this board. The Broker
// delivers to this node synchronously, so it must not be called with r.mu
// held. A failure means only that other nodes may miss the event; local
// members were served.
func (r *Room) publish(ev board.Event) { r.hub.publish(context.Background(), r.id, ev) }

// onEvent applies an event from the Broker (from this node or another).
func (r *Room) onEvent(ev board.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	switch ev.Kind {
	case board.EventPresence:
		r.onPresenceLocked(ev)
		return
	case board.EventDeleted:
		r.onDeletedLocked()
		return
	case board.EventSync:
		if ev.Node != r.hub.node {
			go r.announce() // not from inside the broker's delivery
			// The new node knows nobody's draft or view: ours go out again.
			if r.presence.republish(r.members) {
				r.scheduleLocked()
			}
		}
		return
	case board.EventJoin:
		if ev.Peer == nil {
			return
		}
		p := *ev.Peer
		if ev.Node != "" && ev.Node != r.hub.node {
			r.peerNode[p.ID] = ev.Node
			r.nodeSeen[ev.Node] = time.Now()
		}
		_, known := r.peers[p.ID]
		r.peers[p.ID] = p
		if !known {
			r.sendAllLocked(encode(joinMsg{Type: "join", Peer: p}), p.ID)
		}
	case board.EventLeave:
		if _, known := r.peers[ev.PeerID]; !known {
			return
		}
		delete(r.peers, ev.PeerID)
		delete(r.peerNode, ev.PeerID)
		r.sendAllLocked(encode(leaveMsg{Type: "leave", ID: ev.PeerID}), ev.PeerID)
		r.dropCursorLocked(ev.PeerID)
		r.presence.drop(ev.PeerID)
	case board.EventOps:
		if ev.Ops == nil {
			return
		}
		defer r.clearCommittedDraftLocked(ev)
		if r.state == nil {
			r.unloadedOps = append(r.unloadedOps, ev.Ops)
			return
		}
		if r.eventLostLocked(ev.Ops) {
			go r.reloadAfterLoss("a published commit contradicts what the room applied", ev.Ops)
			return
		}
		for _, msg := range r.state.apply(ev.Ops) {
			r.sendAllLocked(msg, "") // the author too: its own ref is the ack
		}
		if len(r.state.early) > 0 {
			r.scheduleGapFillLocked()
		}
		return
	case board.EventCursors:
		for _, c := range ev.Cursors {
			if _, present := r.peers[c.Peer]; !present {
				continue // a late move of someone who already left
			}
			r.cursors[c.Peer] = c
			r.changed[c.Peer] = struct{}{}
			delete(r.gone, c.Peer)
		}
		for _, id := range ev.Gone {
			r.dropCursorLocked(id)
		}
		if ev.Presence != nil {
			r.presence.apply(ev.Presence, r.presentLocked)
		}
	}
	r.hub.relay.eventLocked(r)
}

// presentLocked tells whether peer id is on the board (on any node).
func (r *Room) presentLocked(id string) bool {
	_, ok := r.peers[id]
	return ok
}

// clearCommittedDraftLocked clears the draft an ops event commits (after
// the ops went out to the members, so a client drops the draft as the
// element arrives, never before) and flushes the change as other events
// are flushed.
func (r *Room) clearCommittedDraftLocked(ev board.Event) {
	if ev.DraftGen == 0 || !r.presentLocked(ev.Ops.By) || !r.presence.clearCommitted(ev.Ops.By, ev.DraftGen) {
		return
	}
	r.hub.relay.eventLocked(r)
}

func (r *Room) dropCursorLocked(id string) {
	if _, had := r.cursors[id]; !had {
		return
	}
	delete(r.cursors, id)
	delete(r.changed, id)
	r.gone[id] = struct{}{}
}

// sendAllLocked queues msg to every local member except the peer skip.
func (r *Room) sendAllLocked(msg []byte, skip string) {
	for id, m := range r.members {
		if id != skip {
			m.send(msg)
		}
	}
}

// scheduleLocked arranges for the room's pending changes to go out, as
// the hub's relay does it (relay.go).
func (r *Room) scheduleLocked() { r.hub.relay.scheduleLocked(r) }

// scheduleTickLocked arranges a tick at the next tick boundary, unless one
// is already pending: a busy room ticks every Tick, an idle one never.
func (r *Room) scheduleTickLocked() {
	if r.flushPending || r.closed {
		return
	}
	r.flushPending = true
	next := r.lastTick.Add(r.hub.cfg.Tick)
	if r.multiNodeLocked() {
		// Every node ticks on the same wall-clock boundaries (multiples of
		// Tick), so the batch one node publishes at a boundary reaches the
		// others before they flush, CursorGather later: members on other
		// nodes get it in the same frame as local moves, not a tick late.
		next = later(next, time.Now().Truncate(r.hub.cfg.Tick).Add(r.hub.cfg.Tick))
	}
	time.AfterFunc(max(time.Until(next), 0), r.tick)
}

// multiNodeLocked tells whether other nodes have members on this board.
func (r *Room) multiNodeLocked() bool { return len(r.nodeSeen) > 0 }

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// tick publishes this node's cursor and presence changes and flushes to
// members. flushPending stays set until the flush is done, so the
// synchronous delivery of our own publish does not schedule a second tick.
func (r *Room) tick() {
	defer r.hub.recoverBackground("cursor tick", r.tickFailed)
	start := time.Now()
	ev, drafts, gather, ok := r.beginTick(start)
	if !ok {
		return
	}
	if len(drafts) > 0 {
		// Encoded here, off the room lock, once per draft and tick (a
		// member may send many between two ticks; only the last is).
		ev.Presence.Drafts = r.draftEncoder.encodeDrafts(drafts)
	}
	if ev.Kind != "" {
		r.publish(ev)
	}
	if gather {
		time.AfterFunc(r.hub.cfg.CursorGather-time.Since(start), func() { r.flush(start) })
		return
	}
	r.flush(start)
}

// beginTick takes this node's cursor and presence changes for the tick
// starting at start: the event to publish, and the drafts to encode into
// it. ok is false when the room has closed.
func (r *Room) beginTick(start time.Time) (ev board.Event, drafts []localDraft, gather, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return ev, nil, false, false
	}
	r.lastTick = start
	gather = r.multiNodeLocked() && r.hub.cfg.CursorGather > 0
	if gather {
		r.lastTick = start.Truncate(r.hub.cfg.Tick) // the boundary this tick is for
	}
	if len(r.localDirty) > 0 || len(r.localGone) > 0 {
		ev = board.Event{Kind: board.EventCursors, Cursors: make([]board.Cursor, 0, len(r.localDirty))}
		for _, c := range r.localDirty {
			ev.Cursors = append(ev.Cursors, c)
		}
		for id := range r.localGone {
			ev.Gone = append(ev.Gone, id)
		}
		clear(r.localDirty)
		clear(r.localGone)
	}
	presence, drafts, deferred := r.presence.takeLocal(r.hub.cfg.DraftBytesPerTick)
	if presence != nil {
		ev.Kind, ev.Presence = board.EventCursors, presence
	}
	if deferred > 0 {
		r.hub.metrics.DraftsDeferred.Add(float64(deferred))
	}
	return ev, drafts, gather, true
}

// flush ends the tick that began at start: every member gets its frame.
func (r *Room) flush(start time.Time) {
	defer r.hub.recoverBackground("cursor flush", r.tickFailed)
	defer func() { r.hub.metrics.TickDuration.Observe(time.Since(start).Seconds()) }()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if hook := r.hub.testHookTick; hook != nil {
		hook()
	}
	behind := r.flushLocked()
	r.flushPending = false
	if behind || len(r.localDirty) > 0 || len(r.localGone) > 0 || r.presence.localPending() {
		// Moves that arrived while we published found flushPending set and
		// scheduled nothing; without this the last of them would never go
		// out (a remote cursor stuck one step short). Drafts deferred by
		// DraftBytesPerTick go at the next tick the same way.
		r.scheduleLocked()
	}
}

// tickFailed repairs a room whose tick panicked: the tick is no longer
// pending, so the next move schedules a new one, and every member gets
// the whole cursor set, drafts and views at it (what the failed flush
// would have carried — chat lines, reactions, summons too — is lost with
// it).
func (r *Room) tickFailed() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flushPending = false
	for _, m := range r.members {
		m.fullDue = true
	}
	r.presence.endFlush()
	if !r.closed {
		r.scheduleLocked()
	}
}

// flushLocked writes each member one `cursors` message with the cursor
// changes since its previous one and one `presence` message with the
// presence changes and events (or, for a member just admitted, every
// cursor, draft and view there is), both in one frame, never its own.
// It reports whether a member skipped this tick (conflate.go): the room
// then ticks again, though nothing changes, to send its catch-up frame.
func (r *Room) flushLocked() (behind bool) {
	b := &r.batch
	b.reset()
	for id := range r.changed {
		b.add(r.cursors[id])
	}
	for id := range r.gone {
		b.addGone(id)
	}
	clear(r.changed)
	clear(r.gone)
	p := &r.presenceBatch
	r.presence.fillChanges(p)

	changes := tickFrame{cursors: b, presence: p}
	var full, state *tickFrame
	var cleared []string
	clearedDone := false
	for id, m := range r.members {
		f := &changes
		if m.fullDue {
			m.fullDue = false
			m.missed.reset()
			if full == nil {
				full = r.fullFrame(true)
			}
			f = full
		}
		if r.hub.relay.sendAlone(f, m, id) {
			continue
		}
		if f == &changes && (m.missed.skipping || m.outbox.TickWaiting()) {
			if !clearedDone {
				cleared, clearedDone = r.presence.clearedDrafts(nil), true
			}
			if m.outbox.TickWaiting() {
				r.hub.metrics.TicksSkipped.Inc()
				if m.missed.skip(id, f, cleared) {
					m.closeSlowBehind()
				} else {
					behind = true
				}
				continue
			}
			if state == nil {
				state = r.fullFrame(false)
			}
			m.missed.took()
			m.sendTick(m.missed.catchUp(id, f, state, cleared, r.hasCursor, r.presence.drafting))
			continue
		}
		m.missed.took()
		m.sendTick(f.frameFor(id))
	}
	r.presence.endFlush()
	return behind
}

// fullFrame is every cursor, draft and view there is, and with events
// this tick's chat, reactions and summons: what a joiner is shown. A
// catch-up frame (conflate.go) takes it without events.
func (r *Room) fullFrame(events bool) *tickFrame {
	f := &tickFrame{cursors: &cursorBatch{}, presence: &presenceBatch{}}
	for _, c := range r.cursors {
		f.cursors.add(c)
	}
	if events {
		r.presence.fillFull(f.presence)
	} else {
		r.presence.fillState(f.presence)
	}
	return f
}

func (r *Room) hasCursor(id string) bool {
	_, ok := r.cursors[id]
	return ok
}
