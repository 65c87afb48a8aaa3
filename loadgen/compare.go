package loadgen

import (
	"context"
	"fmt"
)

// Issue 18: Easel against the per-message relays it replaces, in one run —
// its own baseline (--cursor-tick 0) and cmd/naive-relay, the relay as
// melody's examples write it — on S1 (idle memory), S2 (one busy room of
// 200) and S12 (one small room, everyone moving).

// RelayVariant is the Variant of the rows measured on cmd/naive-relay.
const RelayVariant = "naive melody relay"

// baselineVariant is the Variant of the rows measured on Easel with
// --cursor-tick 0.
const baselineVariant = "baseline (--cursor-tick 0)"

// onRelay runs l on a fresh naive relay (which takes no flag but --addr)
// and names the result.
func (o Options) onRelay(ctx context.Context, scenario, name string, l CursorLoad) (*Result, error) {
	srv, err := launch(ctx, o.ServerCPUs, o.RelayBin, "--addr", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	r, err := RunCursors(ctx, srv, l)
	if err != nil {
		return nil, err
	}
	r.Scenario, r.Variant, r.Name = scenario, RelayVariant, name
	return r, nil
}

// S1Relay is S1 on the naive relay: its memory per idle member.
func S1Relay(ctx context.Context, o Options) (*Result, error) {
	r, err := o.onRelay(ctx, "S1", o.s1Name(), o.s1Load())
	if err != nil {
		return nil, err
	}
	r.Converged = true
	return r, nil
}

// S2Relay is S2 on the naive relay; easel, S2's Easel row of the same run
// when it ran, is held against it.
func S2Relay(ctx context.Context, o Options, easel *Result) (*Result, error) {
	r, err := o.onRelay(ctx, "S2", o.s2Name(), o.s2Load())
	if err != nil {
		return nil, err
	}
	relayNotes(r, easel, o.n(200))
	return r, nil
}

// s12Members is S12's room: the size of most rooms, kept at every -scale
// (a smaller one would not be a room).
const s12Members = 10

// S12 runs one room of 10 members all moving at 30 Hz on Easel, on
// --cursor-tick 0 and, with RelayBin, on the naive relay: at this size a
// member's peers send 9 moves per tick, so batching saves 9 frames in 10,
// not 199 in 200 as in S2.
func S12(ctx context.Context, o Options) ([]*Result, error) {
	l := CursorLoad{Rooms: 1, PerRoom: s12Members, Movers: 1, Hz: 30, Duration: o.Duration}
	name := fmt.Sprintf("1 room × %d, all moving at 30 Hz, %v", s12Members, o.Duration)
	var out []*Result
	for _, v := range []struct {
		variant string
		extra   []string
	}{{"easel", nil}, {baselineVariant, []string{"--cursor-tick", "0"}}} {
		srv, err := o.start(ctx, v.extra...)
		if err != nil {
			return out, err
		}
		r, err := RunCursors(ctx, srv, l)
		srv.Stop()
		if err != nil {
			return out, err
		}
		r.Scenario, r.Variant, r.Name = "S12", v.variant, name
		out = append(out, r)
	}
	if o.RelayBin != "" {
		r, err := o.onRelay(ctx, "S12", name, l)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	easel := out[0]
	easel.note("frames per member per 33 ms: %.2f (%d peers each moving once per 33 ms)", perMovePeriod(easel), s12Members-1)
	for _, r := range out[1:] {
		relayNotes(r, easel, s12Members)
	}
	easel.check("frames per tick per member", "≤ 1", fmt.Sprintf("%.3f", easel.FramesPerTick), easel.FramesPerTick > 0 && easel.FramesPerTick <= 1)
	easel.check("every member has every peer's latest position", "all", fmt.Sprintf("%d missing", easel.Missing), easel.Converged)
	easel.check("cursor p99", "≤ 60 ms", fmt.Sprintf("%.1f ms", easel.LatencyP99ms), easel.LatencyP99ms <= 60)
	return out, nil
}

// perMovePeriod is r's frames per member per 33 ms, the period at which
// every mover sends: ~1 for a ticked room, ~(members − 1) for a relay that
// sends each move as its own frame.
func perMovePeriod(r *Result) float64 { return r.FramesPerMemberS / 30 }

// relayNotes says how a per-message relay's row r compares with Easel's
// row of the same scenario in the same run (nil when it did not run).
func relayNotes(r, easel *Result, members int) {
	r.note("frames per member per 33 ms: %.2f (%d peers each moving once per 33 ms); positions delivered %d, %d missing at the end", perMovePeriod(r), members-1, r.Positions, r.Missing)
	if easel == nil || easel.CPUPerPosUs == 0 || r.CPUPerPosUs == 0 {
		return
	}
	r.note("Easel's server CPU per delivered position is %.2f× this one's (%.2f µs vs %.2f µs); cursor p50 / p99 %.1f / %.1f ms here vs Easel's %.1f / %.1f ms",
		easel.CPUPerPosUs/r.CPUPerPosUs, easel.CPUPerPosUs, r.CPUPerPosUs, r.LatencyP50ms, r.LatencyP99ms, easel.LatencyP50ms, easel.LatencyP99ms)
}
