// Package broker holds the implementations of board.Broker: Memory, the
// in-process broker a single node uses, and Redis, for several nodes (Redis
// pub/sub, one channel per board, which a node subscribes to only while it
// has local subscribers). conformance_test.go is the one suite every
// implementation must pass.
//
// Concurrency: Memory delivers synchronously on the publisher's goroutine,
// under a per-board lock, so the handlers of one board see events one at a
// time and in publish order. Handlers must not publish to the same board
// from inside a handler (that would deadlock); rooms never do. Redis
// delivers a publish to this node's subscribers through a Memory, then to
// Redis; one goroutine (receive) hands other nodes' events to the same
// Memory, so they take the same per-board lock. Its client is main's,
// shared with the store and the transfers; Close leaves it open.
package broker
