package server

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/easel-app/easel/session"
)

// clientFrom is an HTTP client whose connections come from the loopback
// address ip (any 127.x.y.z reaches a server on 127.0.0.1 under Linux).
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// Fault 11 (issue 10): an address holding a trickling upload gets 429 for
// its next one, while the node still has import slots for other
// addresses: four trickling uploads from one host no longer hold them all.
func TestImportSlotsArePerAddress(t *testing.T) {
	app := newTestApp(t, func(_ *session.Config, o *Options) { o.MaxImports = 4 })
	b := app.createBoard(t)
	url := app.URL + b.EditURL + "/import"

	held := holdImportSlot(t, clientFrom("127.0.0.1"), url, clientFrom("127.0.0.1"))
	defer held.cutOff()

	post := func(c *http.Client) (int, string) {
		res, err := c.Post(url, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if status, body := post(clientFrom("127.0.0.1")); status != http.StatusTooManyRequests || !strings.Contains(body, "your address") {
		t.Errorf("a second upload from the address of a trickling one: %d %q, want 429 saying the address holds its slots", status, body)
	}
	if status, body := post(clientFrom("127.0.0.2")); status != http.StatusBadRequest {
		t.Fatalf("an upload from another address: %d %s, want its file judged (400), not a busy node", status, body)
	}
}
