package session

import (
	"bytes"

	"github.com/easel-app/easel/board"
)

// A pointer move is most of what clients send (up to 60 a second each),
// and decoding it through encoding/json — validate, then reflect — costs
// 8 allocations. fastCursor reads the two shapes clients send,
// {"type":"cursor","x":<number>,"y":<number>} and the same with
// ,"laser":true before the brace (a laser pointer), by hand; any other shape,
// spacing or number that does not parse cleanly is left to the general
// decoder, which gives the same result (FuzzClientFrame checks that).

var (
	cursorHead  = []byte(`{"type":"cursor","x":`)
	cursorMid   = []byte(`,"y":`)
	cursorLaser = []byte(`,"laser":true}`)
)

// fastCursor decodes a canonical cursor line; ok is false when the line is
// anything else.
func fastCursor(line []byte) (x, y float64, laser, ok bool) {
	rest, found := bytes.CutPrefix(line, cursorHead)
	if !found {
		return 0, 0, false, false
	}
	x, n, ok := board.JSONNumber(rest)
	if !ok {
		return 0, 0, false, false
	}
	rest, found = bytes.CutPrefix(rest[n:], cursorMid)
	if !found {
		return 0, 0, false, false
	}
	y, n, ok = board.JSONNumber(rest)
	if !ok {
		return 0, 0, false, false
	}
	switch tail := rest[n:]; {
	case len(tail) == 1 && tail[0] == '}':
		return x, y, false, true
	case bytes.Equal(tail, cursorLaser):
		return x, y, true, true
	}
	return 0, 0, false, false
}
