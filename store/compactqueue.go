package store

import "sync"

// compactQueue hands boards due for compaction or a history pass to a
// store's compactor, each at most once while it waits: every commit over a
// board's budget asks, and without coalescing a busy compactor would find
// the same board queued dozens of times and re-encode its snapshot for
// each. A board asked for again while being compacted is queued again, so
// the last commit's request is never lost. The owner guarantees no ask
// after close.
type compactQueue struct {
	ch      chan string
	mu      sync.Mutex
	pending map[string]bool // id → whether a compaction (not only a pass) is due
}

func newCompactQueue(size int) *compactQueue {
	return &compactQueue{ch: make(chan string, size), pending: make(map[string]bool)}
}

// ask queues id for a compaction (which a history pass precedes) unless it
// already waits; when the queue is full the request is dropped (the next
// commit over the budget asks again).
func (q *compactQueue) ask(id string) { q.queue(id, true) }

// askPass queues id for a history pass only: checkpoints are due, the log
// is within its budget.
func (q *compactQueue) askPass(id string) { q.queue(id, false) }

func (q *compactQueue) queue(id string, compact bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if due, ok := q.pending[id]; ok {
		q.pending[id] = due || compact
		return
	}
	select {
	case q.ch <- id:
		q.pending[id] = compact
	default:
	}
}

// take marks id as being worked on (a later ask queues it again) and
// tells whether a compaction was asked for.
func (q *compactQueue) take(id string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	compact := q.pending[id]
	delete(q.pending, id)
	return compact
}

func (q *compactQueue) close() { close(q.ch) }
