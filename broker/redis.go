package broker

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/easel-app/easel/board"
)

// Redis is the board.Broker for several nodes: Redis pub/sub, one channel
// per board. Local subscribers are served by an in-process Memory broker,
// so a publish reaches this node's rooms synchronously and in order, and
// events from other nodes arrive through the same per-board lock (handlers
// of a board still run one at a time). A node subscribes to a board's
// channel only while it has local subscribers, and ignores its own events
// coming back from Redis.
type Redis struct {
	node   string
	prefix string
	rdb    *redis.Client
	pubsub *redis.PubSub
	local  *Memory
	log    *slog.Logger

	mu     sync.Mutex
	counts map[string]int // local subscriptions per board
	done   chan struct{}

	requests nodeRequests // noderequests.go
}

var _ board.Broker = (*Redis)(nil)

// OpenRedis fans events out through the Redis rdb talks to, once it
// answers; rdb stays the caller's to close, after the broker (main shares
// one client per process with the store and the transfers). node names
// this node in events; prefix namespaces the channels.
func OpenRedis(ctx context.Context, rdb *redis.Client, prefix, node string, log *slog.Logger) (*Redis, error) {
	if err := rdb.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("connect to redis %s: %w", rdb.Options().Addr, err)
	}
	b := &Redis{
		node: node, prefix: prefix, rdb: rdb, local: NewMemory(), log: log,
		counts: make(map[string]int), done: make(chan struct{}),
	}
	b.requests.waiting = make(map[string]chan []byte)
	b.requests.ctx, b.requests.cancel = context.WithCancel(context.Background())
	// This node's request and answer channels, confirmed before anything
	// is sent, so that no answer arrives before its channel is listened to.
	b.pubsub = rdb.Subscribe(ctx, b.requestChannel(node), b.answerChannel(node))
	for range 2 {
		if _, err := b.pubsub.ReceiveTimeout(ctx, 5*time.Second); err != nil {
			b.pubsub.Close()
			return nil, fmt.Errorf("subscribe to redis: %w", err)
		}
	}
	go b.receive()
	return b, nil
}

func (b *Redis) channel(boardID string) string { return b.prefix + "board:" + boardID }

// Publish delivers to this node's subscribers, then to the other nodes.
// An error means only the other nodes may have missed the event.
func (b *Redis) Publish(ctx context.Context, boardID string, ev board.Event) error {
	ev.Node = b.node
	if err := b.local.Publish(ctx, boardID, ev); err != nil {
		return err
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encode event: %w", err)
	}
	if err := b.rdb.Publish(ctx, b.channel(boardID), data).Err(); err != nil {
		return fmt.Errorf("publish to redis: %w", err)
	}
	return nil
}

// Subscribe registers handle for boardID; the first local subscription of
// a board subscribes this node to its channel, the last one unsubscribes.
func (b *Redis) Subscribe(boardID string, handle func(board.Event)) (func(), error) {
	unsub, err := b.local.Subscribe(boardID, handle)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.counts[boardID]++
	first := b.counts[boardID] == 1
	b.mu.Unlock()
	if first {
		if err := b.pubsub.Subscribe(context.Background(), b.channel(boardID)); err != nil {
			b.release(boardID)
			unsub()
			return nil, fmt.Errorf("subscribe to redis: %w", err)
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			unsub()
			b.release(boardID)
		})
	}, nil
}

func (b *Redis) release(boardID string) {
	b.mu.Lock()
	b.counts[boardID]--
	last := b.counts[boardID] <= 0
	if last {
		delete(b.counts, boardID)
	}
	b.mu.Unlock()
	if last {
		if err := b.pubsub.Unsubscribe(context.Background(), b.channel(boardID)); err != nil {
			b.log.Warn("unsubscribe from redis", "err", err)
		}
	}
}

// receive hands other nodes' events to local subscribers.
func (b *Redis) receive() {
	defer close(b.done)
	for msg := range b.pubsub.Channel() {
		boardID, ok := strings.CutPrefix(msg.Channel, b.prefix+"board:")
		if !ok {
			b.onNodeMessage(msg.Channel, msg.Payload)
			continue
		}
		var ev board.Event
		if err := json.Unmarshal([]byte(msg.Payload), &ev); err != nil {
			b.log.Warn("undecodable event from redis", "err", err)
			continue
		}
		if ev.Node == b.node {
			continue // our own, already delivered locally
		}
		b.local.Publish(context.Background(), boardID, ev)
	}
}

// Ping reports whether Redis answers (for /readyz).
func (b *Redis) Ping(ctx context.Context) error { return b.rdb.Ping(ctx).Err() }

// Close stops receiving and closes the subscription's connection; the
// client stays open: it is the caller's.
func (b *Redis) Close() error {
	b.requests.cancel()
	err := b.pubsub.Close()
	<-b.done
	b.local.Close()
	return err
}
