package session

import (
	"github.com/easel-app/easel/board"
)

// The messages of presence beyond cursors: draft, view, chat, react and
// summon (their budgets were checked in onText). Each is validated here,
// on the read loop, and recorded in the room, which publishes it at the
// next tick (presencestate.go). Invalid ones get `error` bad_request
// naming the field; draft and summon from a view link get forbidden.

// draft handles the element a member is drawing right now, or
// `gone: true` when it stopped.
func (m *Member) draft(msg inbound) {
	if m.role != board.RoleEdit {
		m.sendError(board.Errorf(board.CodeForbidden, "this link is view-only: drafts are not accepted"), "")
		return
	}
	r := m.room.Load()
	if msg.Gone {
		m.draftGen++
		m.draftID = ""
		r.changePresence(m, func(p *roomPresence, peer string) {
			p.localDrafts[peer] = localDraft{peer: peer, gen: m.draftGen}
		})
		return
	}
	el, err := draftElement(msg)
	if err == nil {
		// Remembered after the first lookup: a dragged image's drafts
		// cost no store round trip each.
		err = m.hub.checkImage(m.gone, m.board.ID, r, &el, "draft.el")
	}
	if err != nil {
		m.sendError(err, "")
		return
	}
	m.draftGen++
	m.draftID = el.ID
	r.changePresence(m, func(p *roomPresence, peer string) {
		p.localDrafts[peer] = localDraft{peer: peer, gen: m.draftGen, el: &el}
	})
}

// draftElement is the element of a draft message, decoded and validated.
func draftElement(msg inbound) (board.Element, error) {
	if msg.draft != nil {
		return *msg.draft, nil
	}
	if len(msg.El) == 0 || string(msg.El) == "null" {
		return board.Element{}, board.Errorf(board.CodeBadRequest, "draft needs el (an element) or gone: true")
	}
	return board.DecodeElement(msg.El, "draft.el")
}

// draftCommitted returns the gen of the member's draft when ops put its
// element (so committing them clears it), else 0.
func (m *Member) draftCommitted(ops []board.Op) uint64 {
	if m.draftID == "" {
		return 0
	}
	for _, op := range ops {
		if op.Op == board.OpPut && op.El.ID == m.draftID {
			return m.draftGen
		}
	}
	return 0
}

// view handles the rectangle of the board the member sees.
func (m *Member) view(msg inbound) {
	if err := board.CheckView(msg.X, msg.Y, msg.W, msg.H); err != nil {
		m.sendError(err, "")
		return
	}
	v := board.View{Peer: m.peer.ID, X: *msg.X, Y: *msg.Y, W: *msg.W, H: *msg.H}
	m.room.Load().changePresence(m, func(p *roomPresence, peer string) { p.localViews[peer] = v })
}

// chat handles a line shown next to the member's cursor.
func (m *Member) chat(msg inbound) {
	text, err := board.CleanChat("chat.text", msg.Text)
	if err != nil {
		m.sendError(err, "")
		return
	}
	m.room.Load().changePresence(m, func(p *roomPresence, peer string) {
		p.localEvents.Chat = append(p.localEvents.Chat, board.Said{Peer: peer, Text: text})
	})
}

// react handles a reaction floating up from the member's cursor.
func (m *Member) react(msg inbound) {
	if err := board.CheckEmoji("react.emoji", msg.Emoji); err != nil {
		m.sendError(err, "")
		return
	}
	m.room.Load().changePresence(m, func(p *roomPresence, peer string) {
		p.localEvents.Reactions = append(p.localEvents.Reactions, board.Said{Peer: peer, Text: msg.Emoji})
	})
}

// summon asks every other member to follow the member's view.
func (m *Member) summon() {
	if m.role != board.RoleEdit {
		m.sendError(board.Errorf(board.CodeForbidden, "this link is view-only: summon is for editors"), "")
		return
	}
	m.room.Load().changePresence(m, func(p *roomPresence, peer string) {
		p.localEvents.Summons = append(p.localEvents.Summons, peer)
	})
}

// changePresence records a local member's presence change for the next
// tick (at once with the baseline relay, which relays everything as it
// comes: relay.go). A member no longer in the room changes nothing.
func (r *Room) changePresence(m *Member, change func(p *roomPresence, peer string)) {
	r.mu.Lock()
	member := r.members[m.peer.ID] == m
	if member {
		change(&r.presence, m.peer.ID)
		r.scheduleLocked()
	}
	r.mu.Unlock()
	if member {
		r.hub.relay.presenceChanged(r)
	}
}
