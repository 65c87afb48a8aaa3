package store

import (
	"container/heap"
	"slices"
)

// oldest keeps the limit oldest of the boards offered to it, so that a
// walk over every board holds limit of them, not every idle one.
type oldest struct {
	limit int
	h     idleHeap
}

type idleBoard struct {
	id string
	at int64
}

func newOldest(limit int) *oldest { return &oldest{limit: max(limit, 0)} }

// offer considers the board, last touched at at.
func (o *oldest) offer(id string, at int64) {
	b := idleBoard{id, at}
	switch {
	case len(o.h) < o.limit:
		heap.Push(&o.h, b)
	case o.limit > 0 && older(b, o.h[0]):
		o.h[0] = b
		heap.Fix(&o.h, 0)
	}
}

// ids lists the boards kept, oldest first (ties by id).
func (o *oldest) ids() []string {
	kept := slices.Clone(o.h)
	slices.SortFunc(kept, func(a, b idleBoard) int {
		if older(a, b) {
			return -1
		}
		return 1
	})
	out := make([]string, len(kept))
	for i, b := range kept {
		out[i] = b.id
	}
	return out
}

func older(a, b idleBoard) bool { return a.at < b.at || (a.at == b.at && a.id < b.id) }

// idleHeap is a max-heap: its root is the newest kept, the first to go.
type idleHeap []idleBoard

func (h idleHeap) Len() int           { return len(h) }
func (h idleHeap) Less(i, j int) bool { return older(h[j], h[i]) }
func (h idleHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *idleHeap) Push(x any)        { *h = append(*h, x.(idleBoard)) }
func (h *idleHeap) Pop() any {
	old := *h
	b := old[len(old)-1]
	*h = old[:len(old)-1]
	return b
}
