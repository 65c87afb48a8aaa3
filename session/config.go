package session

import (
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
	// close frame before the TCP connection is dropped.
	CloseGrace time.Duration
	// CursorRate and OpsRate are per-connection message budgets per second;
	// bursts of twice the rate are allowed.
	CursorRate, OpsRate float64
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
	// exports being rendered on this node at once (rendering is CPU-bound).
	MaxDownloads, Renders int
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
}

// DefaultConfig returns the production defaults.
func DefaultConfig() Config {
	return Config{
		Tick:               33 * time.Millisecond,
		CursorGather:       5 * time.Millisecond,
		MaxMessage:         1 << 20,
		OutboxBytes:        512 << 10,
		SocketBuffer:       128 << 10,
		HelloTimeout:       10 * time.Second,
		WriteWait:          10 * time.Second,
		PongWait:           30 * time.Second,
		PingPeriod:         20 * time.Second,
		CloseGrace:         2 * time.Second,
		CursorRate:         150,
		OpsRate:            75,
		MaxMembersPerBoard: 500,
		CatchUpMessages:    2048,
		CatchUpBytes:       16 << 20,
		OpsInFlight:        256,
		ExportChunk:        128 << 10,
		ExportWindow:       4 << 20,
		MaxDownloads:       3,
		Renders:            2,
		RenderQueue:        16,
		MaxLoads:           4,
		LoadWait:           10 * time.Second,
		Board:              board.DefaultLimits,
		GapWait:            250 * time.Millisecond,
		PresenceInterval:   5 * time.Second,
		PresenceTimeout:    15 * time.Second,
	}
}
