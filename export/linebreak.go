package export

import (
	"strings"
	"sync"

	"github.com/go-text/typesetting/segmenter"
)

// Unicode line breaking (UAX #14) and grapheme clusters (UAX #29) for
// breakLines, from github.com/go-text/typesetting/segmenter: a maintained
// implementation of the Unicode rules and tables (the line breaker behind
// Gio and Fyne), where a hand-written one would drift with every Unicode
// version. The board client (static/linebreak.js) applies the same rules
// to data generated from this library's tables (cmd/gen-linebreak), and
// testdata/linebreaks.json holds the two to the same opportunities.

// segmenters are reused: a Segmenter keeps its buffers between texts, but
// serves one at a time.
var segmenters = sync.Pool{New: func() any { return new(segmenter.Segmenter) }}

// cut is s cut into the pieces an iterator of a segmenter holding s
// yields: next advances it, piece is the current piece's byte offset and
// length. Invalid UTF-8 reads as U+FFFD (the board's JSON never carries
// it anyway).
func cut(s string, iterate func(*segmenter.Segmenter) (next func() bool, piece func() (int, int))) []string {
	seg := segmenters.Get().(*segmenter.Segmenter)
	defer segmenters.Put(seg)
	if seg.InitWithString(s) != nil {
		s = strings.ToValidUTF8(s, "\uFFFD")
		_ = seg.InitWithString(s) // valid now
	}
	var out []string
	for next, piece := iterate(seg); next(); {
		at, n := piece()
		out = append(out, s[at:at+n])
	}
	return out
}

// lineSegments cuts a paragraph at its line break opportunities: each
// piece is a word with the spaces after it, a CJK character, and so on.
// A mandatory break inside (after a CR or U+2028) counts as any other.
func lineSegments(s string) []string {
	return cut(s, func(seg *segmenter.Segmenter) (func() bool, func() (int, int)) {
		it := seg.LineIterator()
		return it.Next, func() (int, int) { l := it.Line(); return l.OffsetInBytes, l.LengthInBytes }
	})
}

// graphemes cuts s into grapheme clusters, which a word too long for its
// line breaks between: an emoji sequence or a letter with its combining
// marks stays whole.
func graphemes(s string) []string {
	return cut(s, func(seg *segmenter.Segmenter) (func() bool, func() (int, int)) {
		it := seg.GraphemeIterator()
		return it.Next, func() (int, int) { g := it.Grapheme(); return g.OffsetInBytes, g.LengthInBytes }
	})
}
