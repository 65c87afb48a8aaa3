package session

import "time"

// Conn is a member's connection as the room, the outbox and the member see
// it: something that takes frames. The WebSocket served by melody is the
// first implementation (melodyconn.go); everything else in this package
// speaks only to this interface, so a second transport (the same protocol
// over plain HTTP) needs a Conn and the Hub's transport entry points
// (connected, received, written, disconnected), not a second member.
//
// A transport reports back to the hub on its own goroutines: the frames a
// client sends, in order, on one goroutine per connection (received); each
// frame written (written), so the outbox can hand over the next; and the
// end of the connection, once (disconnected).
type Conn interface {
	// WriteText hands one text frame to the transport's writer. It must not
	// block; an error means the connection has gone.
	WriteText(frame []byte) error
	// WriteBinary does the same for one binary frame (an export chunk).
	WriteBinary(frame []byte) error
	// WriteClose tells the client the connection ends, with a close code
	// and reason, ahead of anything the writer still holds. It may run
	// beside the writer, and waits at most until deadline.
	WriteClose(code int, reason string, deadline time.Time) error
	// Close drops the connection without a word.
	Close() error
}

// Close codes of the protocol (RFC 6455 §7.4 and docs/protocol.md). They
// are the protocol's, not the WebSocket library's: another transport tells
// its client the same codes.
const (
	CloseNormal          = 1000
	CloseGoingAway       = 1001
	CloseProtocolError   = 1002
	CloseUnsupportedData = 1003
	CloseInvalidPayload  = 1007
	ClosePolicyViolation = 1008
	CloseMessageTooBig   = 1009
	CloseInternalError   = 1011
	CloseTryAgainLater   = 1013
)
