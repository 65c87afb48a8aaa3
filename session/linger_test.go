package session

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// guardPair is a real loopback TCP connection whose server side is
// guarded, with the HTTP response already written through the guard (its
// 'H' reads as a close opcode to a naive header scanner).
func guardPair(t *testing.T, l *lingerer) (*frameGuard, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	g := &frameGuard{Conn: server, lingers: l}
	t.Cleanup(func() { server.Close() })
	if _, err := g.Write([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	if g.closeSent.Load() {
		t.Fatal("the handshake response was taken for a close frame")
	}
	return g, client
}

var serverClose = []byte{0x88, 0x02, 0x03, 0xe8} // close 1000, unmasked

func TestGuardStopsReadingOnceItsCloseIsOut(t *testing.T) {
	g, client := guardPair(t, newLingerer(1, time.Second))
	client.Write(clientFrame(0x1, []byte("before")))
	buf := make([]byte, 64)
	if n, err := g.Read(buf); err != nil || n == 0 {
		t.Fatalf("read before the close: %d %v", n, err)
	}
	read := make(chan error, 1)
	go func() { _, err := g.Read(buf); read <- err }() // blocks: the client is quiet
	if _, err := g.Write(serverClose); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-read:
		if !errors.Is(err, errCloseSent) {
			t.Fatalf("blocked read ended with %v, want errCloseSent", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the blocked read was not woken by the close frame")
	}
	g.SetReadDeadline(time.Now().Add(time.Hour)) // ignored from now on
	if _, err := g.Read(buf); !errors.Is(err, errCloseSent) {
		t.Fatalf("read after the close: %v, want errCloseSent", err)
	}
	g.Close()
	l := g.lingers
	// The linger ends at the client's close answer, not after its time.
	client.Write(clientFrame(0x8, []byte{0x03, 0xe8}))
	expectEOF(t, client)
	l.Wait()
}

func TestLingeringBeyondTheCapClosesAtOnce(t *testing.T) {
	l := newLingerer(1, time.Minute)
	first, firstClient := guardPair(t, l)
	second, secondClient := guardPair(t, l)
	for _, g := range []*frameGuard{first, second} {
		if _, err := g.Write(serverClose); err != nil {
			t.Fatal(err)
		}
		g.Close()
	}
	expectEOF(t, secondClient) // no slot left: closed at once
	firstClient.Write(clientFrame(0x8, nil))
	expectEOF(t, firstClient) // lingered until the client's close frame
	l.Wait()
}

// expectEOF reads the client side until the server closes it.
func expectEOF(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, c); err != nil {
		t.Fatalf("waiting for the server to close: %v", err)
	}
}
