package loadgen

import (
	"strings"
	"testing"
)

// The comparison table takes each cell from the row of its scenario and
// variant, says "—" where the run has none, and is left out of a run
// without the relay.
func TestComparisonTable(t *testing.T) {
	rows := []*Result{
		{Scenario: "S1", Variant: "easel", RSSPerMemberK: 24.2},
		{Scenario: "S1", Variant: RelayVariant, RSSPerMemberK: 34.7},
		{Scenario: "S2", Variant: "easel", LatencyP50ms: 22.5, LatencyP99ms: 39.9, CPUPerPosUs: 0.24},
		{Scenario: "S2", Variant: "baseline (--cursor-tick 0)", LatencyP50ms: 28.5, LatencyP99ms: 136.2, CPUPerPosUs: 10.22},
		{Scenario: "S12", Variant: RelayVariant, LatencyP50ms: 0.2, LatencyP99ms: 0.7, CPUPerPosUs: 16.17},
	}
	table := comparisonTable(rows)
	for _, want := range []string{
		"| Easel | 24.2 KB | 22.5 / 39.9 | 0.24 | — | — |",
		"| Easel `--cursor-tick 0` | — | 28.5 / 136.2 | 10.22 | — | — |",
		"| naive melody relay | 34.7 KB | — | — | 0.2 / 0.7 | 16.17 |",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if got := comparisonTable(rows[2:4]); got != "" {
		t.Errorf("a run without the relay got a table:\n%s", got)
	}
	if !strings.Contains(Markdown(rows), "naive melody relay, this run") {
		t.Error("the load section does not hold the comparison")
	}
}
