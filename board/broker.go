package board

import "context"

// EventKind says what a room event carries.
type EventKind string

// The room events that travel through a Broker.
const (
	// EventJoin: Peer arrived on the board.
	EventJoin EventKind = "join"
	// EventLeave: PeerID left the board.
	EventLeave EventKind = "leave"
	// EventCursors: a batch of cursor positions and cursors gone, and of
	// presence (drafts, views, chat, reactions, summons), published at most
	// once per room per tick by each node.
	EventCursors EventKind = "cursors"
	// EventOps: an ops message, published after it was committed. DraftGen,
	// when set, is the author's draft that the message commits: every node
	// clears it (and any older draft of the author) as it applies the ops.
	EventOps EventKind = "ops"
	// EventPresence: a node's heartbeat for a board: its local members
	// (Peers) and the seq its room holds (Seq). Peers of a node that stops
	// sending them expire on the other nodes.
	EventPresence EventKind = "presence"
	// EventSync asks every other node to announce its presence now (sent by
	// a node that just started serving the board).
	EventSync EventKind = "sync"
	// EventDeleted: the board was deleted (DELETE /b/<id>, or the idle
	// sweep): every node tells its members `deleted` and closes them.
	EventDeleted EventKind = "deleted"
)

// Event is something that happened on a board that every node's room must
// see. It is plain data so that a broker can serialise it.
type Event struct {
	Kind    EventKind   `json:"k"`
	Node    string      `json:"n,omitempty"` // the node that published it
	Peer    *Peer       `json:"peer,omitempty"`
	PeerID  string      `json:"id,omitempty"`
	Cursors []Cursor    `json:"c,omitempty"`
	Gone    []string    `json:"g,omitempty"`
	Ops     *OpsMessage `json:"o,omitempty"`
	Peers   []Peer      `json:"ps,omitempty"`
	Seq     uint64      `json:"s,omitempty"`
	// Presence rides EventCursors; DraftGen rides EventOps.
	Presence *Presence `json:"pr,omitempty"`
	DraftGen uint64    `json:"dg,omitempty"`
}

// Broker fans room events out to every node that has members on a board.
// Every publish in Easel goes through a Broker, also on a single node, so one
// node and many nodes run the same code path.
//
// Contract, checked by the conformance suite in package broker:
//   - Publish delivers to this node's subscribers of the board synchronously,
//     before it returns, and in publish order; a returned error means only
//     that other nodes may have missed the event.
//   - Handlers of one board are called one event at a time.
//   - After the function returned by Subscribe is called, the handler is not
//     called again.
type Broker interface {
	Publish(ctx context.Context, boardID string, ev Event) error
	Subscribe(boardID string, handle func(Event)) (unsubscribe func(), err error)
	Close() error
}
