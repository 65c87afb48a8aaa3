package loadgen

import (
	"strings"
	"testing"
)

// A partial run replaces its scenarios' rows and keeps the others, in
// scenario order, and the report says which run measured which rows.
func TestPartialRunKeepsOtherScenariosRows(t *testing.T) {
	old := "by `easel-load` on 2 cores, linux, 2026-11-21"
	previous := []*Result{
		{Scenario: "S1", Measured: old}, {Scenario: "S2", Variant: "easel", Measured: old},
		{Scenario: "S2", Variant: "baseline", Measured: old}, {Scenario: "S3", Measured: old},
	}
	now := "by `easel-load -scenarios S2,S10` on 2 cores, linux, 2026-12-01"
	current := []*Result{{Scenario: "S2", Variant: "easel", Measured: now}, {Scenario: "S2", Variant: "baseline", Measured: now}, {Scenario: "S10", Measured: now}}
	merged := MergeResults(previous, current)
	var got []string
	for _, r := range merged {
		got = append(got, r.Scenario+"/"+r.Measured[len(r.Measured)-2:])
	}
	if want := "S1/21 S2/01 S2/01 S3/21 S10/01"; strings.Join(got, " ") != want {
		t.Fatalf("merged rows %v, want %s", got, want)
	}
	header := measuredBy(merged)
	if !strings.Contains(header, "S1, S3 measured "+old) || !strings.Contains(header, "S2, S10 measured "+now) {
		t.Fatalf("header %q does not say which run measured which rows", header)
	}
	if h := measuredBy(current); h != "Measured "+now {
		t.Fatalf("one run's header %q", h)
	}
}
