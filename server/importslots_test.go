package server

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/session"
)

// clientFrom is an HTTP client whose connections come from the loopback
// address ip (any 127.x.y.z reaches a server on 127.0.0.1 under Linux).
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
}

// heldImport starts an upload to url whose body stops after a few bytes,
// holding its import slot; cutOff ends it (in an error) and waits for the
// client to see the end.
func heldImport(c *http.Client, url string) (cutOff func()) {
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if res, err := c.Post(url, "application/json", pr); err == nil {
			res.Body.Close()
		}
	}()
	pw.Write([]byte(`{"easel":`))
	return func() { pw.CloseWithError(io.ErrUnexpectedEOF); <-done }
}

// Fault 11 (issue 10): an address holding a trickling upload gets 429 for
// its next one, while the node still has import slots for other
// addresses: four trickling uploads from one host no longer hold them all.
func TestImportSlotsArePerAddress(t *testing.T) {
	app := newTestApp(t, func(_ *session.Config, o *Options) { o.MaxImports = 4 })
	b := app.createBoard(t)
	url := app.URL + b.EditURL + "/import"

	defer heldImport(clientFrom("127.0.0.1"), url)()

	post := func(c *http.Client) (int, string) {
		res, err := c.Post(url, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, body := post(clientFrom("127.0.0.1"))
		if status == http.StatusTooManyRequests {
			if !strings.Contains(body, "your address") {
				t.Errorf("429 %q does not say the address holds its slots", body)
			}
			break
		}
		// The trickling upload may not have reached the handler yet.
		if status != http.StatusBadRequest || time.Now().After(deadline) {
			t.Fatalf("a second upload from the address of a trickling one: %d %s, want 429", status, body)
		}
	}
	if status, body := post(clientFrom("127.0.0.2")); status != http.StatusBadRequest {
		t.Fatalf("an upload from another address: %d %s, want its file judged (400), not a busy node", status, body)
	}
}
