package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/easel-app/easel/internal/protoclient"
)

// Clock is the generator's one clock: cursor send times travel as
// milliseconds since Start.
type Clock struct{ Start time.Time }

// Millis is the time since Start in ms, to the µs.
func (c Clock) Millis() float64 { return float64(time.Since(c.Start).Microseconds()) / 1000 }

// Since is how long ago a send time of ms was.
func (c Clock) Since(ms float64) time.Duration {
	return time.Since(c.Start) - time.Duration(ms*float64(time.Millisecond))
}

// Member is one member of a board, over WebSocket or, when joined with a
// Carrier, over SSE or long-polling.
type Member struct {
	Index   int
	You     string
	Epoch   string
	Seq     uint64
	Carrier string // "websocket", protoclient.SSE or protoclient.Poll

	conn  protoclient.Transport
	clock Clock

	// OnMessage sees every message that is not a cursors message (its type
	// and raw line), and OnBinary every binary frame, on the reader
	// goroutine; both are set at join.
	OnMessage func(typ string, line []byte)
	OnBinary  func(frame []byte)

	// Owned by the reader goroutine until Close returns.
	Latency      Histogram // cursor send → receive
	CrossLatency Histogram // the same, from senders on another node
	nodes        int
	Positions    uint64    // cursor entries received
	Frames       uint64    // cursors frames received
	Latest       []float64 // latest y per sender index (-1: none); latestMu
	latestMu     sync.Mutex
	MaxGap       time.Duration
	// Drafts (S10): the room's send times, nil when the load sends none;
	// draft entries received, their latency, and the latest seq received
	// per sender (-1: none; latestMu).
	draftTimes   *draftTimes
	Drafts       uint64
	DraftLatency Histogram
	LatestDraft  []int64
	// skippedPoints counts the drafts whose points were skipped by their
	// recorded length rather than scanned (drafts.go).
	skippedPoints uint64
	// textFrames counts every text frame; atomic, so a scenario can read
	// it while the load runs (frames per tick).
	textFrames atomic.Uint64
	bytesIn    atomic.Uint64 // of text frames
	gapsFrom   time.Time     // gaps are counted after this instant
	lastFrame  time.Time
	Errors     map[string]int
	CloseCode  int
	CloseAfter time.Duration // from gapsFrom to the end of the read loop
	readErr    error
}

// JoinOptions shape a member's connection.
type JoinOptions struct {
	Peers int // sender indexes to track (Latest's size)
	Since *struct {
		Epoch string
		Seq   uint64
	}
	// ReadRate, when set, makes a slow member: a 16 KiB socket receive
	// buffer read at most that many bytes a second (a phone on a bad link).
	ReadRate int
	// Nodes > 1: members were spread over that many servers by index, and
	// latency from senders on another node goes to CrossLatency.
	Nodes int
	// Drafts, when set, are the send times of the room's drafts: the
	// member then reads the drafts of `presence` messages (S10).
	Drafts *draftTimes
	// Carrier is protoclient.SSE or protoclient.Poll for a member over
	// HTTP (S11); "" (or "websocket") for a socket. ReadRate applies to
	// sockets only.
	Carrier string
}

// Join connects member index to the board at wsURL, says hello and waits
// for welcome.
func Join(ctx context.Context, wsURL string, index int, clock Clock, opts JoinOptions) (*Member, error) {
	return joinHooked(ctx, wsURL, index, clock, opts, nil, nil)
}

// joinHooked is Join with the message hooks in place before the read loop
// starts.
func joinHooked(ctx context.Context, wsURL string, index int, clock Clock, opts JoinOptions, onMessage func(string, []byte), onBinary func([]byte)) (*Member, error) {
	conn, carrier, err := dialCarrier(ctx, wsURL, opts)
	if err != nil {
		return nil, fmt.Errorf("member %d: %w", index, err)
	}
	m := &Member{Index: index, Carrier: carrier, conn: conn, clock: clock, Errors: map[string]int{}, OnMessage: onMessage, OnBinary: onBinary}
	m.nodes = max(opts.Nodes, 1)
	m.Latest = make([]float64, opts.Peers)
	for i := range m.Latest {
		m.Latest[i] = -1
	}
	if opts.Drafts != nil {
		m.draftTimes = opts.Drafts
		m.LatestDraft = make([]int64, opts.Peers)
		for i := range m.LatestDraft {
			m.LatestDraft[i] = -1
		}
	}
	hello := protoclient.Hello{Name: fmt.Sprintf("load-%d", index), Color: "#336699"}
	if opts.Since != nil {
		hello.Since = protoclient.Since{Epoch: opts.Since.Epoch, Seq: opts.Since.Seq}
	}
	if err := m.WriteJSON(hello); err != nil {
		conn.Close()
		return nil, err
	}
	line, rest, err := conn.ReadWelcome(30 * time.Second)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("member %d: %w", index, err)
	}
	var w struct {
		Type, You, Epoch string
		Seq              uint64
	}
	if err := json.Unmarshal(line, &w); err != nil || w.Type != "welcome" {
		conn.Close()
		return nil, fmt.Errorf("member %d: expected welcome, got %.200s", index, line)
	}
	m.You, m.Epoch, m.Seq = w.You, w.Epoch, w.Seq
	// What shared the welcome's frame comes first; then the read loop,
	// whose goroutine alone owns the statistics from here on.
	if len(rest) > 0 {
		m.frame(rest, time.Now())
	}
	conn.Run(m.read, m.ended)
	return m, nil
}

// dialCarrier opens the member's connection to the board whose socket is
// at wsURL, over the carrier opts names, and says which it is.
func dialCarrier(ctx context.Context, wsURL string, opts JoinOptions) (protoclient.Transport, string, error) {
	o := protoclient.Options{
		Subprotocols:     []string{protoclient.Subprotocol},
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   16 << 10,
		WriteBufferSize:  4 << 10,
		WriteTimeout:     10 * time.Second,
	}
	base := "http" + strings.TrimSuffix(strings.TrimPrefix(wsURL, "ws"), "/ws") // the board's http://host/b/<id>
	switch opts.Carrier {
	case protoclient.SSE:
		conn, _, err := protoclient.DialSSE(ctx, base, o)
		return conn, protoclient.SSE, err
	case protoclient.Poll:
		conn, _, err := protoclient.DialPoll(ctx, base, o)
		return conn, protoclient.Poll, err
	}
	if opts.ReadRate > 0 {
		o.ReceiveBuffer, o.ReadRate = 16<<10, opts.ReadRate
	}
	conn, _, err := protoclient.Dial(ctx, wsURL, o)
	return conn, "websocket", err
}

// CountGapsFrom starts frame-gap counting at t (call before moves begin).
func (m *Member) CountGapsFrom(t time.Time) { m.gapsFrom = t }

// WriteJSON sends one message.
func (m *Member) WriteJSON(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return m.WriteText(data)
}

// WriteText sends one text frame.
func (m *Member) WriteText(data []byte) error { return m.conn.SendText(data) }

// Move sends a cursor at (x = this member's index, y = now on the clock).
func (m *Member) Move() (float64, error) {
	y := m.clock.Millis()
	buf := make([]byte, 0, 64)
	buf = append(buf, `{"type":"cursor","x":`...)
	buf = strconv.AppendInt(buf, int64(m.Index), 10)
	buf = append(buf, `,"y":`...)
	buf = strconv.AppendFloat(buf, y, 'f', 3, 64)
	buf = append(buf, '}')
	return y, m.WriteText(buf)
}

// Done is closed when the read loop has ended.
func (m *Member) Done() <-chan struct{} { return m.conn.Done() }

// Close says goodbye (a close frame) and waits for the read loop.
func (m *Member) Close() { m.conn.CloseNormally() }

// read is the read loop's handler. The frame's bytes are the loop's
// reused buffer, valid during the call only: hooks see a frame only
// during theirs. (A new buffer per frame would be, at S2's rates and S5's
// 128 KiB chunks, the generator's own bottleneck.)
func (m *Member) read(typ int, data []byte, now time.Time) error {
	if typ == protoclient.BinaryFrame {
		if m.OnBinary != nil {
			m.OnBinary(data)
		}
		return nil
	}
	m.textFrames.Add(1)
	m.bytesIn.Add(uint64(len(data)))
	m.frame(data, now)
	return nil
}

// ended records how the read loop ended.
func (m *Member) ended(err error) {
	m.readErr = err
	m.CloseCode = protoclient.CloseCode(err)
	if !m.gapsFrom.IsZero() {
		m.CloseAfter = time.Since(m.gapsFrom)
	}
}

var cursorsPrefix = []byte(`{"type":"cursors"`)

func (m *Member) frame(data []byte, now time.Time) {
	sawCursors := false
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if bytes.HasPrefix(line, cursorsPrefix) {
			sawCursors = true
			m.cursors(line, now)
			continue
		}
		if bytes.HasPrefix(line, presencePrefix) {
			// Read by hand, never by encoding/json: with everyone drafting
			// it is hundreds of KB per frame.
			m.presence(line, now)
			continue
		}
		if len(line) == 0 {
			continue
		}
		var head struct{ Type, Code string }
		json.Unmarshal(line, &head)
		if head.Type == "error" {
			m.Errors[head.Code]++
		}
		if m.OnMessage != nil {
			m.OnMessage(head.Type, line)
		}
	}
	if sawCursors {
		m.Frames++
		if !m.gapsFrom.IsZero() && now.After(m.gapsFrom) {
			if !m.lastFrame.IsZero() && m.lastFrame.After(m.gapsFrom) {
				m.MaxGap = max(m.MaxGap, now.Sub(m.lastFrame))
			}
		}
		m.lastFrame = now
	}
}

// cursors parses the entries of a cursors message by hand: at 200
// members × 30 Hz a receiver set takes over a million entries a second,
// too many for encoding/json on a machine the server shares.
func (m *Member) cursors(line []byte, now time.Time) {
	i := bytes.Index(line, []byte(`"c":[`))
	if i < 0 {
		return
	}
	p := line[i+5:]
	elapsed := now.Sub(m.clock.Start)
	for len(p) > 0 && p[0] == '[' {
		// ["peer",x,y]
		q := closingQuote(p[2:])
		if q < 0 || 2+q+2 > len(p) {
			return
		}
		p = p[2+q+2:] // past `",`
		comma := bytes.IndexByte(p, ',')
		end := bytes.IndexByte(p, ']')
		if comma < 0 || end < comma {
			return
		}
		x, err1 := strconv.ParseFloat(unsafe.String(&p[0], comma), 64)
		y, err2 := strconv.ParseFloat(unsafe.String(&p[comma+1], end-comma-1), 64)
		p = p[end+1:]
		if len(p) > 0 && p[0] == ',' {
			p = p[1:]
		}
		if err1 != nil || err2 != nil {
			continue
		}
		m.Positions++
		lat := elapsed - time.Duration(y*float64(time.Millisecond))
		idx := int(x)
		if m.nodes > 1 && idx%m.nodes != m.Index%m.nodes {
			m.CrossLatency.Add(lat)
		} else {
			m.Latency.Add(lat)
		}
		if idx >= 0 && idx < len(m.Latest) && x == float64(idx) {
			m.latestMu.Lock()
			m.Latest[idx] = y
			m.latestMu.Unlock()
		}
	}
}

// closingQuote is the index of the quote that ends a JSON string whose
// body starts s, skipping escaped characters; -1 if there is none.
func closingQuote(s []byte) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// wsURL turns a base http URL and a board path into the socket URL.
func wsURL(base, path string) string {
	return "ws" + base[len("http"):] + path + "/ws"
}

// Board is a board the generator created.
type Board struct {
	ID, ViewID, EditURL string
}

// CreateBoard makes a board through the API.
func CreateBoard(base string) (Board, error) {
	res, err := http.Post(base+"/api/boards", "application/json", bytes.NewReader([]byte(`{"title":"load"}`)))
	if err != nil {
		return Board{}, err
	}
	defer res.Body.Close()
	var b struct{ ID, ViewID, EditURL string }
	if err := json.NewDecoder(res.Body).Decode(&b); err != nil || res.StatusCode != http.StatusCreated {
		return Board{}, fmt.Errorf("create board: %d %v", res.StatusCode, err)
	}
	return Board{ID: b.ID, ViewID: b.ViewID, EditURL: b.EditURL}, nil
}
