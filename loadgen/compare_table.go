package loadgen

import (
	"fmt"
	"strings"
)

// comparisonTable is issue 18's side-by-side of Easel, Easel with
// --cursor-tick 0 and the naive melody relay, built from the rows of the
// run that holds them: S1's memory per idle member, and S2's and S12's
// latency and CPU per delivered position. Empty when the run has no
// relay row (no -relay-bin).
func comparisonTable(results []*Result) string {
	find := func(scenario, variant string) *Result {
		for _, r := range results {
			if r.Scenario == scenario && strings.HasPrefix(r.Variant, variant) {
				return r
			}
		}
		return nil
	}
	if find("S1", RelayVariant) == nil && find("S12", RelayVariant) == nil {
		return ""
	}
	rss := func(r *Result) string {
		if r == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f KB", r.RSSPerMemberK)
	}
	lat := func(r *Result) string {
		if r == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f / %.1f", r.LatencyP50ms, r.LatencyP99ms)
	}
	cpu := func(r *Result) string {
		if r == nil {
			return "—"
		}
		return fmt.Sprintf("%.2f", r.CPUPerPosUs)
	}
	var b strings.Builder
	b.WriteString("\n**Easel, `--cursor-tick 0` and a naive melody relay, this run**\n\n")
	b.WriteString("| | S1 RSS per idle member | S2 p50 / p99 (ms) | S2 CPU per position (µs) | S12 p50 / p99 (ms) | S12 CPU per position (µs) |\n|---|---|---|---|---|---|\n")
	for _, v := range []struct{ label, variant string }{
		{"Easel", "easel"}, {"Easel `--cursor-tick 0`", "baseline"}, {"naive melody relay", RelayVariant},
	} {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", v.label,
			rss(find("S1", v.variant)), lat(find("S2", v.variant)), cpu(find("S2", v.variant)),
			lat(find("S12", v.variant)), cpu(find("S12", v.variant)))
	}
	return b.String()
}
