package protoclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"
)

// Send sends v as one JSON message.
func (c *HTTPConn) Send(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.SendText(data)
}

// SendText sends data (one message, or several a line) as the next
// X-Easel-Seq: one POST at a time, in order, each answered before the
// next is sent. A POST that breaks is sent again (up to 3 times in all) with the same seq (the
// server applies it once); an answer other than 204 is a *StatusError.
func (c *HTTPConn) SendText(data []byte) error {
	c.smu.Lock()
	defer c.smu.Unlock()
	k := c.seq.Add(1)
	deadline := time.Now().Add(c.sendTimeout)
	for try := 1; ; try++ {
		status, body, err := c.post(k, data, deadline)
		if err == nil && status != http.StatusNoContent {
			err = &StatusError{Op: "send", Status: status, Body: body}
		}
		if err == nil || status != 0 || try == 3 || c.ctx.Err() != nil || time.Now().After(deadline) {
			return err
		}
	}
}

// SendRaw sends body with X-Easel-Seq seq as it is, concurrently with any
// other send, and returns the answer's status: for tests of repeated,
// out-of-order and missing seqs. Send goes on after the highest seq sent
// either way.
func (c *HTTPConn) SendRaw(seq int64, body []byte) (int, error) {
	for {
		high := c.seq.Load()
		if seq <= high || c.seq.CompareAndSwap(high, seq) {
			break
		}
	}
	status, _, err := c.post(seq, body, time.Now().Add(c.sendTimeout))
	return status, err
}

// post makes one send request; status 0 when it got no answer.
func (c *HTTPConn) post(seq int64, data []byte, deadline time.Time) (status int, body string, err error) {
	ctx, cancel := context.WithDeadline(c.ctx, deadline)
	defer cancel()
	req := c.request(ctx, http.MethodPost, "send", url.Values{"session": {c.session}}, bytes.NewReader(data))
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	req.Header.Set("X-Easel-Seq", strconv.FormatInt(seq, 10))
	res, err := c.do(req, "send", http.StatusNoContent)
	if res == nil {
		return 0, "", err
	}
	if se, ok := err.(*StatusError); ok {
		return se.Status, se.Body, nil
	}
	res.Body.Close()
	return res.StatusCode, "", nil
}

// Run starts the read loop on a goroutine of its own: every frame goes to
// handle until the session ends or handle fails; then end is told why (a
// *websocket.CloseError for the close event; see CloseCode), and Done is
// closed.
func (c *HTTPConn) Run(handle Handler, end func(err error)) {
	c.start(func() error {
		for {
			c.waitUnpaused()
			f, ok := <-c.frames
			if !ok {
				return c.err
			}
			if err := handle(f.typ, f.data, time.Now()); err != nil {
				return err
			}
		}
	}, end)
}

// ReadFrame reads one frame by deadline, for a test that reads step by
// step instead of running the loop; data is its own. Past the deadline
// it returns os.ErrDeadlineExceeded, and the session goes on; once the
// session has ended, the error that ended it.
func (c *HTTPConn) ReadFrame(deadline time.Time) (typ int, data []byte, err error) {
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	select {
	case f, ok := <-c.frames:
		if !ok {
			return 0, nil, c.err
		}
		return f.typ, f.data, nil
	case <-t.C:
		return 0, nil, os.ErrDeadlineExceeded
	}
}

// ReadWelcome reads the first frame within timeout and checks that it
// starts with a welcome, as Conn's does.
func (c *HTTPConn) ReadWelcome(timeout time.Duration) (welcome, rest []byte, err error) {
	_, data, err := c.ReadFrame(time.Now().Add(timeout))
	if err != nil {
		return nil, nil, fmt.Errorf("no welcome: %w", err)
	}
	return splitWelcome(data)
}

// Close ends the session's requests at once (no bye: to the server, a
// broken network) and waits for the carrier and Run's read loop to end.
// It may be called more than once.
func (c *HTTPConn) Close() error {
	c.Unpause() // a paused loop must see the close
	c.cancel()
	if c.carrying.Load() {
		<-c.carrierDone
	}
	c.waitEnded()
	c.client.CloseIdleConnections()
	return nil
}

// CloseNormally says goodbye as a page leaving does: a bye message, up to
// 2 s for the server to end the session (the read loop ends), then Close.
func (c *HTTPConn) CloseNormally() error {
	c.leaving.Store(true)
	c.Send(map[string]string{"type": "bye"})
	if c.running.Load() {
		select {
		case <-c.done:
		case <-time.After(2 * time.Second):
		}
	}
	return c.Close()
}
