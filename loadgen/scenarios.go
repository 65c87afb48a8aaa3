package loadgen

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/easel-app/easel/internal/protoclient"
	"github.com/redis/go-redis/v9"
)

// Options set what the standard scenarios run against and how big.
type Options struct {
	Bin      string  // the easel binary
	Scale    float64 // 1: the sizes; smaller for a quick look
	Duration time.Duration
	Redis    string   // redis://… for S7; empty skips it
	Args     []string // extra server flags for every scenario
	Log      func(format string, args ...any)
	// RelayBin, when set, is cmd/naive-relay's binary: S1, S2 and S12
	// then also run on it (Variant RelayVariant; issue 18).
	RelayBin string
	// ServerCPUs, when set, is a CPU list (taskset -c) every server and
	// relay is started on; the generator keeps off it (cpus.go).
	ServerCPUs string
}

// serverArgs lift the per-address and per-board caps: every member of a
// load comes from 127.0.0.1.
var serverArgs = []string{"--max-conns-per-addr", "0", "--max-conns", "0", "--max-members", "100000", "--create-rate", "0"}

func (o Options) n(full int) int { return max(1, int(float64(full)*o.Scale+0.5)) }

func (o Options) start(ctx context.Context, extra ...string) (*Server, error) {
	args := append(append(append([]string{}, serverArgs...), o.Args...), extra...)
	return startOn(ctx, o.ServerCPUs, o.Bin, args...)
}

// S1: idle members cost little memory and no CPU.
func S1(ctx context.Context, o Options) (*Result, error) {
	srv, err := o.start(ctx)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	r, err := RunCursors(ctx, srv, o.s1Load())
	if err != nil {
		return nil, err
	}
	r.Scenario, r.Variant, r.Name = "S1", "easel", o.s1Name()
	r.Converged = true
	r.check("server RSS per member", "≤ 10 KB (issue 18)", fmt.Sprintf("%.1f KB", r.RSSPerMemberK), r.RSSPerMemberK <= 10)
	r.check("idle CPU", "≤ 2 % of a core", fmt.Sprintf("%.2f %%", r.CPUPercent), r.CPUPercent <= 2)
	return r, nil
}

// s1Load is S1's shape at scale.
func (o Options) s1Load() CursorLoad {
	return CursorLoad{Rooms: o.n(1000), PerRoom: 10, Duration: 10 * time.Second}
}

func (o Options) s1Name() string {
	return fmt.Sprintf("%d idle members in %d rooms", o.n(1000)*10, o.n(1000))
}

// s2Load is S2's shape at scale.
func (o Options) s2Load() CursorLoad {
	return CursorLoad{Rooms: 1, PerRoom: o.n(200), Movers: 1, Hz: 30, Duration: o.Duration}
}

func (o Options) s2Name() string {
	return fmt.Sprintf("1 room × %d, all moving at 30 Hz, %v", o.n(200), o.Duration)
}

// S2 runs one busy room on Easel and on the per-message baseline
// (--cursor-tick 0) in the same run.
func S2(ctx context.Context, o Options) (easel, baseline *Result, err error) {
	run := func(variant string, extra ...string) (*Result, error) {
		srv, err := o.start(ctx, extra...)
		if err != nil {
			return nil, err
		}
		defer srv.Stop()
		r, err := RunCursors(ctx, srv, o.s2Load())
		if err != nil {
			return nil, err
		}
		r.Scenario, r.Variant, r.Name = "S2", variant, o.s2Name()
		return r, nil
	}
	if easel, err = run("easel"); err != nil {
		return nil, nil, err
	}
	if baseline, err = run(baselineVariant, "--cursor-tick", "0"); err != nil {
		return easel, nil, err
	}
	easel.check("every member has every peer's latest position", "all", fmt.Sprintf("%d missing", easel.Missing), easel.Converged)
	easel.check("cursor p99", "≤ 60 ms", fmt.Sprintf("%.1f ms", easel.LatencyP99ms), easel.LatencyP99ms <= 60)
	ratio := easel.CPUPerPosUs / baseline.CPUPerPosUs
	easel.check("server CPU per delivered position vs baseline", "≤ 0.10", fmt.Sprintf("%.3f (%.2f µs vs %.2f µs)", ratio, easel.CPUPerPosUs, baseline.CPUPerPosUs), ratio <= 0.10)
	tick := 1000.0 / 30
	easel.check("largest gap between a member's cursors frames", "≤ 3 ticks (100 ms)", fmt.Sprintf("%.0f ms", easel.MaxGapMs), easel.MaxGapMs <= 3*tick)
	return easel, baseline, nil
}

// S3 runs many small rooms: at two sizes the machine sustains beside the
// generator, to show CPU grows with members, not members², and at the
// issue's full size for its latency target.
func S3(ctx context.Context, o Options) ([]*Result, error) {
	var out []*Result
	for _, rooms := range []int{o.n(100), o.n(200), o.n(500)} {
		srv, err := o.start(ctx)
		if err != nil {
			return out, err
		}
		r, err := RunCursors(ctx, srv, CursorLoad{Rooms: rooms, PerRoom: 10, Movers: 0.3, Hz: 30, Duration: o.Duration / 2})
		srv.Stop()
		if err != nil {
			return out, err
		}
		r.Scenario, r.Variant = "S3", "easel"
		r.Name = fmt.Sprintf("%d rooms × 10, 30 %% moving at 30 Hz", rooms)
		r.check("every member has every peer's latest position", "all", fmt.Sprintf("%d missing", r.Missing), r.Converged)
		out = append(out, r)
	}
	per := func(r *Result) float64 { return r.CPUSeconds / r.DurationS / float64(r.Members) }
	growth := per(out[1]) / per(out[0])
	out[1].check("CPU per member at 2× the members", "≈ 1 (linear; quadratic would be 2)", fmt.Sprintf("%.2f", growth), growth < 1.3)
	full := out[2]
	full.check("cursor p99", "≤ 60 ms", fmt.Sprintf("%.1f ms", full.LatencyP99ms), full.LatencyP99ms <= 60)
	return out, nil
}

// S4: 50 editors on the embedded store.
func S4(ctx context.Context, o Options) (*Result, error) {
	srv, err := o.start(ctx)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	r, err := RunEdits(ctx, srv, EditLoad{Editors: o.n(50), Rate: 5, Duration: o.Duration})
	if err != nil {
		return nil, err
	}
	r.Scenario, r.Variant = "S4", "easel"
	r.Name = fmt.Sprintf("1 room, %d editors × 5 ops/s, embedded store", o.n(50))
	return r, nil
}

// S5: S2 while one member downloads a 50 MB export over its socket.
func S5(ctx context.Context, o Options) (*Result, error) {
	srv, err := o.start(ctx)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	size := int(50e6 * o.Scale)
	b, since, err := BuildBigBoard(ctx, srv, size)
	if err != nil {
		return nil, err
	}
	exportURL := srv.URL() + b.EditURL + "/export.json"
	// Render once so both downloads below serve the same stored file.
	if _, _, err := httpGet(exportURL, true); err != nil {
		return nil, err
	}
	l := o.s2Load()
	l.Boards, l.Since = []Board{b}, &since
	dl := newDownload()
	downloader := l.PerRoom - 1
	l.Hook = func(r, i int) (func(string, []byte), func([]byte)) {
		if i == downloader {
			return dl.onMessage, dl.onBinary
		}
		return nil, nil
	}
	var tp throughputs
	var extraRSS int64
	l.During = func(ctx context.Context, run *RunningLoad) error {
		dl.m = run.Rooms[0][downloader]
		time.Sleep(time.Second) // the room is busy first
		before, _ := srv.Stats()
		stop := make(chan struct{})
		peak := peakRSS(srv, stop)
		err := tp.measure(dl, exportURL)
		close(stop)
		extraRSS = <-peak - before.RSS
		return err
	}
	r, err := RunCursors(ctx, srv, l)
	if err != nil {
		return nil, err
	}
	r.Scenario, r.Variant = "S5", "easel"
	r.Name = fmt.Sprintf("S2 + a %.0f MB export over one member's socket", float64(dl.size)/1e6)
	verified, raw := tp.socket/tp.http, tp.socketRaw/tp.httpRaw
	r.note("over %d rounds of each: socket %.0f MB/s and HTTP %.0f MB/s verifying SHA-256 as a client does (ratio %.2f); the transports alone, not verifying: socket %.0f MB/s, HTTP %.0f MB/s (ratio %.2f)",
		downloadRounds, tp.socket, tp.http, verified, tp.socketRaw, tp.httpRaw, raw)
	r.check("socket throughput vs HTTP, transport alone", "≥ 0.80", fmt.Sprintf("%.2f", raw), raw >= 0.8)
	r.check("socket throughput vs HTTP, both verifying SHA-256", "≥ 0.80", fmt.Sprintf("%.2f", verified), verified >= 0.8)
	gap := ms(dl.m.MaxGap)
	r.check("downloader's largest gap between cursors frames", "≤ 3 ticks (100 ms)", fmt.Sprintf("%.0f ms", gap), gap <= 100)
	window := int64(4 << 20)
	r.check("extra server memory during the downloads", "≤ 4 × window (16 MiB)", fmt.Sprintf("%.1f MiB", float64(extraRSS)/(1<<20)), extraRSS <= 4*window)
	return r, nil
}

// S6: S2 with 5 members that read at 10 KB/s.
func S6(ctx context.Context, o Options, s2 *Result) (*Result, error) {
	srv, err := o.start(ctx)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	l := o.s2Load()
	l.Slow, l.SlowRate = 5, 10_000
	var closedAfter time.Duration = -1
	l.During = func(ctx context.Context, run *RunningLoad) error {
		for {
			n, err := srv.Metric("easel_slow_consumer_closes_total")
			if err == nil && n >= float64(l.Slow) {
				closedAfter = time.Since(run.Started)
				return nil
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	r, err := RunCursors(ctx, srv, l)
	if err != nil {
		return nil, err
	}
	r.Scenario, r.Variant = "S6", "easel"
	r.Name = fmt.Sprintf("S2 + %d members reading at 10 KB/s", l.Slow)
	codes := []string{}
	for _, m := range r.slowMembers {
		codes = append(codes, fmt.Sprint(m.CloseCode))
	}
	r.note("slow members' close codes as they saw them: %s (the 1013 frame waits behind their unread data)", strings.Join(codes, ", "))
	got := "not all closed"
	if closedAfter >= 0 {
		got = fmt.Sprintf("all %d after %.1f s", l.Slow, closedAfter.Seconds())
	}
	r.check("slow members closed with 1013", "within 5 s", got, closedAfter >= 0 && closedAfter <= 5*time.Second)
	if s2 != nil {
		ratio := r.LatencyP99ms / s2.LatencyP99ms
		r.check("others' p99 vs S2's", "within 10 %", fmt.Sprintf("%.1f ms vs %.1f ms (%.2f×)", r.LatencyP99ms, s2.LatencyP99ms, ratio), ratio <= 1.10)
	}
	return r, nil
}

// s10Points is the length S10's strokes grow to before a new one starts.
const s10Points = 200

// s10Outbox is S10's --max-outbox. A member's frame in this room is
// 200–600 KB, so the default 512 KiB closes a member (1013) whose reader
// is one or two ticks behind — which on a shared 2-core machine the
// generator's readers often are, for want of CPU, not the server. Members
// closed mid-run change the load (fewer deliveries for the same decoding),
// so the run keeps them: it measures the server's cost per update and the
// latency members see, a lagging reader's frames waiting in the outbox.
const s10Outbox = 16 << 20

// S10: S2 with every member also drafting a stroke that grows to 200
// points, one draft with each move (issue 13). Its server CPU per
// delivered update (position or draft) is held against S2's per position
// from the same run.
func S10(ctx context.Context, o Options, s2 *Result) (*Result, error) {
	srv, err := o.start(ctx, "--max-outbox", strconv.Itoa(s10Outbox))
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	l := o.s2Load()
	l.DraftPoints = s10Points
	r, err := RunCursors(ctx, srv, l)
	if err != nil {
		return nil, err
	}
	r.Scenario, r.Variant = "S10", "easel"
	r.Name = fmt.Sprintf("S2 + every member drafting a stroke growing to %d points with each move (--max-outbox %d MiB)", s10Points, s10Outbox>>20)
	cur := &r.cursorLatency
	peers := uint64(l.PerRoom - 1)
	r.note("drafts: %d sent, %d delivered (%.0f %% of sent × %d peers; the rest were replaced by a later draft before a tick took them); positions delivered %d",
		r.draftsSent, r.Drafts, 100*float64(r.Drafts)/float64(max(r.draftsSent*peers, 1)), peers, r.Positions)
	r.note("latency p50 / p95 / p99: drafts %.1f / %.1f / %.1f ms, cursors %.1f / %.1f / %.1f ms; the room ticked %.1f times a second (30 asked), a tick taking %.1f ms on average (publish, encoding and fan-out; wall clock)",
		r.LatencyP50ms, r.LatencyP95ms, r.LatencyP99ms, ms(cur.Quantile(0.5)), ms(cur.Quantile(0.95)), ms(cur.Quantile(0.99)), r.TickHz, r.TickMeanMs)
	closes, _ := srv.Metric("easel_slow_consumer_closes_total")
	r.note("members received %.0f MB/s; the generator used %.0f %% of a core beside the server's %.0f %%, and some task waited for a CPU %.0f %% of the time; %.0f members were closed as slow consumers (1013: more than --max-outbox, %d MiB here, waiting for them)",
		r.ReceivedMBps, r.GeneratorCPUPercent, r.CPUPercent, r.CPUPressure, closes, s10Outbox>>20)
	r.check("frames per tick per member", "≤ 1", fmt.Sprintf("%.3f", r.FramesPerTick), r.FramesPerTick > 0 && r.FramesPerTick <= 1)
	r.check("every member has every peer's latest position and draft", "all", fmt.Sprintf("%d missing", r.Missing), r.Converged)
	r.check("draft p99", "≤ 60 ms", fmt.Sprintf("%.1f ms", r.LatencyP99ms), r.LatencyP99ms <= 60)
	curP99 := ms(cur.Quantile(0.99))
	r.check("cursor p99", "≤ 60 ms", fmt.Sprintf("%.1f ms", curP99), curP99 <= 60)
	if s2 != nil && s2.CPUPerPosUs > 0 {
		ratio := r.CPUPerPosUs / s2.CPUPerPosUs
		r.check("server CPU per delivered update vs S2's per position", "≤ 2×", fmt.Sprintf("%.1f× (%.2f µs vs %.2f µs)", ratio, r.CPUPerPosUs, s2.CPUPerPosUs), ratio <= 2)
	} else {
		r.note("S2 did not run beside it: run -scenarios S2,S10 for the CPU comparison")
	}
	return r, nil
}

// S11: S2 with half the members on SSE (issue 16): every odd member joins
// over server-sent events and sends its moves as POSTs, the others over
// WebSocket. Its server CPU per delivered position is held against S2's
// from the same run.
func S11(ctx context.Context, o Options, s2 *Result) (*Result, error) {
	srv, err := o.start(ctx)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	l := o.s2Load()
	l.Carrier = func(i int) string {
		if i%2 == 1 {
			return protoclient.SSE
		}
		return "websocket"
	}
	r, err := RunCursors(ctx, srv, l)
	if err != nil {
		return nil, err
	}
	sse := l.PerRoom / 2
	r.Scenario, r.Variant = "S11", "easel"
	r.Name = fmt.Sprintf("S2 with half the members on SSE: 1 room × %d (%d over WebSocket, %d over SSE), all moving at 30 Hz, %v", l.PerRoom, l.PerRoom-sse, sse, o.Duration)
	for _, carrier := range []string{"websocket", protoclient.SSE} {
		if h := r.byCarrier[carrier]; h != nil {
			r.note("cursor latency p50 / p95 / p99 of members receiving over %s: %.1f / %.1f / %.1f ms (%d positions, from senders of both kinds)", carrier, ms(h.Quantile(0.5)), ms(h.Quantile(0.95)), ms(h.Quantile(0.99)), h.Count())
		}
	}
	r.check("every member has every peer's latest position", "all", fmt.Sprintf("%d missing", r.Missing), r.Converged)
	r.check("cursor p99", "≤ 80 ms", fmt.Sprintf("%.1f ms", r.LatencyP99ms), r.LatencyP99ms <= 80)
	if s2 != nil && s2.CPUPerPosUs > 0 {
		ratio := r.CPUPerPosUs / s2.CPUPerPosUs
		r.check("server CPU per delivered position vs S2's", "≤ 3×", fmt.Sprintf("%.1f× (%.2f µs vs %.2f µs)", ratio, r.CPUPerPosUs, s2.CPUPerPosUs), ratio <= 3)
	} else {
		r.note("S2 did not run beside it: run -scenarios S2,S11 for the CPU comparison")
	}
	return r, nil
}

// S7: S2 and S4 over two nodes sharing Redis.
func S7(ctx context.Context, o Options) ([]*Result, error) {
	opt, err := redis.ParseURL(o.Redis)
	if err != nil {
		return nil, err
	}
	rc := redis.NewClient(opt)
	defer rc.Close()
	if err := rc.Ping(ctx).Err(); err != nil {
		return nil, fmt.Errorf("redis at %s: %w", o.Redis, err)
	}
	prefix := fmt.Sprintf("easelload:%d:", time.Now().UnixNano())
	defer func() {
		iter := rc.Scan(context.Background(), 0, prefix+"*", 1000).Iterator()
		for iter.Next(context.Background()) {
			rc.Del(context.Background(), iter.Val())
		}
	}()
	commands := func() float64 {
		info, _ := rc.Info(ctx, "stats").Result()
		for _, line := range strings.Split(info, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_commands_processed:"); ok {
				var n float64
				fmt.Sscan(v, &n)
				return n
			}
		}
		return 0
	}
	var nodes []*Server
	for range 2 {
		s, err := o.start(ctx, "--redis", o.Redis, "--redis-prefix", prefix)
		if err != nil {
			return nil, err
		}
		defer s.Stop()
		nodes = append(nodes, s)
	}
	var out []*Result
	l := o.s2Load()
	l.Split = nodes
	c0 := commands()
	r, err := RunCursors(ctx, nodes[0], l)
	if err != nil {
		return nil, err
	}
	cmdRate := (commands() - c0) / r.DurationS
	r.Scenario, r.Variant, r.Name = "S7", "2 nodes on Redis", o.s2Name()+", members alternating between 2 nodes"
	same, cross := r.LatencyP99ms, ms(r.cross.Quantile(0.99))
	r.LatencyP99ms = cross
	r.note("p99 between members of the same node %.1f ms, of different nodes %.1f ms", same, cross)
	r.check("added cross-node p99", "≤ 5 ms", fmt.Sprintf("%.1f ms", cross-same), cross-same <= 5)
	r.check("Redis commands/s", "≈ nodes × ticks (2 × 30), not members × moves (6 000)", fmt.Sprintf("%.0f", cmdRate), cmdRate < 600)
	r.check("every member has every peer's latest position", "all", fmt.Sprintf("%d missing", r.Missing), r.Converged)
	out = append(out, r)

	c0 = commands()
	e, err := RunEdits(ctx, nodes[0], EditLoad{Editors: o.n(50), Rate: 5, Duration: o.Duration, Split: nodes})
	if err != nil {
		return out, err
	}
	cmdRate = (commands() - c0) / e.DurationS
	e.Scenario, e.Variant = "S7", "2 nodes on Redis"
	e.Name = fmt.Sprintf("S4 over 2 nodes: %d editors × 5 ops/s", o.n(50))
	// Each ops message is one EVALSHA, the 11 commands of the append
	// script (dedupe, the board's and its tombstone's existence, the byte
	// budget's reads, the writes, the history mark: all count in Redis's
	// total) and one PUBLISH: 13, plus the compactions' and history
	// passes' share, whatever the number of members.
	perOp := cmdRate / float64(o.n(50)*5)
	e.check("Redis commands per ops message", "a constant (EVALSHA + its script's 11 + PUBLISH = 13, + compaction), not per member", fmt.Sprintf("%.1f (%.0f/s for %d ops/s)", perOp, cmdRate, o.n(50)*5), perOp <= 16)
	out = append(out, e)
	return out, nil
}
