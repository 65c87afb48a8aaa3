package store

import "sync"

// compactQueue hands boards due for compaction to a store's compactor,
// each at most once while it waits: every commit over a board's budget
// asks, and without coalescing a busy compactor would find the same board
// queued dozens of times and re-encode its snapshot for each. A board asked
// for again while being compacted is queued again, so the last commit's
// request is never lost. The owner guarantees no ask after close.
type compactQueue struct {
	ch      chan string
	mu      sync.Mutex
	pending map[string]struct{}
}

func newCompactQueue(size int) *compactQueue {
	return &compactQueue{ch: make(chan string, size), pending: make(map[string]struct{})}
}

// ask queues id unless it already waits; when the queue is full the request
// is dropped (the next commit over the budget asks again).
func (q *compactQueue) ask(id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.pending[id]; ok {
		return
	}
	select {
	case q.ch <- id:
		q.pending[id] = struct{}{}
	default:
	}
}

// take marks id as being compacted: a later ask queues it again.
func (q *compactQueue) take(id string) {
	q.mu.Lock()
	delete(q.pending, id)
	q.mu.Unlock()
}

func (q *compactQueue) close() { close(q.ch) }
