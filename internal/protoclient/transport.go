package protoclient

import "time"

// Transport is what every carrier of the protocol offers — a WebSocket
// Conn and an HTTPConn over SSE or long-polling — so that a test or the
// load generator can run the same member over any of them.
type Transport interface {
	Send(v any) error
	SendText(data []byte) error
	ReadFrame(deadline time.Time) (typ int, data []byte, err error)
	ReadWelcome(timeout time.Duration) (welcome, rest []byte, err error)
	Run(handle Handler, end func(err error))
	Done() <-chan struct{}
	EndedWithin(timeout time.Duration) bool
	Pause()
	Unpause()
	Close() error
	CloseNormally() error
}

var (
	_ Transport = (*Conn)(nil)
	_ Transport = (*HTTPConn)(nil)
)
