package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// EditLoad is an editing scenario: Editors members of one board, each
// sending Rate ops messages a second for Duration.
type EditLoad struct {
	Editors  int
	Rate     float64
	Duration time.Duration
	// Split spreads the editors over these servers in turn (S7); empty:
	// all on the one server passed to RunEdits.
	Split []*Server
}

// editor tracks one member's view of the ops stream. Its fields are
// written by the member's reader goroutine, under mu.
type editor struct {
	m        *Member
	mu       sync.Mutex
	sent     map[string]time.Time // ref → send time, until acked
	acked    map[string]int       // ref → acks received
	ack      Histogram
	lastSeq  uint64
	gaps     int            // seq not lastSeq+1
	refs     map[string]int // every ref seen in the stream → times
	received int
}

// RunEdits runs l: every accepted message must reach every editor exactly
// once, in contiguous seq, and each author must get its ack.
func RunEdits(ctx context.Context, srv *Server, l EditLoad) (*Result, error) {
	servers := l.Split
	if len(servers) == 0 {
		servers = []*Server{srv}
	}
	b, err := CreateBoard(servers[0].URL())
	if err != nil {
		return nil, err
	}
	clock := Clock{Start: time.Now()}
	eds := make([]*editor, l.Editors)
	for i := range eds {
		e := &editor{sent: map[string]time.Time{}, acked: map[string]int{}, refs: map[string]int{}}
		eds[i] = e
		on := func(typ string, line []byte) {
			if typ != "ops" {
				return
			}
			var msg struct {
				Seq uint64
				Ref string
			}
			json.Unmarshal(line, &msg)
			now := time.Now()
			e.mu.Lock()
			defer e.mu.Unlock()
			e.received++
			if e.lastSeq != 0 && msg.Seq != e.lastSeq+1 {
				e.gaps++
			}
			e.lastSeq = msg.Seq
			e.refs[msg.Ref]++
			if t, ok := e.sent[msg.Ref]; ok {
				e.ack.Add(now.Sub(t))
				delete(e.sent, msg.Ref)
				e.acked[msg.Ref]++
			}
		}
		srvI := servers[i%len(servers)]
		m, err := joinWith(ctx, wsURL(srvI.URL(), b.EditURL), i, clock, on)
		if err != nil {
			for _, e := range eds[:i] {
				e.m.Close()
			}
			return nil, err
		}
		e.m = m
		e.lastSeq = m.Seq
	}

	before := map[*Server]ProcStats{}
	for _, s := range servers {
		before[s], _ = s.Stats()
	}
	start := time.Now()
	moveCtx, stop := context.WithTimeout(ctx, l.Duration)
	defer stop()
	var wg sync.WaitGroup
	var sentTotal int
	var mu sync.Mutex
	for i, e := range eds {
		wg.Go(func() {
			pace(moveCtx, l.Rate, func(n int) bool {
				ref := fmt.Sprintf("e%d-%d", i, n)
				el := map[string]any{"id": fmt.Sprintf("el%d-%d", i, n%20), "kind": "rect", "x": float64(n), "y": float64(i), "w": 20, "h": 10, "z": "a0"}
				msg, _ := json.Marshal(map[string]any{"type": "ops", "ref": ref, "ops": []any{map[string]any{"op": "put", "el": el}}})
				e.mu.Lock()
				e.sent[ref] = time.Now()
				e.mu.Unlock()
				if err := e.m.WriteText(msg); err != nil {
					return false
				}
				mu.Lock()
				sentTotal++
				mu.Unlock()
				return true
			})
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	// Wait for every editor to hold every message.
	res := &Result{Members: l.Editors, DurationS: elapsed.Seconds(), Measures: "ack"}
	deadline := time.Now().Add(10 * time.Second)
	for {
		done := true
		for _, e := range eds {
			e.mu.Lock()
			if e.received < sentTotal {
				done = false
			}
			e.mu.Unlock()
		}
		if done || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var cpu time.Duration
	var rss int64
	for _, s := range servers {
		st, _ := s.Stats()
		cpu += st.CPU - before[s].CPU
		rss += st.RSS
	}
	var ack Histogram
	lost, dup, gaps, unacked := 0, 0, 0, 0
	for _, e := range eds {
		e.m.Close()
		e.mu.Lock()
		ack.Merge(&e.ack)
		gaps += e.gaps
		unacked += len(e.sent)
		for _, n := range e.refs {
			if n > 1 {
				dup += n - 1
			}
		}
		lost += sentTotal - len(e.refs)
		res.Errors = mergeErrors(res.Errors, e.m.Errors)
		e.mu.Unlock()
	}
	res.latency(&ack)
	res.CPUSeconds = cpu.Seconds()
	res.CPUPercent = 100 * res.CPUSeconds / elapsed.Seconds()
	res.RSSMB = float64(rss) / (1 << 20)
	res.Converged = lost == 0 && dup == 0 && gaps == 0 && unacked == 0
	res.note("%d ops messages sent; per editor: %d lost, %d duplicated, %d seq gaps, %d unacknowledged (totals over editors)", sentTotal, lost, dup, gaps, unacked)
	res.check("lost or duplicated refs", "0", fmt.Sprintf("%d lost, %d dup", lost, dup), lost == 0 && dup == 0)
	res.check("contiguous seq at every editor", "0 gaps", fmt.Sprint(gaps, " gaps"), gaps == 0)
	res.check("ack p99", "≤ 25 ms", fmt.Sprintf("%.1f ms", res.LatencyP99ms), res.LatencyP99ms <= 25)
	return res, nil
}

func joinWith(ctx context.Context, url string, i int, clock Clock, on func(string, []byte)) (*Member, error) {
	// OnMessage must be set before the read loop starts: Join takes it via
	// a member prepared here.
	return joinHooked(ctx, url, i, clock, JoinOptions{}, on, nil)
}
