package export

import (
	"crypto/rand"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/easel-app/easel/board"
)

// Placement is where an import lands on a board. Imports add, never
// overwrite: every element gets an id the board does not hold, so
// importing the same file twice gives two copies and leaves the first
// (and anyone's edits to it) alone.
type Placement struct {
	// Taken tells whether the board already holds an element id.
	Taken func(id string) bool
	// Top is the board's highest z key, "" for an empty board: the
	// imported elements go above it, in their own order.
	Top string
	// Center, when set, is where the middle of the imported elements'
	// bounds goes (board coordinates: the page sends its view's centre).
	Center *[2]float64
	// Rand is the source of the ids' random part; crypto/rand when nil.
	Rand io.Reader
}

// idAttempts bounds the retries for an id prefix no element has.
const idAttempts = 8

// Place gives im's elements fresh ids, start/end bindings and groups
// renamed consistently (a binding to an element outside the import is
// dropped), z keys above p.Top in the file's order, and moves them to
// p.Center. The elements end up in drawing order; their ids are returned
// in that order.
func (im *Imported) Place(p Placement) ([]string, error) {
	els := im.Elements
	slices.SortStableFunc(els, func(a, b board.Element) int {
		switch {
		case a.Less(&b):
			return -1
		case b.Less(&a):
			return 1
		}
		return 0
	})
	ids, err := freshIDs(els, p)
	if err != nil {
		return nil, err
	}
	prefix, err := randomBase36(p.Rand, 8)
	if err != nil {
		return nil, err
	}
	groups := make(map[string]string)
	keys := keysAbove(p.Top, len(els))
	out := make([]string, len(els))
	for i := range els {
		el := &els[i]
		el.ID = ids[el.ID]
		out[i] = el.ID
		el.Z = keys[i]
		el.Start = remapBinding(el.Start, ids)
		el.End = remapBinding(el.End, ids)
		if el.Group != "" {
			g, ok := groups[el.Group]
			if !ok {
				g = "g" + prefix + "-" + strconv.FormatInt(int64(len(groups)), 36)
				groups[el.Group] = g
			}
			el.Group = g
		}
	}
	if p.Center != nil {
		if err := center(els, *p.Center); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// freshIDs maps each element's id to "i<8 random base36>-<n base36>", with
// a prefix none of whose ids the board holds.
func freshIDs(els []board.Element, p Placement) (map[string]string, error) {
	for range idAttempts {
		prefix, err := randomBase36(p.Rand, 8)
		if err != nil {
			return nil, err
		}
		ids := make(map[string]string, len(els))
		clash := false
		for n, el := range els {
			id := "i" + prefix + "-" + strconv.FormatInt(int64(n), 36)
			if p.Taken != nil && p.Taken(id) {
				clash = true
				break
			}
			ids[el.ID] = id
		}
		if !clash {
			return ids, nil
		}
	}
	return nil, board.Errorf(board.CodeUnavailable, "could not find free element ids for the import; retry")
}

func remapBinding(b *board.Binding, ids map[string]string) *board.Binding {
	if b == nil {
		return nil
	}
	if id, ok := ids[b.ID]; ok {
		return &board.Binding{ID: id}
	}
	return nil // bound to an element the import does not bring
}

// randomBase36 is n random characters of [0-9a-z].
func randomBase36(r io.Reader, n int) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", board.Errorf(board.CodeUnavailable, "no randomness for new ids: %v", err)
	}
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	for i := range b {
		b[i] = digits[int(b[i])%len(digits)]
	}
	return string(b), nil
}

// center moves els so that the middle of their bounds is at c. Every
// moved position must stay a valid coordinate.
func center(els []board.Element, c [2]float64) error {
	if len(els) == 0 {
		return nil
	}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	add := func(x, y float64) {
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	for i := range els {
		el := &els[i]
		if len(el.Points) > 0 {
			for _, q := range el.Points {
				add(el.X+q[0], el.Y+q[1])
			}
			continue
		}
		add(el.X, el.Y)
		add(el.X+el.W, el.Y+el.H)
	}
	dx := c[0] - (minX+maxX)/2
	dy := c[1] - (minY+maxY)/2
	for i := range els {
		x, y := els[i].X+dx, els[i].Y+dy
		if !board.ValidCoordinate(x) || !board.ValidCoordinate(y) {
			return board.Errorf(board.CodeBadRequest, "centred on (%g, %g), elements[%d] would lie beyond ±1e7", c[0], c[1], i)
		}
		els[i].X, els[i].Y = x, y
	}
	return nil
}
