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

// recentOps is a ring of the latest ops messages, bounded in count and
// in encoded bytes, so a member that reconnects with `since` catches up
// from memory. Messages committed while the room is live are held encoded
// for the wire (they were encoded for the members anyway); the log's tail
// read at load is held decoded and encoded on first use, because a load
// re-encoding up to maxBytes of messages nobody may ask for is what made
// the first join of a full board cost several times the board.
type recentOps struct {
	msgs     [][]byte            // the wire encoding; nil while only loaded holds the message
	loaded   []*board.OpsMessage // the message as read at load, until it is encoded
	sizes    []int               // the length of each message's wire encoding
	seqs     []uint64
	authors  []string // opsAuthor of each message: who committed that seq
	bytes    int      // the sum of sizes
	maxMsgs  int
	maxBytes int
}

// add holds m, committed while the room is live, as msg, its encoding.
func (r *recentOps) add(m *board.OpsMessage, msg []byte) { r.push(m, msg, nil, len(msg)) }

// addLoaded holds m, read from the store at load, decoded. Its elements
// are those the snapshot holds (Snapshot.Apply shares their points), so
// holding it costs little until a member needs it encoded.
func (r *recentOps) addLoaded(m *board.OpsMessage) {
	held := *m // the store owns *m
	r.push(m, nil, &held, encodedOpsLen(m))
}

// push appends one message. The ring holds one contiguous run of seqs
// (after relies on it): a message that does not follow the last one (a
// load that started again from a newer snapshot) starts a new run.
func (r *recentOps) push(m *board.OpsMessage, msg []byte, loaded *board.OpsMessage, size int) {
	if n := len(r.seqs); n > 0 && m.Seq != r.seqs[n-1]+1 {
		clear(r.msgs)
		clear(r.loaded)
		r.msgs, r.loaded, r.sizes = r.msgs[:0], r.loaded[:0], r.sizes[:0]
		r.seqs, r.authors, r.bytes = r.seqs[:0], r.authors[:0], 0
	}
	r.msgs = append(r.msgs, msg)
	r.loaded = append(r.loaded, loaded)
	r.sizes = append(r.sizes, size)
	r.seqs = append(r.seqs, m.Seq)
	r.authors = append(r.authors, opsAuthor(m))
	r.bytes += size
	for len(r.seqs) > r.maxMsgs || (r.bytes > r.maxBytes && len(r.seqs) > 1) {
		r.bytes -= r.sizes[0]
		r.msgs[0], r.loaded[0] = nil, nil
		r.msgs, r.loaded, r.sizes = r.msgs[1:], r.loaded[1:], r.sizes[1:]
		r.seqs, r.authors = r.seqs[1:], r.authors[1:]
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

// after returns the encoded messages with seq > after, if the ring still
// holds every one of them and together they take at most maxBytes (beyond
// that, none is encoded).
func (r *recentOps) after(after, current uint64, maxBytes int) ([][]byte, bool) {
	if after == current {
		return nil, true
	}
	i := sort.Search(len(r.seqs), func(i int) bool { return r.seqs[i] > after })
	if i == len(r.seqs) || r.seqs[i] != after+1 {
		return nil, false
	}
	total := 0
	for _, n := range r.sizes[i:] {
		total += n
	}
	if total > maxBytes {
		return nil, false
	}
	for j := i; j < len(r.msgs); j++ {
		if r.msgs[j] == nil {
			r.msgs[j], r.loaded[j] = encodeOps(r.loaded[j]), nil
		}
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

func encodeOps(m *board.OpsMessage) []byte { return encode(toOpsWire(m)) }

func toOpsWire(m *board.OpsMessage) opsWire {
	return opsWire{Type: "ops", Seq: m.Seq, By: m.By, Ref: m.Ref, Ops: m.Ops}
}

// encodedOpsLen is len(encodeOps(m)), counted without keeping the
// encoding: json.Encoder encodes into a pooled buffer it reuses.
func encodedOpsLen(m *board.OpsMessage) int {
	var n byteCounter
	if err := json.NewEncoder(&n).Encode(toOpsWire(m)); err != nil {
		panic("encode outbound message: " + err.Error())
	}
	return int(n) - len("\n") // Encode ends every value with a newline
}

// byteCounter is an io.Writer that only counts.
type byteCounter int

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
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
	// Through a json.Encoder, which encodes each element in a pooled
	// buffer it reuses: json.Marshal would leave a copy of every element,
	// as much garbage as the board, for the GC to size the heap by.
	w := &appender{b: append(dst, '[')}
	enc := json.NewEncoder(w)
	for i, e := range s.snap.Sorted() {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		if err := enc.Encode(e); err != nil {
			panic("encode elements: " + err.Error())
		}
		w.b = w.b[:len(w.b)-len("\n")] // Encode ends every value with a newline
	}
	dst = append(w.b, ']')
	s.elementsJSON, s.elementsSeq, s.elementsOK = dst[start:len(dst):len(dst)], s.snap.Seq, true
	return dst
}

// appender is an io.Writer appending to b.
type appender struct{ b []byte }

func (a *appender) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}
