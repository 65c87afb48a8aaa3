package session

import (
	"bytes"

	"github.com/easel-app/easel/board"
)

// A member drawing sends its whole element as a draft with every new
// point, up to 60 times a second: after cursor moves, drafts are what
// clients send most, and by bytes by far. The general path reads such a
// line five times over (json.Valid, then encoding/json into inbound,
// which copies the element, then the element's own decoding, which
// validates and decodes it again). fastDraft reads the shape clients
// send, {"type":"draft","el":<element>}, and decodes the element once,
// straight from the line. The line is valid JSON exactly when the element
// is a single JSON value, which board.DecodeElement checks; any line it
// does not decode cleanly — another shape, invalid JSON, an element that
// fails validation — goes to the general path, which gives the same
// message and the same error as before (FuzzClientFrame checks that).

var draftHead = []byte(`{"type":"draft","el":`)

// fastDraft decodes and validates the element of a canonical draft line;
// ok is false when the line is anything else or its element is refused.
func fastDraft(line []byte) (*board.Element, bool) {
	rest, found := bytes.CutPrefix(line, draftHead)
	if !found || len(rest) < 2 || rest[len(rest)-1] != '}' {
		return nil, false
	}
	el, err := board.DecodeElement(rest[:len(rest)-1], "draft.el")
	if err != nil {
		return nil, false
	}
	return &el, true
}
