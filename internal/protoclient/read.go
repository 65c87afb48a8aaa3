package protoclient

import (
	"bytes"
	"fmt"
	"time"
)

// Handler sees one frame on the read goroutine: its type (TextFrame or
// BinaryFrame), its bytes — valid only during the call, the buffer is
// reused — and when it arrived. An error ends the read loop.
type Handler func(typ int, data []byte, at time.Time) error

// Run starts the read loop on a goroutine of its own: every frame goes to
// handle until the connection ends or handle fails; then end is told why
// (a *websocket.CloseError when a close frame ended it; see CloseCode),
// and Done is closed.
func (c *Conn) Run(handle Handler, end func(err error)) {
	c.start(func() error { return c.serve(handle) }, end)
}

// serve is the read loop: one buffer reused for every frame, so that it
// allocates nothing per frame once the buffer has grown to the largest.
func (c *Conn) serve(handle Handler) error {
	var buf bytes.Buffer
	for {
		c.waitUnpaused()
		typ, r, err := c.ws.NextReader()
		if err != nil {
			return err
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return err
		}
		if err := handle(typ, buf.Bytes(), time.Now()); err != nil {
			return err
		}
	}
}

// ReadFrame reads one frame by deadline, for a test that reads step by
// step instead of running the loop; data is its own copy.
func (c *Conn) ReadFrame(deadline time.Time) (typ int, data []byte, err error) {
	c.ws.SetReadDeadline(deadline)
	return c.ws.ReadMessage()
}

// ReadWelcome reads the first frame within timeout and checks that it
// starts with a welcome; it returns the welcome line and the frame's other
// lines (messages that shared its frame) for the caller to handle before
// anything else. Only the type is checked: a welcome may carry a whole
// board, and decoding it is the caller's choice.
func (c *Conn) ReadWelcome(timeout time.Duration) (welcome, rest []byte, err error) {
	_, data, err := c.ReadFrame(time.Now().Add(timeout))
	if err != nil {
		return nil, nil, fmt.Errorf("no welcome: %w", err)
	}
	c.ws.SetReadDeadline(time.Time{})
	return splitWelcome(data)
}

// splitWelcome checks that a first frame starts with a welcome and splits
// it into the welcome line and the lines after it.
func splitWelcome(data []byte) (welcome, rest []byte, err error) {
	welcome, rest, _ = bytes.Cut(data, []byte("\n"))
	if !bytes.Contains(welcome, []byte(`"type":"welcome"`)) {
		return nil, nil, fmt.Errorf("expected welcome, got %.200s", welcome)
	}
	return welcome, rest, nil
}
