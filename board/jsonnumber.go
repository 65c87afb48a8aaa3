package board

import (
	"strconv"
	"unsafe"
)

// JSONNumber parses the JSON number at the start of b (RFC 8259 grammar:
// strconv alone would also take "Inf", hex and underscores), to the value
// encoding/json gives a float64. It returns the value and its length; ok
// is false for no number or one out of range. For the hand-written
// decoders of hot messages (cursor moves, points).
func JSONNumber(b []byte) (v float64, n int, ok bool) {
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
