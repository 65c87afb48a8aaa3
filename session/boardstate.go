package session

import (
	"encoding/json"
	"sort"

	"github.com/easel-app/easel/board"
)

// boardState is a room's copy of its board: the snapshot at the last
// applied seq, the recent ops messages already encoded for the wire (for
// catch-up), and messages that arrived ahead of their turn. Guarded by
// Room.mu.
type boardState struct {
	epoch  string
	snap   *board.Snapshot
	recent recentOps
	early  map[uint64]*board.OpsMessage // committed, waiting for an earlier seq

	elementsJSON []byte // cached encoding of snap's elements at elementsSeq
	elementsSeq  uint64
	elementsOK   bool
}

// recentOps is a ring of the latest encoded ops messages, bounded in count
// and bytes, so a member that reconnects with `since` catches up from
// memory.
type recentOps struct {
	msgs     [][]byte
	seqs     []uint64
	authors  []string // opsAuthor of each message: who committed that seq
	bytes    int
	maxMsgs  int
	maxBytes int
}

func (r *recentOps) add(m *board.OpsMessage, msg []byte) {
	r.msgs = append(r.msgs, msg)
	r.seqs = append(r.seqs, m.Seq)
	r.authors = append(r.authors, opsAuthor(m))
	r.bytes += len(msg)
	for len(r.msgs) > r.maxMsgs || (r.bytes > r.maxBytes && len(r.msgs) > 1) {
		r.bytes -= len(r.msgs[0])
		r.msgs[0] = nil
		r.msgs, r.seqs, r.authors = r.msgs[1:], r.seqs[1:], r.authors[1:]
	}
}

// opsAuthor identifies a committed message by who sent it and its ref: two
// different messages at one seq (the store lost what the room applied, see
// lostwrites.go) differ in it.
func opsAuthor(m *board.OpsMessage) string { return m.By + "\x00" + m.Ref }

// holds tells whether the ring has seq, and if so whether m is the message
// it holds there.
func (r *recentOps) holds(m *board.OpsMessage) (held, same bool) {
	i := sort.Search(len(r.seqs), func(i int) bool { return r.seqs[i] >= m.Seq })
	if i == len(r.seqs) || r.seqs[i] != m.Seq {
		return false, false
	}
	return true, r.authors[i] == opsAuthor(m)
}

// after returns the messages with seq > after, if the ring still holds
// every one of them.
func (r *recentOps) after(after, current uint64) ([][]byte, bool) {
	if after == current {
		return nil, true
	}
	i := sort.Search(len(r.seqs), func(i int) bool { return r.seqs[i] > after })
	if i == len(r.seqs) || r.seqs[i] != after+1 {
		return nil, false
	}
	return r.msgs[i:], true
}

// opsWire is the `ops` message to members.
type opsWire struct {
	Type string     `json:"type"`
	Seq  uint64     `json:"seq"`
	By   string     `json:"by"`
	Ref  string     `json:"ref"`
	Ops  []board.Op `json:"ops"`
}

func encodeOps(m *board.OpsMessage) []byte {
	return encode(opsWire{Type: "ops", Seq: m.Seq, By: m.By, Ref: m.Ref, Ops: m.Ops})
}

// apply takes one committed message; it returns the encoded messages now
// ready to go out, in seq order (none when m is early or a duplicate).
func (s *boardState) apply(m *board.OpsMessage) [][]byte {
	if m.Seq <= s.snap.Seq {
		return nil // a replay of something already applied
	}
	if m.Seq > s.snap.Seq+1 {
		s.early[m.Seq] = m // another commit's publish overtook this one's
		return nil
	}
	var out [][]byte
	for m != nil {
		s.snap.Apply(m)
		msg := encodeOps(m)
		s.recent.add(m, msg)
		out = append(out, msg)
		next := s.snap.Seq + 1
		m = s.early[next]
		delete(s.early, next)
	}
	return out
}

// elementsLen is the length of the snapshot's elements encoded as a JSON
// array: exactly what appendElements appends (the board's Bytes count
// what encoding/json writes, one comma per element included).
func (s *boardState) elementsLen() int {
	if s.elementsCached() {
		return len(s.elementsJSON)
	}
	if len(s.snap.Elements) == 0 {
		return len("[]")
	}
	return int(s.snap.Bytes()) + 1
}

func (s *boardState) elementsCached() bool {
	return s.elementsOK && s.elementsSeq == s.snap.Seq
}

// appendElements appends the snapshot's elements encoded as a JSON array
// to dst, which should have room for elementsLen more bytes. The encoding
// is cached until the board changes, so many members joining a large
// board cost one encoding; the cache is the appended bytes themselves,
// inside dst (a welcome, never written to once sent), so the first join
// of a board at the byte limit holds one copy of its elements, not two.
func (s *boardState) appendElements(dst []byte) []byte {
	if s.elementsCached() {
		return append(dst, s.elementsJSON...)
	}
	s.elementsJSON, s.elementsOK = nil, false // let the old encoding go before the new one
	start := len(dst)
	dst = append(dst, '[')
	for i, e := range s.snap.Sorted() {
		if i > 0 {
			dst = append(dst, ',')
		}
		// json.Marshal's result is garbage at once; one element is at
		// most MaxPoints pairs, so it stays small next to the board.
		el, err := json.Marshal(e)
		if err != nil {
			panic("encode elements: " + err.Error())
		}
		dst = append(dst, el...)
	}
	dst = append(dst, ']')
	s.elementsJSON, s.elementsSeq, s.elementsOK = dst[start:len(dst):len(dst)], s.snap.Seq, true
	return dst
}
