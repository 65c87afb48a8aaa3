package server

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Fault 11 (issue 10): past its limit of open connections, the gate answers
// new ones with a 503 and a reason (read by a real HTTP client, not lost to
// a reset) and keeps serving the open ones; a closed connection frees its
// place, hijacked (WebSocket) connections included.
func TestConnectionGateRefusesWith503PastTheLimit(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gate := NewGateListener(ln, 2, slog.New(slog.NewTextHandler(newTestLogWriter(t), nil)))
	srv := NewHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hijack" {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nhijacked")
				io.Copy(io.Discard, conn) // held until the client closes
				conn.Close()
			}
			return
		}
		io.WriteString(w, "ok")
	}), DefaultHTTPLimits(), nil)
	go srv.Serve(gate)
	t.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()

	// Two keep-alive connections, one of them hijacked, fill the gate.
	held := dialAndGet(t, addr, "/", "ok")
	hijacked := dialAndGet(t, addr, "/hijack", "hijacked")
	waitOpen(t, gate, 2)

	for i := range 3 {
		res, err := http.Get("http://" + addr + "/")
		if err != nil {
			t.Fatalf("refused client %d saw %v, want a 503 it can read", i, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "connection limit") {
			t.Fatalf("client %d past the limit: %d %q, want 503 with a reason", i, res.StatusCode, body)
		}
	}
	// The open connections are still served.
	getOn(t, held, "/", "ok")

	hijacked.Close()
	waitOpen(t, gate, 1)
	res, err := http.Get("http://" + addr + "/")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("after a connection closed: %v %v, want 200", res, err)
	}
	res.Body.Close()
}

// dialAndGet opens a connection, sends GET path on it and checks the body.
func dialAndGet(t testing.TB, addr, path, want string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	getOn(t, conn, path, want)
	return conn
}

func getOn(t testing.TB, conn net.Conn, path, want string) {
	t.Helper()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	body := make([]byte, len(want))
	io.ReadFull(res.Body, body)
	if string(body) != want {
		t.Fatalf("GET %s = %q, want %q", path, body, want)
	}
}

func waitOpen(t testing.TB, gate *GateListener, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for gate.Open() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections open, want %d", gate.Open(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
