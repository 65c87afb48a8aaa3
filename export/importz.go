package export

import (
	"strings"

	"github.com/easel-app/easel/board"
)

// z keys for imports, in the client's scheme (static/zorder.js): a key is
// an integer part whose first character gives its length ('a' → 1 digit
// follows … 'z' → 26; 'Z' → 1 … 'A' → 26 below "a0") and a fraction not
// ending in '0'. Placing on top increments the integer part, as the
// bundled client does for each new element, so keys stay short and the
// client keeps stacking above them the same way.

const zDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// integerLen is the length of the integer part announced by head, or 0.
func integerLen(head byte) int {
	switch {
	case head >= 'a' && head <= 'z':
		return int(head-'a') + 2
	case head >= 'A' && head <= 'Z':
		return int('Z'-head) + 2
	}
	return 0
}

// wellFormedZ tells whether key has the client's integer-and-fraction shape.
func wellFormedZ(key string) bool {
	if key == "" || len(key) > board.MaxZLen || key == "A"+strings.Repeat("0", 26) {
		return false
	}
	for i := 0; i < len(key); i++ {
		if strings.IndexByte(zDigits, key[i]) < 0 {
			return false
		}
	}
	n := integerLen(key[0])
	if n == 0 || len(key) < n {
		return false
	}
	return len(key) == n || key[len(key)-1] != '0'
}

// incrementInteger is the next integer part, or "" past "z" and 26 "z"s.
func incrementInteger(in string) string {
	head, digits := in[0], []byte(in[1:])
	for i := len(digits) - 1; i >= 0; i-- {
		d := strings.IndexByte(zDigits, digits[i]) + 1
		if d < len(zDigits) {
			digits[i] = zDigits[d]
			return string(head) + string(digits)
		}
		digits[i] = '0'
	}
	switch {
	case head == 'Z':
		return "a0"
	case head == 'z':
		return ""
	case head+1 > 'a':
		digits = append(digits, '0')
	default:
		digits = digits[:len(digits)-1]
	}
	return string(head+1) + string(digits)
}

// keysAbove returns n increasing z keys, all above top ("" for an empty
// board).
func keysAbove(top string, n int) []string {
	keys := make([]string, 0, n)
	if top == "" || wellFormedZ(top) {
		in := "a0"
		if top != "" {
			in = incrementInteger(top[:integerLen(top[0])])
		}
		for len(keys) < n && in != "" {
			keys = append(keys, in)
			if len(keys) < n {
				in = incrementInteger(in)
			}
		}
		if len(keys) == n {
			return keys
		}
		keys = keys[:0]
	}
	return plainKeysAbove(top, n)
}

// plainKeysAbove is for a top key in no particular shape: a short key
// above it (top up to its last digit that can grow, that digit grown)
// followed by a fixed-width counter; for a top of only 'z's, top itself
// followed by the counter. Only 64 'z's leave no room: then the keys
// equal top, and ids order the import.
func plainKeysAbove(top string, n int) []string {
	width := 1
	for m := len(zDigits); m <= n; m *= len(zDigits) {
		width++
	}
	base := ""
	for i := min(len(top), board.MaxZLen-width) - 1; i >= 0; i-- {
		if top[i] != 'z' {
			base = top[:i] + string(zDigits[strings.IndexByte(zDigits, top[i])+1])
			break
		}
	}
	if base == "" && top != "" && len(top)+width <= board.MaxZLen {
		base = top // all 'z's: anything longer that starts with it is above
	}
	keys := make([]string, n)
	for k := range keys {
		if base == "" {
			keys[k] = top
			continue
		}
		b := []byte(strings.Repeat("0", width))
		for i, v := len(b)-1, k; i >= 0; i, v = i-1, v/len(zDigits) {
			b[i] = zDigits[v%len(zDigits)]
		}
		keys[k] = base + string(b)
	}
	return keys
}
