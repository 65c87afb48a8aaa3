package board

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// The encoded-size counters below mirror encoding/json exactly as Easel
// uses it everywhere (json.Marshal: HTML-escaping on), so that a board's
// byte limit bounds what is stored and sent, not the characters typed:
// `<` costs 6 bytes on the wire (\u003c), and a point pair of long
// decimals 40, not 16. TestEncodedSizeMatchesEncodingJSON keeps them in
// step with the standard library.

// jsonStringLen is len(json.Marshal(s)).
func jsonStringLen(s string) int {
	n := 2 // the quotes
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			switch {
			case b == '"' || b == '\\' || b == '\b' || b == '\f' || b == '\n' || b == '\r' || b == '\t':
				n += 2
			case b < 0x20 || b == '<' || b == '>' || b == '&':
				n += 6 // \u00XX
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 6 // \ufffd
		case r == '\u2028' || r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// jsonFloatLen is len(json.Marshal(f)) for a finite float64.
func jsonFloatLen(f float64) int {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		// Integral values, the common case, print as plain digits.
		n, v := 1, int64(f)
		if v < 0 || (v == 0 && math.Signbit(f)) {
			n++ // "-0" too
			v = -v
		}
		for ; v >= 10; v /= 10 {
			n++
		}
		return n
	}
	var buf [32]byte
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(buf[:0], f, format, -1, 64)
	if format == 'e' {
		// encoding/json writes e-07 as e-7.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			return n - 1
		}
	}
	return len(b)
}

// Lengths of the fixed parts of an element's encoding: its keys and
// punctuation, written the way encoding/json writes Element.
const (
	elementFixedLen = len(`{"id":,"kind":,"x":,"y":,"w":,"h":,"rot":,"fill":}`)
	pointsKeyLen    = len(`,"points":[]`)
	strokeKeyLen    = len(`,"stroke":`)
	widthKeyLen     = len(`,"width":`)
	textKeyLen      = len(`,"text":`)
	fontKeyLen      = len(`,"font":`)
	zKeyLen         = len(`,"z":`)
	dashKeyLen      = len(`,"dash":`)
	roundLen        = len(`,"round":true`)
	startKeyLen     = len(`,"start":{"id":}`)
	endKeyLen       = len(`,"end":{"id":}`)
	groupKeyLen     = len(`,"group":`)
	lockedLen       = len(`,"locked":true`)
	nullLen         = len(`null`)
)

// encodedLen is len(json.Marshal(e)), computed without encoding.
func encodedLen(e *Element) int {
	n := elementFixedLen + jsonStringLen(e.ID) + jsonStringLen(string(e.Kind)) +
		jsonFloatLen(e.X) + jsonFloatLen(e.Y) + jsonFloatLen(e.W) + jsonFloatLen(e.H) + jsonFloatLen(e.Rot)
	if len(e.Points) > 0 {
		n += pointsKeyLen + len(e.Points) - 1 // the commas between pairs
		for _, p := range e.Points {
			n += len(`[,]`) + jsonFloatLen(p[0]) + jsonFloatLen(p[1])
		}
	}
	if e.Stroke != "" {
		n += strokeKeyLen + jsonStringLen(e.Stroke)
	}
	if e.Fill != nil {
		n += jsonStringLen(*e.Fill)
	} else {
		n += nullLen
	}
	if e.Width != 0 {
		n += widthKeyLen + jsonFloatLen(e.Width)
	}
	if e.Text != "" {
		n += textKeyLen + jsonStringLen(e.Text)
	}
	if e.Font != 0 {
		n += fontKeyLen + jsonFloatLen(e.Font)
	}
	if e.Z != "" {
		n += zKeyLen + jsonStringLen(e.Z)
	}
	if e.Dash != "" {
		n += dashKeyLen + jsonStringLen(e.Dash)
	}
	if e.Round {
		n += roundLen
	}
	if e.Start != nil {
		n += startKeyLen + jsonStringLen(e.Start.ID)
	}
	if e.End != nil {
		n += endKeyLen + jsonStringLen(e.End.ID)
	}
	if e.Group != "" {
		n += groupKeyLen + jsonStringLen(e.Group)
	}
	if e.Locked {
		n += lockedLen
	}
	return n
}
