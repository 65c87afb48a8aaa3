package protoclient

import (
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Frame types, as the WebSocket library numbers them.
const (
	TextFrame   = websocket.TextMessage
	BinaryFrame = websocket.BinaryMessage
)

// Conn is one connection speaking the protocol.
type Conn struct {
	ws           *websocket.Conn
	writeTimeout time.Duration
	wmu          sync.Mutex // serializes sends
	loop
}

// Subprotocol is the one the server selected ("" for none).
func (c *Conn) Subprotocol() string { return c.ws.Subprotocol() }

// Send sends v as one JSON message in a text frame.
func (c *Conn) Send(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.SendFrame(TextFrame, data)
}

// SendText sends data as one text frame (one message, or several a line).
func (c *Conn) SendText(data []byte) error { return c.SendFrame(TextFrame, data) }

// SendFrame sends one frame of type typ as it is, whatever it holds.
func (c *Conn) SendFrame(typ int, data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(c.writeTimeout))
	return c.ws.WriteMessage(typ, data)
}

// Close closes the socket at once (no close frame) and waits for Run's
// read loop, if any, to end. It may be called more than once.
func (c *Conn) Close() error {
	c.Unpause() // a paused loop must see the close
	err := c.ws.Close()
	c.waitEnded()
	return err
}

// CloseNormally says goodbye as a page leaving does: a close frame (1000),
// up to 2 s for the server's answer to end the read loop, then Close.
func (c *Conn) CloseNormally() error {
	c.wmu.Lock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.wmu.Unlock()
	if c.running.Load() {
		select {
		case <-c.done:
		case <-time.After(2 * time.Second):
		}
	}
	return c.Close()
}

// CloseCode is the code of the close frame (or, over HTTP, the close
// event) that ended a connection, from the error its read ended with; 0
// when it ended without one.
func CloseCode(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}
