package broker

import (
	"context"
	"errors"
	"sync"

	"github.com/easel-app/easel/board"
)

// Memory is the in-process board.Broker: a publish is a direct call of every
// subscriber of the board.
type Memory struct {
	mu     sync.Mutex
	topics map[string]*topic
	closed bool
}

var _ board.Broker = (*Memory)(nil)

// topic is one board's subscribers. deliver serialises delivery so handlers
// of a board never run concurrently.
type topic struct {
	deliver sync.Mutex
	subs    map[*subscription]struct{}
}

type subscription struct {
	handle func(board.Event)
	active bool // guarded by topic.deliver
}

// NewMemory returns an empty in-process broker.
func NewMemory() *Memory {
	return &Memory{topics: make(map[string]*topic)}
}

// ErrClosed is returned after Close.
var ErrClosed = errors.New("broker closed")

// Publish calls every subscriber of boardID before it returns.
func (m *Memory) Publish(_ context.Context, boardID string, ev board.Event) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	t := m.topics[boardID]
	m.mu.Unlock()
	if t == nil {
		return nil
	}
	t.deliver.Lock()
	defer t.deliver.Unlock()
	for s := range t.subs {
		if s.active {
			s.handle(ev)
		}
	}
	return nil
}

// Subscribe registers handle for boardID's events until unsubscribe is
// called. After unsubscribe returns, handle is not called again.
func (m *Memory) Subscribe(boardID string, handle func(board.Event)) (func(), error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	t := m.topics[boardID]
	if t == nil {
		t = &topic{subs: make(map[*subscription]struct{})}
		m.topics[boardID] = t
	}
	s := &subscription{handle: handle, active: true}
	t.deliver.Lock()
	t.subs[s] = struct{}{}
	t.deliver.Unlock()

	var once sync.Once
	return func() { once.Do(func() { m.unsubscribe(boardID, t, s) }) }, nil
}

func (m *Memory) unsubscribe(boardID string, t *topic, s *subscription) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t.deliver.Lock()
	s.active = false
	delete(t.subs, s)
	empty := len(t.subs) == 0
	t.deliver.Unlock()
	if empty && m.topics[boardID] == t {
		delete(m.topics, boardID)
	}
}

// Close stops all delivery.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.topics = map[string]*topic{}
	return nil
}
