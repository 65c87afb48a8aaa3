package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/session"
)

// everyKind is one element of each kind, with text that must be escaped.
func everyKind() []map[string]any {
	el := func(m map[string]any) map[string]any { return map[string]any{"op": "put", "el": m} }
	return []map[string]any{
		el(map[string]any{"id": "s1", "kind": "stroke", "x": 10, "y": 10, "points": [][2]float64{{0, 0}, {20, 5}, {40, 30}}, "stroke": "#e03131", "width": 3, "z": "a0"}),
		el(map[string]any{"id": "r1", "kind": "rect", "x": 100, "y": 20, "w": 120, "h": 80, "fill": "#a5d8ff", "z": "a1"}),
		el(map[string]any{"id": "e1", "kind": "ellipse", "x": 260, "y": 20, "w": 90, "h": 60, "z": "a2"}),
		el(map[string]any{"id": "l1", "kind": "line", "x": 10, "y": 150, "points": [][2]float64{{0, 0}, {100, 40}}, "z": "a3"}),
		el(map[string]any{"id": "a1", "kind": "arrow", "x": 150, "y": 150, "points": [][2]float64{{0, 0}, {80, -30}}, "z": "a4"}),
		el(map[string]any{"id": "t1", "kind": "text", "x": 10, "y": 220, "text": "<script>alert(1)</script> & \"quotes\"", "font": 20, "z": "a5"}),
		el(map[string]any{"id": "k1", "kind": "sticky", "x": 300, "y": 200, "w": 200, "h": 160, "text": "Ünïcødé sticky ✓", "fill": "#ffd43b", "z": "a6"}),
	}
}

// socketExport downloads one export over the socket and returns its meta
// and the reassembled bytes.
func socketExport(t testing.TB, c *wsClient, ref, format string, scale int) (wireMsg, []byte) {
	t.Helper()
	req := map[string]any{"type": "export", "ref": ref, "format": format}
	if scale > 0 {
		req["scale"] = scale
	}
	return socketExportOf(t, c, req)
}

// socketExportOf is socketExport of any export request (with its ref and
// format).
func socketExportOf(t testing.TB, c *wsClient, req map[string]any) (wireMsg, []byte) {
	t.Helper()
	ref, format := req["ref"].(string), req["format"]
	c.send(req)
	var meta wireMsg
	metaAt := 0
	c.waitUntil("export.meta for "+ref, func(msgs []wireMsg) bool {
		for i, m := range msgs {
			if m.Type == "export.meta" && m.Ref == ref {
				meta, metaAt = m, i
				return true
			}
			if m.Type == "error" && m.Ref == ref {
				t.Fatalf("export %v refused: %s", format, m.Raw)
			}
		}
		return false
	})
	waitDoneAfter(t, c, meta.ID, metaAt)
	data, _ := c.received(meta.ID)
	return meta, data
}

func waitDone(t testing.TB, c *wsClient, id string) { waitDoneAfter(t, c, id, 0) }

// waitDoneAfter waits for export.done of id after message index from (a
// rendering may be reused, so an earlier download can share the id).
func waitDoneAfter(t testing.TB, c *wsClient, id string, from int) {
	t.Helper()
	if !c.poll(60*time.Second, func(msgs []wireMsg) bool {
		for _, m := range msgs[min(from, len(msgs)):] {
			if m.Type == "export.done" && m.ID == id {
				return true
			}
		}
		return false
	}) {
		t.Fatalf("no export.done for %s", id)
	}
}

func httpExport(t testing.TB, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func hexSHA(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Acceptance 1 (issue 4): for each format, the socket download of a board
// with every element kind reassembles to the bytes of the HTTP export at
// the same seq, and both hash to export.meta.sha256.
func TestSocketAndHTTPExportsAreTheSameBytes(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	c.sendOps("fill", everyKind()...)
	c.waitAck("fill")
	for _, test := range []struct {
		format string
		scale  int
		mime   string
	}{
		{"json", 0, "application/json"},
		{"svg", 0, "image/svg+xml"},
		{"png", 2, "image/png"},
		{"pdf", 1, "application/pdf"},
	} {
		t.Run(test.format, func(t *testing.T) {
			meta, data := socketExport(t, c, "x-"+test.format, test.format, test.scale)
			if meta.Size != int64(len(data)) || meta.SHA256 != hexSHA(data) || meta.Seq != 1 || meta.MIME != test.mime {
				t.Fatalf("meta %s does not describe the %d bytes received (sha %s)", meta.Raw, len(data), hexSHA(data))
			}
			if meta.Chunk <= 0 || meta.Window < meta.Chunk || !strings.HasSuffix(meta.Filename, "."+test.format) {
				t.Fatalf("meta chunk/window/filename: %s", meta.Raw)
			}
			if exp, err := time.Parse(time.RFC3339, meta.Expires); err != nil || time.Until(exp) < 10*time.Minute {
				t.Fatalf("expires %q is not at least 10 minutes away", meta.Expires)
			}
			url := app.URL + b.EditURL + "/export." + test.format
			if test.scale > 0 {
				url += fmt.Sprintf("?scale=%d", test.scale)
			}
			res, body := httpExport(t, url, nil)
			if res.StatusCode != 200 || !bytes.Equal(body, data) {
				t.Fatalf("HTTP export: %d, %d bytes, equal to the socket's: %v", res.StatusCode, len(body), bytes.Equal(body, data))
			}
			if res.Header.Get("ETag") != `"`+meta.SHA256+`"` || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("headers: ETag %s, Content-Disposition %s", res.Header.Get("ETag"), res.Header.Get("Content-Disposition"))
			}
			if test.format == "svg" {
				assertNoScript(t, body)
			}
			// The view capability downloads the same bytes.
			if _, viewBody := httpExport(t, strings.Replace(url, b.EditURL, b.ViewURL, 1), nil); !bytes.Equal(viewBody, data) {
				t.Fatal("the view link's export differs")
			}
		})
	}
}

// bigBoard makes board b's JSON export exceed 20 MB: 360 strokes of 5 000
// points, committed through the hub (the edit path has its own tests; here
// only the size matters). It returns the board's epoch and seq.
func bigBoard(t testing.TB, app *testApp, b createBoardResponse) (string, uint64) {
	t.Helper()
	ctx := context.Background()
	points := make([][2]float64, 5000)
	for i := range points {
		points[i] = [2]float64{float64(i) + 0.123, float64(i%97) * 1.5}
	}
	var seq uint64
	for msg := range 30 {
		ops := make([]board.Op, 12)
		for i := range ops {
			n := msg*12 + i
			ops[i] = board.Op{Op: board.OpPut, El: &board.Element{ID: fmt.Sprint("big", n), Kind: board.KindStroke, X: float64(n), Y: float64(n), Points: points, Z: "a0"}}
		}
		m, err := app.Hub.Commit(ctx, b.ID, board.OpsMessage{By: "test", Ref: fmt.Sprint("big-", msg), Ops: ops})
		if err != nil {
			t.Fatal(err)
		}
		seq = m.Seq
	}
	stored, err := app.Store.BoardByID(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	return stored.Epoch, seq
}

// TestLargeExports builds one 20 MB+ board (the slow part) for the
// acceptance tests of large downloads.
func TestLargeExports(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	epoch, seq := bigBoard(t, app, b)
	// Every connection holds the board already and joins with since, as
	// reconnecting clients do, instead of taking a 27 MB snapshot each.
	joinBig := func(url, name string) *wsClient { return joinSince(t, app.wsURL(url), name, epoch, seq) }
	filler := joinBig(b.EditURL+"/ws", "filler")
	want, _ := socketExport(t, filler, "whole", "json", 0)
	t.Run("resume after dropped connections", func(t *testing.T) { testExportResumes(t, app, b, want, joinBig) })
	t.Run("window", func(t *testing.T) { testExportWindow(t, b, filler, joinBig) })
	t.Run("cursors keep their tick", func(t *testing.T) { testCursorsDuringDownload(t, b, filler, joinBig) })
}

// Acceptance 2 (issue 4): a client that drops its connection at 5 random
// offsets during a 20 MB+ export and resumes on new connections gets a
// byte-identical file; resuming beyond the size is bad_request; an unknown
// id is gone.
func testExportResumes(t testing.TB, app *testApp, b createBoardResponse, want wireMsg, joinBig func(url, name string) *wsClient) {
	if want.Size < 20<<20 {
		t.Fatalf("export is %d bytes; the test needs 20 MB+", want.Size)
	}
	_, http := httpExport(t, app.URL+b.EditURL+"/export.json", nil)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	cuts := make([]int64, 5)
	for i := range cuts {
		cuts[i] = want.Size * int64(i+1) / 6 // spread over the file, then jittered
		cuts[i] += rng.Int64N(want.Size/12) - want.Size/24
	}
	file := make([]byte, want.Size)
	var have int64
	dl := joinBig(b.ViewURL+"/ws", "downloader")
	dl.send(map[string]any{"type": "export", "ref": "resumable", "format": "json"})
	var id string
	dl.waitUntil("export.meta", func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "export.meta" && m.Ref == "resumable" {
				id = m.ID
				return true
			}
		}
		return false
	})
	for i, cut := range append(cuts, -1) {
		if cut < 0 {
			waitDone(t, dl, id)
		} else if !dl.poll(60*time.Second, func([]wireMsg) bool { return dl.contiguous[id] >= cut }) {
			t.Fatalf("download %d stalled before offset %d", i, cut)
		}
		data, contiguous := dl.received(id)
		copy(file[have:contiguous], data[have:contiguous])
		have = contiguous
		dl.close()
		if cut < 0 {
			break
		}
		// A new connection resumes where the last one's contiguous bytes end.
		dl = joinBig(b.ViewURL+"/ws", fmt.Sprint("downloader-", i))
		dl.files[id] = make([]byte, have) // what it holds already
		dl.contiguous[id] = have
		dl.send(map[string]any{"type": "export.resume", "id": id, "offset": have})
	}
	if have != want.Size || !bytes.Equal(file, http) || hexSHA(file) != want.SHA256 {
		t.Fatalf("resumed file: %d of %d bytes, equal to HTTP: %v", have, want.Size, bytes.Equal(file, http))
	}

	probe := joinBig(b.EditURL+"/ws", "probe")
	probe.send(map[string]any{"type": "export.resume", "id": id, "offset": want.Size + 1})
	probe.send(map[string]any{"type": "export.resume", "id": "00000000-0000-4000-8000-000000000000", "offset": 0})
	probe.waitUntil("bad_request for the offset and gone for the unknown id", func(msgs []wireMsg) bool {
		bad, gone := false, false
		for _, m := range msgs {
			bad = bad || m.Type == "error" && m.Code == "bad_request" && m.ID == id
			gone = gone || m.Type == "error" && m.Code == "gone" && m.ID == "00000000-0000-4000-8000-000000000000"
		}
		return bad && gone
	})
}

// Acceptance 3 (issue 4): while a member downloads a large export, its
// cursor frames keep arriving every tick, and the server never holds more
// than `window` unacknowledged bytes for it.
// The window: without acks the server sends exactly `window` bytes.
func testExportWindow(t testing.TB, b createBoardResponse, filler *wsClient, joinBig func(url, name string) *wsClient) {
	{
		c := joinBig(b.EditURL+"/ws", "no-acks")
		c.mu.Lock()
		c.autoAck = false
		c.mu.Unlock()
		c.send(map[string]any{"type": "export", "ref": "w", "format": "json"})
		meta := c.waitType("export.meta")
		c.poll(10*time.Second, func([]wireMsg) bool { return c.contiguous[meta.ID] >= meta.Window })
		// Moves from someone else still arrive, proving the socket is live
		// while the download waits for acks.
		filler.moveTo(1, 1)
		c.waitUntil("a cursor while the window is closed", func(msgs []wireMsg) bool { return cursorsSeen(msgs)[filler.you] == [2]float64{1, 1} })
		if _, got := c.received(meta.ID); got != meta.Window {
			t.Fatalf("received %d bytes without acking; the window is %d", got, meta.Window)
		}
		c.send(map[string]any{"type": "export.ack", "id": meta.ID, "offset": meta.Window})
		c.poll(10*time.Second, func([]wireMsg) bool { return c.contiguous[meta.ID] >= 2*meta.Window })
		if _, got := c.received(meta.ID); got != 2*meta.Window {
			t.Fatalf("after one ack received %d bytes, want %d", got, 2*meta.Window)
		}
	}
}

func testCursorsDuringDownload(t testing.TB, b createBoardResponse, filler *wsClient, joinBig func(url, name string) *wsClient) {
	{
		dl := joinBig(b.EditURL+"/ws", "downloader")
		dl.mu.Lock()
		dl.discard = true // the content is checked by the resume test; here timing matters
		dl.mu.Unlock()
		stop := make(chan struct{})
		moved := make(chan struct{})
		go func() {
			defer close(moved)
			tick := time.NewTicker(time.Second / 60)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-tick.C:
					filler.moveTo(float64(i), 0)
				}
			}
		}()
		start := time.Now()
		meta, _ := socketExport(t, dl, "during", "json", 0)
		elapsed := time.Since(start)
		close(stop)
		<-moved
		if _, got := dl.received(meta.ID); got != meta.Size {
			t.Fatalf("received %d of %d bytes", got, meta.Size)
		}
		tick := session.DefaultConfig().Tick
		var prev time.Time
		var worst time.Duration
		frames := 0
		for _, f := range dl.framesCopy() {
			if f.at.Before(start) || count(f.types, "cursors") == 0 {
				continue
			}
			if !prev.IsZero() {
				worst = max(worst, f.at.Sub(prev))
			}
			prev = f.at
			frames++
		}
		t.Logf("%d MB in %v; %d cursors frames, largest gap %v", meta.Size>>20, elapsed, frames, worst)
		// A move every 1/60 s: every tick of the download should carry a
		// frame; half of them is the bar, for a loaded machine.
		if want := max(1, int(elapsed/tick)/2); frames < want {
			t.Fatalf("only %d cursors frames during a %v download; want at least %d", frames, elapsed, want)
		}
		if worst > 10*tick {
			t.Fatalf("cursors frames stopped for %v during the download (tick %v)", worst, tick)
		}
	}
}

// Acceptance 4 (issue 4): HTTP Range and If-Range.
func TestHTTPExportRanges(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	c.sendOps("fill", everyKind()...)
	c.waitAck("fill")
	url := app.URL + b.EditURL + "/export.json"
	res, whole := httpExport(t, url, nil)
	etag := res.Header.Get("ETag")
	if res.Header.Get("Accept-Ranges") != "bytes" || len(whole) < 200 {
		t.Fatalf("whole file: %d bytes, Accept-Ranges %q", len(whole), res.Header.Get("Accept-Ranges"))
	}
	res, part := httpExport(t, url, http.Header{"Range": {"bytes=100-199"}})
	if res.StatusCode != http.StatusPartialContent || !bytes.Equal(part, whole[100:200]) {
		t.Fatalf("Range 100-199: %d, %d bytes", res.StatusCode, len(part))
	}
	if res.Header.Get("Content-Range") != fmt.Sprintf("bytes 100-199/%d", len(whole)) {
		t.Fatalf("Content-Range %q", res.Header.Get("Content-Range"))
	}
	res, _ = httpExport(t, url, http.Header{"Range": {fmt.Sprintf("bytes=%d-", len(whole)+10)}})
	if res.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		t.Fatalf("unsatisfiable range: %d, want 416", res.StatusCode)
	}
	res, part = httpExport(t, url, http.Header{"Range": {"bytes=100-199"}, "If-Range": {etag}})
	if res.StatusCode != http.StatusPartialContent || len(part) != 100 {
		t.Fatalf("If-Range with the current ETag: %d, %d bytes", res.StatusCode, len(part))
	}
	res, part = httpExport(t, url, http.Header{"Range": {"bytes=100-199"}, "If-Range": {`"stale"`}})
	if res.StatusCode != http.StatusOK || !bytes.Equal(part, whole) {
		t.Fatalf("If-Range with a stale ETag: %d, %d bytes; want the whole file", res.StatusCode, len(part))
	}
	for _, bad := range []string{"/export.gif", "/export.json?scale=9", "/export.png?scale=x"} {
		if res, _ := httpExport(t, app.URL+b.EditURL+bad, nil); res.StatusCode != 404 && res.StatusCode != 400 {
			t.Errorf("%s: %d, want 400 or 404", bad, res.StatusCode)
		}
	}
}

func TestExportRequestsAreValidated(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	for ref, req := range map[string]map[string]any{
		"fmt":   {"type": "export", "ref": "fmt", "format": "gif"},
		"scale": {"type": "export", "ref": "scale", "format": "png", "scale": 9},
	} {
		c.send(req)
		c.waitError(ref, "bad_request")
	}
	c.send(map[string]any{"type": "export", "format": "json"})
	c.send(map[string]any{"type": "export.ack", "id": "x"})
	c.waitUntil("errors for the missing ref and offset", func(msgs []wireMsg) bool {
		n := 0
		for _, m := range msgs {
			if m.Type == "error" && m.Code == "bad_request" && m.Ref == "" {
				n++
			}
		}
		return n == 2
	})
}

// assertNoScript parses an SVG and fails on any script element, or if the
// board's <script> text did not survive as character data.
func assertNoScript(t testing.TB, svg []byte) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	sawText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if strings.EqualFold(tok.Name.Local, "script") || strings.EqualFold(tok.Name.Local, "foreignObject") {
				t.Fatalf("the SVG holds a <%s> element", tok.Name.Local)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					t.Fatalf("the SVG holds an event handler attribute %s", a.Name.Local)
				}
			}
		case xml.CharData:
			sawText = sawText || strings.Contains(string(tok), "<script>alert(1)</script>")
		}
	}
	if !sawText {
		t.Fatal("the element's text is missing from the SVG")
	}
}

var _ = json.Marshal
