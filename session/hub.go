package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/transfers"
)

// Subprotocol is the only WebSocket subprotocol Easel speaks.
const Subprotocol = "easel.v1"

// Hub owns every live connection and room of this node. It keeps rooms in
// its own map (board id → room), so a message costs work proportional to
// its room, never to every session of the node.
type Hub struct {
	cfg       Config
	store     board.Store
	transfers transfers.Store
	renders   chan struct{} // semaphore of Config.Renders, for heavy renders
	loads     chan struct{} // semaphore of Config.MaxLoads (see loadBoard)
	// renderWaiting counts exports queued for a render slot (≤ RenderQueue).
	renderWaiting atomic.Int64
	broker        board.Broker
	log           *slog.Logger
	metrics       *Metrics
	node          string           // this node's id in broker events
	ws            *melodyTransport // the WebSocket transport (melodyconn.go)
	relay         relay            // how presence reaches members (relay.go)
	lingers       *lingerer        // sockets closing after a close frame (linger.go)

	// httpSessions are the members over HTTP carriers, by token
	// (httpsession.go); httpMu is a leaf lock.
	httpMu       sync.Mutex
	httpSessions map[string]*HTTPSession
	// nodes forwards carrier requests to other nodes (nil: one node).
	nodes     board.NodeRequests
	stopNodes func()

	// lightRenders is the lane of renders export.LightRenderWork allows,
	// as many as renders: a small board's export does not wait behind a
	// large one.
	lightRenders chan struct{}
	// flights are the renders in progress (renderflight.go); rendersCtx
	// is their parent, cancelled by Shutdown, and renderWG counts them.
	flights     renderFlights
	rendersCtx  context.Context
	stopRenders context.CancelFunc
	renderWG    sync.WaitGroup

	mu         sync.Mutex
	rooms      map[string]*Room
	boardConns map[string]int // connections per board, admitted or not
	conns      map[*Member]struct{}
	closing    bool
	active     sync.WaitGroup // one per ServeWS in progress

	stopHeartbeat chan struct{}
	heartbeatDone sync.WaitGroup

	// testHookMessage, when set by a test, runs before each message is
	// handled (to provoke panics); testHookTick before each room tick's
	// flush, with the room locked.
	testHookMessage func(typ string)
	testHookTick    func()
	// testHookLoad runs in each board load once it holds its load slot.
	testHookLoad func(boardID string)
}

// Options are the Hub's collaborators.
type Options struct {
	// Node names this node in broker events; it must be the id the Broker
	// stamps on what it publishes (a fresh random one when empty).
	Node      string
	Config    Config
	Store     board.Store
	Transfers transfers.Store
	Broker    board.Broker
	Logger    *slog.Logger
	Metrics   *Metrics
	// Nodes carries HTTP carrier requests between nodes (forward.go); nil
	// on a single node.
	Nodes board.NodeRequests
	// CheckOrigin is applied again by the upgrader, as a second line behind
	// the HTTP layer's own check.
	CheckOrigin func(r *http.Request) bool
}

// NewHub starts a hub: its heartbeat and blob sweep run until Shutdown.
func NewHub(o Options) *Hub {
	h := &Hub{
		cfg:        o.Config,
		store:      o.Store,
		transfers:  o.Transfers,
		renders:    make(chan struct{}, max(o.Config.Renders, 1)),
		loads:      make(chan struct{}, max(o.Config.MaxLoads, 1)),
		broker:     o.Broker,
		log:        o.Logger,
		metrics:    o.Metrics,
		node:       o.Node,
		rooms:      make(map[string]*Room),
		boardConns: make(map[string]int),
		conns:      make(map[*Member]struct{}),

		httpSessions: make(map[string]*HTTPSession),
	}
	if h.node == "" {
		h.node = board.NewPeerID()
	}
	h.lingers = newLingerer(o.Config.MaxLingering, o.Config.CloseGrace)
	h.lightRenders = make(chan struct{}, max(o.Config.Renders, 1))
	h.flights.m = make(map[renderKey]*flight)
	h.rendersCtx, h.stopRenders = context.WithCancel(context.Background())
	h.relay = newRelay(o.Config)
	if o.Nodes != nil {
		h.nodes = o.Nodes
		if stop, err := o.Nodes.ServeRequests(h.serveNodeRequest); err == nil {
			h.stopNodes = stop
		} else {
			h.log.Error("cannot serve other nodes' carrier requests", "err", err)
		}
	}
	h.ws = newMelodyTransport(h, o.CheckOrigin)
	h.stopHeartbeat = make(chan struct{})
	h.heartbeatDone.Add(1)
	go h.heartbeat(h.stopHeartbeat)
	if o.Config.BlobSweepEvery > 0 {
		h.heartbeatDone.Add(1) // Shutdown stops and waits for it as for the heartbeat
		go h.sweepLoop(h.stopHeartbeat)
	}
	if o.Config.RetentionEvery > 0 {
		h.heartbeatDone.Add(1)
		go h.retentionLoop(h.stopHeartbeat)
	}
	return h
}

// Admission is what the HTTP layer established before the upgrade.
type Admission struct {
	Board board.Board
	Role  board.Role
	// Release is called when the connection ends (frees caps held by the
	// HTTP layer); may be nil.
	Release func()
}

// ErrFull is returned by Reserve when a board has no room for another
// connection; ErrShuttingDown once Shutdown has begun.
var (
	ErrFull         = errors.New("board is full")
	ErrShuttingDown = errors.New("server is shutting down")
)

// Reserve claims a connection place on a board before the upgrade, so caps
// are answered with an HTTP status instead of an upgraded-then-closed
// socket. The returned func releases it.
func (h *Hub) Reserve(boardID string) (func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return nil, ErrShuttingDown
	}
	if h.boardConns[boardID] >= h.cfg.MaxMembersPerBoard {
		return nil, ErrFull
	}
	h.boardConns[boardID]++
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			if h.boardConns[boardID]--; h.boardConns[boardID] <= 0 {
				delete(h.boardConns, boardID)
			}
			h.mu.Unlock()
		})
	}, nil
}

// ServeWS upgrades the request and runs the session on a goroutine of its
// own; it returns once the connection is taken over (or the upgrade
// failed, with its error). The caller has already checked origin,
// subprotocol, capability and caps.
//
// Why a goroutine of its own: melody runs a connection's read loop on the
// goroutine that calls it. Run on the HTTP handler's, the socket would
// keep, for its whole life, that goroutine's stack as net/http, echo's
// middleware and the handler grew it, and net/http's per-connection
// state; an idle member is mostly that (docs/performance.md, S1). Handed
// over at the hijack, the handler returns and its goroutine ends.
func (h *Hub) ServeWS(w http.ResponseWriter, r *http.Request, a Admission) error {
	h.active.Add(1)
	m := h.newMember(a, r.RemoteAddr)
	handed := make(chan struct{})
	failed := make(chan error, 2) // an upgrade error, or a panic: nobody may be waiting
	go func() {
		defer h.active.Done()
		defer m.leave()
		defer h.recoverBackground("websocket session", func() {
			failed <- errors.New("the session failed")
		})
		if err := h.ws.serve(w, r, m, func() { close(handed) }); err != nil {
			h.notConnected(m)
			failed <- err
		}
	}()
	select {
	case <-handed:
		return nil
	case err := <-failed:
		return err
	}
}

// newMember is a member for a connection that a transport is about to
// serve; it is connected (connected) once the transport has its Conn.
func (h *Hub) newMember(a Admission, remote string) *Member {
	m := &Member{
		hub:        h,
		board:      a.Board,
		role:       a.Role,
		releaseCap: a.Release,
		budgets:    newConnBudgets(h.cfg),
		// The peer id is drawn now so that every log line of the
		// connection carries it; peers learn it at welcome.
		peer: board.Peer{ID: board.NewPeerID()},
	}
	m.gone, m.leave = context.WithCancel(context.Background())
	m.log = h.log.With("board", shortID(a.Board.ID), "peer", m.peer.ID, "role", string(a.Role), "remote", remote)
	m.outbox = newOutbox(h.cfg.OutboxBytes, m.writeFrame, m.closeSlow)
	m.downloads = &downloads{window: h.cfg.ExportWindow, chunk: h.cfg.ExportChunk}
	m.outbox.pull, m.outbox.writeBinary = m.downloads.pull, m.writeBinaryFrame
	return m
}

// notConnected releases what a member that never connected holds (a
// failed upgrade): no disconnect will.
func (h *Hub) notConnected(m *Member) {
	if m.releaseCap != nil {
		m.releaseCap()
	}
}

// recoverPanic turns a panic in a handler into a 1011 close of that member
// (which then unregisters normally) instead of a ghost session or a dead
// process.
func (h *Hub) recoverPanic(m *Member, where string) {
	v := recover()
	if v == nil {
		return
	}
	h.metrics.Panics.Inc()
	h.log.Error("panic in session handler", "where", where, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if m != nil && m.conn != nil {
		m.closeWith(CloseInternalError, "internal error")
	}
}

// recoverBackground is recoverPanic for the hub's own goroutines (room
// ticks, gap fills, board loads, presence): no member to close, but the
// process stays up, the panic is logged and counted, and after repairs the
// state the goroutine would have left (say, a tick that never finished).
// Deferred first in such a goroutine, so the goroutine's own deferred
// unlocks have run when it does.
func (h *Hub) recoverBackground(where string, after func()) {
	v := recover()
	if v == nil {
		return
	}
	h.metrics.Panics.Inc()
	h.log.Error("panic in background work", "where", where, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if after != nil {
		after()
	}
}

// connected runs when the transport has the member's connection, before
// it reads the first frame.
func (h *Hub) connected(m *Member, conn Conn) {
	defer h.recoverPanic(m, "connect")
	m.conn = conn
	h.mu.Lock()
	h.conns[m] = struct{}{}
	closing := h.closing
	h.mu.Unlock()
	h.metrics.Connections.Inc()
	m.log.Debug("connected")
	if closing {
		m.closeWith(CloseGoingAway, "server shutting down")
		return
	}
	m.helloTimer = time.AfterFunc(h.cfg.HelloTimeout, func() {
		if !m.admitted() {
			m.closeWith(ClosePolicyViolation, "hello expected within "+h.cfg.HelloTimeout.String())
		}
	})
}

// disconnected runs once the connection has ended: its read side has
// stopped and nothing more is written.
func (h *Hub) disconnected(m *Member) {
	defer func() {
		h.mu.Lock()
		delete(h.conns, m)
		h.mu.Unlock()
		h.metrics.Connections.Dec()
		if m.releaseCap != nil {
			m.releaseCap()
		}
	}()
	defer h.recoverPanic(nil, "disconnect")
	if m.helloTimer != nil {
		m.helloTimer.Stop()
	}
	m.closing.Store(true)
	if m.leave != nil {
		m.leave() // its exports stop waiting; renders nobody else awaits stop
	}
	m.outbox.Shut()
	if m.opsQueue != nil {
		close(m.opsQueue) // the read loop has ended: nothing sends any more
	}
	m.leaveRoom()
	m.log.Debug("disconnected")
}

// written runs when the transport has written frame, one the outbox
// handed over (or, with the baseline relay, a frame written around it).
func (h *Hub) written(m *Member, frame []byte, binary bool) {
	h.metrics.FramesOut.Inc()
	h.metrics.BytesOut.Add(float64(len(frame)))
	if binary {
		h.metrics.ExportBytes.Add(float64(len(frame) - chunkHeader))
		putChunkFrame(frame) // the transport is done with it
	}
	m.outbox.Sent(frame)
}

// receivedBinary refuses a binary frame from a client.
func (h *Hub) receivedBinary(m *Member) {
	h.metrics.FramesIn.Inc()
	m.closeWith(CloseUnsupportedData, "binary frames are not accepted from clients")
}

// admit puts a member that said hello into its board's room. The board's
// first member here creates the room: it subscribes to the board's events
// and loads the board, and every member waits for that load.
func (h *Hub) admit(m *Member, since *since) error {
	h.mu.Lock()
	if h.closing {
		h.mu.Unlock()
		return ErrShuttingDown
	}
	r := h.rooms[m.board.ID]
	if r == nil {
		r = newRoom(m.board.ID, h)
		unsub, err := h.broker.Subscribe(m.board.ID, r.onEvent)
		if err != nil {
			h.mu.Unlock()
			return board.Errorf(board.CodeUnavailable, "cannot join the board right now, retry")
		}
		r.unsubscribe = unsub
		h.rooms[m.board.ID] = r
		h.metrics.Rooms.Inc()
		go r.load()
		// Ask the other nodes who is already on the board.
		go r.publish(board.Event{Kind: board.EventSync})
	}
	r.joining++
	h.mu.Unlock()

	<-r.ready
	h.mu.Lock()
	r.joining--
	if h.rooms[m.board.ID] != r && r.loadErr == nil {
		// Reloaded meanwhile (lost writes): join its successor.
		h.mu.Unlock()
		return h.admit(m, since)
	}
	if r.loadErr == nil {
		r.admitLocked(m, since)
	}
	h.mu.Unlock()
	if r.loadErr != nil {
		h.releaseRoom(r) // the next member tries a fresh load
		if errors.Is(r.loadErr, errLoadsBusy) {
			return errLoadsBusy
		}
		if errors.Is(r.loadErr, board.ErrGone) {
			return board.ErrGone
		}
		return board.Errorf(board.CodeUnavailable, "cannot load the board right now, retry")
	}

	peer := m.peer
	r.publish(board.Event{Kind: board.EventJoin, Peer: &peer})
	return nil
}

// releaseRoom retires a room whose last member left.
func (h *Hub) releaseRoom(r *Room) {
	h.mu.Lock()
	r.mu.Lock()
	retire := len(r.members) == 0 && r.joining == 0 && !r.closed
	if retire {
		r.closed = true
		delete(h.rooms, r.id)
		h.metrics.Rooms.Dec()
	}
	r.mu.Unlock()
	h.mu.Unlock()
	if retire {
		r.unsubscribe()
	}
}

// Rooms reports how many rooms are live (for tests and metrics).
func (h *Hub) Rooms() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.rooms)
}

// Shutdown closes every connection with 1001 (going away: reconnect) and
// waits for the sessions to end, or for ctx.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	if !h.closing {
		close(h.stopHeartbeat)
	}
	h.closing = true
	members := make([]*Member, 0, len(h.conns))
	for m := range h.conns {
		members = append(members, m)
	}
	h.mu.Unlock()
	h.stopRenders()
	if h.stopNodes != nil {
		h.stopNodes()
	}
	for _, m := range members {
		m.closeWith(CloseGoingAway, "server shutting down")
	}
	done := make(chan struct{})
	go func() { h.active.Wait(); h.renderWG.Wait(); close(done) }()
	h.heartbeatDone.Wait()
	select {
	case <-done:
	case <-ctx.Done():
		h.ws.close() // drop whatever did not answer in time
		return fmt.Errorf("shutdown sessions: %w", ctx.Err())
	}
	// Sessions have ended; their sockets may still linger (CloseGrace at
	// most) so that the 1001 frames are read before the sockets close.
	lingered := make(chan struct{})
	go func() { h.lingers.Wait(); close(lingered) }()
	select {
	case <-lingered:
	case <-ctx.Done():
		h.ws.close()
		return fmt.Errorf("shutdown lingering sockets: %w", ctx.Err())
	}
	return h.ws.close()
}

// shortID is how board ids appear in logs: enough to correlate, not enough
// to use as a capability.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
