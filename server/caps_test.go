package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/session"
)

// Threat 5: connection caps answer at the handshake, with a status and a
// reason, before any upgrade — per client address (429), in total (503),
// per board (503) — and a closed connection gives its place back.
func TestConnectionCapsAnswerAtTheHandshake(t *testing.T) {
	for _, test := range []struct {
		name   string
		opt    appOption
		status int
		reason string
	}{
		{"per address", func(_ *session.Config, o *Options) { o.MaxConnsPerAddr = 2 }, http.StatusTooManyRequests, "too many connections"},
		{"in total", func(_ *session.Config, o *Options) { o.MaxConns = 2 }, http.StatusServiceUnavailable, "too many connections"},
		{"per board", func(c *session.Config, _ *Options) { c.MaxMembersPerBoard = 2 }, http.StatusServiceUnavailable, "board is full"},
	} {
		t.Run(test.name, func(t *testing.T) {
			app := newTestApp(t, test.opt)
			b := app.createBoard(t)
			url := app.wsURL(b.EditURL + "/ws")
			first := join(t, url, "first")
			join(t, url, "second")

			conn, res, err := dialWS(t, url, nil, "easel.v1")
			if err == nil {
				conn.Close()
				t.Fatal("a third connection was upgraded")
			}
			if res == nil || res.StatusCode != test.status {
				t.Fatalf("third connection: %v, want %d", res, test.status)
			}
			body, _ := io.ReadAll(res.Body)
			if !strings.Contains(string(body), test.reason) {
				t.Errorf("refusal %q does not say %q", body, test.reason)
			}

			// The first one leaves: its place is free again.
			first.close()
			deadline := time.Now().Add(5 * time.Second)
			for {
				conn, res, err := dialWS(t, url, nil, "easel.v1")
				if err == nil {
					conn.Close()
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after a member left, a new connection still gets %v", res)
				}
			}
		})
	}
}
