package session

import (
	"encoding/json"

	"github.com/easel-app/easel/board"
)

// roomPresence is a room's presence beyond cursors (board.Presence): what
// every peer on the board (any node) shows now, what changed since the
// last flush, and what this node's members did that is not yet published.
// Guarded by Room.mu.
//
// Bounds: a peer holds one draft (an element, bounded like an ops
// element) and one view; chat lines and reactions wait at most one tick
// and their budget allows ChatMessages per member per ChatWindow; summons
// wait one tick and cost a peer id each. So memory is constant per member.
type roomPresence struct {
	drafts        map[string]draftState // every peer that drafted: the latest
	views         map[string]board.View
	draftsChanged map[string]struct{} // since the last flush (absent from drafts or el nil: cleared)
	viewsChanged  map[string]struct{}
	events        board.Presence // chat, reactions, summons since the last flush

	// This node's members' changes, published at the next tick.
	localDrafts map[string]localDraft
	localViews  map[string]board.View
	localEvents board.Presence
}

// draftState is a peer's draft as this node knows it. gen only grows: a
// draft cleared by a commit keeps the commit's gen, so an older draft
// arriving after the commit is ignored.
type draftState struct {
	gen uint64
	el  json.RawMessage // nil: no draft
}

// localDraft is a local member's latest draft: el nil clears it; raw is
// its encoding when already known (a draft published again), else the
// tick encodes el (once, off the room lock).
type localDraft struct {
	peer string
	gen  uint64
	el   *board.Element
	raw  json.RawMessage
}

func newRoomPresence() roomPresence {
	return roomPresence{
		drafts:        make(map[string]draftState),
		views:         make(map[string]board.View),
		draftsChanged: make(map[string]struct{}),
		viewsChanged:  make(map[string]struct{}),
		localDrafts:   make(map[string]localDraft),
		localViews:    make(map[string]board.View),
	}
}

// localPending reports whether local changes wait to be published.
func (p *roomPresence) localPending() bool {
	return len(p.localDrafts) > 0 || len(p.localViews) > 0 || !p.localEvents.Empty()
}

// hasState reports whether a joiner has drafts or views to be shown.
func (p *roomPresence) hasState() bool { return len(p.views) > 0 || p.anyDraft() }

func (p *roomPresence) anyDraft() bool {
	for _, d := range p.drafts {
		if d.el != nil {
			return true
		}
	}
	return false
}

// forgetLocal drops what a local member that left had not published yet.
func (p *roomPresence) forgetLocal(peer string) {
	delete(p.localDrafts, peer)
	delete(p.localViews, peer)
}

// takeLocal takes the local changes for one tick's publish: drafts up to
// maxDraftBytes (at least one; the rest wait for the next tick) and
// everything else. deferred counts the drafts left for later.
func (p *roomPresence) takeLocal(maxDraftBytes int) (ev *board.Presence, drafts []localDraft, deferred int) {
	if !p.localPending() {
		return nil, nil, 0
	}
	ev = &board.Presence{}
	budget := maxDraftBytes
	for peer, d := range p.localDrafts {
		size := len(d.raw)
		if d.el != nil && d.raw == nil {
			size = int(board.ElementBytes(d.el))
		}
		if len(drafts) > 0 && size > budget {
			deferred++
			continue
		}
		budget -= size
		drafts = append(drafts, d)
		delete(p.localDrafts, peer)
	}
	for peer, v := range p.localViews {
		ev.Views = append(ev.Views, v)
		delete(p.localViews, peer)
	}
	ev.Chat, ev.Reactions, ev.Summons = p.localEvents.Chat, p.localEvents.Reactions, p.localEvents.Summons
	p.localEvents = board.Presence{}
	return ev, drafts, deferred
}

// apply takes in one node's published presence (this node's too); present
// tells whether a peer is on the board (late news of a peer that left is
// dropped, as for cursors). It reports whether anything changed.
func (p *roomPresence) apply(ev *board.Presence, present func(string) bool) bool {
	changed := false
	for _, d := range ev.Drafts {
		if !present(d.Peer) {
			continue
		}
		cur, had := p.drafts[d.Peer]
		if had && d.Gen <= cur.gen {
			continue // older than what this node has, or committed already
		}
		el := d.El
		if len(el) == 0 || string(el) == "null" {
			el = nil
		}
		p.drafts[d.Peer] = draftState{gen: d.Gen, el: el}
		if el != nil || cur.el != nil {
			p.draftsChanged[d.Peer] = struct{}{}
			changed = true
		}
	}
	for _, v := range ev.Views {
		if !present(v.Peer) || p.views[v.Peer] == v {
			continue
		}
		p.views[v.Peer] = v
		p.viewsChanged[v.Peer] = struct{}{}
		changed = true
	}
	for _, s := range ev.Chat {
		if present(s.Peer) {
			p.events.Chat = append(p.events.Chat, s)
			changed = true
		}
	}
	for _, s := range ev.Reactions {
		if present(s.Peer) {
			p.events.Reactions = append(p.events.Reactions, s)
			changed = true
		}
	}
	for _, peer := range ev.Summons {
		if present(peer) {
			p.events.Summons = append(p.events.Summons, peer)
			changed = true
		}
	}
	return changed
}

// clearCommitted clears peer's draft when an ops message of peer commits
// draft gen (or a later one): the element is on the board now. A draft
// newer than the commit stays. The local pending one goes too when it is
// as old: every node clears it on the same ops event, so there is nothing
// to publish. It reports whether a shown draft was cleared.
func (p *roomPresence) clearCommitted(peer string, gen uint64) bool {
	if gen == 0 {
		return false
	}
	if d, ok := p.localDrafts[peer]; ok && d.gen <= gen {
		delete(p.localDrafts, peer)
	}
	cur := p.drafts[peer]
	if cur.gen > gen {
		return false
	}
	p.drafts[peer] = draftState{gen: gen}
	if cur.el == nil {
		return false
	}
	p.draftsChanged[peer] = struct{}{}
	return true
}

// drop forgets a peer that left the board; its draft, if it had one, is
// sent as cleared at the next flush. It reports whether there is
// something to send.
func (p *roomPresence) drop(peer string) bool {
	delete(p.views, peer)
	delete(p.viewsChanged, peer)
	p.forgetLocal(peer)
	d, had := p.drafts[peer]
	delete(p.drafts, peer)
	if had && d.el != nil {
		p.draftsChanged[peer] = struct{}{}
		return true
	}
	delete(p.draftsChanged, peer)
	return false
}

// republish queues the current drafts and views of the given local
// members for the next tick: another node just started serving the board
// and knows nothing of them yet. Nodes that do know them ignore the drafts
// (same gen) and the views (same values).
func (p *roomPresence) republish(local map[string]*Member) bool {
	queued := false
	for id := range local {
		if d, ok := p.drafts[id]; ok && d.el != nil {
			if _, newer := p.localDrafts[id]; !newer {
				p.localDrafts[id] = localDraft{peer: id, gen: d.gen, raw: d.el}
				queued = true
			}
		}
		if v, ok := p.views[id]; ok {
			if _, newer := p.localViews[id]; !newer {
				p.localViews[id] = v
				queued = true
			}
		}
	}
	return queued
}

// fillChanges writes what changed since the last flush into b.
func (p *roomPresence) fillChanges(b *presenceBatch) {
	b.reset()
	for id := range p.draftsChanged {
		b.addDraft(id, p.drafts[id].el)
	}
	for id := range p.viewsChanged {
		b.addView(p.views[id])
	}
	p.fillEvents(b)
}

// fillFull writes everything a joiner is shown into b: every draft and
// view there is, and this tick's events.
func (p *roomPresence) fillFull(b *presenceBatch) {
	p.fillState(b)
	p.fillEvents(b)
}

// fillState writes every draft and view there is into b, no events.
func (p *roomPresence) fillState(b *presenceBatch) {
	b.reset()
	for id, d := range p.drafts {
		if d.el != nil {
			b.addDraft(id, d.el)
		}
	}
	for _, v := range p.views {
		b.addView(v)
	}
}

// clearedDrafts appends to dst the peers whose draft this tick cleared.
func (p *roomPresence) clearedDrafts(dst []string) []string {
	for id := range p.draftsChanged {
		if !p.drafting(id) {
			dst = append(dst, id)
		}
	}
	return dst
}

// drafting reports whether peer id has a draft now.
func (p *roomPresence) drafting(id string) bool { return p.drafts[id].el != nil }

func (p *roomPresence) fillEvents(b *presenceBatch) {
	for _, s := range p.events.Chat {
		b.addChat(s)
	}
	for _, s := range p.events.Reactions {
		b.addReaction(s)
	}
	for _, peer := range p.events.Summons {
		b.addSummon(peer)
	}
}

// endFlush forgets the changes and events a flush has sent.
func (p *roomPresence) endFlush() {
	clear(p.draftsChanged)
	clear(p.viewsChanged)
	p.events = board.Presence{}
}
