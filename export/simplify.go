package export

import (
	"container/heap"
	"math"
)

// simplifyPoints returns p with at most limit points (limit ≥ 2),
// dropping the points that matter least to the shape first
// (Visvalingam–Whyatt: the one whose triangle with its neighbours has the
// smallest area, ties broken by position so the result is deterministic).
// The ends always stay. p is returned as is when it is short enough.
func simplifyPoints(p [][2]float64, limit int) [][2]float64 {
	if len(p) <= limit {
		return p
	}
	n := len(p)
	prev, next := make([]int, n), make([]int, n)
	for i := range p {
		prev[i], next[i] = i-1, i+1
	}
	area := func(i int) float64 {
		a, b, c := p[prev[i]], p[i], p[next[i]]
		v := math.Abs((b[0]-a[0])*(c[1]-a[1])-(c[0]-a[0])*(b[1]-a[1])) / 2
		if math.IsNaN(v) {
			return math.Inf(1)
		}
		return v
	}
	h := &vertexHeap{pos: make([]int, n)}
	for i := 1; i < n-1; i++ {
		h.items = append(h.items, vertex{i, area(i)})
		h.pos[i] = len(h.items) - 1
	}
	heap.Init(h)
	removed := make([]bool, n)
	for left := n; left > limit; left-- {
		v := heap.Pop(h).(vertex)
		removed[v.i] = true
		a, b := prev[v.i], next[v.i]
		next[a], prev[b] = b, a
		for _, j := range []int{a, b} {
			if j > 0 && j < n-1 {
				// A neighbour's triangle changed; never let it drop below
				// the one just removed, so flat runs go in order.
				h.items[h.pos[j]].area = math.Max(area(j), v.area)
				heap.Fix(h, h.pos[j])
			}
		}
	}
	out := make([][2]float64, 0, limit)
	for i, q := range p {
		if !removed[i] {
			out = append(out, q)
		}
	}
	return out
}

type vertex struct {
	i    int
	area float64
}

// vertexHeap is a min-heap of vertices by area, then index; pos tracks
// where each vertex sits for heap.Fix.
type vertexHeap struct {
	items []vertex
	pos   []int
}

func (h *vertexHeap) Len() int { return len(h.items) }
func (h *vertexHeap) Less(a, b int) bool {
	x, y := h.items[a], h.items[b]
	if x.area != y.area {
		return x.area < y.area
	}
	return x.i < y.i
}
func (h *vertexHeap) Swap(a, b int) {
	h.items[a], h.items[b] = h.items[b], h.items[a]
	h.pos[h.items[a].i] = a
	h.pos[h.items[b].i] = b
}
func (h *vertexHeap) Push(x any) {
	v := x.(vertex)
	h.pos[v.i] = len(h.items)
	h.items = append(h.items, v)
}
func (h *vertexHeap) Pop() any {
	v := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return v
}
