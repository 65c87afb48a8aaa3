package board

import (
	"slices"
)

// Snapshot is a board's content at a seq: what a new member is sent, what
// the store compacts the op log into, and what exports render. Elements is
// read freely but changed only through Put, Delete and Apply, which keep
// the running size that board limits are checked against.
type Snapshot struct {
	Title    string              `json:"title"`
	Seq      uint64              `json:"seq"`
	Elements map[string]*Element `json:"-"`

	bytes int64            // sum of ElementBytes over Elements
	sizes map[string]int64 // ElementBytes of each element, counted once at Put
}

// NewSnapshot returns an empty board titled title at seq 0.
func NewSnapshot(title string) *Snapshot {
	return &Snapshot{Title: title, Elements: make(map[string]*Element), sizes: make(map[string]int64)}
}

// Apply applies one accepted ops message, which must be the next in
// sequence. Last writer by server order wins; deleting a missing element is
// not an error.
func (s *Snapshot) Apply(m *OpsMessage) {
	for _, op := range m.Ops {
		switch op.Op {
		case OpPut:
			el := *op.El
			s.Put(&el)
		case OpDel:
			s.Delete(op.ID)
		case OpTitle:
			s.Title = op.Title
		}
	}
	s.Seq = m.Seq
}

// Sorted returns the elements in drawing order (z, then id): the one order
// every snapshot, welcome and export uses, so equal boards encode equally.
func (s *Snapshot) Sorted() []*Element {
	out := make([]*Element, 0, len(s.Elements))
	for _, e := range s.Elements {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *Element) int {
		switch {
		case a.Less(b):
			return -1
		case b.Less(a):
			return 1
		}
		return 0
	})
	return out
}

// Clone returns a deep-enough copy: elements are immutable once applied
// (Apply stores a fresh copy for every put), so sharing them is safe.
func (s *Snapshot) Clone() *Snapshot {
	c := &Snapshot{Title: s.Title, Seq: s.Seq, Elements: make(map[string]*Element, len(s.Elements)), bytes: s.bytes,
		sizes: make(map[string]int64, len(s.sizes))}
	for id, e := range s.Elements {
		c.Elements[id] = e
	}
	for id, n := range s.sizes {
		c.sizes[id] = n
	}
	return c
}

// Put adds or replaces element e (which the snapshot then owns).
func (s *Snapshot) Put(e *Element) {
	s.bytes -= s.sizes[e.ID] // 0 when absent
	n := ElementBytes(e)
	s.Elements[e.ID] = e
	s.sizes[e.ID] = n
	s.bytes += n
}

// Delete removes element id, if present.
func (s *Snapshot) Delete(id string) {
	if _, ok := s.Elements[id]; ok {
		s.bytes -= s.sizes[id]
		delete(s.Elements, id)
		delete(s.sizes, id)
	}
}

// Bytes is the board's content size as limits count it: the sum of
// ElementBytes over its elements.
func (s *Snapshot) Bytes() int64 { return s.bytes }
