package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/easel-app/easel/internal/protoclient"
	"github.com/easel-app/easel/session"
)

// Acceptance 4: the handshake answers refusals with the protocol's statuses
// before any upgrade.
func TestHandshakeRefusals(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	edit := app.wsURL(b.EditURL + "/ws")

	for _, test := range []struct {
		name         string
		url          string
		origin       string
		subprotocols []string
		status       int
		reason       string
	}{
		{"foreign origin", edit, "https://evil.example", []string{"easel.v1"}, http.StatusForbidden, "origin"},
		{"look-alike origin", edit, "http://127.0.0.1.evil.example", []string{"easel.v1"}, http.StatusForbidden, "origin"},
		{"null origin", edit, "null", []string{"easel.v1"}, http.StatusForbidden, "origin"},
		{"unknown board", app.wsURL("/b/00000000-0000-4000-8000-000000000000/ws"), "", []string{"easel.v1"}, http.StatusNotFound, "board"},
		{"malformed id", app.wsURL("/b/not-a-board/ws"), "", []string{"easel.v1"}, http.StatusNotFound, "board"},
		{"view id on the edit path", app.wsURL("/b/" + b.ViewID + "/ws"), "", nil, http.StatusNotFound, "board"},
		{"edit id on the view path", app.wsURL("/v/" + b.ID + "/ws"), "", nil, http.StatusNotFound, "board"},
		{"only another subprotocol", edit, "", []string{"chat"}, http.StatusBadRequest, "easel.v1"},
	} {
		t.Run(test.name, func(t *testing.T) {
			header := http.Header{}
			if test.origin != "" {
				header.Set("Origin", test.origin)
			}
			conn, res, err := dialWS(t, test.url, header, test.subprotocols...)
			if err == nil {
				conn.Close()
				t.Fatal("handshake succeeded")
			}
			if res == nil || res.StatusCode != test.status {
				t.Fatalf("status = %v, want %d (err %v)", res, test.status, err)
			}
			body, _ := io.ReadAll(res.Body)
			if !strings.Contains(string(body), test.reason) {
				t.Errorf("reason %q does not mention %q", body, test.reason)
			}
		})
	}
	if n := app.Hub.Rooms(); n != 0 {
		t.Errorf("refused handshakes left %d rooms", n)
	}
}

func TestHandshakeAccepts(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	for _, test := range []struct {
		name         string
		origin       string
		subprotocols []string
		selected     string
	}{
		{"same origin, easel.v1", app.URL, []string{"easel.v1"}, "easel.v1"},
		{"easel.v1 among others", "", []string{"chat", "easel.v1"}, "easel.v1"},
		{"no subprotocol (wscat)", "", nil, ""},
		{"no origin (non-browser)", "", []string{"easel.v1"}, "easel.v1"},
	} {
		t.Run(test.name, func(t *testing.T) {
			header := http.Header{}
			if test.origin != "" {
				header.Set("Origin", test.origin)
			}
			conn, res, err := dialWS(t, app.wsURL(b.EditURL+"/ws"), header, test.subprotocols...)
			if err != nil {
				t.Fatalf("dial: %v (%v)", err, res)
			}
			defer conn.Close()
			if res.StatusCode != http.StatusSwitchingProtocols || conn.Subprotocol() != test.selected {
				t.Fatalf("status %d, subprotocol %q; want 101 and %q", res.StatusCode, conn.Subprotocol(), test.selected)
			}
			if ext := res.Header.Get("Sec-WebSocket-Extensions"); ext != "" {
				t.Errorf("server negotiated extensions %q; compression must not be negotiated", ext)
			}
			conn.Send(map[string]any{"type": "hello", "name": "w", "color": "#000000"})
			_, data, err := conn.ReadFrame(time.Now().Add(5 * time.Second))
			if err != nil || !bytes.Contains(data, []byte(`"type":"welcome"`)) {
				t.Fatalf("after hello got %s, %v", data, err)
			}
		})
	}
}

func TestHandshakeExtraOriginAllowed(t *testing.T) {
	app := newTestApp(t, func(_ *session.Config, o *Options) {
		p, err := NewOriginPolicy([]string{"https://easel.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		o.Origins = p
	})
	b := app.createBoard(t)
	for origin, want := range map[string]int{
		"https://easel.example.com":     http.StatusSwitchingProtocols,
		"https://EASEL.example.com:443": http.StatusSwitchingProtocols,
		"http://easel.example.com":      http.StatusForbidden,
		"https://easel.example.com:444": http.StatusForbidden,
	} {
		conn, res, err := dialWS(t, app.wsURL(b.EditURL+"/ws"), http.Header{"Origin": {origin}}, "easel.v1")
		if err == nil {
			conn.Close()
		}
		if res == nil || res.StatusCode != want {
			t.Errorf("origin %s: status %v, want %d", origin, res, want)
		}
	}
}

// Acceptance 4: a frame over the size limit closes that connection with
// 1009, and the other members keep working.
func TestOversizedFrameClosesWith1009(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.MaxMessage = 64 << 10 })
	b := app.createBoard(t)
	big := join(t, app.wsURL(b.EditURL+"/ws"), "big")
	a := join(t, app.wsURL(b.EditURL+"/ws"), "a")
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")

	payload := `{"type":"cursor","x":1,"y":2,"pad":"` + strings.Repeat("x", 64<<10) + `"}`
	big.sendRaw(websocket.TextMessage, []byte(payload))
	if code, _ := big.waitClosed(5 * time.Second); code != websocket.CloseMessageTooBig {
		t.Fatalf("close code %d, want 1009", code)
	}
	a.waitUntil("leave of the closed member", func(msgs []wireMsg) bool { return hasLeave(msgs, big.you) })
	a.moveTo(7, 8)
	c.waitUntil("a's cursor after the oversized frame", func(msgs []wireMsg) bool { return cursorsSeen(msgs)[a.you] == [2]float64{7, 8} })
}

// Acceptance 4: no hello within the deadline closes with 1008. This uses the
// real default (10 s), in parallel with the other tests.
func TestNoHelloClosesWith1008(t *testing.T) {
	t.Parallel()
	app := newTestApp(t)
	b := app.createBoard(t)
	start := time.Now()
	c := connect(t, app.wsURL(b.EditURL+"/ws"))
	code, _ := c.waitClosed(15 * time.Second)
	if code != websocket.ClosePolicyViolation {
		t.Fatalf("close code %d, want 1008", code)
	}
	if waited := time.Since(start); waited < 9*time.Second {
		t.Fatalf("closed after %v, before the 10 s hello deadline", waited)
	}
}

func TestFirstMessageMustBeHello(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	c := connect(t, app.wsURL(b.EditURL+"/ws"))
	c.moveTo(1, 2)
	if code, _ := c.waitClosed(5 * time.Second); code != websocket.ClosePolicyViolation {
		t.Fatalf("close code %d, want 1008", code)
	}
}

func TestBadFramesGetTheDocumentedCloseCodes(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	witness := join(t, app.wsURL(b.EditURL+"/ws"), "witness")
	for _, test := range []struct {
		name  string
		typ   int
		frame []byte
		code  int
	}{
		{"binary frame", websocket.BinaryMessage, []byte{1, 2, 3}, websocket.CloseUnsupportedData},
		{"invalid UTF-8", websocket.TextMessage, []byte("{\"type\":\"cursor\",\"x\":\xff}"), websocket.CloseInvalidFramePayloadData},
		{"not JSON", websocket.TextMessage, []byte("hello there"), websocket.CloseInvalidFramePayloadData},
	} {
		t.Run(test.name, func(t *testing.T) {
			c := join(t, app.wsURL(b.EditURL+"/ws"), "bad")
			c.sendRaw(test.typ, test.frame)
			if code, _ := c.waitClosed(5 * time.Second); code != test.code {
				t.Fatalf("close code %d, want %d", code, test.code)
			}
			witness.waitUntil("leave of the closed member", func(msgs []wireMsg) bool { return hasLeave(msgs, c.you) })
			for _, m := range witness.messages() {
				if strings.Contains(m.Raw, "\ufffd") || strings.Contains(m.Raw, "hello there") {
					t.Fatalf("bad input was relayed: %s", m.Raw)
				}
			}
		})
	}
}

// Malformed messages get an error and the connection stays.
func TestBadMessagesGetErrorsAndKeepTheConnection(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	other := join(t, app.wsURL(b.EditURL+"/ws"), "o")
	bad := []string{
		`{"type":"teleport"}`,
		`{"type":"cursor","x":"left","y":1}`,
		`{"type":"cursor","x":1e8,"y":1}`,
		`{"type":"cursor","x":1}`,
		`[1,2,3]`,
		`{"type":5}`,
		`{"type":"hello","name":"again","color":"#000000"}`,
	}
	for _, line := range bad {
		c.sendRaw(websocket.TextMessage, []byte(line))
	}
	c.waitUntil("an error per bad message", func(msgs []wireMsg) bool {
		n := 0
		for _, m := range msgs {
			if m.Type == "error" && m.Code == "bad_request" && m.Message != "" {
				n++
			}
		}
		return n == len(bad)
	})
	// Two messages in one frame, newline-delimited, still work.
	c.sendRaw(websocket.TextMessage, []byte(`{"type":"cursor","x":1,"y":1}`+"\n"+`{"type":"cursor","x":3,"y":4}`))
	other.waitUntil("the cursor after the bad messages", func(msgs []wireMsg) bool { return cursorsSeen(msgs)[c.you] == [2]float64{3, 4} })
}

func TestInvalidHelloIsRefusedAndMayBeRetried(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	c := connect(t, app.wsURL(b.EditURL+"/ws"))
	c.send(map[string]any{"type": "hello", "name": strings.Repeat("n", 41), "color": "#000000"})
	c.send(map[string]any{"type": "hello", "name": "ok", "color": "red"})
	c.send(map[string]any{"type": "hello", "name": "ok", "color": "#00ff00"})
	c.waitType("welcome")
	errs := 0
	for _, m := range c.messages() {
		if m.Type == "error" && m.Code == "bad_request" {
			errs++
		}
	}
	if errs != 2 {
		t.Fatalf("got %d bad_request errors for 2 bad hellos", errs)
	}
}

func hasLeave(msgs []wireMsg, id string) bool {
	for _, m := range msgs {
		if m.Type == "leave" && m.ID == id {
			return true
		}
	}
	return false
}

// Threat 3: a client offering permessage-deflate gets a plain connection:
// compression would let a small frame inflate past the size limit's intent
// and costs CPU per member.
func TestCompressionOfferedIsNotNegotiated(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	conn, res, err := protoclient.Dial(context.Background(), app.wsURL(b.EditURL+"/ws"), protoclient.Options{HandshakeTimeout: 5 * time.Second,
		Subprotocols: []string{protoclient.Subprotocol}, Compression: true,
		Header: http.Header{"Sec-WebSocket-Extensions": {"permessage-deflate; client_max_window_bits"}}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	if ext := res.Header.Get("Sec-WebSocket-Extensions"); ext != "" {
		t.Fatalf("server accepted extensions %q", ext)
	}
	conn.Send(map[string]any{"type": "hello", "name": "z", "color": "#000000"})
	if _, data, err := conn.ReadFrame(time.Now().Add(5 * time.Second)); err != nil || !bytes.Contains(data, []byte(`"welcome"`)) {
		t.Fatalf("after hello: %s %v", data, err)
	}
}
