package board

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Names and titles are shown to every peer, in the page and in exported
// files. Raw, they can spoof: NUL and ANSI escapes corrupt logs and
// terminals, newlines break layouts, bidi overrides (U+202E) make
// "Alice\u202Egnp.exe" read as "Aliceexe.png", and a name of zero-width or
// blank characters looks like nobody. CleanName and CleanTitle are the one
// place such text is made fit to show; element text is not passed through
// them (multi-line text is legitimate there).

// CleanName returns a display name as peers will see it, or a bad_request
// error naming field (e.g. "hello.name").
func CleanName(field, name string) (string, error) {
	return cleanLabel(field, name, MaxNameLen)
}

// CleanTitle returns a board title as peers will see it, or a bad_request
// error naming field (e.g. "title", "ops[0].title").
func CleanTitle(field, title string) (string, error) {
	return cleanLabel(field, title, MaxTitleLen)
}

// FitTitle makes a title read from a file (an import) a valid board title:
// cleaned as CleanTitle does, then cut to the longest allowed; "" when
// nothing visible is left. Imports take what they can rather than fail.
func FitTitle(title string) string {
	if !utf8.ValidString(title) {
		title = strings.ToValidUTF8(title, "")
	}
	title = cutRunes(title, 4*MaxTitleLen+64) // bounded work, as in cleanLabel
	title = strings.TrimFunc(norm.NFC.String(stripUnsafe(title)), trimmable)
	title, err := CleanTitle("title", cutRunes(title, MaxTitleLen))
	if err != nil {
		return ""
	}
	return title
}

// cutRunes returns the first n runes of s.
func cutRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// cleanLabel normalises s and checks it holds 1 to maxLen characters
// (runes), counted after normalisation:
//   - line and paragraph breaks and other whitespace controls become a
//     space; every other control character (Unicode Cc), every bidi
//     control and stray invisible characters are removed;
//   - the rest is normalised to NFC, so one name has one spelling;
//   - whitespace and zero-width characters are trimmed from both ends;
//   - what is left must show something: text of nothing but whitespace
//     and invisible characters is refused.
func cleanLabel(field, s string, maxLen int) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(CodeBadRequest, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > 4*maxLen+64 {
		// Refused before any work: no amount of stripping makes it fit
		// unless almost all of it is junk, which nobody sends by mistake.
		return "", Errorf(CodeBadRequest, "%s has %d characters, at most %d allowed", field, n, maxLen)
	}
	s = norm.NFC.String(stripUnsafe(s))
	s = strings.TrimFunc(s, trimmable)
	if !showsSomething(s) {
		return "", Errorf(CodeBadRequest, "%s is empty after removing control and invisible characters", field)
	}
	if n := utf8.RuneCountInString(s); n > maxLen {
		return "", Errorf(CodeBadRequest, "%s has %d characters, at most %d allowed", field, n, maxLen)
	}
	return s, nil
}

// stripUnsafe replaces breaking whitespace controls by a space and drops
// the other controls, the bidi controls and stray invisibles. It returns s
// itself when there is nothing to change (the common case).
func stripUnsafe(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return isBreak(r) || isDropped(r) }) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case isBreak(r):
			b.WriteByte(' ')
		case isDropped(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isBreak: controls and separators that move text to a new line or column
// (tab, LF, VT, FF, CR, NEL, U+2028, U+2029). Turned into a space so that
// "Ann\nLee" stays two words.
func isBreak(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// isDropped: the other control characters (C0, DEL, C1 — ESC of ANSI
// sequences among them), the bidi controls (embeddings, overrides,
// isolates and marks: U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
// U+061C) and invisible characters with no place in a name (zero-width
// space U+200B, word joiner U+2060, BOM U+FEFF, soft hyphen U+00AD).
// Zero-width (non-)joiners U+200C/U+200D stay: emoji sequences and
// several scripts need them.
func isDropped(r rune) bool {
	switch {
	case unicode.Is(unicode.Cc, r):
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	}
	switch r {
	case 0x200E, 0x200F, 0x061C, 0x200B, 0x2060, 0xFEFF, 0x00AD:
		return true
	}
	return false
}

// trimmable: what may not start or end a label: whitespace and the
// zero-width characters U+200B–U+200D, U+2060, U+FEFF.
func trimmable(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF:
		return true
	}
	return unicode.IsSpace(r)
}

// showsSomething reports whether s has a character that is neither
// whitespace nor default-ignorable (format characters such as the joiners,
// variation selectors, Hangul fillers): text of only those renders as
// nothing.
func showsSomething(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector) {
			return true
		}
	}
	return false
}
