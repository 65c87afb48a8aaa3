package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/easel-app/easel/internal/procs"
)

// Server is an Easel process under load: one the generator started, or
// one it was pointed at (then without process statistics unless Pid is
// set).
type Server struct {
	Addr string // host:port
	Pid  int

	proc *procs.Server // nil for a server the generator was pointed at
}

// StartServer runs bin with args (plus --addr 127.0.0.1:0 and a fresh
// --data directory unless args set them) and waits for its listening line.
func StartServer(ctx context.Context, bin string, args ...string) (*Server, error) {
	return startOn(ctx, "", bin, args...)
}

// startOn is StartServer on the CPUs of the list cpus (taskset -c), or on
// any when it is empty. taskset execs the binary, so the pid measured is
// the server's.
func startOn(ctx context.Context, cpus, bin string, args ...string) (*Server, error) {
	joined := " " + strings.Join(args, " ")
	if !strings.Contains(joined, " --addr") {
		args = append(args, "--addr", "127.0.0.1:0")
	}
	if !strings.Contains(joined, " --data") {
		dir, err := os.MkdirTemp("", "easel-load-")
		if err != nil {
			return nil, err
		}
		args = append(args, "--data", dir)
	}
	return launch(ctx, cpus, bin, args...)
}

// launch runs bin with args as they are, on cpus (any when empty), and
// waits for its listening line.
func launch(ctx context.Context, cpus, bin string, args ...string) (*Server, error) {
	if cpus != "" {
		bin, args = "taskset", append([]string{"-c", cpus, bin}, args...)
	}
	p, err := procs.Start(ctx, bin, args, procs.Options{})
	if err != nil {
		return nil, err
	}
	return &Server{Addr: p.Addr, Pid: p.Pid, proc: p}, nil
}

// Stop ends a server the generator started (SIGTERM, then SIGKILL).
func (s *Server) Stop() {
	if s.proc != nil {
		s.proc.Stop()
	}
}

// URL is the server's base http URL.
func (s *Server) URL() string { return "http://" + s.Addr }

// ProcStats is a reading of the server process.
type ProcStats struct {
	CPU time.Duration // user + system time so far
	RSS int64         // resident set size, bytes
}

// Stats reads the process's CPU time and RSS from /proc.
func (s *Server) Stats() (ProcStats, error) {
	if s.Pid == 0 {
		return ProcStats{}, errors.New("no process to measure")
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.Pid))
	if err != nil {
		return ProcStats{}, err
	}
	// Fields after the command name (which may hold spaces) in parentheses.
	rest := stat[bytes.LastIndexByte(stat, ')')+2:]
	fields := strings.Fields(string(rest))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	st := ProcStats{CPU: time.Duration(utime+stime) * time.Second / ticksPerSecond}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.Pid))
	if err != nil {
		return st, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			st.RSS = kb << 10
		}
	}
	return st, nil
}

// Metric sums the samples of a Prometheus metric on /metrics whose line
// starts with prefix (a name, optionally with the start of its labels).
func (s *Server) Metric(prefix string) (float64, error) {
	res, err := http.Get(s.URL() + "/metrics")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var sum float64
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		if i := strings.LastIndexByte(line, ' '); i > 0 {
			v, err := strconv.ParseFloat(line[i+1:], 64)
			if err == nil {
				sum += v
			}
		}
	}
	return sum, sc.Err()
}
