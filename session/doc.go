// Package session owns the live side of a board: WebSocket sessions (over
// melody), rooms of members, presence, the cursor tick, per-member outboxes,
// rate limits and the slow-consumer policy.
//
// Data flow: a member's frames are read on melody's read loop for that
// session (one goroutine per connection, so a member's messages are handled
// one at a time and in order). Cursor moves update the room; at most once
// per tick a room publishes its local cursor changes through the Broker and
// writes every member one frame with what changed. Everything a member is
// sent goes through its Outbox, which packs all messages queued while a
// frame is being written into the next frame (newline-delimited), and
// closes the member with 1013 when it cannot keep up.
//
// Board loads (a room's first member, an export of a board with no room)
// run on their own goroutine or the requester's and take one of the node's
// MaxLoads load slots first, queueing at most LoadWait (loads.go); the log
// is streamed from the store, never held whole.
//
// Locks, always taken in this order (never the reverse):
//
//	Hub.mu → broker's per-board delivery lock → Room.mu → Outbox.mu
//
// Publishing to the Broker is never done while holding Room.mu, because the
// in-process broker delivers synchronously into Room.onEvent.
package session
