package board

import (
	"slices"
)

// Snapshot is a board's content at a seq: what a new member is sent, what
// the store compacts the op log into, and what exports render.
type Snapshot struct {
	Title    string              `json:"title"`
	Seq      uint64              `json:"seq"`
	Elements map[string]*Element `json:"-"`
}

// NewSnapshot returns an empty board titled title at seq 0.
func NewSnapshot(title string) *Snapshot {
	return &Snapshot{Title: title, Elements: make(map[string]*Element)}
}

// Apply applies one accepted ops message, which must be the next in
// sequence. Last writer by server order wins; deleting a missing element is
// not an error.
func (s *Snapshot) Apply(m *OpsMessage) {
	for _, op := range m.Ops {
		switch op.Op {
		case OpPut:
			el := *op.El
			s.Elements[el.ID] = &el
		case OpDel:
			delete(s.Elements, op.ID)
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
	c := &Snapshot{Title: s.Title, Seq: s.Seq, Elements: make(map[string]*Element, len(s.Elements))}
	for id, e := range s.Elements {
		c.Elements[id] = e
	}
	return c
}
