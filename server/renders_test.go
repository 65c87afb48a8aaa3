package server

import (
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/easel-app/easel/session"
)

// importPageRects imports n rects of side × side units, one over the
// other, in Easel's JSON format (about 1.5 MB for 10 000): with 10 000 of
// 8000, the board that made one PNG take an hour.
func importPageRects(t testing.TB, app *testApp, b createBoardResponse, n int, side float64) {
	t.Helper()
	els := make([]map[string]any, n)
	for i := range els {
		els[i] = map[string]any{"id": fmt.Sprintf("r%05d", i), "kind": "rect", "x": 0, "y": 0, "w": side, "h": side,
			"stroke": "#1e1e1e", "width": 2, "z": fmt.Sprintf("a%05d", i)}
	}
	file, err := json.Marshal(map[string]any{"format": "easel", "version": 1, "title": "Rects", "elements": els})
	if err != nil {
		t.Fatal(err)
	}
	if res, body := postImport(t, app.URL+b.EditURL+"/import", file); res.StatusCode != http.StatusOK {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
}

// waitCounter polls a counter until it reaches want (deadline: 60 s, for
// renders under the race detector).
func waitCounter(t testing.TB, what string, c prometheus.Counter, want float64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for testCounter(t, c) < want {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v, want %v", what, testCounter(t, c), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// getExport requests an export over HTTP and reads the whole answer.
func getExport(ctx context.Context, url string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res, body, err
}

// Fault 1: the 10 000 page-sized rects render as a PNG at scale 1 (the
// work budget admits them once each shape costs what it covers).
func TestPageRectsBoardRendersAtScaleOne(t *testing.T) {
	// Under the race detector on a shared machine the render takes
	// minutes; the deadline is not what this test is about.
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.RenderTimeout = 10 * time.Minute })
	b := app.createBoard(t)
	side := 8000.0
	if raceEnabled {
		side = 1000 // the same 10 000 shapes on a 1-megapixel canvas
	}
	importPageRects(t, app, b, 10000, side)
	res, body, err := getExport(context.Background(), app.URL+b.EditURL+"/export.png?scale=1")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %s", res.StatusCode, body)
	}
	cfg, err := png.DecodeConfig(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	// side units, its stroke and the margin, within the 64 Mpx cap.
	if cfg.Width < int(side) || cfg.Height < int(side) {
		t.Fatalf("a %d×%d PNG, want the board at scale 1 (over 8000 pixels a side)", cfg.Width, cfg.Height)
	}
}

// Fault 1: a render stops when the last one waiting for it leaves — an
// HTTP client that hangs up, a socket that disconnects.
func TestRenderStopsWhenRequesterLeaves(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	importPageRects(t, app, b, 2000, 3000) // seconds of rendering, under the race detector too

	ctx, cancel := context.WithCancel(context.Background())
	failed := make(chan error, 1)
	go func() {
		_, _, err := getExport(ctx, app.URL+b.EditURL+"/export.png?scale=1")
		failed <- err
	}()
	waitCounter(t, "renders started", app.Metrics.RendersStarted, 1)
	cancel()
	if err := <-failed; err == nil {
		t.Fatal("the abandoned request got an answer")
	}
	waitCounter(t, "renders cancelled after the HTTP client left", app.Metrics.RendersCancelled, 1)

	c := join(t, app.wsURL(b.EditURL+"/ws"), "leaver")
	c.send(map[string]any{"type": "export", "ref": "x1", "format": "png", "scale": 1})
	waitCounter(t, "renders started", app.Metrics.RendersStarted, 2)
	c.close()
	waitCounter(t, "renders cancelled after the socket left", app.Metrics.RendersCancelled, 2)
}

// Fault 1: identical requests in flight share one render, over HTTP and
// the socket alike, and all get the same file.
func TestIdenticalExportsShareOneRender(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	importPageRects(t, app, b, 2000, 3000)             // seconds of rendering, under the race detector too
	c := join(t, app.wsURL(b.EditURL+"/ws"), "sharer") // loads the board first

	const n = 4
	var wg sync.WaitGroup
	etags := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, body, err := getExport(context.Background(), app.URL+b.EditURL+"/export.png?scale=1")
			if err != nil || res.StatusCode != http.StatusOK {
				t.Errorf("request %d: %v %v %.200s", i, err, res, body)
				return
			}
			etags[i] = res.Header.Get("ETag")
		}()
	}
	waitCounter(t, "renders started", app.Metrics.RendersStarted, 1)
	c.send(map[string]any{"type": "export", "ref": "same", "format": "png", "scale": 1})
	var meta wireMsg
	if !c.poll(120*time.Second, func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Ref == "same" && (m.Type == "export.meta" || m.Type == "error") {
				meta = m
				return true
			}
		}
		return false
	}) || meta.Type != "export.meta" {
		t.Fatalf("the socket's export: %.300s", meta.Raw)
	}
	wg.Wait()
	if got := testCounter(t, app.Metrics.RendersStarted); got != 1 {
		t.Fatalf("%d identical requests started %v renders, want 1", n+1, got)
	}
	for i, e := range etags {
		if e != `"`+meta.SHA256+`"` {
			t.Errorf("request %d: ETag %s, the socket's file %s", i, e, meta.SHA256)
		}
	}
}

// Fault 1: a render past --render-timeout is answered with too_large on
// the socket and 503 with a reason over HTTP.
func TestRenderTimeout(t *testing.T) {
	app := newTestApp(t, func(c *session.Config, _ *Options) { c.RenderTimeout = time.Millisecond })
	b := app.createBoard(t)
	importPageRects(t, app, b, 2000, 3000)

	res, body, err := getExport(context.Background(), app.URL+b.EditURL+"/export.png?scale=1")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "longer than 1ms") ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("HTTP export past the deadline: %d %s %.200q, want 503 with the reason", res.StatusCode, res.Header.Get("Content-Type"), body)
	}

	c := join(t, app.wsURL(b.EditURL+"/ws"), "patient")
	c.send(map[string]any{"type": "export", "ref": "slow", "format": "png", "scale": 1})
	c.waitUntil("an error for the slow export", func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "error" && m.Ref == "slow" {
				if m.Code != "too_large" {
					t.Fatalf("socket export past the deadline: %s, want too_large", m.Raw)
				}
				return true
			}
			if m.Type == "export.meta" {
				t.Fatalf("the export finished despite the deadline: %s", m.Raw)
			}
		}
		return false
	})
	if got := testCounter(t, app.Metrics.RenderTimeouts); got != 2 {
		t.Errorf("%v renders timed out, want 2", got)
	}
}

// Fault 4: a file already rendered at the board's seq is served without
// loading the board, over HTTP and the socket.
func TestCachedExportDoesNotLoadTheBoard(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	importPageRects(t, app, b, 50, 100)
	loads := testCounter(t, app.Metrics.SnapshotLoads) // the import's own

	first, body, err := getExport(context.Background(), app.URL+b.EditURL+"/export.json")
	if err != nil || first.StatusCode != http.StatusOK {
		t.Fatalf("first export: %v %v %s", err, first, body)
	}
	if got := testCounter(t, app.Metrics.SnapshotLoads) - loads; got != 1 {
		t.Fatalf("the first export loaded the board %v times, want 1", got)
	}
	for range 3 {
		res, _, err := getExport(context.Background(), app.URL+b.EditURL+"/export.json")
		if err != nil || res.StatusCode != http.StatusOK || res.Header.Get("ETag") != first.Header.Get("ETag") {
			t.Fatalf("cached export: %v %v", err, res)
		}
	}
	c := join(t, app.wsURL(b.EditURL+"/ws"), "reader")
	if meta, _ := socketExport(t, c, "again", "json", 0); `"`+meta.SHA256+`"` != first.Header.Get("ETag") {
		t.Fatalf("the socket got another file: %s", meta.SHA256)
	}
	if got := testCounter(t, app.Metrics.SnapshotLoads) - loads; got != 1 {
		t.Fatalf("cached exports loaded the board: %v loads, want 1", got)
	}
	if got := testCounter(t, app.Metrics.RendersStarted); got != 1 {
		t.Fatalf("%v renders, want 1", got)
	}
}
