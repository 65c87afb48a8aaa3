package session

import (
	"runtime"
	"time"

	"github.com/easel-app/easel/board"
)

// Config holds the limits and timings of the realtime layer. Zero values are
// not meaningful; start from DefaultConfig.
type Config struct {
	// Tick is the cursor batching period. Zero relays every cursor move at
	// once (the per-message baseline that benchmarks compare against).
	Tick time.Duration
	// CursorGather is how long after a tick boundary a room whose board
	// has members on other nodes waits for their batches before it
	// flushes (nodes tick on the same wall-clock boundaries). It should
	// exceed the broker's delivery time; 0 flushes at once.
	CursorGather time.Duration
	// HTTPReattach is how long a member over HTTP whose stream closed
	// waits for a carrier before it leaves; HTTPPollIdle how long a
	// long-polling member may go without a poll; HTTPSendGap how long a
	// send past a gap in X-Easel-Seq waits for the missing one
	// (httpsession.go; the protocol's 5 s, 30 s and 2 s).
	HTTPReattach time.Duration
	HTTPPollIdle time.Duration
	HTTPSendGap  time.Duration
	// MaxMessage is the largest frame a client may send, in bytes.
	MaxMessage int64
	// OutboxBytes is how many bytes may wait for a slow member before it is
	// closed with 1013 (a single message larger than this still goes out
	// when nothing else waits).
	OutboxBytes int
	// SocketBuffer is the kernel send buffer (SO_SNDBUF) of each socket.
	// Left to autotuning, loopback TCP absorbs ~4 MiB for a reader that has
	// stopped, hiding it from the outbox for minutes; bounded, a member's
	// whole backlog is about 2×SocketBuffer + its receive window +
	// OutboxBytes. 0 leaves the kernel default.
	SocketBuffer int
	// HelloTimeout is how long a new connection may take to say hello.
	HelloTimeout time.Duration
	// WriteWait bounds one frame write; PongWait is how long a connection
	// may stay silent (pings are sent every PingPeriod).
	WriteWait, PongWait, PingPeriod time.Duration
	// CloseGrace is how long a closing connection waits for the client's
	// close frame before the TCP connection is dropped: the socket lingers
	// that long at most, draining what the client still sends (linger.go).
	CloseGrace time.Duration
	// MaxLingering caps the sockets lingering after a close frame on this
	// node (one goroutine and one descriptor each, for CloseGrace at most);
	// beyond it they close at once, risking a reset.
	MaxLingering int
	// CursorRate and OpsRate are per-connection message budgets per second;
	// bursts of twice the rate are allowed (so are all the rates below).
	// draft and view each have a budget of CursorRate of their own.
	CursorRate, OpsRate float64
	// ControlRate is the per-connection budget, in messages per second, of
	// each other type — hello, export, export.resume, export.cancel,
	// summon, and unknown types or malformed lines together — each type
	// its own.
	ControlRate float64
	// ChatMessages is how many chat and react messages together a
	// connection may send in any ChatWindow; more are refused with
	// rate_limited (a flood of them, past ControlRate, closes with 1008).
	ChatMessages int
	ChatWindow   time.Duration
	// DraftBytesPerTick bounds the draft elements (their encoded bytes) a
	// room publishes per tick for its members on this node; the drafts
	// past it wait for the next tick (they are latest-wins, so a deferred
	// one is only late, never lost). At least one always goes. The default,
	// one largest frame, holds S2's 200 members each drafting a 200-point
	// stroke (~2.5 KB) and bounds a board's drafts through the broker at
	// 30 MiB/s per node.
	DraftBytesPerTick int
	// AckRate is export.ack's base budget per connection and second; every
	// chunk sent to the connection adds one ack on top, so a download
	// acknowledged chunk by chunk is never limited, however fast.
	AckRate float64
	// BytesRate bounds the bytes per second of all of a connection's
	// messages, OpsBytesRate those of its ops messages, and
	// BoardOpsBytesRate those of the ops messages of all editors of one
	// board on this node together (imports over HTTP are not counted).
	BytesRate, OpsBytesRate, BoardOpsBytesRate float64
	// MaxMembersPerBoard caps connections to one board on this node.
	MaxMembersPerBoard int
	// CatchUpMessages and CatchUpBytes bound the recent ops messages a room
	// keeps for members that reconnect with `since`; older gaps get a
	// snapshot.
	CatchUpMessages, CatchUpBytes int
	// PresenceInterval is how often a room announces its local members to
	// the other nodes; PresenceTimeout is how long after a node's last
	// announcement its members expire (a crashed node's members disappear
	// within PresenceInterval + PresenceTimeout).
	PresenceInterval, PresenceTimeout time.Duration
	// GapWait is how long committed ops may wait for an earlier seq before
	// the room reads the missing ones from the store.
	GapWait time.Duration
	// ExportChunk and ExportWindow size export transfers: the largest
	// binary frame's payload, and the unacknowledged bytes per download.
	ExportChunk, ExportWindow int64
	// MaxDownloads caps one member's downloads at once; Renders caps
	// exports being rendered on this node at once (rendering is CPU-bound:
	// by default one core is always left to the ticks and commits), and
	// as many light ones (export.LightRenderWork) besides.
	MaxDownloads, Renders int
	// RenderTimeout bounds one render, from the first request for it to
	// the stored file (waiting for a slot included); beyond it the
	// requests get too_large (HTTP: 503).
	RenderTimeout time.Duration
	// OpsInFlight caps one member's ops messages waiting to be committed.
	// It must hold a whole burst (2 × OpsRate), or a burst the protocol
	// allows would be refused while the store commits.
	OpsInFlight int
	// Board bounds what one board may hold (elements, bytes); edits and
	// imports that would grow it past these get `too_large`.
	Board board.Limits
	// RenderQueue caps exports waiting for a render slot on this node;
	// requests beyond it get `rate_limited` at once instead of queueing.
	RenderQueue int
	// MaxLoads caps boards being loaded from the store at once on this
	// node (a load holds a whole board in memory while it decodes);
	// LoadWait is how long a load may queue for a slot before the member
	// gets `unavailable` (an HTTP export 503).
	MaxLoads int
	LoadWait time.Duration
	// MaxBlobBytes bounds one image (a blob) and MaxBoardBlobBytes all of
	// one board's images together; uploads and imports past them get
	// too_large (HTTP 413). Pixels are bounded by board.MaxBlobPixels.
	MaxBlobBytes, MaxBoardBlobBytes int64
	// BlobGrace is how long an image no element shows is kept (from its
	// last upload); BlobSweepEvery how often this node looks for such
	// images, in at most BlobSweepBoards boards per pass (blobsweep.go).
	// BlobSweepEvery 0 turns the sweep off on this node.
	BlobGrace, BlobSweepEvery time.Duration
	BlobSweepBoards           int

	// BoardIdle deletes boards nobody opened or edited for that long
	// (--board-idle-days; 0 keeps every board); RetentionEvery is how
	// often a node runs retention: that, and thinning version history
	// by age (retention.go). RetentionEvery 0 turns both off on this node.
	BoardIdle, RetentionEvery time.Duration
}

// DefaultConfig returns the production defaults.
func DefaultConfig() Config {
	return Config{
		Tick:               33 * time.Millisecond,
		CursorGather:       5 * time.Millisecond,
		HTTPReattach:       5 * time.Second,
		HTTPPollIdle:       30 * time.Second,
		HTTPSendGap:        2 * time.Second,
		MaxMessage:         1 << 20,
		OutboxBytes:        512 << 10,
		SocketBuffer:       128 << 10,
		HelloTimeout:       10 * time.Second,
		WriteWait:          10 * time.Second,
		PongWait:           30 * time.Second,
		PingPeriod:         20 * time.Second,
		CloseGrace:         2 * time.Second,
		MaxLingering:       512,
		CursorRate:         150,
		OpsRate:            75,
		ControlRate:        20,
		AckRate:            60,
		ChatMessages:       5,
		ChatWindow:         10 * time.Second,
		DraftBytesPerTick:  1 << 20,
		BytesRate:          16 << 20,
		OpsBytesRate:       8 << 20,
		BoardOpsBytesRate:  16 << 20,
		MaxMembersPerBoard: 500,
		CatchUpMessages:    2048,
		CatchUpBytes:       16 << 20,
		OpsInFlight:        256,
		ExportChunk:        128 << 10,
		ExportWindow:       4 << 20,
		MaxDownloads:       3,
		Renders:            max(1, runtime.NumCPU()-1),
		RenderTimeout:      60 * time.Second,
		RenderQueue:        16,
		MaxLoads:           4,
		LoadWait:           10 * time.Second,
		MaxBlobBytes:       board.DefaultMaxBlobBytes,
		MaxBoardBlobBytes:  board.DefaultMaxBoardBlobBytes,
		BlobGrace:          board.BlobGrace,
		BlobSweepEvery:     10 * time.Minute,
		BlobSweepBoards:    50,
		RetentionEvery:     time.Hour,
		Board:              board.DefaultLimits,
		GapWait:            250 * time.Millisecond,
		PresenceInterval:   5 * time.Second,
		PresenceTimeout:    15 * time.Second,
	}
}
