package export

import (
	"strings"
	"unicode"
)

// Text layout constants, the board client's (static/textlayout.js).
const (
	lineHeight = 1.25 // line pitch per unit of font size
	// The line box's ascent and descent per unit of size, where a line's
	// baseline sits: the embedded Go font's (hhea 1935 and 432 of 2048
	// units) as the board client measures them, in whole pixels at 100 px
	// (textlayout.js fontMetrics; Chromium rounds a font's ascent and
	// descent to pixels). TestLineMetricsAreTheClients holds them to the
	// font.
	fontAscent    = 0.94
	fontDescent   = 0.21
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
