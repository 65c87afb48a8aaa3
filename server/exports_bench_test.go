package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// BenchmarkExport50MB compares one 50 MB+ download over the board's socket
// (chunks, window, acks, interleaved with cursors) with the same file over
// plain HTTP on loopback, and measures cursor latency to the downloading
// member while it downloads. The mover writes its send time into x, so
// latency is measured on one clock.
//
//	go test -run '^$' -bench Export50MB -benchtime 3x ./server/
func BenchmarkExport50MB(b *testing.B) {
	t := b
	app := newTestApp(t)
	brd := app.createBoard(t)
	ctx := context.Background()
	points := make([][2]float64, 5000)
	for i := range points {
		points[i] = [2]float64{float64(i) + 0.123, float64(i%97) * 1.5}
	}
	for msg := range 60 {
		ops := make([]board.Op, 12)
		for i := range ops {
			n := msg*12 + i
			ops[i] = board.Op{Op: board.OpPut, El: &board.Element{ID: fmt.Sprint("big", n), Kind: board.KindStroke, X: float64(n), Points: points, Z: "a0"}}
		}
		if _, err := app.Hub.Commit(ctx, brd.ID, board.OpsMessage{By: "bench", Ref: fmt.Sprint("b", msg), Ops: ops}); err != nil {
			b.Fatal(err)
		}
	}
	stored, _ := app.Store.BoardByID(ctx, brd.ID)
	dl := joinSince(t, app.wsURL(brd.EditURL+"/ws"), "downloader", stored.Epoch, 60)
	dl.mu.Lock()
	dl.discard = true
	dl.mu.Unlock()
	mover := joinSince(t, app.wsURL(brd.EditURL+"/ws"), "mover", stored.Epoch, 60)
	socketExport(t, dl, "warm", "json", 0) // render once; both routes then serve the file

	var socketTotal, httpTotal time.Duration
	var size int64
	var latencies []time.Duration
	b.ResetTimer()
	for i := range b.N {
		// HTTP.
		start := time.Now()
		res, err := http.Get(app.URL + brd.EditURL + "/export.json")
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		httpTotal += time.Since(start)
		size = n

		// Socket, with a cursor moving at 60 Hz.
		t0 := time.Now()
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			tick := time.NewTicker(time.Second / 60)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					mover.moveTo(float64(time.Since(t0).Microseconds())/1000, float64(i))
				}
			}
		}()
		before := len(dl.messages())
		start = time.Now()
		meta, _ := socketExport(t, dl, fmt.Sprint("run", i), "json", 0)
		socketTotal += time.Since(start)
		close(stop)
		<-done
		if meta.Size != n {
			b.Fatalf("socket %d bytes, HTTP %d", meta.Size, n)
		}
		for _, m := range dl.messages()[before:] {
			if m.Type != "cursors" {
				continue
			}
			at := dl.framesCopy()[m.Frame].at
			for _, e := range m.C {
				if e[0] == mover.you && e[2].(float64) == float64(i) {
					sent := t0.Add(time.Duration(e[1].(float64) * float64(time.Millisecond)))
					latencies = append(latencies, at.Sub(sent))
				}
			}
		}
	}
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	mb := float64(size) / (1 << 20)
	socketRate := mb * float64(b.N) / socketTotal.Seconds()
	httpRate := mb * float64(b.N) / httpTotal.Seconds()
	b.ReportMetric(mb, "MB")
	b.ReportMetric(socketRate, "socket-MB/s")
	b.ReportMetric(httpRate, "http-MB/s")
	b.ReportMetric(socketRate/httpRate, "ratio")
	b.ReportMetric(pct(0.5), "cursor-p50-ms")
	b.ReportMetric(pct(0.99), "cursor-p99-ms")
}
