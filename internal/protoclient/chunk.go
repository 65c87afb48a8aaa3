package protoclient

import (
	"encoding/binary"
	"fmt"

	"github.com/google/uuid"
)

// ChunkHeader is the size of a download chunk's header: the transfer id
// (16 bytes) and the offset of its bytes in the file (8, big-endian).
const ChunkHeader = 24

// Chunk is one binary frame of a download. Data aliases the frame.
type Chunk struct {
	ID     uuid.UUID
	Offset int64
	Data   []byte
}

// ParseChunk reads a binary frame as a download chunk, without copying.
func ParseChunk(frame []byte) (Chunk, error) {
	if len(frame) < ChunkHeader {
		return Chunk{}, fmt.Errorf("binary frame of %d bytes is shorter than the chunk header", len(frame))
	}
	id, err := uuid.FromBytes(frame[:16])
	if err != nil {
		return Chunk{}, err
	}
	return Chunk{ID: id, Offset: int64(binary.BigEndian.Uint64(frame[16:ChunkHeader])), Data: frame[ChunkHeader:]}, nil
}

// End is the offset just past the chunk's bytes.
func (c Chunk) End() int64 { return c.Offset + int64(len(c.Data)) }

// Contiguous is how many bytes from the file's start are held after this
// chunk, given contiguous before it: it grows only when the chunk starts
// within them.
func (c Chunk) Contiguous(contiguous int64) int64 {
	if c.Offset <= contiguous {
		return max(contiguous, c.End())
	}
	return contiguous
}

// Place copies the chunk's bytes into file at its offset, growing file as
// needed, and returns file.
func (c Chunk) Place(file []byte) []byte {
	if need := c.End(); int64(len(file)) < need {
		file = append(file, make([]byte, need-int64(len(file)))...)
	}
	copy(file[c.Offset:], c.Data)
	return file
}
