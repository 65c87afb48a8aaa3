package procs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// ErrStuck is Stop's answer when the server did not end within its time.
var ErrStuck = errors.New("server did not stop")

// Options shape how a server is started and watched.
type Options struct {
	// OnLine, when set, sees every log line, on the log's goroutine.
	OnLine func(line string)
	// Timeout is how long the listening line may take; 15 s when zero.
	Timeout time.Duration
	// StopTimeout is how long Stop waits for the server to end; 15 s
	// when zero.
	StopTimeout time.Duration
}

func (o Options) timeout() time.Duration     { return orDefault(o.Timeout) }
func (o Options) stopTimeout() time.Duration { return orDefault(o.StopTimeout) }

func orDefault(d time.Duration) time.Duration {
	if d == 0 {
		return 15 * time.Second
	}
	return d
}

// Server is a started Easel server.
type Server struct {
	Addr string // host:port, from the listening line
	Pid  int    // the process's; 0 for a server run in this process

	name        string
	log         *logKeeper
	stopTimeout time.Duration
	signal      func(os.Signal) // a process's
	cancel      context.CancelFunc
	exited      chan struct{} // closed when the server has ended and its log is read
	err         error         // how it ended, once exited is closed
}

// Build builds the easel binary of the module at dir into out.
func Build(ctx context.Context, dir, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, ".")
	cmd.Dir = dir
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, output)
	}
	return nil
}

// Start runs the binary bin with args as a child process, its stdout and
// stderr one log, and waits for it to listen. ctx bounds only the start.
func Start(ctx context.Context, bin string, args []string, o Options) (*Server, error) {
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &Server{Pid: cmd.Process.Pid, name: filepath.Base(bin), stopTimeout: o.stopTimeout(), exited: make(chan struct{}),
		signal: func(sig os.Signal) { cmd.Process.Signal(sig) }}
	s.log = newLogKeeper(o.OnLine)
	go func() {
		s.log.read(out) // to EOF, before Wait closes the pipe
		s.err = cmd.Wait()
		close(s.exited)
	}()
	return s, s.waitListening(ctx, o.timeout())
}

// Run runs main's run in this process as a server, handing it the writer
// its log goes to, and waits for it to listen. Cancelling run's context
// stops it.
func Run(run func(ctx context.Context, log io.Writer) error, o Options) (*Server, error) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &Server{name: "run", stopTimeout: o.stopTimeout(), cancel: cancel, exited: make(chan struct{})}
	s.log = newLogKeeper(o.OnLine)
	logRead := make(chan struct{})
	go func() {
		s.log.read(pr)
		close(logRead)
	}()
	go func() {
		err := run(ctx, pw)
		pw.Close()
		<-logRead
		s.err = err
		close(s.exited)
	}()
	return s, s.waitListening(context.Background(), o.timeout())
}

// waitListening waits for the listening line; a server that ends first,
// takes too long or whose start is cancelled is an error saying so, with
// its log (and is killed).
func (s *Server) waitListening(ctx context.Context, timeout time.Duration) error {
	select {
	case s.Addr = <-s.log.listening:
		return nil
	case <-s.exited:
		return fmt.Errorf("%s ended before listening (%v):\n%s", s.name, s.err, s.log.String())
	case <-time.After(timeout):
		s.Kill()
		return fmt.Errorf("%s did not log listening within %v:\n%s", s.name, timeout, s.log.String())
	case <-ctx.Done():
		s.Kill()
		return ctx.Err()
	}
}

// URL is the server's base http URL.
func (s *Server) URL() string { return "http://" + s.Addr }

// Exited is closed when the server has ended.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// Log is the start of the server's log, up to its listening line, and its
// latest lines.
func (s *Server) Log() string { return s.log.String() }

// Stop ends the server gracefully (SIGTERM, or cancelling run) and waits
// up to the stop timeout. It returns how the server ended: nil when it
// exited cleanly; an error wrapping ErrStuck when it did not end in time
// (a process is then killed); else the process's exit or run's error.
func (s *Server) Stop() error {
	if s.signal != nil {
		s.signal(syscall.SIGTERM)
	} else {
		s.cancel()
	}
	select {
	case <-s.exited:
		return s.err
	case <-time.After(s.stopTimeout):
		if s.signal != nil {
			s.Kill()
		}
		return fmt.Errorf("%s: %w within %v", s.name, ErrStuck, s.stopTimeout)
	}
}

// Kill ends a process at once (SIGKILL: no shutdown at all) and waits for
// it. A server run in this process cannot be killed: it is stopped.
func (s *Server) Kill() {
	if s.signal == nil {
		s.Stop()
		return
	}
	s.signal(syscall.SIGKILL)
	<-s.exited
}
