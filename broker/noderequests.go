package broker

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/easel-app/easel/board"
)

// Node requests over Redis (board.NodeRequests): each node listens on a
// channel of its own for requests, and on another for the answers to its
// own requests; both are subscribed when the broker opens, so no answer
// can arrive before the channel that takes it. A request to a node nobody
// listens for is refused at once: PUBLISH reports no receiver.

var _ board.NodeRequests = (*Redis)(nil)

// nodeRequests is the Redis broker's state of node requests.
type nodeRequests struct {
	mu      sync.Mutex
	waiting map[string]chan []byte // answers awaited, by request id
	handle  func(ctx context.Context, payload []byte) []byte
	ctx     context.Context // handlers' context, cancelled by Close
	cancel  context.CancelFunc
}

// nodeMessage is a request or an answer on the wire.
type nodeMessage struct {
	ID      string `json:"id"`
	From    string `json:"from,omitempty"` // the requesting node (requests only)
	Payload []byte `json:"p"`
}

func (b *Redis) requestChannel(node string) string { return b.prefix + "node:" + node }
func (b *Redis) answerChannel(node string) string  { return b.prefix + "answer:" + node }

// Request sends payload to node and waits for its answer.
func (b *Redis) Request(ctx context.Context, node string, payload []byte) ([]byte, error) {
	id := requestID()
	answer := make(chan []byte, 1)
	b.requests.mu.Lock()
	b.requests.waiting[id] = answer
	b.requests.mu.Unlock()
	defer func() {
		b.requests.mu.Lock()
		delete(b.requests.waiting, id)
		b.requests.mu.Unlock()
	}()
	data, err := json.Marshal(nodeMessage{ID: id, From: b.node, Payload: payload})
	if err != nil {
		return nil, err
	}
	receivers, err := b.rdb.Publish(ctx, b.requestChannel(node), data).Result()
	if err != nil {
		return nil, fmt.Errorf("publish request to redis: %w", err)
	}
	if receivers == 0 {
		return nil, board.ErrNoNode
	}
	select {
	case p := <-answer:
		return p, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ServeRequests answers this node's requests with handle.
func (b *Redis) ServeRequests(handle func(ctx context.Context, payload []byte) []byte) (func(), error) {
	b.requests.mu.Lock()
	b.requests.handle = handle
	b.requests.mu.Unlock()
	return func() {
		b.requests.mu.Lock()
		b.requests.handle = nil
		b.requests.mu.Unlock()
	}, nil
}

// onNodeMessage handles what arrives on this node's two channels.
func (b *Redis) onNodeMessage(channel, payload string) {
	switch channel {
	case b.answerChannel(b.node):
		var msg nodeMessage
		if json.Unmarshal([]byte(payload), &msg) != nil {
			return
		}
		b.requests.mu.Lock()
		answer := b.requests.waiting[msg.ID]
		b.requests.mu.Unlock()
		if answer != nil {
			answer <- msg.Payload // buffered, and answered once
		}
	case b.requestChannel(b.node):
		var msg nodeMessage
		if json.Unmarshal([]byte(payload), &msg) != nil {
			b.log.Warn("undecodable node request from redis")
			return
		}
		b.requests.mu.Lock()
		handle, ctx := b.requests.handle, b.requests.ctx
		b.requests.mu.Unlock()
		if handle == nil {
			return // not serving (yet, or any more): the requester times out
		}
		go b.answer(ctx, msg, handle)
	}
}

func (b *Redis) answer(ctx context.Context, msg nodeMessage, handle func(context.Context, []byte) []byte) {
	data, err := json.Marshal(nodeMessage{ID: msg.ID, Payload: handle(ctx, msg.Payload)})
	if err != nil {
		return
	}
	if err := b.rdb.Publish(ctx, b.answerChannel(msg.From), data).Err(); err != nil {
		b.log.Warn("answer a node request", "err", err)
	}
}

func requestID() string {
	p := make([]byte, 12)
	rand.Read(p)
	return base64.RawURLEncoding.EncodeToString(p)
}
