package session

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"

	"github.com/easel-app/easel/board"
)

// inbound is any client → server message. One struct for all types keeps
// decoding to a single pass; each handler checks the fields its type needs.
type inbound struct {
	Type  string   `json:"type"`
	Name  string   `json:"name"`
	Color string   `json:"color"`
	Since *since   `json:"since"`
	X     *float64 `json:"x"`
	Y     *float64 `json:"y"`
	Gone  bool     `json:"gone"`
	Ref   string   `json:"ref"`

	// presence: cursor's laser flag; draft's element; view's size (its x
	// and y are the fields above); chat's text; react's emoji
	Laser bool            `json:"laser"`
	El    json.RawMessage `json:"el"`
	W     *float64        `json:"w"`
	H     *float64        `json:"h"`
	Text  string          `json:"text"`
	Emoji string          `json:"emoji"`

	// export messages
	Format     string `json:"format"`
	Scale      *int   `json:"scale"`
	Background string `json:"background"` // "#rrggbb" or "transparent"; "" white
	EmbedFonts bool   `json:"embedFonts"` // svg: carry subsets of its fonts
	ID         string `json:"id"`
	Offset     *int64 `json:"offset"`

	// hello's secret client id: it scopes the member's refs, and is never
	// sent to anyone
	Client string `json:"client"`

	// draft is a draft's element already decoded and validated (by
	// fastDraft); nil: El holds it, still to be decoded.
	draft *board.Element
}

type since struct {
	Epoch string `json:"epoch"`
	Seq   uint64 `json:"seq"`
}

// errNotJSON marks a line that is not JSON at all (close 1007), as opposed
// to JSON of the wrong shape (error bad_request).
var errNotJSON = errors.New("not JSON")

// decodeLine parses one line of a client frame.
func decodeLine(line []byte) (inbound, error) {
	if x, y, laser, ok := fastCursor(line); ok {
		xy := &[2]float64{x, y} // one allocation for both pointers
		return inbound{Type: "cursor", X: &xy[0], Y: &xy[1], Laser: laser}, nil
	}
	if el, ok := fastDraft(line); ok {
		return inbound{Type: "draft", draft: el}, nil
	}
	return decodeAny(line)
}

// decodeAny is decodeLine's general path, through encoding/json.
func decodeAny(line []byte) (inbound, error) {
	var msg inbound
	if !json.Valid(line) {
		return msg, errNotJSON
	}
	if err := json.Unmarshal(line, &msg); err != nil {
		return msg, board.Errorf(board.CodeBadRequest, "message does not fit the protocol: %v", err)
	}
	if msg.Type == "" {
		return msg, board.Errorf(board.CodeBadRequest, "message has no string type")
	}
	return msg, nil
}

// splitLines calls fn for every non-blank line of a frame; a frame holds one
// or more messages, one JSON object per line. It stops at fn's first false.
func splitLines(frame []byte, fn func(line []byte) bool) {
	for len(frame) > 0 {
		line := frame
		if i := bytes.IndexByte(frame, '\n'); i >= 0 {
			line, frame = frame[:i], frame[i+1:]
		} else {
			frame = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) > 0 && !fn(line) {
			return
		}
	}
}

// Outbound messages. Field order follows the protocol text.

type welcomeMsg struct {
	Type      string          `json:"type"`
	You       string          `json:"you"`
	Role      board.Role      `json:"role"`
	Board     welcomeBoard    `json:"board"`
	Epoch     string          `json:"epoch"`
	Seq       uint64          `json:"seq"`
	Recovered bool            `json:"recovered"`
	Elements  json.RawMessage `json:"elements,omitempty"`
	Peers     []board.Peer    `json:"peers"`
	Limits    welcomeLimits   `json:"limits"`
	Tick      int64           `json:"tick"`
}

// welcomeBoard omits the edit id for view members: a view capability must
// never reveal the edit capability.
type welcomeBoard struct {
	ID     string `json:"id,omitempty"`
	ViewID string `json:"viewId"`
	Title  string `json:"title"`
}

type welcomeLimits struct {
	MaxMessage int64   `json:"maxMessage"`
	MaxOps     int     `json:"maxOps"`
	MaxPoints  int     `json:"maxPoints"`
	MaxText    int     `json:"maxText"`
	CursorRate float64 `json:"cursorRate"`
	OpsRate    float64 `json:"opsRate"`
	// Per board; extensions to the protocol's list, which clients may ignore.
	MaxElements   int   `json:"maxElements"`
	MaxBoardBytes int64 `json:"maxBoardBytes"`
}

type joinMsg struct {
	Type string     `json:"type"`
	Peer board.Peer `json:"peer"`
}

type leaveMsg struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type errorMsg struct {
	Type    string     `json:"type"`
	Code    board.Code `json:"code"`
	Message string     `json:"message"`
	Ref     string     `json:"ref,omitempty"`
	ID      string     `json:"id,omitempty"`
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own well-formed structs are encoded here.
		panic("encode outbound message: " + err.Error())
	}
	return b
}

func encodeError(code board.Code, message, ref string) []byte {
	return encode(errorMsg{Type: "error", Code: code, Message: message, Ref: ref})
}

// appendCursorEntry appends ["<peer id>",x,y] (["<peer id>",x,y,1] for a
// laser position) — the hot path of every tick, written by hand to avoid
// reflection and allocation.
func appendCursorEntry(dst []byte, c board.Cursor) []byte {
	dst = append(dst, '[')
	dst = appendJSONString(dst, c.Peer)
	dst = append(dst, ',')
	dst = strconv.AppendFloat(dst, c.X, 'f', -1, 64)
	dst = append(dst, ',')
	dst = strconv.AppendFloat(dst, c.Y, 'f', -1, 64)
	if c.Laser {
		dst = append(dst, ",1"...)
	}
	return append(dst, ']')
}

// appendJSONNumber appends a finite float as encoding/json writes it:
// plain decimals, exponent form only for very small or large magnitudes
// (so 1e-300 is 6 bytes, not 302).
func appendJSONNumber(dst []byte, v float64) []byte {
	if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) {
		dst = strconv.AppendFloat(dst, v, 'e', -1, 64)
		if n := len(dst); n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1] // e-07 → e-7, as encoding/json
			dst = dst[:n-1]
		}
		return dst
	}
	return strconv.AppendFloat(dst, v, 'f', -1, 64)
}

// appendJSONString appends s as a JSON string. Peer ids are base64url, which
// needs no escaping; anything else goes through encoding/json.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b, _ := json.Marshal(s)
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
