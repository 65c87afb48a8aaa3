package board

// Limits bounds what one board may hold, so a shared edit link cannot be
// used to fill the server's disk or memory: every member's welcome, every
// snapshot and every export grows with the board.
type Limits struct {
	// MaxElements is the most elements a board may hold.
	MaxElements int
	// MaxBytes is the most content a board may hold, as ElementBytes counts
	// it: the exact size of its elements as stored and sent (JSON, escaped),
	// so it bounds the welcome's elements, the stored snapshot and the JSON
	// export alike.
	MaxBytes int64
}

// DefaultLimits holds 5× the 10 000 elements the client is built to draw
// smoothly, and 64 MiB: room for boards of long freehand strokes whose
// JSON export is 50 MB, while a welcome of a full board still arrives in
// seconds.
var DefaultLimits = Limits{MaxElements: 50_000, MaxBytes: 64 << 20}

// ElementBytes is e's size as board limits count it: exactly the bytes of
// its JSON encoding as encoding/json writes it everywhere in Easel (HTML
// characters escaped, floats in their shortest form), plus one for the
// comma that separates it from the next element in an array. A board's
// elements array ([…]) is therefore at most Snapshot.Bytes()+1 bytes long.
func ElementBytes(e *Element) int64 {
	return int64(encodedLen(e) + 1)
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
		if n, ok := s.sizes[id]; ok {
			return n
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
