package loadgen

import (
	"context"
	"math/rand/v2"
	"time"
)

// pace calls fn hz times a second until ctx ends or fn returns false,
// starting at a random phase within the first period: real people do not
// move or type in step, and a load that does measures the lockstep, not
// the server.
func pace(ctx context.Context, hz float64, fn func(n int) bool) {
	if hz <= 0 {
		return
	}
	period := time.Duration(float64(time.Second) / hz)
	select {
	case <-time.After(time.Duration(rand.Int64N(int64(period)))):
	case <-ctx.Done():
		return
	}
	t := time.NewTicker(period)
	defer t.Stop()
	for n := 0; fn(n); n++ {
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}
