// Package protoclient is the one Go client of Easel's WebSocket protocol
// (v1, subprotocol easel.v1) that the tests and the load generator speak
// through: dialing with options (headers, subprotocols, TLS, buffers, a
// small socket receive buffer or a throttled read for slow-device tests),
// hello and the welcome, a read loop that hands each frame to a handler,
// sends, pause/unpause, and closing with the close code captured. It exists
// so that the WebSocket client logic is written once; each user keeps only
// a thin adapter that decides what to record from the frames (the server
// tests' wsClient, the system tests' member, loadgen.Member). The raw-frame
// tests of server/ stay deliberately raw.
//
// The same protocol over HTTP, for networks that refuse WebSocket ("When
// WebSocket is blocked" in the protocol), is an HTTPConn: DialSSE or
// DialPoll, then the same methods as a Conn (Transport names them), so a
// test or the load generator swaps carriers without changing its member.
// A `message` event is a text frame, a `chunk` event a binary one, and
// the `close` event ends the read with the code CloseCode reads. A
// carrier goroutine of its own reads the stream or polls, and hands each
// event to the reader one at a time; SendRaw and Interrupt are for tests
// of the seq rules and of a dropped stream.
//
// The read loop reuses one buffer for every frame: a handler sees a frame
// only during its call and copies what it keeps. That keeps the load
// generator's read path (about 1 GB/s in S10) free of a per-frame
// allocation.
//
// Concurrency: one goroutine reads — Run's, or before Run (or instead of
// it) the caller of ReadFrame and ReadWelcome. Any goroutine may send (sends
// are serialized by a write lock), pause, unpause or close. A Waiter lets a
// test wait, with a deadline, on what its handler records under the test's
// own lock; the handler records each frame through it.
package protoclient
