package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/easel-app/easel/board"
)

// received handles one text frame on the member's read loop: one or more
// newline-delimited JSON messages, in order. Invalid UTF-8 closes with 1007
// before any of the frame is handled; a line that
// is not JSON closes with 1007 too, and is never relayed, but the lines
// before it in the same frame have been handled already.
func (h *Hub) received(m *Member, frame []byte) {
	defer h.recoverPanic(m, "message")
	h.metrics.FramesIn.Inc()
	h.metrics.BytesIn.Add(float64(len(frame)))
	if m.closing.Load() {
		return
	}
	if !utf8.Valid(frame) {
		m.closeWith(CloseInvalidPayload, "frame is not valid UTF-8")
		return
	}
	splitLines(frame, func(line []byte) bool {
		msg, err := decodeLine(line)
		if errors.Is(err, errNotJSON) {
			m.closeWith(CloseInvalidPayload, "message is not JSON")
			return false
		}
		class := classOf(msg.Type)
		if err != nil {
			class = classOther
		}
		if !m.withinBudget(class, len(line), msg.Ref, msg.ID) {
			return !m.closing.Load()
		}
		if err != nil {
			if !m.admitted() {
				m.closeWith(ClosePolicyViolation, "the first message must be hello")
				return false
			}
			m.sendError(err, msg.Ref)
			return true
		}
		h.metrics.MessagesIn.WithLabelValues(messageClass(msg.Type)).Inc()
		return m.handle(msg, line)
	})
}

// handle dispatches one message; false stops reading the rest of the frame.
func (m *Member) handle(msg inbound, line []byte) bool {
	if hook := m.hub.testHookMessage; hook != nil {
		hook(msg.Type)
	}
	if msg.Type == "bye" {
		// The client is going away: it leaves now, not when its
		// connection times out (docs/protocol.md).
		m.closeWith(CloseNormal, "bye")
		return false
	}
	if !m.admitted() {
		if msg.Type != "hello" {
			m.closeWith(ClosePolicyViolation, "the first message must be hello")
			return false
		}
		return m.hello(msg)
	}
	switch msg.Type {
	case "hello":
		m.sendError(board.Errorf(board.CodeBadRequest, "hello was already received"), msg.Ref)
	case "cursor":
		return m.cursor(msg)
	case "ops":
		return m.ops(msg, line)
	case "draft":
		m.draft(msg)
	case "view":
		m.view(msg)
	case "chat":
		m.chat(msg)
	case "react":
		m.react(msg)
	case "summon":
		m.summon()
	case "export":
		m.export(msg)
	case "export.ack":
		m.exportAck(msg)
	case "export.resume":
		m.exportResume(msg)
	case "export.cancel":
		m.exportCancel(msg)
	default:
		m.sendError(board.Errorf(board.CodeBadRequest, "unknown message type %q", msg.Type), msg.Ref)
	}
	return !m.closing.Load()
}

// hello introduces the member; the answer is welcome, and everyone else on
// the board is told with join.
func (m *Member) hello(msg inbound) bool {
	name, err := board.CleanIdentity(msg.Name, msg.Color)
	if err != nil {
		m.sendError(err, "")
		return true // the hello deadline still runs
	}
	if err := validClient(msg.Client); err != nil {
		m.sendError(err, "")
		return true
	}
	if msg.Since != nil && msg.Since.Epoch == "" {
		m.sendError(board.Errorf(board.CodeBadRequest, "since needs the epoch and seq of a previous welcome"), "")
		return true
	}
	m.helloTimer.Stop()
	m.refScope = refScope(msg.Client)
	m.peer = board.Peer{ID: m.peer.ID, Name: name, Color: msg.Color, Role: m.role}
	if err := m.hub.admit(m, msg.Since); err != nil {
		if errors.Is(err, ErrShuttingDown) {
			m.closeWith(CloseGoingAway, "server shutting down")
			return false
		}
		if errors.Is(err, board.ErrGone) {
			m.tellDeleted() // deleted since the handshake looked it up
			return false
		}
		// The board could not be loaded (store or broker down): tell the
		// client, and close with 1013 so it retries with backoff instead of
		// waiting on a connection that will never be welcomed.
		m.sendError(err, "")
		m.closeWith(CloseTryAgainLater, "board unavailable: retry")
		return false
	}
	m.log.Info("joined board", "name_len", utf8.RuneCountInString(name))
	return true
}

// welcomeState is what the room knows when it admits a member.
type welcomeState struct {
	peers     []board.Peer
	epoch     string
	seq       uint64
	title     string
	recovered bool
	elements  elementsSource // nil when recovered
}

// elementsSource writes a board's elements into a welcome (boardState).
type elementsSource interface {
	elementsLen() int
	appendElements(dst []byte) []byte
}

// welcome encodes the answer to hello.
func (m *Member) welcome(ws welcomeState) []byte {
	wb := welcomeBoard{ViewID: m.board.ViewID, Title: ws.title}
	if m.role == board.RoleEdit {
		wb.ID = m.board.ID
	}
	cfg := m.hub.cfg
	var elements json.RawMessage
	if ws.elements != nil {
		// Written in below: json.Marshal would validate and copy a board
		// of up to the byte limit once more.
		elements = json.RawMessage(welcomePlaceholder[len(`"elements":`) : len(welcomePlaceholder)-1])
	}
	data := encode(welcomeMsg{
		Type:      "welcome",
		You:       m.peer.ID,
		Role:      m.role,
		Board:     wb,
		Epoch:     ws.epoch,
		Seq:       ws.seq,
		Recovered: ws.recovered,
		Elements:  elements,
		Peers:     ws.peers,
		Limits: welcomeLimits{
			MaxMessage: cfg.MaxMessage,
			MaxOps:     board.MaxOpsPerMsg,
			MaxPoints:  board.MaxPoints,
			MaxText:    board.MaxText,
			CursorRate: cfg.CursorRate,
			OpsRate:    cfg.OpsRate,

			MaxElements:   cfg.Board.MaxElements,
			MaxBoardBytes: cfg.Board.MaxBytes,
		},
		Tick: cfg.Tick.Milliseconds(),
	})
	if ws.elements == nil {
		return data
	}
	// The placeholder key can only be the field itself: inside a JSON
	// string every quote is escaped.
	i := bytes.Index(data, []byte(welcomePlaceholder))
	if i < 0 {
		panic("welcome without its elements placeholder")
	}
	// One buffer of the welcome's exact size, the elements encoded (or
	// copied from the cache) straight into it: a board at the byte limit
	// is never held twice for one join.
	at := i + len(`"elements":`)
	out := make([]byte, 0, len(data)-1+ws.elements.elementsLen())
	out = append(out, data[:at]...)
	out = ws.elements.appendElements(out)
	return append(out, data[at+1:]...)
}

// welcomePlaceholder stands for the elements while the welcome is encoded.
const welcomePlaceholder = `"elements":0,`

// cursor handles a pointer move (a laser pointer's with `laser: true`) or
// `gone: true` (the member's cursor budget was checked in onText).
func (m *Member) cursor(msg inbound) bool {
	r := m.room.Load()
	if msg.Gone {
		r.cursorGone(m)
		return true
	}
	if msg.X == nil || msg.Y == nil || !board.ValidCoordinate(*msg.X) || !board.ValidCoordinate(*msg.Y) {
		m.sendError(board.Errorf(board.CodeBadRequest, "cursor needs finite x and y with |v| ≤ 1e7, or gone: true"), "")
		return true
	}
	r.setCursor(m, *msg.X, *msg.Y, msg.Laser)
	return true
}
