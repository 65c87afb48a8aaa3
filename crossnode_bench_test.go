package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/redis/go-redis/v9"
)

// BenchmarkCrossNodeCursors measures what sharing a board through Redis
// costs live cursors: 50 members on one board, each moving its cursor at
// 30 Hz, all on one node, then split 25/25 over two nodes on the same
// Redis. It reports cursor latency (p50, p99) on one node, between members
// of the same node and between members of different nodes, the latency the
// second node adds, and the Redis commands per second of each scenario.
//
// Every mover writes its send time into x (milliseconds since t0, three
// decimals) and its index into y, so every receiver measures each entry of
// each `cursors` message on the benchmark's one clock. Each b.N iteration
// is one fixed window of crossWindow after crossWarmup (discarded).
//
//	go test -run '^$' -bench CrossNode -benchtime 1x .
//
// Redis is EASEL_BENCH_REDIS (default redis://127.0.0.1:6379/13); the
// benchmark uses its own key prefix and deletes its keys afterwards.
func BenchmarkCrossNodeCursors(b *testing.B) {
	const (
		members = 50
		moveHz  = 30
	)
	url := crossRedisURL()
	opts, err := redis.ParseURL(url)
	if err != nil {
		b.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	b.Cleanup(func() { rdb.Close() }) // after crossPrefix's cleanup, which uses it
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		b.Skipf("no redis at %s: %v", url, err)
	}
	prefix := crossPrefix(b, rdb)
	meter := newRedisMeter(b, rdb, prefix)
	b.Cleanup(http.DefaultClient.CloseIdleConnections)

	// Background: what the shared Redis serves with no Easel node running
	// (INFO counts the whole server, other clients included).
	var idle redisWindow
	r0 := meter.read()
	time.Sleep(2 * time.Second)
	idle.add(r0, meter.read())

	one := runCrossScenario(b, meter, url, prefix, 1, members, moveHz)
	two := runCrossScenario(b, meter, url, prefix, 2, members, moveHz)

	p := percentileMs
	oneP50, oneP99 := p(one.same, 0.50), p(one.same, 0.99)
	crossP50, crossP99 := p(two.cross, 0.50), p(two.cross, 0.99)
	b.ReportMetric(oneP50, "1node-p50-ms")
	b.ReportMetric(oneP99, "1node-p99-ms")
	b.ReportMetric(p(two.same, 0.50), "2node-same-p50-ms")
	b.ReportMetric(p(two.same, 0.99), "2node-same-p99-ms")
	b.ReportMetric(crossP50, "2node-cross-p50-ms")
	b.ReportMetric(crossP99, "2node-cross-p99-ms")
	b.ReportMetric(crossP50-oneP50, "added-p50-ms")
	b.ReportMetric(crossP99-oneP99, "added-p99-ms")
	b.ReportMetric(one.redis.rate(one.redis.total), "1node-redis-cmds/s")
	b.ReportMetric(two.redis.rate(two.redis.total), "2node-redis-cmds/s")
	b.ReportMetric(idle.rate(idle.total), "idle-redis-cmds/s")
	b.ReportMetric(one.redis.rate(one.redis.events), "1node-easel-publish/s")
	b.ReportMetric(two.redis.rate(two.redis.events), "2node-easel-publish/s")
	b.ReportMetric(one.moves, "1node-moves/s")
	b.ReportMetric(two.moves, "2node-moves/s")
	b.Logf("samples: one node %d; two nodes same-node %d, cross-node %d", len(one.same), len(two.same), len(two.cross))
	for _, sc := range []struct {
		name string
		w    redisWindow
	}{{"idle", idle}, {"one node", one.redis}, {"two nodes", two.redis}} {
		b.Logf("%s: Easel published %.1f events/s (%.1f cursor batches/s, %.1f cursors each, %.0f bytes/s); Redis served %.1f commands/s: %s",
			sc.name, sc.w.rate(sc.w.events), sc.w.rate(sc.w.cursorEvents), sc.w.cursors/max(sc.w.cursorEvents, 1),
			sc.w.rate(sc.w.bytes), sc.w.rate(sc.w.total), sc.w)
	}
}

const (
	crossWarmup = 500 * time.Millisecond
	crossWindow = 5 * time.Second
)

func crossRedisURL() string {
	if u := os.Getenv("EASEL_BENCH_REDIS"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/13"
}

// crossPrefix gives the benchmark its own key space and deletes it after.
func crossPrefix(b *testing.B, rdb *redis.Client) string {
	buf := make([]byte, 6)
	rand.Read(buf)
	prefix := "easelbench:" + hex.EncodeToString(buf) + ":"
	b.Cleanup(func() {
		ctx := context.Background()
		var keys []string
		for it := rdb.Scan(ctx, 0, prefix+"*", 500).Iterator(); it.Next(ctx); {
			keys = append(keys, it.Val())
		}
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
	})
	return prefix
}

type crossResult struct {
	same, cross []int32 // latencies in µs, by pair: same node, other node
	redis       redisWindow
	moves       float64 // cursor messages sent per second
}

// runCrossScenario starts nodes Easel nodes on Redis, spreads members over
// them evenly, and measures b.N windows of everyone moving at moveHz.
func runCrossScenario(b *testing.B, meter *redisMeter, url, prefix string, nodes, members, moveHz int) crossResult {
	addrs := make([]string, nodes)
	stops := make([]func() error, nodes)
	for i := range addrs {
		addrs[i], stops[i] = startBenchNode(b, []string{
			"--addr", "127.0.0.1:0", "--data", b.TempDir(),
			"--redis", url, "--redis-prefix", prefix,
		})
	}
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()

	res, err := http.Post("http://"+addrs[0]+"/api/boards", "application/json", nil)
	if err != nil {
		b.Fatal(err)
	}
	var brd struct{ ID string }
	json.NewDecoder(res.Body).Decode(&brd)
	res.Body.Close()
	if brd.ID == "" {
		b.Fatalf("create board: %d", res.StatusCode)
	}

	t0 := time.Now()
	clients := make([]*benchCursorClient, 0, members)
	defer func() {
		for _, c := range clients {
			c.close()
		}
	}()
	for i := range members {
		node := i * nodes / members
		c, err := dialBenchClient("ws://"+addrs[node]+"/b/"+brd.ID+"/ws", i, node, nodes, members, t0)
		if err != nil {
			b.Fatal(err)
		}
		clients = append(clients, c)
	}
	// Everyone must know everyone, or a cursor from a peer not yet seen
	// (the other node's members arrive by presence) would be dropped.
	deadline := time.Now().Add(20 * time.Second)
	for _, c := range clients {
		for c.known.Load() < int32(members-1) {
			if time.Now().After(deadline) {
				b.Fatalf("member %d knows %d of %d peers after 20 s", c.index, c.known.Load(), members-1)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	var out crossResult
	var sent int64
	b.ResetTimer()
	for range b.N {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		start := time.Since(t0)
		measureFrom := start + crossWarmup
		for _, c := range clients {
			c.setWindow(measureFrom)
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.move(moveHz, stop)
			}()
		}
		time.Sleep(crossWarmup)
		before, m0 := meter.read(), totalMoves(clients)
		time.Sleep(crossWindow)
		after, m1 := meter.read(), totalMoves(clients)
		close(stop)
		wg.Wait()
		// The last moves are at most one tick per node (plus Redis) away.
		time.Sleep(300 * time.Millisecond)
		out.redis.add(before, after)
		sent += m1 - m0
	}
	b.StopTimer()
	out.moves = out.redis.rate(float64(sent))
	for _, c := range clients {
		if err := c.failure(); err != nil {
			b.Fatalf("member %d: %v", c.index, err)
		}
		s, x := c.samples()
		out.same = append(out.same, s...)
		out.cross = append(out.cross, x...)
	}
	if len(out.same) == 0 || nodes > 1 && len(out.cross) == 0 {
		b.Fatalf("no cursor samples (same %d, cross %d)", len(out.same), len(out.cross))
	}
	return out
}

// benchCursorClient is one member: a mover and a reader that parses only
// `cursors` lines (and counts peers from welcome and join).
type benchCursorClient struct {
	index, node int
	nodes       int
	members     int
	t0          time.Time
	conn        *websocket.Conn
	done        chan struct{}
	known       atomic.Int32
	moves       atomic.Int64 // cursor messages sent

	mu        sync.Mutex
	from      int64 // µs since t0: samples sent earlier are warm-up
	same      []int32
	cross     []int32
	err       error // from the reader
	writeFail error // from the mover
	closing   atomic.Bool
}

func dialBenchClient(url string, index, node, nodes, members int, t0 time.Time) (*benchCursorClient, error) {
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", url, err)
	}
	c := &benchCursorClient{
		index: index, node: node, nodes: nodes, members: members, t0: t0, conn: conn,
		done: make(chan struct{}), from: math.MaxInt64,
		same: make([]int32, 0, 16384), cross: make([]int32, 0, 16384),
	}
	go c.read()
	hello := fmt.Sprintf(`{"type":"hello","name":"m%d","color":"#224466"}`, index)
	if err := conn.WriteMessage(websocket.TextMessage, []byte(hello)); err != nil {
		conn.Close()
		<-c.done
		return nil, err
	}
	return c, nil
}

func (c *benchCursorClient) setWindow(fromSince time.Duration) {
	c.mu.Lock()
	c.from = fromSince.Microseconds()
	c.mu.Unlock()
}

func totalMoves(clients []*benchCursorClient) int64 {
	var n int64
	for _, c := range clients {
		n += c.moves.Load()
	}
	return n
}

// move sends a cursor at hz, its send time in x, from a random phase,
// until stop.
func (c *benchCursorClient) move(hz int, stop <-chan struct{}) {
	period := time.Second / time.Duration(hz)
	select {
	case <-stop:
		return
	case <-time.After(time.Duration(mrand.Int64N(int64(period)))):
	}
	tick := time.NewTicker(period)
	defer tick.Stop()
	buf := make([]byte, 0, 64)
	for {
		us := time.Since(c.t0).Microseconds()
		buf = append(buf[:0], `{"type":"cursor","x":`...)
		buf = strconv.AppendFloat(buf, float64(us)/1000, 'f', 3, 64)
		buf = append(buf, `,"y":`...)
		buf = strconv.AppendInt(buf, int64(c.index), 10)
		buf = append(buf, '}')
		if err := c.conn.WriteMessage(websocket.TextMessage, buf); err != nil {
			c.mu.Lock()
			c.writeFail = err
			c.mu.Unlock()
			return
		}
		c.moves.Add(1)
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

var (
	cursorsPrefix = []byte(`{"type":"cursors","c":[`)
	joinPrefix    = []byte(`{"type":"join"`)
	leavePrefix   = []byte(`{"type":"leave"`)
	welcomePrefix = []byte(`{"type":"welcome"`)
)

func (c *benchCursorClient) read() {
	defer close(c.done)
	var frame bytes.Buffer
	for {
		_, r, err := c.conn.NextReader()
		if err != nil {
			if !c.closing.Load() {
				c.mu.Lock()
				c.err = err
				c.mu.Unlock()
			}
			return
		}
		frame.Reset()
		if _, err := frame.ReadFrom(r); err != nil {
			continue
		}
		now := int32(time.Since(c.t0).Microseconds())
		data := frame.Bytes()
		for len(data) > 0 {
			line := data
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				line, data = data[:i], data[i+1:]
			} else {
				data = nil
			}
			switch {
			case bytes.HasPrefix(line, cursorsPrefix):
				if err := c.onCursors(line[len(cursorsPrefix):], now); err != nil {
					c.mu.Lock()
					c.err = fmt.Errorf("%w in %q", err, line)
					c.mu.Unlock()
				}
			case bytes.HasPrefix(line, joinPrefix):
				c.known.Add(1)
			case bytes.HasPrefix(line, leavePrefix):
				c.known.Add(-1)
			case bytes.HasPrefix(line, welcomePrefix):
				var w struct{ Peers []json.RawMessage }
				if json.Unmarshal(line, &w) == nil {
					c.known.Add(int32(len(w.Peers)))
				}
			}
		}
	}
}

// onCursors parses `["<id>",x,y],…]` (what follows `"c":[`) and records
// now − x for each entry, as a same-node or a cross-node pair.
func (c *benchCursorClient) onCursors(s []byte, now int32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(s) > 0 && s[0] == '[' {
		// skip the peer id: ["…",
		end := bytes.IndexByte(s[2:], '"')
		if end < 0 || len(s) < end+4 {
			return fmt.Errorf("bad cursor entry")
		}
		s = s[2+end+2:]
		comma := bytes.IndexByte(s, ',')
		if comma < 0 {
			return fmt.Errorf("no y")
		}
		x, err := strconv.ParseFloat(string(s[:comma]), 64)
		if err != nil {
			return err
		}
		s = s[comma+1:]
		rb := bytes.IndexByte(s, ']')
		if rb < 0 {
			return fmt.Errorf("unterminated entry")
		}
		y, err := strconv.Atoi(string(s[:rb]))
		if err != nil {
			return err
		}
		s = s[rb+1:]
		if len(s) > 0 && s[0] == ',' {
			s = s[1:]
		}
		sent := int64(math.Round(x * 1000))
		if sent < c.from {
			continue
		}
		lat := int32(int64(now) - sent)
		if y*c.nodes/c.members == c.node {
			c.same = append(c.same, lat)
		} else {
			c.cross = append(c.cross, lat)
		}
	}
	return nil
}

func (c *benchCursorClient) failure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writeFail != nil {
		return c.writeFail
	}
	return c.err
}

func (c *benchCursorClient) samples() (same, cross []int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.same, c.cross
}

func (c *benchCursorClient) close() {
	c.closing.Store(true)
	c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.conn.Close()
	<-c.done
}

func percentileMs(us []int32, q float64) float64 {
	if len(us) == 0 {
		return math.NaN()
	}
	s := slices.Clone(us)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return float64(s[max(i, 0)]) / 1000
}

// redisMeter reads Redis's server-wide command counters (INFO) and counts
// what Easel publishes under the benchmark's prefix, by a pattern
// subscription to its board channels: exact, whatever else uses the server
// (it makes Redis deliver each publish once more, but runs no commands).
type redisMeter struct {
	b   *testing.B
	rdb *redis.Client

	events, cursorEvents, cursors, bytes atomic.Int64
}

func newRedisMeter(b *testing.B, rdb *redis.Client, prefix string) *redisMeter {
	m := &redisMeter{b: b, rdb: rdb}
	ps := rdb.PSubscribe(context.Background(), prefix+"board:*")
	if _, err := ps.Receive(context.Background()); err != nil {
		ps.Close()
		b.Fatalf("psubscribe: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for msg := range ps.Channel() {
			m.events.Add(1)
			m.bytes.Add(int64(len(msg.Payload)))
			if strings.HasPrefix(msg.Payload, `{"k":"cursors"`) {
				m.cursorEvents.Add(1)
				m.cursors.Add(int64(strings.Count(msg.Payload, `"p":`)))
			}
		}
	}()
	b.Cleanup(func() { ps.Close(); <-done })
	return m
}

// redisReading is one reading of the counters.
type redisReading struct {
	at    time.Time
	total int64            // total_commands_processed, whole server
	calls map[string]int64 // cmdstat calls by command, whole server
	// Easel's events under the prefix: all, cursor batches, the cursors
	// in them, and payload bytes.
	events, cursorEvents, cursors, bytes int64
}

var cmdstatCalls = regexp.MustCompile(`(?m)^cmdstat_(\S+):calls=(\d+)`)

func (m *redisMeter) read() redisReading {
	info, err := m.rdb.Info(context.Background(), "stats", "commandstats").Result()
	if err != nil {
		m.b.Fatalf("redis INFO: %v", err)
	}
	r := redisReading{
		at: time.Now(), calls: make(map[string]int64),
		events: m.events.Load(), cursorEvents: m.cursorEvents.Load(), cursors: m.cursors.Load(), bytes: m.bytes.Load(),
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "total_commands_processed:"); ok {
			r.total, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	for _, sm := range cmdstatCalls.FindAllStringSubmatch(info, -1) {
		n, _ := strconv.ParseInt(sm[2], 10, 64)
		r.calls[sm[1]] = n
	}
	return r
}

// redisWindow sums the counters over one or more measurement windows.
type redisWindow struct {
	seconds                                     float64
	total, events, cursorEvents, cursors, bytes float64
	calls                                       map[string]float64
}

func (w *redisWindow) add(before, after redisReading) {
	w.seconds += after.at.Sub(before.at).Seconds()
	w.total += float64(after.total - before.total)
	w.events += float64(after.events - before.events)
	w.cursorEvents += float64(after.cursorEvents - before.cursorEvents)
	w.cursors += float64(after.cursors - before.cursors)
	w.bytes += float64(after.bytes - before.bytes)
	if w.calls == nil {
		w.calls = make(map[string]float64)
	}
	for n, v := range after.calls {
		if d := v - before.calls[n]; d > 0 {
			w.calls[n] += float64(d)
		}
	}
}

// rate is v per second of the windows.
func (w redisWindow) rate(v float64) float64 { return v / w.seconds }

// String is the commands per second, by command, busiest first.
func (w redisWindow) String() string {
	names := make([]string, 0, len(w.calls))
	for n := range w.calls {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(w.calls[b], w.calls[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	var sb strings.Builder
	for _, n := range names {
		fmt.Fprintf(&sb, " %s %.1f", n, w.rate(w.calls[n]))
	}
	return strings.TrimSpace(sb.String())
}

// startBenchNode runs the whole program like startRun, for a benchmark:
// its log is kept, not printed, and shown only if it fails to start.
func startBenchNode(b *testing.B, args []string) (addr string, stop func() error) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, func(string) string { return "" }, pw)
		pw.Close()
	}()
	found := make(chan string, 1)
	var logMu sync.Mutex
	var logTail []string
	go func() {
		listening := regexp.MustCompile(`msg=listening addr=(\S+)`)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			logMu.Lock()
			logTail = append(logTail[max(0, len(logTail)-50):], sc.Text())
			logMu.Unlock()
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, pr)
	}()
	tail := func() string {
		logMu.Lock()
		defer logMu.Unlock()
		return strings.Join(logTail, "\n")
	}
	select {
	case addr = <-found:
	case err := <-done:
		cancel()
		b.Fatalf("run returned before listening: %v\n%s", err, tail())
	case <-time.After(10 * time.Second):
		cancel()
		b.Fatalf("no listening line within 10 s\n%s", tail())
	}
	var once sync.Once
	var result error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(15 * time.Second):
				result = fmt.Errorf("run did not return within 15 s of cancel")
			}
		})
		return result
	}
	b.Cleanup(func() {
		if err := stop(); err != nil {
			b.Errorf("node %s: %v\n%s", addr, err, tail())
		}
	})
	return addr, stop
}
