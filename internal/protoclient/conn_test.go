package protoclient

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// testServer upgrades every request and hands the connection, with the
// handshake's request, to serve; the test ends after every serve.
func testServer(t testing.TB, serve func(ws *websocket.Conn, r *http.Request)) string {
	t.Helper()
	up := websocket.Upgrader{Subprotocols: []string{Subprotocol}, CheckOrigin: func(*http.Request) bool { return true }}
	var mu sync.Mutex
	var served []chan struct{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done := make(chan struct{})
		defer close(done)
		mu.Lock()
		served = append(served, done) // before the hijack, which Close does not wait for
		mu.Unlock()
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		serve(ws, r)
	}))
	t.Cleanup(func() {
		ts.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, done := range served {
			<-done
		}
	})
	return "ws" + strings.TrimPrefix(ts.URL, "http")
}

// A protocol client dials with its subprotocol and headers, says hello as
// the protocol spells it, and reads the welcome and what shared its frame.
func TestHelloAndWelcome(t *testing.T) {
	got := make(chan string, 2)
	url := testServer(t, func(ws *websocket.Conn, r *http.Request) {
		got <- r.Header.Get("Origin")
		_, hello, _ := ws.ReadMessage()
		got <- string(hello)
		ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"welcome","you":"p1"}`+"\n"+`{"type":"join"}`))
		ws.ReadMessage() // until the client goes
	})
	c, res, err := Dial(context.Background(), url, Options{Subprotocols: []string{Subprotocol}, Header: http.Header{"Origin": {"https://easel.example"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if res.StatusCode != http.StatusSwitchingProtocols || c.Subprotocol() != Subprotocol {
		t.Fatalf("status %d, subprotocol %q", res.StatusCode, c.Subprotocol())
	}
	if err := c.Send(Hello{Name: "ann", Color: "#123456", Client: "client-id-0123456789", Since: Since{Epoch: "e", Seq: 7}}); err != nil {
		t.Fatal(err)
	}
	welcome, rest, err := c.ReadWelcome(5 * time.Second)
	if err != nil || string(welcome) != `{"type":"welcome","you":"p1"}` || string(rest) != `{"type":"join"}` {
		t.Fatalf("welcome %s, rest %s, %v", welcome, rest, err)
	}
	if origin := <-got; origin != "https://easel.example" {
		t.Errorf("Origin %q", origin)
	}
	var hello map[string]any
	json.Unmarshal([]byte(<-got), &hello)
	if hello["type"] != "hello" || hello["name"] != "ann" || hello["color"] != "#123456" || hello["client"] != "client-id-0123456789" ||
		hello["since"].(map[string]any)["epoch"] != "e" || hello["since"].(map[string]any)["seq"] != 7.0 {
		t.Errorf("hello sent as %v", hello)
	}
	// Without client and since, neither is sent.
	b, _ := json.Marshal(Hello{Name: "bo", Color: "#000000"})
	if string(b) != `{"type":"hello","name":"bo","color":"#000000"}` {
		t.Errorf("plain hello %s", b)
	}
}

// A first frame that is not a welcome is an error that shows it.
func TestReadWelcomeRefusesAnotherMessage(t *testing.T) {
	url := testServer(t, func(ws *websocket.Conn, _ *http.Request) {
		ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"error","code":"unavailable"}`))
		ws.ReadMessage()
	})
	c, _, err := Dial(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, _, err := c.ReadWelcome(5 * time.Second); err == nil || !strings.Contains(err.Error(), "unavailable") {
		t.Fatalf("ReadWelcome = %v, want an error showing the message", err)
	}
}

// The read loop hands every frame over in order, its bytes valid during
// the call, and reports the close code the server ended with.
func TestRunHandsFramesAndTheCloseCode(t *testing.T) {
	url := testServer(t, func(ws *websocket.Conn, _ *http.Request) {
		ws.WriteMessage(websocket.TextMessage, []byte("one"))
		ws.WriteMessage(websocket.BinaryMessage, bytes.Repeat([]byte{7}, 100_000))
		ws.WriteMessage(websocket.TextMessage, []byte("three"))
		ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4001, "bye"), time.Now().Add(time.Second))
		ws.ReadMessage()
	})
	c, _, err := Dial(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var endErr error
	c.Run(func(typ int, data []byte, _ time.Time) error {
		got = append(got, strings.Repeat("b", min(typ-1, 1))+string(data[:min(len(data), 5)]))
		return nil
	}, func(err error) { endErr = err })
	if !c.EndedWithin(5 * time.Second) {
		t.Fatal("the read loop did not end after the server's close")
	}
	if strings.Join(got, ",") != "one,b\a\a\a\a\a,three" || CloseCode(endErr) != 4001 {
		t.Fatalf("frames %q, end %v", got, endErr)
	}
	c.Close()
}

// A paused client stops reading: the server's writes back up until they
// time out. Unpaused, it receives every frame the server finished writing.
func TestPauseStopsReading(t *testing.T) {
	written := make(chan int, 1)
	url := testServer(t, func(ws *websocket.Conn, _ *http.Request) {
		frame := make([]byte, 64<<10)
		n := 0
		for ; n < 1024; n++ { // 64 MiB at most
			ws.SetWriteDeadline(time.Now().Add(300 * time.Millisecond))
			if ws.WriteMessage(websocket.BinaryMessage, frame) != nil {
				break
			}
		}
		written <- n
		ws.ReadMessage()
	})
	c, _, err := Dial(context.Background(), url, Options{ReceiveBuffer: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Pause()
	var mu sync.Mutex
	frames := 0
	w := NewWaiter(&mu)
	c.Run(func(int, []byte, time.Time) error {
		w.Record(func() { frames++ })
		return nil
	}, func(error) { w.Record(func() {}) })
	var n int
	select {
	case n = <-written:
	case <-time.After(30 * time.Second):
		t.Fatal("the server's writes never backed up against a paused client")
	}
	if n == 1024 {
		t.Fatal("the server wrote 64 MiB to a paused client")
	}
	c.Unpause()
	if !w.Wait(10*time.Second, func() bool { return frames >= n }) {
		t.Fatalf("unpaused, the client read %d of the %d frames written", frames, n)
	}
}

// A throttled client reads no faster than its rate.
func TestReadRateThrottles(t *testing.T) {
	url := testServer(t, func(ws *websocket.Conn, _ *http.Request) {
		ws.WriteMessage(websocket.BinaryMessage, make([]byte, 24<<10))
		ws.ReadMessage()
	})
	start := time.Now()
	c, _, err := Dial(context.Background(), url, Options{ReadRate: 32 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, data, err := c.ReadFrame(time.Now().Add(10 * time.Second)); err != nil || len(data) != 24<<10 {
		t.Fatalf("read %d bytes: %v", len(data), err)
	}
	if took := time.Since(start); took < 500*time.Millisecond {
		t.Fatalf("24 KiB (and the handshake) at 32 KiB/s took %v", took)
	}
}

// OnPing replaces the pong: the server's pings reach it and go unanswered.
func TestOnPingSwallowsPings(t *testing.T) {
	pongs := make(chan struct{}, 1)
	url := testServer(t, func(ws *websocket.Conn, _ *http.Request) {
		ws.SetPongHandler(func(string) error { pongs <- struct{}{}; return nil })
		ws.WriteControl(websocket.PingMessage, []byte("p"), time.Now().Add(time.Second))
		ws.WriteMessage(websocket.TextMessage, []byte("after the ping"))
		ws.ReadMessage()
	})
	pinged := make(chan string, 1)
	c, _, err := Dial(context.Background(), url, Options{OnPing: func(s string) error { pinged <- s; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if _, data, err := c.ReadFrame(time.Now().Add(5 * time.Second)); err != nil || string(data) != "after the ping" {
		t.Fatalf("%s %v", data, err)
	}
	c.Close()
	if p := <-pinged; p != "p" {
		t.Fatalf("ping %q", p)
	}
	select {
	case <-pongs:
		t.Fatal("the swallowed ping was answered")
	default:
	}
}

// A refused handshake says its status.
func TestDialRefused(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusForbidden) }))
	defer ts.Close()
	_, res, err := Dial(context.Background(), "ws"+strings.TrimPrefix(ts.URL, "http"), Options{})
	if err == nil || res == nil || res.StatusCode != http.StatusForbidden || !strings.Contains(err.Error(), "status 403") {
		t.Fatalf("dial = %v, %v", res, err)
	}
}
