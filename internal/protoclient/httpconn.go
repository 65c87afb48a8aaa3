package protoclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// The HTTP carriers, as data-transport names them.
const (
	SSE  = "sse"
	Poll = "poll"
)

// ErrClosed ends the read of an HTTPConn that Close closed.
var ErrClosed = errors.New("protoclient: connection closed")

// reattachWithin is how long a carrier tries to reattach to its session
// after its stream or poll broke: the server keeps a session that long.
const reattachWithin = 5 * time.Second

// StatusError is an HTTP carrier's request answered with a status it did
// not expect (410: the session is unknown, closed or foreign).
type StatusError struct {
	Op     string // "sse", "poll", "send"
	Status int
	Body   string // the answer's start
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: status %d: %s", e.Op, e.Status, e.Body)
}

// HTTPConn is one session of the protocol over HTTP (SSE or long-polling,
// "When WebSocket is blocked" in the protocol): the same messages, frames
// and close codes as a Conn, and the same methods. A `message` event is
// one text frame (its data lines are the frame's lines), a `chunk` event
// one binary frame, and the `close` event ends the read with a
// *websocket.CloseError, so CloseCode works as for a socket.
//
// A carrier goroutine reads the stream (or polls) from the dial on and
// hands each event to the reader — Run's loop or ReadFrame — one at a
// time: while nobody reads, it reads no further, and the server sees a
// client that does not read. A stream or poll that breaks is reattached to
// the session after the last event received, for up to 5 s.
type HTTPConn struct {
	loop
	carrier     string // SSE or Poll
	base        string // http://host/b/<id>
	header      http.Header
	client      *http.Client
	readBuffer  int
	sendTimeout time.Duration

	ctx    context.Context // ends with Close: every request's parent
	cancel context.CancelFunc

	session string       // from event 1; never changes
	last    atomic.Int64 // the number of the last event received
	seq     atomic.Int64 // the highest X-Easel-Seq sent
	smu     sync.Mutex   // one Send at a time, in order
	leaving atomic.Bool  // bye was sent: a broken stream is not reattached

	rmu     sync.Mutex
	current context.CancelFunc // ends the current stream or poll (Interrupt)

	frames      chan frame    // from the carrier goroutine, closed when it ends
	err         error         // why it ended; read after frames is closed
	carrying    atomic.Bool   // the carrier goroutine was started
	carrierDone chan struct{} // closed when it has returned
}

type frame struct {
	typ  int
	data []byte
}

// DialSSE opens a session at base (http://host/b/<id> or …/v/<viewId>)
// over server-sent events and waits, within the handshake timeout, for its
// `session` event. The response is the stream's: check its status and
// headers, never read its body. On failure it is the refusal, when the
// server answered.
func DialSSE(ctx context.Context, base string, o Options) (*HTTPConn, *http.Response, error) {
	c := newHTTPConn(SSE, base, o)
	stop := c.handshakeTimer(ctx, o)
	defer stop()
	res, r, err := c.openStream(url.Values{}, 0)
	if err != nil {
		c.Close()
		return nil, res, fmt.Errorf("dial %s: %w", base, err)
	}
	ev, err := r.next()
	if err == nil {
		err = c.begin(ev)
	}
	if err != nil {
		res.Body.Close()
		c.Close()
		return nil, res, fmt.Errorf("dial %s: %w", base, err)
	}
	c.carry(func() error { return c.stream(r) })
	return c, res, nil
}

// DialPoll opens a session at base over long-polling and reads its
// `session` event, within the handshake timeout. The response is the
// first poll's (its body already read).
func DialPoll(ctx context.Context, base string, o Options) (*HTTPConn, *http.Response, error) {
	c := newHTTPConn(Poll, base, o)
	stop := c.handshakeTimer(ctx, o)
	defer stop()
	res, events, err := c.pollOnce(url.Values{})
	if err == nil && len(events) == 0 {
		err = errors.New("the first poll brought no session event")
	}
	if err == nil {
		err = c.begin(events[0])
	}
	if err != nil {
		c.Close()
		return nil, res, fmt.Errorf("dial %s: %w", base, err)
	}
	c.carry(func() error {
		if err := c.deliverAll(events[1:]); err != nil {
			return err
		}
		return c.poll()
	})
	return c, res, nil
}

func newHTTPConn(carrier, base string, o Options) *HTTPConn {
	dial := o.netDial()
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	tr := &http.Transport{
		DialContext:         dial,
		TLSClientConfig:     o.TLS,
		DisableCompression:  true, // the stream as the server sent it
		MaxIdleConnsPerHost: 4,
		ReadBufferSize:      o.ReadBufferSize,
		WriteBufferSize:     o.WriteBufferSize,
	}
	c := &HTTPConn{
		loop:        newLoop(),
		carrier:     carrier,
		base:        base,
		header:      o.Header,
		client:      &http.Client{Transport: tr},
		readBuffer:  o.ReadBufferSize,
		sendTimeout: o.WriteTimeout,
		frames:      make(chan frame),
		carrierDone: make(chan struct{}),
	}
	if c.sendTimeout == 0 {
		c.sendTimeout = 5 * time.Second
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

// handshakeTimer ends the opening request when ctx ends or the handshake
// timeout passes before the returned stop is called.
func (c *HTTPConn) handshakeTimer(ctx context.Context, o Options) (stop func()) {
	timeout := o.HandshakeTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	t := time.AfterFunc(timeout, c.Interrupt)
	unhook := context.AfterFunc(ctx, c.Interrupt)
	return func() { t.Stop(); unhook() }
}

// begin takes the session token from event 1.
func (c *HTTPConn) begin(ev event) error {
	var s struct{ Session string }
	if ev.n != 1 || ev.name != "session" || json.Unmarshal(ev.data, &s) != nil || s.Session == "" {
		return fmt.Errorf("expected the session event first, got event %d %q: %.200s", ev.n, ev.name, ev.data)
	}
	c.session = s.Session
	c.last.Store(1)
	return nil
}

// Carrier is SSE or Poll.
func (c *HTTPConn) Carrier() string { return c.carrier }

// Session is the session's token.
func (c *HTTPConn) Session() string { return c.session }

// LastEvent is the number of the last event received.
func (c *HTTPConn) LastEvent() int64 { return c.last.Load() }

// request makes a request to route (sse, poll, send) of the board with the
// session's query and the options' headers.
func (c *HTTPConn) request(ctx context.Context, method, route string, query url.Values, body io.Reader) *http.Request {
	u := c.base + "/" + route
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		panic(err) // the base URL was parsed by the dial already
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if host := c.header.Get("Host"); host != "" {
		req.Host = host
	}
	return req
}

// do sends a request of the current carrier (Interrupt ends it) and
// turns a status other than want into a *StatusError.
func (c *HTTPConn) do(req *http.Request, op string, want int) (*http.Response, error) {
	res, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != want {
		body, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		res.Body.Close()
		return res, &StatusError{Op: op, Status: res.StatusCode, Body: string(body)}
	}
	return res, nil
}

// attempt gives a carrier request a context of its own, which Interrupt
// ends; done releases it.
func (c *HTTPConn) attempt() (ctx context.Context, done func()) {
	ctx, cancel := context.WithCancel(c.ctx)
	c.rmu.Lock()
	if c.current != nil {
		c.current() // the previous stream's, if it is still open
	}
	c.current = cancel
	c.rmu.Unlock()
	return ctx, cancel
}

// Interrupt ends the current stream or poll as a broken network would:
// the carrier reattaches after the last event received (for tests of a
// dropped stream).
func (c *HTTPConn) Interrupt() {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	if c.current != nil {
		c.current()
	}
}

// openStream GETs the stream; with a session in query, after event last.
func (c *HTTPConn) openStream(query url.Values, last int64) (*http.Response, *sseReader, error) {
	ctx, done := c.attempt()
	req := c.request(ctx, http.MethodGet, "sse", query, nil)
	req.Header.Set("Accept", "text/event-stream")
	if last > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(last, 10))
	}
	res, err := c.do(req, "sse", http.StatusOK)
	if err != nil {
		done()
		return res, nil, err
	}
	context.AfterFunc(ctx, func() { res.Body.Close() })
	return res, newSSEReader(res.Body, c.readBuffer), nil
}

// carry starts the carrier goroutine: run's error ends the read.
func (c *HTTPConn) carry(run func() error) {
	c.carrying.Store(true)
	go func() {
		defer close(c.carrierDone)
		err := run()
		if c.ctx.Err() != nil && !isClose(err) {
			err = ErrClosed
		}
		c.err = err
		close(c.frames)
	}()
}

func isClose(err error) bool {
	var ce *websocket.CloseError
	return errors.As(err, &ce)
}

// stream reads events from r, reattaching when the stream breaks.
func (c *HTTPConn) stream(r *sseReader) error {
	for {
		for {
			ev, err := r.next()
			if errors.Is(err, errMalformed) {
				return err
			}
			if err != nil {
				break // the stream broke
			}
			if err := c.deliver(ev); err != nil {
				return err
			}
		}
		var err error
		if r, err = c.reattach(); err != nil {
			return err
		}
	}
}

// reattach opens the stream again after the last event, for up to 5 s.
func (c *HTTPConn) reattach() (*sseReader, error) {
	var r *sseReader
	err := c.retry(func() error {
		last := c.last.Load()
		_, rr, err := c.openStream(url.Values{"session": {c.session}}, last)
		r = rr
		return err
	})
	return r, err
}

// retry runs try until it succeeds, for up to 5 s, with a short backoff;
// an answer with a status (the server said no), bye or Close end it.
func (c *HTTPConn) retry(try func() error) error {
	deadline := time.Now().Add(reattachWithin)
	wait := 50 * time.Millisecond
	for {
		err := try()
		var se *StatusError
		if err == nil || errors.As(err, &se) || c.leaving.Load() || c.ctx.Err() != nil || time.Now().After(deadline) {
			return err
		}
		select {
		case <-time.After(wait):
		case <-c.ctx.Done():
			return c.ctx.Err()
		}
		wait = min(2*wait, time.Second)
	}
}

// poll polls for the events after the last received until the session
// ends, polling again at once when a poll breaks.
func (c *HTTPConn) poll() error {
	for {
		var events []event
		err := c.retry(func() error {
			var err error
			_, events, err = c.pollOnce(url.Values{"session": {c.session}, "after": {strconv.FormatInt(c.last.Load(), 10)}})
			return err
		})
		if err != nil {
			return err
		}
		if err := c.deliverAll(events); err != nil {
			return err
		}
	}
}

// pollOnce makes one poll (a server holds it up to 25 s).
func (c *HTTPConn) pollOnce(query url.Values) (*http.Response, []event, error) {
	ctx, done := c.attempt()
	defer done()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	res, err := c.do(c.request(ctx, http.MethodGet, "poll", query, nil), "poll", http.StatusOK)
	if err != nil {
		return res, nil, err
	}
	defer res.Body.Close()
	var answer struct {
		Events []struct {
			N     int64
			Event string
			Data  string
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&answer); err != nil {
		return res, nil, fmt.Errorf("poll answer: %w", err)
	}
	events := make([]event, len(answer.Events))
	for i, e := range answer.Events {
		events[i] = event{n: e.N, name: e.Event, data: []byte(e.Data)}
	}
	return res, events, nil
}

func (c *HTTPConn) deliverAll(events []event) error {
	for _, ev := range events {
		if err := c.deliver(ev); err != nil {
			return err
		}
	}
	return nil
}

// deliver hands one event to the reader, skipping one already received;
// an error (the close event, lost events, Close) ends the carrier.
func (c *HTTPConn) deliver(ev event) error {
	last := c.last.Load()
	if ev.n <= last {
		return nil
	}
	if ev.n != last+1 {
		return fmt.Errorf("%w: event %d after %d", errMalformed, ev.n, last)
	}
	c.last.Store(ev.n)
	var f frame
	switch ev.name {
	case "", "message":
		f = frame{TextFrame, ev.data}
	case "chunk":
		data, err := base64.StdEncoding.AppendDecode(nil, ev.data)
		if err != nil {
			return fmt.Errorf("%w: chunk event %d: %v", errMalformed, ev.n, err)
		}
		f = frame{BinaryFrame, data}
	case "close":
		var cl struct {
			Code   int
			Reason string
		}
		if err := json.Unmarshal(ev.data, &cl); err != nil {
			return fmt.Errorf("%w: close event %d: %.200s", errMalformed, ev.n, ev.data)
		}
		return &websocket.CloseError{Code: cl.Code, Text: cl.Reason}
	default:
		return nil // not an event of the protocol: ignored, as by EventSource
	}
	select {
	case c.frames <- f:
		return nil
	case <-c.ctx.Done():
		return ErrClosed
	}
}
