package session

import (
	"bytes"
	"encoding/json"
	"math"
	"sync"

	"github.com/easel-app/easel/board"
)

// draftEncoder encodes a room's local drafts for the tick's publish. A pen
// sends its whole stroke with every new point, so a member's draft is
// most often its previous one plus a point or two; through json.Marshal,
// every tick wrote every number of every stroke again (4 – 8 % of the
// server's CPU with 200 members drafting, S10). The encoder keeps the text of each
// member's last points and writes only the new ones, the rest of the
// element still through json.Marshal: the bytes are exactly
// json.Marshal's (TestDraftEncoderWritesWhatJSONMarshalWrites).
//
// An entry is kept while its member drafts and dropped draftEncoderKeep
// ticks after its last use (a member that stopped, or left): at most one
// draft's points and text per member, bounded as the draft is.
type draftEncoder struct {
	// Ticks of one room never overlap, but the baseline (Tick 0) ticks
	// from the members' read loops.
	mu   sync.Mutex
	tick uint64
	last map[string]*encodedPoints // by peer
}

// encodedPoints is the text of a member's last draft's points.
type encodedPoints struct {
	points [][2]float64 // the points written in text
	text   []byte       // [x,y],[x,y],… as encoding/json writes them
	used   uint64       // the encoder's tick that last used it
}

// draftEncoderKeep is how many ticks an unused entry is kept.
const draftEncoderKeep = 8

// encodeDrafts encodes a tick's local drafts for its publish, each once.
func (e *draftEncoder) encodeDrafts(drafts []localDraft) []board.Draft {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tick++
	out := make([]board.Draft, len(drafts))
	for i, d := range drafts {
		out[i] = board.Draft{Peer: d.peer, Gen: d.gen, El: d.raw}
		if d.el != nil && d.raw == nil {
			out[i].El = e.encode(d.peer, d.el)
		}
	}
	for peer, c := range e.last {
		if e.tick-c.used > draftEncoderKeep {
			delete(e.last, peer)
		}
	}
	return out
}

var rotKey = []byte(`,"rot":`)

// encode writes el as json.Marshal does, its points from peer's last
// text when they extend it.
func (e *draftEncoder) encode(peer string, el *board.Element) json.RawMessage {
	rest := *el
	rest.Points = nil // omitempty: written below
	head := encode(&rest)
	if len(el.Points) == 0 {
		return head
	}
	// The points go right after rot's value, as in Element's field order.
	// `,"rot":` is found only as the key: a string holding it would have
	// its quotes escaped.
	i := bytes.Index(head, rotKey)
	if i < 0 {
		return encode(el) // not reached: Element always writes rot
	}
	at := i + len(rotKey) + bytes.IndexAny(head[i+len(rotKey):], ",}")
	text := e.pointsText(peer, el)
	out := make([]byte, 0, len(head)+len(`,"points":[]`)+len(text))
	out = append(out, head[:at]...)
	out = append(out, `,"points":[`...)
	out = append(out, text...)
	out = append(out, ']')
	return append(out, head[at:]...)
}

// pointsText returns the text of el's points, extending peer's last when
// el's points start with those (whatever the element: the text of the
// same points is the same).
func (e *draftEncoder) pointsText(peer string, el *board.Element) []byte {
	if e.last == nil {
		e.last = make(map[string]*encodedPoints)
	}
	c := e.last[peer]
	if c == nil {
		c = &encodedPoints{}
		e.last[peer] = c
	}
	if !extends(el.Points, c.points) {
		c.points, c.text = c.points[:0], c.text[:0]
	}
	for _, p := range el.Points[len(c.points):] {
		if len(c.text) > 0 {
			c.text = append(c.text, ',')
		}
		c.text = append(c.text, '[')
		c.text = appendJSONNumber(c.text, p[0])
		c.text = append(c.text, ',')
		c.text = appendJSONNumber(c.text, p[1])
		c.text = append(c.text, ']')
		c.points = append(c.points, p)
	}
	c.used = e.tick
	return c.text
}

// extends reports whether points starts with prefix, bit for bit (-0 and
// 0 are written differently).
func extends(points, prefix [][2]float64) bool {
	if len(prefix) > len(points) {
		return false
	}
	for i, p := range prefix {
		q := points[i]
		if math.Float64bits(p[0]) != math.Float64bits(q[0]) || math.Float64bits(p[1]) != math.Float64bits(q[1]) {
			return false
		}
	}
	return true
}
