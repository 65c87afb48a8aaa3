package session

import (
	"bytes"
	"strconv"
	"unsafe"
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
	x, n, ok := jsonNumber(rest)
	if !ok {
		return 0, 0, false, false
	}
	rest, found = bytes.CutPrefix(rest[n:], cursorMid)
	if !found {
		return 0, 0, false, false
	}
	y, n, ok = jsonNumber(rest)
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

// jsonNumber parses the JSON number at the start of b (RFC 8259 grammar:
// strconv alone would also take "Inf", hex and underscores). It returns
// the value and its length; ok is false for no number or one out of range.
func jsonNumber(b []byte) (v float64, n int, ok bool) {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return 0, 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return 0, 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return 0, 0, false
		}
	}
	v, err := strconv.ParseFloat(unsafe.String(&b[0], i), 64)
	if err != nil {
		return 0, 0, false // out of range: the general decoder says so
	}
	return v, i, true
}
