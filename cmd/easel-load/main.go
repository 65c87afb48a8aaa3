// Command easel-load runs Easel's load scenarios (S1–S12 of
// docs/performance.md) against the easel binary and reports what members
// got and what the server spent: a Markdown table, JSON, and a chart.
//
//	easel-load -bin bin/easel -scenarios S1,S2 -json out.json
//	easel-load -relay-bin bin/naive-relay -doc docs/performance.md -json docs/load.json   # what make bench runs
//	easel-load -relay-bin bin/naive-relay -server-cpus 0 -scenarios S1,S2,S12   # server on CPU 0, generator on the rest
//
// With -json, the rows of scenarios this run did not run are kept from
// the file's previous report (in it, in the table and in the chart), each
// row saying which run measured it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/easel-app/easel/loadgen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "easel-load:", err)
		os.Exit(1)
	}
}

func run() error {
	var o loadgen.Options
	var which, jsonOut, doc string
	flag.StringVar(&o.Bin, "bin", "bin/easel", "the easel binary to start for each scenario")
	flag.StringVar(&which, "scenarios", "S1,S2,S3,S4,S5,S6,S7,S8,S9,S10,S11,S12", "scenarios to run, e.g. -scenarios S9 for one alone (S6 runs S2 too; S10 and S11 are held against S2 when both run)")
	flag.Float64Var(&o.Scale, "scale", 1, "size factor: 1 runs the issue's sizes")
	flag.DurationVar(&o.Duration, "duration", 30*time.Second, "how long S2-like loads move")
	flag.StringVar(&o.Redis, "redis", "redis://127.0.0.1:6379/12", "Redis for S7 (skipped when it does not answer)")
	var serverFlags string
	flag.StringVar(&serverFlags, "server-args", "", "extra flags for every server started, space-separated (e.g. \"--debug-addr 127.0.0.1:6061\" to profile)")
	flag.StringVar(&jsonOut, "json", "", "write the results as JSON to this file, keeping its rows of scenarios not run")
	var cpuProfile string
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write the generator's own CPU profile to this file (the server's: -server-args \"--debug-addr …\")")
	flag.StringVar(&doc, "doc", "", "rewrite the load section of this Markdown file (and load-chart.svg beside it)")
	flag.StringVar(&o.RelayBin, "relay-bin", "", "cmd/naive-relay's binary: S1, S2 and S12 also run on it, as the naive melody relay rows (issue 18)")
	flag.StringVar(&o.ServerCPUs, "server-cpus", "", "start every server on these CPUs (taskset -c list, e.g. 0) and run the generator on the others")
	flag.Parse()
	o.Args = strings.Fields(serverFlags)
	// Pinned, this process sees only its own CPUs: the machine's are the
	// server's and its.
	cores, pinning := runtime.NumCPU(), ""
	if o.ServerCPUs != "" {
		cpus, err := pinGenerator(o.ServerCPUs)
		if err != nil {
			return err
		}
		srv, _ := loadgen.ParseCPUList(o.ServerCPUs)
		gen, _ := loadgen.ParseCPUList(cpus)
		cores = len(srv) + len(gen)
		pinning = fmt.Sprintf(" (the servers pinned to CPU %s, the generator to %s)", o.ServerCPUs, cpus)
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	want := map[string]bool{}
	for _, s := range strings.Split(which, ",") {
		want[strings.TrimSpace(strings.ToUpper(s))] = true
	}

	var results []*loadgen.Result
	add := func(rs ...*loadgen.Result) {
		for _, r := range rs {
			if r == nil {
				continue
			}
			results = append(results, r)
			logf("%s %s: p99 %.1f ms, CPU %.1f %%, RSS %.0f MB, checks %s", r.Scenario, r.Variant, r.LatencyP99ms, r.CPUPercent, r.RSSMB, summary(r))
		}
	}
	fail := func(name string, err error) {
		logf("%s failed: %v", name, err)
		results = append(results, &loadgen.Result{Scenario: name, Name: "failed: " + err.Error()})
	}
	var s2 *loadgen.Result
	if want["S1"] {
		if r, err := loadgen.S1(ctx, o); err != nil {
			fail("S1", err)
		} else {
			add(r)
		}
		if o.RelayBin != "" {
			if r, err := loadgen.S1Relay(ctx, o); err != nil {
				fail("S1", err)
			} else {
				add(r)
			}
		}
	}
	if want["S2"] || want["S6"] {
		if e, b, err := loadgen.S2(ctx, o); err != nil {
			fail("S2", err)
		} else {
			s2 = e
			add(e, b)
		}
		if want["S2"] && o.RelayBin != "" {
			if r, err := loadgen.S2Relay(ctx, o, s2); err != nil {
				fail("S2", err)
			} else {
				add(r)
			}
		}
	}
	if want["S12"] {
		if rs, err := loadgen.S12(ctx, o); err != nil {
			fail("S12", err)
		} else {
			add(rs...)
		}
	}
	if want["S3"] {
		if rs, err := loadgen.S3(ctx, o); err != nil {
			fail("S3", err)
		} else {
			add(rs...)
		}
	}
	if want["S4"] {
		if r, err := loadgen.S4(ctx, o); err != nil {
			fail("S4", err)
		} else {
			add(r)
		}
	}
	if want["S5"] {
		if r, err := loadgen.S5(ctx, o); err != nil {
			fail("S5", err)
		} else {
			add(r)
		}
	}
	if want["S6"] {
		if r, err := loadgen.S6(ctx, o, s2); err != nil {
			fail("S6", err)
		} else {
			add(r)
		}
	}
	if want["S10"] {
		if r, err := loadgen.S10(ctx, o, s2); err != nil {
			fail("S10", err)
		} else {
			add(r)
		}
	}
	if want["S11"] {
		if r, err := loadgen.S11(ctx, o, s2); err != nil {
			fail("S11", err)
		} else {
			add(r)
		}
	}
	if want["S8"] {
		if r, err := loadgen.S8(ctx, o); err != nil {
			fail("S8", err)
		} else {
			add(r)
		}
	}
	if want["S7"] {
		if rs, err := loadgen.S7(ctx, o); err != nil {
			logf("S7 skipped: %v", err)
		} else {
			add(rs...)
		}
	}

	if want["S9"] {
		if r, err := loadgen.S9(ctx, o); err != nil {
			fail("S9", err)
		} else {
			add(r)
		}
	}

	cmd := "easel-load " + strings.Join(os.Args[1:], " ")
	machine := fmt.Sprintf("%d cores%s, %s, %s", cores, pinning, runtime.GOOS, time.Now().UTC().Format("2006-01-02"))
	for _, r := range results {
		r.Measured = fmt.Sprintf("by `%s` on %s", cmd, machine)
	}
	fmt.Println(loadgen.Markdown(results))
	if jsonOut != "" {
		previous, err := loadgen.ReadResults(jsonOut)
		if err != nil {
			return fmt.Errorf("previous results in %s: %w", jsonOut, err)
		}
		results = loadgen.MergeResults(previous, results)
	}
	md := loadgen.Markdown(results)
	if jsonOut != "" {
		data, _ := json.MarshalIndent(results, "", "  ")
		if err := os.WriteFile(jsonOut, data, 0o644); err != nil {
			return err
		}
	}
	if doc != "" {
		if err := os.WriteFile(filepath.Join(filepath.Dir(doc), "load-chart.svg"), []byte(loadgen.ChartSVG(results)), 0o644); err != nil {
			return err
		}
		if err := loadgen.ReplaceSection(doc, md); err != nil {
			return err
		}
	}
	return nil
}

func summary(r *loadgen.Result) string {
	ok, n := 0, len(r.Checks)
	for _, c := range r.Checks {
		if c.OK {
			ok++
		}
	}
	return fmt.Sprintf("%d/%d met", ok, n)
}
