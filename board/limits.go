package board

// Limits bounds what one board may hold, so a shared edit link cannot be
// used to fill the server's disk or memory: every member's welcome, every
// snapshot and every export grows with the board.
type Limits struct {
	// MaxElements is the most elements a board may hold.
	MaxElements int
	// MaxBytes is the most content a board may hold, as ElementBytes counts
	// it (close to the size of its elements in JSON).
	MaxBytes int64
}

// DefaultLimits holds 5× the 10 000 elements the client is built to draw
// smoothly, and 64 MiB: room for boards of long freehand strokes whose
// JSON export is 50 MB, while a welcome of a full board still arrives in
// seconds.
var DefaultLimits = Limits{MaxElements: 50_000, MaxBytes: 64 << 20}

// elementOverhead approximates the JSON of an element's fixed fields (keys,
// numbers, punctuation): about 150 bytes in practice.
const elementOverhead = 160

// ElementBytes is e's size as board limits count it: close to its JSON
// encoding, computed without encoding. A point is counted as 16 bytes, what
// a pair of numbers with one decimal takes with its punctuation.
func ElementBytes(e *Element) int64 {
	n := elementOverhead + len(e.ID) + len(e.Kind) + len(e.Stroke) + len(e.Text) + len(e.Z) + 16*len(e.Points)
	if e.Fill != nil {
		n += len(*e.Fill)
	}
	return int64(n)
}

// CheckLimits tells whether applying ops to s would take the board past l.
// It never refuses a message that does not grow the board, so members can
// always delete their way back under a limit (even one lowered by the
// operator). The check is against s as the caller sees it: concurrent
// messages checked against the same snapshot may together overshoot by at
// most their own size, which is bounded by MaxOpsPerMsg elements each.
func (s *Snapshot) CheckLimits(ops []Op, l Limits) error {
	count, bytes := len(s.Elements), s.bytes
	// The size each touched element has after the ops so far (-1: absent).
	touched := make(map[string]int64, len(ops))
	current := func(id string) int64 {
		if n, ok := touched[id]; ok {
			return n
		}
		if e, ok := s.Elements[id]; ok {
			return ElementBytes(e)
		}
		return -1
	}
	for _, op := range ops {
		switch op.Op {
		case OpPut:
			before, after := current(op.El.ID), ElementBytes(op.El)
			if before < 0 {
				count++
				before = 0
			}
			bytes += after - before
			touched[op.El.ID] = after
		case OpDel:
			if before := current(op.ID); before >= 0 {
				count--
				bytes -= before
				touched[op.ID] = -1
			}
		}
	}
	if count > len(s.Elements) && count > l.MaxElements {
		return Errorf(CodeTooLarge, "the board would hold %d elements; the limit is %d", count, l.MaxElements)
	}
	if bytes > s.bytes && bytes > l.MaxBytes {
		return Errorf(CodeTooLarge, "the board would hold %.1f MiB; the limit is %d MiB", float64(bytes)/(1<<20), l.MaxBytes>>20)
	}
	return nil
}
