package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// CursorLoad is a cursor scenario: Rooms boards of PerRoom members, a
// fraction of whom move at Hz for Duration.
type CursorLoad struct {
	Rooms, PerRoom int
	Movers         float64 // fraction of each room's members that move
	Hz             float64
	Duration       time.Duration
	// Slow adds members to room 0 that read at SlowRate bytes/s (S6).
	Slow     int
	SlowRate int
	// Join, when set, joins every member with since (S5's big board).
	Since *struct {
		Epoch string
		Seq   uint64
	}
	// Boards, when set, are used instead of new ones (len ≥ Rooms).
	Boards []Board
	// During runs beside the moves (S5's download), with the running load.
	During func(ctx context.Context, l *RunningLoad) error
	// Hook, when set, gives member i of room r its message hooks.
	Hook func(r, i int) (func(string, []byte), func([]byte))
	// Split spreads each room's members over these servers in turn (S7);
	// empty: all on the server passed to RunCursors.
	Split []*Server
	// DraftPoints > 0: each mover also sends a draft with every move, of
	// a stroke that grows by a point each time up to DraftPoints, then
	// starts anew (S10).
	DraftPoints int
	// Carrier, when set, names the carrier member i of each room joins
	// over (JoinOptions.Carrier; S11); nil: all over WebSocket.
	Carrier func(i int) string
}

// RunningLoad is a cursor load in progress, for During hooks.
type RunningLoad struct {
	Server  *Server
	Clock   Clock
	Rooms   [][]*Member
	Started time.Time
}

// joinParallel caps concurrent handshakes so a 10 000-member join does not
// become a SYN flood of the server's accept queue.
const joinParallel = 64

// RunCursors runs l against srv and returns the measurements; the caller
// fills in the scenario's name and checks.
func RunCursors(ctx context.Context, srv *Server, l CursorLoad) (*Result, error) {
	res := &Result{Members: l.Rooms*l.PerRoom + l.Slow, Measures: "cursor"}
	nodes := cluster{srv}
	if len(l.Split) > 0 {
		nodes = l.Split
	}
	boards := l.Boards
	for len(boards) < l.Rooms {
		b, err := CreateBoard(srv.URL())
		if err != nil {
			return nil, err
		}
		boards = append(boards, b)
	}
	before := nodes.stats()
	clock := Clock{Start: time.Now()}
	var drafts []*draftTimes
	if l.DraftPoints > 0 {
		res.Measures = "draft"
		for range l.Rooms {
			drafts = append(drafts, newDraftTimes(l.PerRoom, l.DraftPoints))
		}
	}
	rooms, slow, err := joinRooms(ctx, l, nodes, boards, clock, drafts)
	if err != nil {
		return nil, err
	}

	// Let joins and welcomes settle before measuring.
	time.Sleep(time.Second)
	if joined := nodes.stats(); joined.RSS > before.RSS {
		res.RSSPerMemberK = float64(joined.RSS-before.RSS) / 1024 / float64(res.Members)
	}

	start := time.Now()
	for _, room := range rooms {
		for _, m := range room {
			m.CountGapsFrom(start.Add(200 * time.Millisecond))
		}
	}
	for _, m := range slow {
		m.CountGapsFrom(start)
	}
	// Frames per tick: one room on one node, whose ticks the server
	// counts. Ticks are read before frames at the start and after them at
	// the end, so a frame in flight at either edge can only lower it.
	countTicks := l.Rooms == 1 && len(nodes) == 1
	var ticks0, tickSecs0 float64
	if countTicks {
		ticks0, _ = srv.Metric(tickCountMetric)
		tickSecs0, _ = srv.Metric(tickSumMetric)
	}
	frames0 := received(rooms, textFrames)
	cpu0 := nodes.stats()
	gen0, stall0 := selfCPU(), cpuStall()
	bytes0 := received(rooms, bytesIn)
	movers := int(float64(l.PerRoom)*l.Movers + 0.5)
	moveCtx, stopMoves := context.WithTimeout(ctx, l.Duration)
	defer stopMoves()
	var during error
	var dwg sync.WaitGroup
	if l.During != nil {
		dwg.Go(func() {
			during = l.During(moveCtx, &RunningLoad{Server: srv, Clock: clock, Rooms: rooms, Started: start})
		})
	}
	final, sendErrs := moveRooms(moveCtx, rooms, movers, l.Hz, drafts)
	cpu1 := nodes.stats()
	elapsed := time.Since(start)
	res.GeneratorCPUPercent = 100 * (selfCPU() - gen0).Seconds() / elapsed.Seconds()
	if stall0 >= 0 {
		res.CPUPressure = 100 * (cpuStall() - stall0).Seconds() / elapsed.Seconds()
	}
	res.ReceivedMBps = float64(received(rooms, bytesIn)-bytes0) / 1e6 / elapsed.Seconds()
	frames := received(rooms, textFrames) - frames0
	res.FramesPerMemberS = float64(frames) / float64(l.Rooms*l.PerRoom) / elapsed.Seconds()
	if countTicks {
		ticks, err := srv.Metric(tickCountMetric)
		tickSecs, _ := srv.Metric(tickSumMetric)
		if ticks -= ticks0; err == nil && ticks > 0 {
			res.FramesPerTick = float64(frames) / float64(l.PerRoom) / ticks
			res.TickHz = ticks / elapsed.Seconds()
			res.TickMeanMs = 1000 * (tickSecs - tickSecs0) / ticks
		}
	}
	dwg.Wait()

	missing := waitConverged(rooms, final, movers, 5*time.Second)
	end := nodes.stats()
	// Closing ends the read loops, which own the statistics read below.
	closeMembers(rooms, slow)

	var lat, draftLat Histogram
	for _, room := range rooms {
		for _, m := range room {
			lat.Merge(&m.Latency)
			if l.Carrier != nil {
				if res.byCarrier == nil {
					res.byCarrier = map[string]*Histogram{}
				}
				if res.byCarrier[m.Carrier] == nil {
					res.byCarrier[m.Carrier] = &Histogram{}
				}
				res.byCarrier[m.Carrier].Merge(&m.Latency)
			}
			draftLat.Merge(&m.DraftLatency)
			res.Drafts += m.Drafts
			res.cross.Merge(&m.CrossLatency)
			res.Positions += m.Positions
			res.Frames += m.Frames
			res.MaxGapMs = max(res.MaxGapMs, ms(m.MaxGap))
			res.Errors = mergeErrors(res.Errors, m.Errors)
		}
	}
	res.latency(&lat)
	if drafts != nil {
		res.cursorLatency = lat
		res.latency(&draftLat)
	}
	res.Converged, res.Missing = missing == 0, missing
	res.DurationS = elapsed.Seconds()
	res.CPUSeconds = (cpu1.CPU - cpu0.CPU).Seconds()
	res.CPUPercent = 100 * res.CPUSeconds / elapsed.Seconds()
	res.RSSMB = float64(end.RSS) / (1 << 20)
	if updates := res.Positions + res.Drafts; updates > 0 {
		res.CPUPerPosUs = res.CPUSeconds * 1e6 / float64(updates)
	}
	for _, room := range final.drafts {
		for _, seq := range room {
			res.draftsSent += uint64(seq + 1) // seqs count from 0, one per draft
		}
	}
	if sendErrs > 0 {
		res.Errors = mergeErrors(res.Errors, map[string]int{"send failed": sendErrs})
	}
	res.slowMembers = slow
	if during != nil {
		return res, fmt.Errorf("during the load: %w", during)
	}
	return res, nil
}

// tickCountMetric counts the server's room ticks (flushes), and
// tickSumMetric sums their durations.
const (
	tickCountMetric = "easel_tick_duration_seconds_count"
	tickSumMetric   = "easel_tick_duration_seconds_sum"
)

// received sums a counter of the rooms' members: textFrames (frames) or
// bytesIn (bytes of text frames).
func received(rooms [][]*Member, counter func(*Member) *atomic.Uint64) uint64 {
	var n uint64
	for _, room := range rooms {
		for _, m := range room {
			n += counter(m).Load()
		}
	}
	return n
}

func textFrames(m *Member) *atomic.Uint64 { return &m.textFrames }
func bytesIn(m *Member) *atomic.Uint64    { return &m.bytesIn }

// selfCPU is the CPU time the generator's own process has used (its
// servers, child processes, not included).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuStall is the machine's total time some task waited for a CPU
// (/proc/pressure/cpu, "some"); -1 where the kernel does not say.
func cpuStall() time.Duration {
	data, err := os.ReadFile("/proc/pressure/cpu")
	if err != nil {
		return -1
	}
	_, total, ok := bytes.Cut(bytes.SplitN(data, []byte("\n"), 2)[0], []byte("total="))
	if !ok {
		return -1
	}
	us, err := strconv.ParseInt(string(bytes.TrimSpace(total)), 10, 64)
	if err != nil {
		return -1
	}
	return time.Duration(us) * time.Microsecond
}

// latestOf is the latest y received from peer p; it reads reader-owned
// state, so it is only a progress probe (a stale read retries).
func (m *Member) latestOf(p int) float64 {
	m.latestMu.Lock()
	defer m.latestMu.Unlock()
	return m.Latest[p]
}
