package session

// Conflation: a member that has not begun to take its previous tick frame
// (it is still waiting behind one melody writes: tickWaiting) skips the
// tick. What it missed is latest-wins — cursors, drafts, views — except
// what disappeared (cursors gone, drafts cleared) and the events (chat,
// reactions, summons), so those are all the member keeps while it skips.
// At the first tick its outbox is free again it gets one catch-up frame:
// the room's whole state (encoded once per tick for all such members)
// plus what it kept. So a member that falls behind — a slow link, a
// reader starved of CPU — gets fewer, newer frames instead of every frame
// late, and the frames that wait for it never pile up past one.
//
// A member that keeps skipping is too slow for its room: when more than
// slowLag of its recent ticks (a moving average over about lagTicks
// ticks) were skipped, or it has kept more than maxMissed entries, it is
// closed with 1013 like one whose outbox overflowed.
//
// Everything here is guarded by the room's mu.

const (
	// lagTicks is the moving average's span, in ticks (0.8 s at 33 ms).
	lagTicks = 24
	// slowLag: 3 ticks in 4 skipped, sustained (a stalled member gets
	// there after 33 ticks, 1.1 s). A reader a tenth as fast as its room
	// (S6: 10 KB/s where the room sends 150 KB/s) skips 80–95 % of the
	// ticks, depending on how fast the room ticks; one starved of CPU now
	// and then (S10's) skips fewer than one in five.
	slowLag   = 0.75
	maxMissed = 512 // gone cursors, cleared drafts and events kept
)

// missedTicks is one member's record of the ticks it skipped.
type missedTicks struct {
	skipping        bool
	lag             float64 // moving average of skipped (1) and taken (0) ticks
	gone, cleared   []string
	chat, reactions entryList
	summon          string
	kept            int
}

// skip records a skipped tick and reports whether the member is now too
// slow to keep.
func (t *missedTicks) skip(self string, f *tickFrame, cleared []string) (tooSlow bool) {
	t.skipping = true
	t.lag += (1 - t.lag) / lagTicks
	t.keep(self, f, cleared)
	return t.lag > slowLag || t.kept > maxMissed
}

// took records a tick the member takes.
func (t *missedTicks) took() { t.lag -= t.lag / lagTicks }

// keep adds what of tick f cannot be rebuilt from the room's state later.
func (t *missedTicks) keep(self string, f *tickFrame, cleared []string) {
	for _, id := range f.cursors.gone {
		if id != self {
			t.gone = append(t.gone, id)
		}
	}
	for _, id := range cleared {
		if id != self {
			t.cleared = append(t.cleared, id)
		}
	}
	t.chat.copyFrom(&f.presence.chat, self)
	t.reactions.copyFrom(&f.presence.reactions, self)
	for i := len(f.presence.summons) - 1; i >= 0; i-- {
		if f.presence.summons[i] != self {
			t.summon = f.presence.summons[i]
			break
		}
	}
	t.kept = len(t.gone) + len(t.cleared) + t.chat.len() + t.reactions.len()
}

// reset forgets what was kept, keeping the lag and the buffers.
func (t *missedTicks) reset() {
	t.skipping, t.summon, t.kept = false, "", 0
	t.gone, t.cleared = t.gone[:0], t.cleared[:0]
	t.chat.reset()
	t.reactions.reset()
}

// catchUp returns the member's catch-up frame after tick f: state (every
// cursor, draft and view there is now; no events) and what it kept of
// the ticks it skipped and of this one, never its own entries. present
// and drafting tell whether a peer has a cursor or a draft now: a gone or
// cleared entry for one that came back since is left out.
func (t *missedTicks) catchUp(self string, f, state *tickFrame, cleared []string, present, drafting func(string) bool) (frame []byte, owner *[]byte) {
	t.keep(self, f, cleared)
	cursors := cursorBatch{c: state.cursors.c, gone: unique(t.gone, present)}
	var nulls entryList
	for _, id := range unique(t.cleared, drafting) {
		nulls.buf = appendJSONString(append(nulls.buf, '['), id)
		nulls.buf = append(nulls.buf, ",null]"...)
		nulls.done(id)
	}
	presence := presenceBatch{
		drafts: state.presence.drafts, moreDrafts: &nulls, views: state.presence.views,
		chat: t.chat, reactions: t.reactions,
	}
	if t.summon != "" {
		presence.summons = []string{t.summon}
	}
	catchUp := tickFrame{cursors: &cursors, presence: &presence}
	owner = getMsgBuf(cursors.size() + 1 + presence.size())
	frame = catchUp.appendFrame((*owner)[:0], self)
	t.reset()
	if len(frame) == 0 {
		putMsgBuf(owner)
		return nil, nil
	}
	*owner = frame
	return frame, owner
}

// unique returns the ids of list, each once, that are not (back) in the
// room: exists reports whether one is.
func unique(list []string, exists func(string) bool) []string {
	var out []string
	seen := make(map[string]struct{}, len(list))
	for _, id := range list {
		if _, dup := seen[id]; dup || exists(id) {
			continue
		}
		seen[id] = struct{}{}
		out = append(out, id)
	}
	return out
}
