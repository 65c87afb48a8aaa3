package server

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/easel-app/easel/internal/protoclient"
	"github.com/easel-app/easel/session"
)

// Peers that are slow or silent on purpose must not hold server resources
// for long. These tests run against the http.Server that NewHTTPServer
// builds (as main does) and the session layer's production mechanisms.

// upgradeRequest is a complete WebSocket upgrade request for path.
func upgradeRequest(host, path string, extra ...string) string {
	var b strings.Builder
	b.WriteString("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n")
	b.WriteString("Upgrade: websocket\r\nConnection: Upgrade\r\n")
	b.WriteString("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n")
	b.WriteString("Sec-WebSocket-Protocol: easel.v1\r\n")
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// A client that trickles its upgrade request's headers, one byte every
// 200 ms (slowloris), is dropped by the server when ReadHeaderTimeout
// passes, long before it would have finished.
func TestTricklingHeadersCutOffAtReadHeaderTimeout(t *testing.T) {
	limits := DefaultHTTPLimits()
	limits.ReadHeaderTimeout = time.Second
	app := newTestAppWithLimits(t, limits)
	b := app.createBoard(t)
	host := strings.TrimPrefix(app.URL, "http://")
	req := upgradeRequest(host, b.EditURL+"/ws")
	const every = 200 * time.Millisecond
	trickleFor := time.Duration(len(req)) * every // ~40 s

	start := time.Now() // before the dial: the server's clock starts later
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	var sent atomic.Int64
	stop, trickled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(trickled)
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		for i := 0; i < len(req); i++ {
			select {
			case <-stop:
				return
			case <-ticker.C:
			}
			if _, err := conn.Write([]byte{req[i]}); err != nil {
				return // the server hung up
			}
			sent.Add(1)
		}
	}()
	defer func() {
		close(stop)
		conn.Close()
		<-trickled
	}()

	// The server closes the connection (net/http may first answer 400 to
	// the partial request). Read until it does, or until a deadline well
	// past ReadHeaderTimeout.
	conn.SetReadDeadline(start.Add(limits.ReadHeaderTimeout + 4*time.Second))
	got, err := io.ReadAll(conn)
	elapsed := time.Since(start)
	var ne net.Error
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("connection still open %v after the dial (%d of %d header bytes sent); want it closed after ReadHeaderTimeout %v",
			elapsed, sent.Load(), len(req), limits.ReadHeaderTimeout)
	case err != nil && !errors.Is(err, syscall.ECONNRESET):
		t.Fatalf("read ended with %v, want EOF or connection reset", err)
	}
	if strings.Contains(string(got), " 101 ") {
		t.Fatalf("the trickled upgrade was accepted: %q", got)
	}
	if n := sent.Load(); n >= int64(len(req)) {
		t.Fatalf("the whole request (%d bytes) went out before the server hung up", n)
	}
	t.Logf("server hung up after %v, with %d of %d header bytes sent (the trickle needed %v); response %q",
		elapsed, sent.Load(), len(req), trickleFor, got)
	if elapsed < limits.ReadHeaderTimeout-100*time.Millisecond {
		t.Errorf("server hung up after %v, before ReadHeaderTimeout %v: something else cut the connection", elapsed, limits.ReadHeaderTimeout)
	}
	if elapsed > limits.ReadHeaderTimeout+2*time.Second {
		t.Errorf("server hung up after %v; want about ReadHeaderTimeout %v", elapsed, limits.ReadHeaderTimeout)
	}
}

// rawRequest writes req on a fresh connection and reads the response. The
// write runs on its own goroutine: a server refusing the request may stop
// reading it halfway.
func rawRequest(t *testing.T, host, req string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	var wg sync.WaitGroup
	wg.Go(func() { io.WriteString(conn, req) })
	t.Cleanup(wg.Wait) // runs after conn.Close (cleanups run last first)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	res.Body.Close()
	return res
}

// Request headers beyond MaxHeaderBytes are refused with 431 before any
// handler runs, upgrade requests included; headers within it are served.
func TestOversizedHeadersRefusedWith431(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	host := strings.TrimPrefix(app.URL, "http://")
	limit := app.Limits.MaxHeaderBytes
	if limit != DefaultHTTPLimits().MaxHeaderBytes || limit <= 0 {
		t.Fatalf("test app runs with MaxHeaderBytes %d, not production's", limit)
	}

	for _, test := range []struct {
		name   string
		path   string
		pad    int
		status int
	}{
		{"page within the limit", "/healthz", limit / 2, http.StatusOK},
		{"upgrade within the limit", b.EditURL + "/ws", limit / 2, http.StatusSwitchingProtocols},
		// net/http allows 4 KiB of slack above MaxHeaderBytes; twice the
		// limit is past it whatever the slack.
		{"page over the limit", "/healthz", 2 * limit, http.StatusRequestHeaderFieldsTooLarge},
		{"upgrade over the limit", b.EditURL + "/ws", 2 * limit, http.StatusRequestHeaderFieldsTooLarge},
	} {
		t.Run(test.name, func(t *testing.T) {
			pad := "X-Pad: " + strings.Repeat("a", test.pad)
			var req string
			if strings.HasSuffix(test.path, "/ws") {
				req = upgradeRequest(host, test.path, pad)
			} else {
				req = "GET " + test.path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" + pad + "\r\n\r\n"
			}
			if res := rawRequest(t, host, req); res.StatusCode != test.status {
				t.Fatalf("%d-byte header: status %d, want %d", test.pad, res.StatusCode, test.status)
			}
		})
	}
}

// A member that joins and then goes silent — it never answers the server's
// pings — is dropped after PongWait (not before: pings go out every
// PingPeriod and it is the missing pongs that count), and the others see it
// leave. A well-behaved member, whose client answers pings, stays on.
func TestSilentPeerDroppedAfterPongWait(t *testing.T) {
	const pongWait, pingPeriod = time.Second, 400 * time.Millisecond
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.PongWait, c.PingPeriod = pongWait, pingPeriod })
	b := app.createBoard(t)
	edit := app.wsURL(b.EditURL + "/ws")

	goodJoined := time.Now()
	good := join(t, edit, "good") // gorilla answers pings while its read loop runs

	// The silent member: a real handshake and hello, then nothing. It keeps
	// reading (to see the welcome and the close) but its ping handler
	// swallows the pings instead of answering with a pong.
	silentStart := time.Now()
	var pings atomic.Int32
	silent := connect(t, edit, func(o *protoclient.Options) {
		o.OnPing = func(string) error { pings.Add(1); return nil }
	})
	silent.name = "silent"
	silent.send(map[string]any{"type": "hello", "name": "silent", "color": "#654321"})
	silent.you = silent.waitType("welcome").You

	code, _ := silent.waitClosed(pongWait + 5*time.Second)
	closedAfter := time.Since(silentStart)
	t.Logf("silent member closed after %v (code %d) having swallowed %d pings", closedAfter, code, pings.Load())
	if closedAfter < pingPeriod || closedAfter < pongWait {
		t.Errorf("silent member closed after %v, before PongWait %v", closedAfter, pongWait)
	}
	if closedAfter > pongWait+2*time.Second {
		t.Errorf("silent member closed after %v; want about PongWait %v", closedAfter, pongWait)
	}
	if pings.Load() == 0 {
		t.Errorf("the server never pinged the silent member (PingPeriod %v)", pingPeriod)
	}

	good.waitUntil("the silent member's leave", func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "leave" && m.ID == silent.you {
				return true
			}
		}
		return false
	})

	// The good member has been connected longer than the silent one was
	// when it was dropped; keep it on for a few PongWaits more, then show it
	// is still live: it sees a newcomer join.
	select {
	case <-good.done:
		t.Fatalf("well-behaved member dropped after %v: %v", time.Since(goodJoined), good.closeErr)
	case <-time.After(time.Until(goodJoined.Add(3 * pongWait))):
	}
	probe := join(t, edit, "probe")
	good.waitUntil("the probe's join", func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "join" && m.Peer != nil && m.Peer.ID == probe.you {
				return true
			}
		}
		return false
	})
	t.Logf("well-behaved member still connected after %v", time.Since(goodJoined))
}

// TestSlowConsumerClosedWith1013 (realtime_test.go) shows that the others
// see no gap in cursor frames while a slow member backs up. This one shows
// the rest of "others unaffected": once the slow member is closed with
// 1013, the others are still connected, saw it leave, and still reach each
// other; nobody else was closed as slow.
func TestSlowConsumerLeavesOthersConnected(t *testing.T) {
	// Cursors relayed one per message (Tick 0) with no practical rate
	// limit, and small buffers, so that one mover overflows the slow
	// member within a few seconds.
	app := newTestApp(t, func(c *session.Config, _ *Options) {
		c.Tick, c.CursorRate = 0, 1e6
		c.OutboxBytes, c.SocketBuffer = 16<<10, 16<<10
	})
	b := app.createBoard(t)
	edit := app.wsURL(b.EditURL + "/ws")
	slow := join(t, edit, "slow", smallReceiveBuffer)
	mover := join(t, edit, "mover")
	watcher := join(t, edit, "watcher")
	slow.pause()

	sawLeave := func(c *wsClient) bool {
		return c.poll(20*time.Second, func(msgs []wireMsg) bool {
			for _, m := range msgs {
				if m.Type == "leave" && m.ID == slow.you {
					return true
				}
			}
			return false
		})
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	everyTick(&wg, 2*time.Millisecond, stop, 0, func(step int) {
		mover.moveTo(float64(step), -float64(step))
	})
	left := sawLeave(watcher)
	close(stop)
	wg.Wait()
	if !left {
		t.Fatal("slow member was not removed within 20 s")
	}
	slow.unpause()
	if code, _ := slow.waitClosed(10 * time.Second); code != 1013 {
		t.Fatalf("slow member closed with %d, want 1013", code)
	}
	if !sawLeave(mover) {
		t.Fatal("the mover did not see the slow member leave")
	}

	// Both others are still connected and still reach each other.
	for _, c := range []*wsClient{mover, watcher} {
		c.mu.Lock()
		err := c.closeErr
		c.mu.Unlock()
		if err != nil {
			t.Fatalf("%s was disconnected along with the slow member: %v", c.name, err)
		}
	}
	mover.moveTo(4242, 4343)
	watcher.waitUntil("the mover's last move", func(msgs []wireMsg) bool {
		return cursorsSeen(msgs)[mover.you] == [2]float64{4242, 4343}
	})
	watcher.moveTo(-7, 7)
	mover.waitUntil("the watcher's move", func(msgs []wireMsg) bool {
		return cursorsSeen(msgs)[watcher.you] == [2]float64{-7, 7}
	})
	if got := testCounter(t, app.Metrics.SlowConsumerCloses); got != 1 {
		t.Errorf("slow consumer closes = %v, want 1 (only the slow member)", got)
	}
}
