package loadgen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Issue 18 item 3: with the server and the generator on one machine, each
// steals the other's CPU, so a scenario measures both. Options.ServerCPUs
// starts every server under taskset on those cores, and the generator
// runs on the others (cmd/easel-load re-executes itself under taskset
// before its runtime starts any thread, so every thread inherits it).

// ParseCPUList reads a CPU list as taskset -c writes one: numbers and
// ranges, comma-separated ("0", "0,2", "0-1,4").
func ParseCPUList(s string) ([]int, error) {
	var cpus []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 0 || b < a {
			return nil, fmt.Errorf("CPU list %q: %q is not a CPU or a range", s, part)
		}
		for c := a; c <= b; c++ {
			cpus = append(cpus, c)
		}
	}
	slices.Sort(cpus)
	return slices.Compact(cpus), nil
}

// FormatCPUList writes cpus as a list taskset -c reads.
func FormatCPUList(cpus []int) string {
	parts := make([]string, len(cpus))
	for i, c := range cpus {
		parts[i] = strconv.Itoa(c)
	}
	return strings.Join(parts, ",")
}

// OtherCPUs is allowed without the CPUs of server, which must all be
// allowed and must leave at least one.
func OtherCPUs(allowed []int, server string) ([]int, error) {
	srv, err := ParseCPUList(server)
	if err != nil {
		return nil, err
	}
	for _, c := range srv {
		if !slices.Contains(allowed, c) {
			return nil, fmt.Errorf("CPU %d is not one this process may use (%s)", c, FormatCPUList(allowed))
		}
	}
	var rest []int
	for _, c := range allowed {
		if !slices.Contains(srv, c) {
			rest = append(rest, c)
		}
	}
	if len(rest) == 0 {
		return nil, fmt.Errorf("server CPUs %s leave no CPU for the generator", server)
	}
	return rest, nil
}

// AllowedCPUs are the CPUs this process may run on.
func AllowedCPUs() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil, err
	}
	var cpus []int
	for c := 0; c < len(set)*64; c++ {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	return cpus, nil
}
