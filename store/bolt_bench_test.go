package store

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
)

// benchAppend measures committed ops messages per second and the ack
// latency (Append's return: after fsync) with `editors` concurrent editors
// on one board of 2 000 elements they keep editing (compaction included),
// on a real file on disk (the temp dir is on the machine's disk, not tmpfs).
func benchAppend(b *testing.B, editors int) { benchAppendWith(b, editors, DefaultOptions()) }

func benchAppendWith(b *testing.B, editors int, opts Options) {
	s, err := OpenBoltWith(b.TempDir(), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	brd, _ := board.New("bench", time.Now())
	if err := s.CreateBoard(context.Background(), brd); err != nil {
		b.Fatal(err)
	}
	el := func(id string) []board.Op {
		fill := "#ffd43b"
		return []board.Op{{Op: board.OpPut, El: &board.Element{ID: id, Kind: board.KindSticky, X: 10, Y: 20, W: 200, H: 160, Fill: &fill, Text: "a typical sticky note", Z: "a0"}}}
	}
	var next atomic.Int64
	latencies := make([][]time.Duration, editors)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for e := range editors {
		wg.Go(func() {
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				ref := fmt.Sprintf("e%d-%d", e, n)
				t0 := time.Now()
				if _, _, err := s.Append(context.Background(), brd.ID, board.OpsMessage{By: "p", Ref: ref, Ops: el(fmt.Sprint("el-", n%2000))}); err != nil {
					b.Error(err)
					return
				}
				latencies[e] = append(latencies[e], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	all := slices.Concat(latencies...)
	slices.Sort(all)
	if len(all) == 0 {
		return
	}
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "ops/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func BenchmarkAppend1Editor(b *testing.B)    { benchAppend(b, 1) }
func BenchmarkAppend50Editors(b *testing.B)  { benchAppend(b, 50) }
func BenchmarkAppend200Editors(b *testing.B) { benchAppend(b, 200) }

// BenchmarkAppend50EditorsNoCompaction isolates what compaction costs the
// ack latency tail (compare with BenchmarkAppend50Editors).
func BenchmarkAppend50EditorsNoCompaction(b *testing.B) {
	benchAppendWith(b, 50, Options{CompactEvery: 1 << 30, Retain: 1 << 30})
}
