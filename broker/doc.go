// Package broker holds the implementations of board.Broker: Memory, the
// in-process broker a single node uses, and later Redis for scale-out.
// conformance_test.go is the one suite every implementation must pass.
//
// Concurrency: Memory delivers synchronously on the publisher's goroutine,
// under a per-board lock, so the handlers of one board see events one at a
// time and in publish order. Handlers must not publish to the same board
// from inside a handler (that would deadlock); rooms never do.
package broker
