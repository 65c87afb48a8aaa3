package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/session"
)

// A request refused before its body was read (here an import past the
// address's slots) gets its answer at once, and the connection is closed,
// even though the sender has sent only part of the body it announced.
// Without "Connection: close" net/http reads up to 256 KiB of the unread
// body before writing the answer, with no deadline (the server has no
// ReadTimeout): a sender that stops there held the handler's goroutine,
// got no answer, and made the test server's Close wait forever (the CI
// run of issue 10 timed out in exactly that read).
func TestRefusedUploadIsAnsweredWithoutItsBody(t *testing.T) {
	app := newTestApp(t, func(_ *session.Config, o *Options) { o.MaxImportsPerAddr = 1 })
	b := app.createBoard(t)
	held := holdImportSlot(t, clientFrom("127.0.0.1"), app.URL+b.EditURL+"/import", clientFrom("127.0.0.1"))
	defer held.cutOff()

	u, err := url.Parse(app.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	// Closed before the app's cleanup, so that without the fix the server's
	// read ends and the test fails instead of hanging.
	defer conn.Close()
	req := "POST " + b.EditURL + "/import HTTP/1.1\r\nHost: " + u.Host +
		"\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"easel\":"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to a refused upload whose body stalled: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("refused upload: %d, want 429", res.StatusCode)
	}
	if !res.Close {
		t.Errorf("refused upload answered without Connection: close (header %q)", res.Header.Get("Connection"))
	}
}

// heldUpload is an import whose body stops after a few bytes, holding an
// import slot until cutOff.
type heldUpload struct {
	done   chan struct{}
	status int // the answer it got, once done is closed (0: an error)
	pw     *io.PipeWriter
}

func startHeldUpload(c *http.Client, url string) *heldUpload {
	pr, pw := io.Pipe()
	h := &heldUpload{done: make(chan struct{}), pw: pw}
	go func() {
		defer close(h.done)
		if res, err := c.Post(url, "application/json", pr); err == nil {
			h.status = res.StatusCode
			res.Body.Close()
		}
	}()
	pw.Write([]byte(`{"easel":`))
	return h
}

// cutOff ends the upload in an error and waits for its client to see the end.
func (h *heldUpload) cutOff() {
	h.pw.CloseWithError(io.ErrUnexpectedEOF)
	<-h.done
}

// holdImportSlot starts a trickling upload from client and returns once a
// probe from probe is refused with 429 while that upload is still open:
// the slot is then the upload's. A probe can itself hold the slot at the
// moment the upload arrives, and the upload is refused instead; it is then
// started again.
func holdImportSlot(t testing.TB, client *http.Client, url string, probe *http.Client) *heldUpload {
	t.Helper()
	h := startHeldUpload(client, url)
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := probe.Post(url, "application/json", strings.NewReader(`{}`))
		if err != nil {
			h.cutOff()
			t.Fatal(err)
		}
		res.Body.Close()
		select {
		case <-h.done:
			// The upload was refused (a probe held the slot): start it again.
			h = startHeldUpload(client, url)
			continue
		default:
		}
		if res.StatusCode == http.StatusTooManyRequests {
			return h
		}
		if res.StatusCode != http.StatusBadRequest || time.Now().After(deadline) {
			h.cutOff()
			t.Fatalf("probe beside a trickling upload: %d, want 429 once the upload holds its slot", res.StatusCode)
		}
	}
}
