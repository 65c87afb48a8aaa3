package loadgen

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
)

// A run of some scenarios (-scenarios S2,S10) must not erase the others'
// rows from docs/performance.md and load.json: the report is the results
// of this run merged into those of the previous report, each row keeping
// the run that measured it (Result.Measured), so the document says which
// rows are from when.

// ReadResults reads a JSON report written earlier; a missing file is no
// results.
func ReadResults(path string) ([]*Result, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rs []*Result
	if err := json.Unmarshal(data, &rs); err != nil {
		return nil, err
	}
	return rs, nil
}

// MergeResults returns the rows of previous whose scenario this run did
// not produce, and the rows of this run, in scenario order (S1, S2, …,
// S11; a scenario's rows in the order they came).
func MergeResults(previous, current []*Result) []*Result {
	ran := map[string]bool{}
	for _, r := range current {
		ran[r.Scenario] = true
	}
	var out []*Result
	for _, r := range previous {
		if !ran[r.Scenario] {
			out = append(out, r)
		}
	}
	out = append(out, current...)
	slices.SortStableFunc(out, func(a, b *Result) int { return scenarioNumber(a.Scenario) - scenarioNumber(b.Scenario) })
	return out
}

// scenarioNumber is n of "Sn"; names without one sort last.
func scenarioNumber(s string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(s, "S"))
	if err != nil {
		return 1 << 30
	}
	return n
}

// measuredBy says which run measured which rows: "by `cmd` on machine"
// when one run measured them all, else one such phrase per run with its
// scenarios.
func measuredBy(results []*Result) string {
	var runs []string
	scenarios := map[string][]string{}
	for _, r := range results {
		m := r.Measured
		if m == "" {
			m = "an earlier run that did not record itself"
		}
		if _, seen := scenarios[m]; !seen {
			runs = append(runs, m)
		}
		if s := scenarios[m]; len(s) == 0 || s[len(s)-1] != r.Scenario {
			scenarios[m] = append(s, r.Scenario)
		}
	}
	if len(runs) == 1 {
		return "Measured " + runs[0]
	}
	parts := make([]string, len(runs))
	for i, m := range runs {
		parts[i] = strings.Join(scenarios[m], ", ") + " measured " + m
	}
	return strings.Join(parts, "; ")
}
