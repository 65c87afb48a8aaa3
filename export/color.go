package export

// Default colors: strokes, stickies, and the page.
var (
	defaultStroke = rgb{0x1e, 0x1e, 0x1e}
	stickyFill    = rgb{0xff, 0xd4, 0x3b}
	white         = rgb{0xff, 0xff, 0xff}
)

// rgb is an opaque color.
type rgb struct{ R, G, B uint8 }

// parseColor reads "#rrggbb"; anything else is def.
func parseColor(s string, def rgb) rgb {
	if c, ok := readColor(s); ok {
		return c
	}
	return def
}

// readColor reads "#rrggbb".
func readColor(s string) (rgb, bool) {
	if len(s) != 7 || s[0] != '#' {
		return rgb{}, false
	}
	var v [3]uint8
	for i := range v {
		hi, ok1 := hexDigit(s[1+2*i])
		lo, ok2 := hexDigit(s[2+2*i])
		if !ok1 || !ok2 {
			return rgb{}, false
		}
		v[i] = hi<<4 | lo
	}
	return rgb{v[0], v[1], v[2]}, true
}

func hexDigit(c byte) (uint8, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// hex is "#rrggbb" in lower case.
func (c rgb) hex() string {
	const digits = "0123456789abcdef"
	return string([]byte{'#', digits[c.R>>4], digits[c.R&15], digits[c.G>>4], digits[c.G&15], digits[c.B>>4], digits[c.B&15]})
}
