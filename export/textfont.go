package export

import (
	"strings"
	"unicode"
)

// Text layout constants, the board client's (static/textlayout.js).
const (
	lineHeight    = 1.25 // line pitch per unit of font size
	fontAscent    = 0.93 // baseline below the line box top, per unit of size
	fontDescent   = 0.24
	stickyPadding = 12 // inner margin of a sticky, board units
)

// cleanText makes text drawable the same way in every format: CR LF and
// CR become LF, tabs spaces, and other control characters go.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\r':
			return '\n'
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}
