// Package session owns the live side of a board: members and their
// connections, rooms of members, presence, the cursor tick, per-member
// outboxes, rate limits and the slow-consumer policy.
//
// Transport: a member speaks to a Conn (conn.go), something that takes text
// and binary frames and a close. The WebSocket, served by melody, is the
// one implementation so far and the only file that knows melody
// (melodyconn.go); it reports a connection's frames, writes and end to the
// hub's transport entry points (Hub.connected, received, written,
// disconnected). How presence reaches members — ticked, or the per-message
// baseline benchmarks compare against — is a relay chosen once (relay.go).
//
// Data flow: a member's frames are read on the transport's read loop for
// that connection (one goroutine per connection, so a member's messages
// are handled one at a time and in order). Cursor moves, and presence beyond cursors
// (drafts, views, chat, reactions, summons: presencestate.go), update the
// room; at most once per tick a room publishes its local changes of both
// through the Broker, in one event, and writes every member one frame with
// what changed: its `cursors` and its `presence` message (tickframe.go). Everything a member is
// sent goes through its Outbox, which packs all messages queued while a
// frame is being written into the next frame (newline-delimited), and
// closes the member with 1013 when it cannot keep up.
//
// Closing: once a close frame is out, the connection's frame guard
// (frameguard.go) ends the read loop at once, so the member leaves and the
// transport's session ends; the socket itself then lingers on one goroutine of
// its own (linger.go: drain ≤ 8 MiB, ≤ CloseGrace, at most MaxLingering per
// Hub, which Shutdown waits for), so the client reads the close frame
// before any reset.
//
// Board loads (a room's first member, an export of a board with no room)
// run on their own goroutine or the requester's and take one of the node's
// MaxLoads load slots first, queueing at most LoadWait (loads.go); the log
// is streamed from the store, never held whole.
//
// Locks, always taken in this order (never the reverse):
//
//	Hub.mu → broker's per-board delivery lock → Room.mu → Outbox.mu → downloads.mu
//
// A member's downloads.mu (downloads.go) is taken under Outbox.mu when the
// outbox pulls the next chunk, which happens only when no text waits (from
// Kick and Sent, so never inside an Enqueue made under Room.mu), and alone
// by the read loop and export goroutines (start, ack, cancel, count). A
// pull reads the chunk's bytes (from a file, or from Redis) holding both;
// nothing is taken under downloads.mu.
//
// Publishing to the Broker is never done while holding Room.mu, because the
// in-process broker delivers synchronously into Room.onEvent.
//
// Images (blobcheck.go): ops and drafts that place an image are checked
// against the blobs the board holds, first in the room's memory of them
// (knownBlobs, whose mutex is a leaf taken alone), then in the store, off
// Room.mu: on the member's commit worker for ops, on its read loop for a
// draft (one lookup per unknown blob; known ones cost none).
//
// Budgets (budgets.go): every line a member sends is counted on its read
// loop against per-connection budgets, which need no lock. The one shared
// budget, a room's ops bytes per second (Room.opsBytes), has its own mutex,
// a leaf taken alone from the editors' read loops. Downloads count the
// chunks they send (an atomic the read loop reads to grant export.ack
// tokens).
//
// A room whose store turns out to have lost acknowledged writes (a commit
// at or below the room's seq that is not the message the room applied;
// lostwrites.go) is retired by a goroutine of its own, never from inside
// the broker's delivery or a commit worker's locks: it takes Hub.mu then
// Room.mu like every other path, and members waiting to join the retired
// room join its successor.
//
// Exports render on goroutines of their own, one per distinct rendering
// (renderflight.go): requests for the same board, seq, format and scale
// wait on the same one (renderFlights.mu guards the map and the waiter
// counts; it is never held while rendering). A render holds one of
// Config.Renders slots (by default every core but one, so ticks and
// commits always have a core) or, when export.EstimateWorkWithBlobs calls
// it light, one of as many slots of a second lane, so small boards do not
// queue behind a large one. It reads the board's images from the store's
// blobs (export.BoardBlobs), under the render's own context. Its thread
// runs at a lower priority (renice_linux.go).
// It stops at Config.RenderTimeout, when its last waiter leaves, or at
// Shutdown, which waits for it. The rendered file goes into the
// transfers.Store main chose (package transfers: on disk, or in Redis);
// session knows only the interface.
//
// Every edit takes one path (commit.go): an editor's on its commit worker,
// and the server's own (Hub.Commit, imports) on the request's goroutine.
package session
