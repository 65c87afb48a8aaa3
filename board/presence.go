package board

import "encoding/json"

// Presence is what members show each other besides cursors, while they
// work: the shape each is drawing (a draft), the part of the board each
// sees (a view), and events — chat lines, reactions, summons. It is never
// stored. Each node publishes its members' changes once per room tick,
// beside their cursors (EventCursors), so it costs no more publishes than
// cursors do.
type Presence struct {
	Drafts    []Draft  `json:"d,omitempty"`
	Views     []View   `json:"v,omitempty"`
	Chat      []Said   `json:"c,omitempty"`
	Reactions []Said   `json:"r,omitempty"`
	Summons   []string `json:"s,omitempty"` // peers asking everyone to follow them
}

// Empty reports whether p carries nothing.
func (p *Presence) Empty() bool {
	return p == nil || len(p.Drafts) == 0 && len(p.Views) == 0 && len(p.Chat) == 0 && len(p.Reactions) == 0 && len(p.Summons) == 0
}

// Draft is a peer's element being drawn right now, latest-wins. El is the
// validated element as JSON (encoded once, by the author's node); nil
// clears the draft. Gen numbers the author's drafts (1, 2, 3…, a cleared
// one included): a node keeps the highest it has seen per peer and ignores
// older ones, so an ops message that replaces draft Gen (Event.DraftGen)
// clears it on every node whatever order the two events arrive in.
type Draft struct {
	Peer string          `json:"p"`
	Gen  uint64          `json:"g"`
	El   json.RawMessage `json:"el,omitempty"`
}

// View is the rectangle of the board a peer sees, in board coordinates:
// what a follower's view tracks.
type View struct {
	Peer string  `json:"p"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
	W    float64 `json:"w"`
	H    float64 `json:"h"`
}

// Said is one chat line or reaction of a peer: an event, shown for a
// moment, never latest-wins.
type Said struct {
	Peer string `json:"p"`
	Text string `json:"t"`
}

// Presence limits of the protocol.
const (
	// MaxChatLen is the longest chat line, in characters after cleaning.
	MaxChatLen = 140
	// MaxEmojiRunes is the most Unicode code points of one reaction: room
	// for a family emoji with joiners and skin tones, not for prose.
	MaxEmojiRunes = 8
	// MaxViewSize bounds a view's width and height: the whole span of the
	// coordinates the protocol allows (|v| ≤ MaxCoordinate).
	MaxViewSize = 2 * MaxCoordinate
)
