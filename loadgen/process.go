package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Server is an Easel process under load: one the generator started, or
// one it was pointed at (then without process statistics unless Pid is
// set).
type Server struct {
	Addr string // host:port
	Pid  int

	cmd    *exec.Cmd
	output *bytes.Buffer
	exited chan struct{}
}

var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// StartServer runs bin with args (plus --addr 127.0.0.1:0 and a fresh
// --data directory unless args set them) and waits for its listening line.
func StartServer(ctx context.Context, bin string, args ...string) (*Server, error) {
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
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd, output: &bytes.Buffer{}, exited: make(chan struct{})}
	cmd.Stderr = s.output
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s.Pid = cmd.Process.Pid
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if !sent {
				s.output.WriteString(line + "\n")
				if m := listeningRE.FindStringSubmatch(line); m != nil {
					found <- m[1]
					sent = true
				}
			}
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		close(s.exited)
	}()
	select {
	case s.Addr = <-found:
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("%s exited before listening: %s", bin, s.output.String())
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		return nil, fmt.Errorf("%s did not log listening within 15 s: %s", bin, s.output.String())
	case <-ctx.Done():
		cmd.Process.Kill()
		return nil, ctx.Err()
	}
}

// Stop ends a server the generator started (SIGTERM, then SIGKILL).
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
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
