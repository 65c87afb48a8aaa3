package session

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/transfers"
)

// chunkHeader is the transfer id's 16 raw bytes and the offset, big-endian.
const chunkHeader = 24

// chunkFrames recycles chunk frames: melody hands each frame back once it
// is written (HandleSentMessageBinary), so a download allocates a handful of
// buffers instead of one per chunk.
var chunkFrames = sync.Pool{New: func() any { return new([]byte) }}

func getChunkFrame(n int) []byte {
	p := chunkFrames.Get().(*[]byte)
	if cap(*p) < n {
		return make([]byte, n)
	}
	return (*p)[:n]
}

// putChunkFrame returns a written frame for reuse.
func putChunkFrame(frame []byte) {
	frame = frame[:0]
	chunkFrames.Put(&frame)
}

// downloads are the transfers one member is receiving. At most window bytes
// of each are sent and not yet acknowledged; chunks are pulled by the
// member's Outbox when no text waits.
type downloads struct {
	window, chunk int64
	// chunksSent counts chunk frames handed to the wire; each earns the
	// member one export.ack (see withinBudget). Read by the read loop.
	chunksSent atomic.Int64

	mu     sync.Mutex
	active []*download
	next   int // round-robin position
}

type download struct {
	t     *transfers.Transfer
	sent  int64 // bytes handed to the wire
	acked int64 // bytes the client has contiguously
}

func (d *downloads) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.active)
}

// start sends t from offset (a new download, or a resume).
func (d *downloads) start(t *transfers.Transfer, offset int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, dl := range d.active {
		if dl.t.ID == t.ID {
			dl.sent, dl.acked = offset, offset
			return
		}
	}
	d.active = append(d.active, &download{t: t, sent: offset, acked: offset})
}

// ack records what the client holds; it reports whether the id is known.
func (d *downloads) ack(id string, offset int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, dl := range d.active {
		if dl.t.ID == id {
			dl.acked = max(dl.acked, min(offset, dl.sent))
			return true
		}
	}
	return false
}

func (d *downloads) cancel(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, dl := range d.active {
		if dl.t.ID == id {
			d.active = append(d.active[:i], d.active[i+1:]...)
			return true
		}
	}
	return false
}

// pull returns the next chunk frame of a download whose window is open,
// taking downloads in turn; with the last chunk of a file it returns the
// export.done message to send after it. Called with the Outbox locked.
func (d *downloads) pull() (frame, then []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for range d.active {
		i := d.next % len(d.active)
		d.next = i + 1
		dl := d.active[i]
		room := min(d.chunk, dl.t.Size-dl.sent, d.window-(dl.sent-dl.acked))
		if room <= 0 && dl.sent < dl.t.Size {
			continue // window closed: wait for an ack
		}
		if dl.sent >= dl.t.Size { // empty file, or resumed at its end
			d.active = append(d.active[:i], d.active[i+1:]...)
			return nil, encode(exportDone{Type: "export.done", ID: dl.t.ID})
		}
		frame = getChunkFrame(int(chunkHeader + room))
		id := dl.t.UUID()
		copy(frame, id[:])
		binary.BigEndian.PutUint64(frame[16:], uint64(dl.sent))
		n, err := dl.t.ReadAt(frame[chunkHeader:], dl.sent)
		if int64(n) != room {
			_ = err // a short read is the failure, whatever err says
			d.active = append(d.active[:i], d.active[i+1:]...)
			return nil, encode(errorMsg{Type: "error", Code: board.CodeInternal, Message: "the file could not be read; start the export again", ID: dl.t.ID})
		}
		dl.sent += room
		d.chunksSent.Add(1)
		if dl.sent == dl.t.Size {
			d.active = append(d.active[:i], d.active[i+1:]...)
			return frame, encode(exportDone{Type: "export.done", ID: dl.t.ID})
		}
		return frame, nil
	}
	return nil, nil
}

// Messages of the export protocol.

type exportMeta struct {
	Type     string `json:"type"`
	Ref      string `json:"ref"`
	ID       string `json:"id"`
	Format   string `json:"format"`
	MIME     string `json:"mime"`
	Filename string `json:"filename"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
	Seq      uint64 `json:"seq"`
	Chunk    int64  `json:"chunk"`
	Window   int64  `json:"window"`
	Expires  string `json:"expires"`
}

type exportDone struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

func (d *downloads) meta(t *transfers.Transfer, ref string) []byte {
	return encode(exportMeta{
		Type: "export.meta", Ref: ref, ID: t.ID, Format: string(t.Format), MIME: t.MIME, Filename: t.Filename,
		Size: t.Size, SHA256: t.SHA256, Seq: t.Seq, Chunk: d.chunk, Window: d.window,
		Expires: t.Expires.UTC().Format(time.RFC3339),
	})
}
