package loadgen

import (
	"testing"
	"time"
)

// The hand-written cursors parser must read what the server writes: ids
// with escapes, negative and fractional numbers, several entries, and a
// `gone` list after them.
func TestCursorsParserReadsServerFrames(t *testing.T) {
	clock := Clock{Start: time.Now().Add(-time.Second)}
	m := &Member{Index: 0, clock: clock, Latest: []float64{-1, -1, -1}, nodes: 1}
	line := []byte(`{"type":"cursors","c":[["a\"b",1,999.5],["cd",2,-3.25],["ef",7,12]],"gone":["zz"]}`)
	m.cursors(line, time.Now())
	if m.Positions != 3 {
		t.Fatalf("parsed %d positions, want 3", m.Positions)
	}
	if m.Latest[1] != 999.5 || m.Latest[2] != -3.25 {
		t.Fatalf("Latest = %v, want [_, 999.5, -3.25] (index 7 is beyond the room)", m.Latest)
	}
	// y = 999.5 ms after a start 1 s ago: the sample is about 0.5 ms.
	if q := m.Latency.Quantile(0.01); q < 100*time.Microsecond || q > 200*time.Millisecond {
		t.Fatalf("smallest latency %v, want about 0.5 ms", q)
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h Histogram
	for i := 1; i <= 1000; i++ {
		h.Add(time.Duration(i) * time.Millisecond)
	}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {1, time.Second}} {
		got := h.Quantile(c.q)
		if got < c.want*97/100 || got > c.want*103/100 {
			t.Errorf("q%.2f = %v, want %v ± 3 %%", c.q, got, c.want)
		}
	}
	var o Histogram
	o.Add(2 * time.Second)
	h.Merge(&o)
	if h.Count() != 1001 || h.Max() != 2*time.Second {
		t.Fatalf("after merge: count %d, max %v", h.Count(), h.Max())
	}
}
