package board

import (
	"encoding/json"
	"unicode/utf8"
)

// DecodeElement decodes and validates one element from outside input
// exactly as an `ops` put element is (a draft is checked by the same
// rules, so every draft could be committed as it stands). path names it in
// error messages ("draft.el"). raw must be exactly one JSON value, white
// space around it aside: anything after it is an error, so that a caller
// may cut raw from a line it has not validated (session's fastDraft).
func DecodeElement(raw json.RawMessage, path string) (Element, error) {
	var w wireElement
	if err := json.Unmarshal(raw, &w); err != nil {
		return Element{}, Errorf(CodeBadRequest, "%s: %v", path, err)
	}
	return w.toElement(path)
}

// CleanChat returns a chat line as peers will see it, cleaned as names and
// titles are (CleanName), of 1 to MaxChatLen characters; or a bad_request
// error naming field ("chat.text").
func CleanChat(field, text string) (string, error) {
	return cleanLabel(field, text, MaxChatLen)
}

// CheckEmoji checks a reaction: 1 to MaxEmojiRunes code points of valid
// UTF-8 that show something, with no control, line break, bidi control or
// stray invisible character (the joiners and variation selectors that
// emoji sequences need are allowed). It is relayed as sent.
func CheckEmoji(field, s string) error {
	if !utf8.ValidString(s) {
		return Errorf(CodeBadRequest, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n < 1 || n > MaxEmojiRunes {
		return Errorf(CodeBadRequest, "%s must be 1 to %d Unicode code points, got %d", field, MaxEmojiRunes, n)
	}
	for _, r := range s {
		if isBreak(r) || isDropped(r) {
			return Errorf(CodeBadRequest, "%s must not hold control, bidi or invisible characters (U+%04X)", field, r)
		}
	}
	if !showsSomething(s) {
		return Errorf(CodeBadRequest, "%s shows nothing", field)
	}
	return nil
}

// CheckView checks the rectangle of a `view` message: x and y finite with
// |v| ≤ MaxCoordinate, w and h finite, above 0 and at most MaxViewSize.
// Each may be nil (absent), which is an error naming it.
func CheckView(x, y, w, h *float64) error {
	for _, f := range []struct {
		name string
		v    *float64
	}{{"x", x}, {"y", y}} {
		if f.v == nil || !ValidCoordinate(*f.v) {
			return Errorf(CodeBadRequest, "view.%s must be a finite number with |v| ≤ 1e7", f.name)
		}
	}
	for _, f := range []struct {
		name string
		v    *float64
	}{{"w", w}, {"h", h}} {
		if f.v == nil || !finite(*f.v) || *f.v <= 0 || *f.v > MaxViewSize {
			return Errorf(CodeBadRequest, "view.%s must be a finite number above 0 and at most 2e7", f.name)
		}
	}
	return nil
}
