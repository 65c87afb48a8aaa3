package board

import (
	"context"
	"errors"
)

// NodeRequests carries a request from one node to another named node and
// its answer back. The HTTP carriers need it: a member's session lives on
// one node, and a load balancer without sticky sessions sends its requests
// to any (docs/protocol.md, "When WebSocket is blocked"). A single node
// has none: every session is its own.
type NodeRequests interface {
	// Request sends payload to node and waits for its answer, or ctx. It
	// returns ErrNoNode at once when no node of that id is listening.
	Request(ctx context.Context, node string, payload []byte) ([]byte, error)
	// ServeRequests answers the requests addressed to this node with
	// handle, each on a goroutine of its own, until stop is called.
	ServeRequests(handle func(ctx context.Context, payload []byte) []byte) (stop func(), err error)
}

// ErrNoNode: the node a request is addressed to is not listening (it has
// stopped, or never was).
var ErrNoNode = errors.New("no such node")
