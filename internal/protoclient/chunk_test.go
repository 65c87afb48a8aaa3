package protoclient

import (
	"encoding/binary"
	"testing"

	"github.com/google/uuid"
)

func chunk(id uuid.UUID, off int64, data string) []byte {
	f := append(id[:], make([]byte, 8)...)
	binary.BigEndian.PutUint64(f[16:], uint64(off))
	return append(f, data...)
}

// Chunks reassemble a file; the contiguous count moves only when a chunk
// starts within it (a chunk past a gap counts once it comes again, as after
// a resume).
func TestChunksReassemble(t *testing.T) {
	id := uuid.New()
	var file []byte
	var have int64
	for _, step := range []struct {
		frame []byte
		have  int64
	}{
		{chunk(id, 0, "abc"), 3},
		{chunk(id, 6, "ghi"), 3},
		{chunk(id, 3, "def"), 6},
		{chunk(id, 6, "ghi"), 9},
	} {
		c, err := ParseChunk(step.frame)
		if err != nil || c.ID != id {
			t.Fatalf("parse: %v %v", c.ID, err)
		}
		if file, have = c.Place(file), c.Contiguous(have); have != step.have {
			t.Fatalf("after the chunk at %d: %d contiguous bytes, want %d", c.Offset, have, step.have)
		}
	}
	if string(file) != "abcdefghi" {
		t.Fatalf("file %q", file)
	}
	if _, err := ParseChunk(make([]byte, 23)); err == nil {
		t.Fatal("a frame shorter than the header parsed")
	}
}
