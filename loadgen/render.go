package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// S8: one PNG at scale 1 of the board of 10 000 page-sized rects (8000 ×
// 8000 units each, one over the other: the board that took an hour to
// render), while an editor of another board edits it and exports it as a
// PNG over and over. Its figures: how long the big render takes, and the
// other board's ack and export latency during it against a quiet
// baseline.
func S8(ctx context.Context, o Options) (*Result, error) {
	srv, err := o.start(ctx)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	heavy, err := CreateBoard(srv.URL())
	if err != nil {
		return nil, err
	}
	rects := o.n(10000)
	if err := importPageRects(srv.URL()+heavy.EditURL+"/import", rects); err != nil {
		return nil, err
	}
	other, err := CreateBoard(srv.URL())
	if err != nil {
		return nil, err
	}
	quietEnd := make(chan struct{})
	time.AfterFunc(10*time.Second, func() { close(quietEnd) })
	quiet, err := probeUntil(ctx, srv, other, quietEnd)
	if err != nil {
		return nil, err
	}

	before, _ := srv.Stats()
	done := make(chan struct{})
	var took time.Duration
	var renderErr error
	go func() {
		defer close(done)
		_, took, renderErr = httpGet(srv.URL()+heavy.EditURL+"/export.png?scale=1", false)
	}()
	busy, err := probeUntil(ctx, srv, other, done)
	if err != nil {
		return nil, err
	}
	after, _ := srv.Stats()
	if renderErr != nil {
		return nil, renderErr
	}

	r := &Result{Scenario: "S8", Variant: "easel", Members: 1, Measures: "ack", DurationS: took.Seconds(), Converged: true}
	r.Name = fmt.Sprintf("a PNG at scale 1 of %d page-sized rects, beside another board's edits and exports", rects)
	r.latency(&busy.ack)
	r.CPUSeconds = (after.CPU - before.CPU).Seconds()
	r.CPUPercent = 100 * r.CPUSeconds / took.Seconds()
	r.RSSMB = float64(after.RSS) / (1 << 20)
	r.note("other board, quiet: ack p99 %.1f ms (%d acks), PNG export p50 %.1f ms, p99 %.1f ms (%d exports)",
		ms(quiet.ack.Quantile(0.99)), quiet.ack.Count(), ms(quiet.exports.Quantile(0.5)), ms(quiet.exports.Quantile(0.99)), quiet.exports.Count())
	r.note("other board, during the render: ack p99 %.1f ms (%d acks), PNG export p50 %.1f ms, p99 %.1f ms (%d exports)",
		ms(busy.ack.Quantile(0.99)), busy.ack.Count(), ms(busy.exports.Quantile(0.5)), ms(busy.exports.Quantile(0.99)), busy.exports.Count())
	r.check("the big PNG's render and download", "≤ 10 s", fmt.Sprintf("%.1f s", took.Seconds()), took <= 10*time.Second)
	unaffected := func(what string, q, b time.Duration) {
		limit := max(q*3/2, q+5*time.Millisecond)
		r.check(what+" during the render vs quiet", "≤ max(1.5×, +5 ms)", fmt.Sprintf("%.1f ms vs %.1f ms", ms(b), ms(q)), b <= limit)
	}
	unaffected("other board's ack p99", quiet.ack.Quantile(0.99), busy.ack.Quantile(0.99))
	unaffected("other board's PNG export p99", quiet.exports.Quantile(0.99), busy.exports.Quantile(0.99))
	return r, nil
}

// importPageRects imports n rects of 8000 × 8000 units at the origin in
// Easel's JSON format (about 1.5 MB for 10 000).
func importPageRects(url string, n int) error {
	els := make([]map[string]any, n)
	for i := range els {
		els[i] = map[string]any{"id": fmt.Sprintf("r%05d", i), "kind": "rect", "x": 0, "y": 0, "w": 8000, "h": 8000,
			"stroke": "#1e1e1e", "width": 2, "z": fmt.Sprintf("a%05d", i)}
	}
	file, err := json.Marshal(map[string]any{"format": "easel", "version": 1, "title": "Rects", "elements": els})
	if err != nil {
		return err
	}
	res, err := http.Post(url, "application/json", bytes.NewReader(file))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("import: %d %s", res.StatusCode, body)
	}
	return nil
}

// probe is what an editor of a board saw: its acks, and its exports of
// the board as it changes.
type probe struct {
	ack, exports Histogram
}

// probeUntil edits b at 20 ops messages a second and exports it as a PNG
// every 200 ms (a new seq each time, so each export renders) until stop
// is closed, and times both.
func probeUntil(ctx context.Context, srv *Server, b Board, stop <-chan struct{}) (*probe, error) {
	p := &probe{}
	var mu sync.Mutex
	sent := map[string]time.Time{}
	on := func(typ string, line []byte) {
		if typ != "ops" {
			return
		}
		var msg struct{ Ref string }
		json.Unmarshal(line, &msg)
		mu.Lock()
		defer mu.Unlock()
		if t, ok := sent[msg.Ref]; ok {
			p.ack.Add(time.Since(t))
			delete(sent, msg.Ref)
		}
	}
	m, err := joinWith(ctx, wsURL(srv.URL(), b.EditURL), 0, Clock{Start: time.Now()}, on)
	if err != nil {
		return nil, err
	}
	defer m.Close()
	var wg sync.WaitGroup
	var exportErr error
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
			_, took, err := httpGet(srv.URL()+b.EditURL+"/export.png?scale=1", false)
			if err != nil {
				exportErr = err
				return
			}
			mu.Lock()
			p.exports.Add(took)
			mu.Unlock()
		}
	})
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-stop:
			wg.Wait()
			return p, exportErr
		case <-ctx.Done():
			wg.Wait()
			return p, ctx.Err()
		case <-tick.C:
		}
		ref := fmt.Sprint("p", n)
		el := map[string]any{"id": fmt.Sprint("el", n%20), "kind": "rect", "x": float64(n % 400), "y": float64(n % 300), "w": 40, "h": 30, "fill": "#a5d8ff", "z": "a0"}
		msg, _ := json.Marshal(map[string]any{"type": "ops", "ref": ref, "ops": []any{map[string]any{"op": "put", "el": el}}})
		mu.Lock()
		sent[ref] = time.Now()
		mu.Unlock()
		if err := m.WriteText(msg); err != nil {
			wg.Wait()
			return p, err
		}
	}
}
