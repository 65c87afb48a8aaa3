package loadgen

import (
	"fmt"
	"time"
)

// Result is what one scenario run measured.
type Result struct {
	Scenario string `json:"scenario"` // S1…S11
	Name     string `json:"name"`     // what ran, e.g. "1 room × 200, 30 Hz"
	Variant  string `json:"variant"`  // "easel" or "baseline (--cursor-tick 0)"
	Members  int    `json:"members"`
	Measures string `json:"measures"` // what the latency is: "cursor", "draft" or "ack"
	// Measured is the run that measured it: "by `<command>` on <machine>".
	Measured string `json:"measured,omitempty"`

	DurationS float64 `json:"durationS"`

	LatencyP50ms float64 `json:"latencyP50ms"`
	LatencyP95ms float64 `json:"latencyP95ms,omitempty"`
	LatencyP99ms float64 `json:"latencyP99ms"`
	LatencyMaxms float64 `json:"latencyMaxms"`
	Samples      uint64  `json:"samples"`

	Positions     uint64  `json:"positions,omitempty"`     // cursor positions delivered
	Frames        uint64  `json:"frames,omitempty"`        // cursors frames delivered
	Drafts        uint64  `json:"drafts,omitempty"`        // draft entries delivered (S10)
	FramesPerTick float64 `json:"framesPerTick,omitempty"` // text frames per member per room tick (one room on one node)
	// FramesPerMemberS is the text frames a member of the rooms received
	// a second in the window: on a server with no ticks (the per-message
	// baselines) the one way to count frames per move period.
	FramesPerMemberS float64 `json:"framesPerMemberS,omitempty"`
	TickMeanMs       float64 `json:"tickMeanMs,omitempty"`       // mean time of one room tick on the server, wall clock (one room on one node)
	TickHz           float64 `json:"tickHz,omitempty"`           // room ticks per second the server made (one room on one node)
	MaxGapMs         float64 `json:"maxGapMs,omitempty"`         // largest gap between a member's cursors frames
	Converged        bool    `json:"converged"`                  // every member ended with every peer's last position
	Missing          int     `json:"missing,omitempty"`          // (member, peer) pairs without the last position
	CPUSeconds       float64 `json:"cpuSeconds"`                 // server CPU during the measured window
	CPUPercent       float64 `json:"cpuPercent"`                 // of one core
	RSSMB            float64 `json:"rssMB"`                      // server RSS at the end of the window
	RSSPerMemberK    float64 `json:"rssPerMemberKB,omitempty"`   // (RSS − RSS before members) / members
	CPUPerPosUs      float64 `json:"cpuPerPositionUs,omitempty"` // per delivered position, or position or draft when drafts were sent
	// The generator's own CPU (% of a core) and what its members received
	// (MB/s of text frames) in the window of a cursor load: the machine's
	// cores are shared, so the server had what the generator left.
	GeneratorCPUPercent float64 `json:"generatorCPUPercent,omitempty"`
	ReceivedMBps        float64 `json:"receivedMBps,omitempty"`
	// CPUPressure is the share of the window in which some task on the
	// machine (the server, the generator, anyone else's) waited for a CPU.
	CPUPressure float64 `json:"cpuPressurePercent,omitempty"`

	Errors map[string]int `json:"errors,omitempty"`
	Checks []Check        `json:"checks"`
	Notes  []string       `json:"notes,omitempty"`

	slowMembers []*Member // S6: the slow readers, closed
	cross       Histogram // S7: latency between members of different nodes
	// cursorLatency is the cursor latency when the row's latency is the
	// drafts' (S10).
	cursorLatency Histogram
	draftsSent    uint64
	// byCarrier is the latency members saw, by the carrier they received
	// over, when a load mixed carriers (S11).
	byCarrier map[string]*Histogram
}

// Check is one target of the scenario and whether the run met it.
type Check struct {
	What   string `json:"what"`
	Target string `json:"target"`
	Got    string `json:"got"`
	OK     bool   `json:"ok"`
}

// Label names the run in one short line (for the chart).
func (r *Result) Label() string {
	return fmt.Sprintf("%s %s, %d members (%s)", r.Scenario, r.Variant, r.Members, r.Measures)
}

func (r *Result) check(what, target, got string, ok bool) {
	r.Checks = append(r.Checks, Check{What: what, Target: target, Got: got, OK: ok})
}

func (r *Result) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func (r *Result) latency(h *Histogram) {
	r.LatencyP50ms = ms(h.Quantile(0.50))
	r.LatencyP95ms = ms(h.Quantile(0.95))
	r.LatencyP99ms = ms(h.Quantile(0.99))
	r.LatencyMaxms = ms(h.Max())
	r.Samples = h.Count()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func mergeErrors(dst, src map[string]int) map[string]int {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = map[string]int{}
	}
	for k, v := range src {
		dst[k] += v
	}
	return dst
}
