package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/session"
)

// textBoard fills board b with n text elements of 12 000 bytes each (4 000
// three-byte runes, the most a text holds), committed through the hub:
// n = 800 makes a 9.6 MB JSON export, far more than the kernel buffers of
// a loopback connection hold, at little validation cost.
func textBoard(t testing.TB, app *testApp, b createBoardResponse, n int) {
	t.Helper()
	text := strings.Repeat("€", board.MaxText)
	for first := 0; first < n; first += 100 {
		ops := make([]board.Op, 0, 100)
		for i := first; i < min(n, first+100); i++ {
			ops = append(ops, board.Op{Op: board.OpPut, El: &board.Element{ID: fmt.Sprint("t", i), Kind: board.KindText, X: float64(i), Y: 1, Text: text, Font: 20, Z: "a0"}})
		}
		if _, err := app.Hub.Commit(context.Background(), b.ID, board.OpsMessage{By: "test", Ref: fmt.Sprint("text-", first), Ops: ops}); err != nil {
			t.Fatal(err)
		}
	}
}

// downloadsInFlight reads the easel_http_downloads gauge.
func downloadsInFlight(t testing.TB, app *testApp) int {
	t.Helper()
	families, err := app.Reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "easel_http_downloads" {
			return int(f.GetMetric()[0].GetGauge().GetValue())
		}
	}
	t.Fatal("no easel_http_downloads metric")
	return 0
}

func waitDownloads(t testing.TB, app *testApp, want int, why string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for downloadsInFlight(t, app) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d downloads in flight after 60 s, want %d", why, downloadsInFlight(t, app), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stalledDownload asks for url on a connection with a tiny receive buffer
// and never reads the answer.
func stalledDownload(t testing.TB, app *testApp, path string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		return c.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	host := strings.TrimPrefix(app.URL, "http://")
	conn, err := d.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: "+host+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// Fault 11 (issue 10): HTTP downloads whose readers never read are counted
// against a cap per address (the next gets 429) and cut off once no chunk
// has gone out for DownloadProgressTimeout, freeing their connections;
// a reader that is slow but keeps reading gets the whole file.
func TestStalledDownloadsAreCappedAndCutOff(t *testing.T) {
	app := newTestApp(t, func(_ *session.Config, o *Options) {
		o.MaxDownloadsPerAddr = 2
		o.DownloadProgressTimeout = 2 * time.Second
	})
	b := app.createBoard(t)
	textBoard(t, app, b, 800)
	path := b.EditURL + "/export.json"

	stalled := []net.Conn{stalledDownload(t, app, path), stalledDownload(t, app, path)}
	waitDownloads(t, app, 2, "two stalled readers")

	status, body, _ := request(t, http.MethodGet, app.URL+path, "", nil, "")
	if status != http.StatusTooManyRequests || !strings.Contains(body, "downloads") {
		t.Fatalf("a third download from the same address: %d %.200q, want 429 with a reason", status, body)
	}
	waitDownloads(t, app, 0, "stalled readers past the progress deadline")
	for i, conn := range stalled {
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		n, err := io.Copy(io.Discard, conn)
		if nerr, ok := err.(net.Error); ok && nerr.Timeout() {
			t.Fatalf("stalled reader %d: the server kept its connection open", i)
		}
		if n >= 9_000_000 {
			t.Errorf("stalled reader %d got %d bytes: it was not cut off", i, n)
		}
	}

	// Slow but moving: 64 KiB every 20 ms, about 3 MB/s.
	res, err := http.Get(app.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	buf, size := make([]byte, 64<<10), 0
	for {
		n, err := io.ReadFull(res.Body, buf)
		size += n
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			t.Fatalf("slow reader cut off after %d bytes: %v", size, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if res.StatusCode != http.StatusOK || int64(size) != res.ContentLength || size < 9_000_000 {
		t.Fatalf("slow reader: %d, %d of %d bytes", res.StatusCode, size, res.ContentLength)
	}
}
