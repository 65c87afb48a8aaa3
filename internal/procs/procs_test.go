package procs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The test binary is also the servers these tests start: with
// PROCS_TEST_SERVER set it plays the server that variable names.
func TestMain(m *testing.M) {
	switch os.Getenv("PROCS_TEST_SERVER") {
	case "":
		os.Exit(m.Run())
	case "good":
		term := make(chan os.Signal, 1)
		signal.Notify(term, syscall.SIGTERM)
		fmt.Println("level=INFO msg=starting")
		fmt.Fprintln(os.Stderr, "level=WARN msg=\"on stderr\"")
		fmt.Println("level=INFO msg=listening addr=127.0.0.1:4321 tls=false")
		<-term
		fmt.Println("level=INFO msg=stopped")
		os.Exit(0)
	case "fails":
		fmt.Fprintln(os.Stderr, "easel: --data: no such directory")
		os.Exit(1)
	case "silent", "stubborn":
		signal.Ignore(syscall.SIGTERM)
		if os.Getenv("PROCS_TEST_SERVER") == "stubborn" {
			fmt.Println("msg=listening addr=127.0.0.1:1")
		}
		time.Sleep(time.Minute)
	}
}

func startSelf(t *testing.T, role string, o Options) (*Server, error) {
	t.Helper()
	t.Setenv("PROCS_TEST_SERVER", role)
	s, err := Start(context.Background(), os.Args[0], nil, o)
	if s != nil {
		t.Cleanup(s.Kill)
	}
	return s, err
}

// A process is started, its address read from its listening line, its
// log (stdout and stderr) seen line by line and kept, and it stops on
// SIGTERM.
func TestStartAndStop(t *testing.T) {
	var mu sync.Mutex
	var lines []string
	s, err := startSelf(t, "good", Options{OnLine: func(l string) { mu.Lock(); lines = append(lines, l); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr != "127.0.0.1:4321" || s.URL() != "http://127.0.0.1:4321" || s.Pid == 0 {
		t.Fatalf("addr %q, pid %d", s.Addr, s.Pid)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(lines, "|"); !strings.Contains(got, "on stderr") || !strings.HasSuffix(got, "msg=stopped") {
		t.Fatalf("lines seen: %s", got)
	}
	if log := s.Log(); !strings.Contains(log, "msg=starting") || !strings.Contains(log, "msg=stopped") {
		t.Fatalf("log kept: %s", log)
	}
}

// A server that ends before listening is an error that holds its log.
func TestStartTellsWhyItEnded(t *testing.T) {
	_, err := startSelf(t, "fails", Options{})
	if err == nil || !strings.Contains(err.Error(), "no such directory") {
		t.Fatalf("start = %v, want the server's own error", err)
	}
}

// A server that never listens is killed at the timeout; one that ignores
// SIGTERM is killed at the stop timeout, and Stop says it was stuck.
func TestStartAndStopTimeouts(t *testing.T) {
	s, err := startSelf(t, "silent", Options{Timeout: 300 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "did not log listening") {
		t.Fatalf("start = %v", err)
	}
	select {
	case <-s.Exited():
	case <-time.After(10 * time.Second):
		t.Fatal("a server that never listened was left running")
	}

	s, err = startSelf(t, "stubborn", Options{StopTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); !errors.Is(err, ErrStuck) {
		t.Fatalf("stop = %v, want ErrStuck", err)
	}
	select {
	case <-s.Exited():
	case <-time.After(10 * time.Second):
		t.Fatal("a server stuck in its stop was left running")
	}

	// In this process there is nothing to kill: Stop says it is stuck.
	release := make(chan struct{})
	s, err = Run(func(ctx context.Context, w io.Writer) error {
		fmt.Fprintln(w, "msg=listening addr=127.0.0.1:1")
		<-release
		return nil
	}, Options{StopTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stop(); !errors.Is(err, ErrStuck) {
		t.Fatalf("stop = %v, want ErrStuck", err)
	}
	close(release)
	<-s.Exited()
}

// run in this process: its log is read the same way, and Stop cancels it
// and returns what it returned.
func TestRunInProcess(t *testing.T) {
	s, err := Run(func(ctx context.Context, w io.Writer) error {
		fmt.Fprintln(w, "msg=starting")
		fmt.Fprintln(w, "msg=listening addr=[::1]:80")
		<-ctx.Done()
		fmt.Fprintln(w, "msg=bye")
		return errors.New("shut down with a complaint")
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr != "[::1]:80" || s.Pid != 0 {
		t.Fatalf("addr %q pid %d", s.Addr, s.Pid)
	}
	if err := s.Stop(); err == nil || err.Error() != "shut down with a complaint" {
		t.Fatalf("stop = %v, want run's error", err)
	}
	if !strings.HasSuffix(s.Log(), "msg=bye") {
		t.Fatalf("log: %s", s.Log())
	}
}
