package main

import (
	"context"
	"testing"
	"time"

	"github.com/easel-app/easel/loadgen"
)

// A few seconds of S2 at small size through the load generator, in make
// test: every member ends with every peer's latest position, nothing goes
// wrong on the way. Correctness only — timings are make bench's business.
func TestLoadSmokeS2(t *testing.T) {
	addr, stop := startRun(t, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, nil)
	defer stop()
	srv := &loadgen.Server{Addr: addr}
	const members = 20
	res, err := loadgen.RunCursors(context.Background(), srv, loadgen.CursorLoad{
		Rooms: 1, PerRoom: members, Movers: 1, Hz: 30, Duration: 3 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged {
		t.Errorf("%d (member, peer) pairs ended without the peer's latest position", res.Missing)
	}
	if len(res.Errors) > 0 {
		t.Errorf("errors during the load: %v", res.Errors)
	}
	// Every member received cursors from every peer: at least one position
	// per peer, and frames of the room tick, not one per move.
	if min := uint64(members * (members - 1)); res.Positions < min {
		t.Errorf("%d positions delivered, fewer than one per (member, peer) pair (%d)", res.Positions, min)
	}
	if res.Samples == 0 || res.Frames == 0 {
		t.Errorf("no latency samples (%d) or frames (%d)", res.Samples, res.Frames)
	}
}
