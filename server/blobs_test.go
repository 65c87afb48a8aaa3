package server

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"image/color"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/testimages"
	"github.com/easel-app/easel/session"
)

// paddedPNG is a valid 2×2 PNG followed by random bytes up to size: the
// server reads only an image's header, so it stands for a large image.
func paddedPNG(t testing.TB, size int) []byte {
	t.Helper()
	data := testimages.Encode(t, "png", testimages.Solid(2, 2, color.RGBA{1, 2, 3, 255}))
	pad := make([]byte, size-len(data))
	rand.Read(pad)
	return append(data, pad...)
}

type blobAnswer struct {
	status int
	header http.Header
	body   string
	info   board.BlobInfo
	err    apiError
}

// postBlob uploads body with Content-Type mime. A body that is not a
// *bytes.Reader goes without Content-Length (chunked).
func postBlob(t testing.TB, url, mime string, body io.Reader) blobAnswer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mime)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	a := blobAnswer{status: res.StatusCode, header: res.Header, body: string(data)}
	if res.StatusCode < 300 {
		if err := json.Unmarshal(data, &a.info); err != nil {
			t.Fatalf("upload answered %d with %q: %v", res.StatusCode, data, err)
		}
	} else if err := json.Unmarshal(data, &a.err); err != nil || a.err.Error == "" || a.err.Message == "" {
		t.Fatalf("upload refused with %d and %q: want JSON {\"error\",\"message\"}", res.StatusCode, data)
	}
	return a
}

// Acceptance 1 (issue 14): every status of the upload contract, against
// the real server.
func TestBlobUploadStatuses(t *testing.T) {
	app := newTestApp(t, func(cfg *session.Config, _ *Options) {
		cfg.MaxBlobBytes, cfg.MaxBoardBlobBytes = 1<<20, 2<<20
	})
	b, other := app.createBoard(t), app.createBoard(t)
	url := app.URL + b.EditURL + "/blobs"
	webp, err := os.ReadFile("testdata/orange-3x2.webp")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("201 for each type, with what the bytes are", func(t *testing.T) {
		for _, c := range []struct {
			mime string
			data []byte
			w, h int
		}{
			{"image/png", testimages.Encode(t, "png", testimages.Solid(30, 20, color.RGBA{200, 0, 0, 255})), 30, 20},
			{"image/jpeg", testimages.Encode(t, "jpeg", testimages.Solid(16, 9, color.RGBA{0, 200, 0, 255})), 16, 9},
			{"image/gif", testimages.Encode(t, "gif", testimages.Solid(5, 7, color.RGBA{0, 0, 200, 255})), 5, 7},
			{"image/webp", webp, 3, 2},
		} {
			a := postBlob(t, url, c.mime, bytes.NewReader(c.data))
			want := board.BlobInfo{SHA256: hexSHA(c.data), MIME: c.mime, Size: int64(len(c.data)), Width: c.w, Height: c.h}
			if a.status != http.StatusCreated || a.info != want {
				t.Errorf("%s: %d %s, want 201 with %+v", c.mime, a.status, a.body, want)
			}
			if loc := a.header.Get("Location"); loc != b.EditURL+"/blobs/"+want.SHA256 {
				t.Errorf("%s: Location %q", c.mime, loc)
			}
		}
	})

	t.Run("200 and the same answer for the same bytes again", func(t *testing.T) {
		data := testimages.Encode(t, "png", testimages.Solid(4, 4, color.RGBA{9, 9, 9, 255}))
		first := postBlob(t, url, "image/png", bytes.NewReader(data))
		again := postBlob(t, url, "image/png", bytes.NewReader(data))
		if first.status != http.StatusCreated || again.status != http.StatusOK || again.body != first.body {
			t.Fatalf("first %d %s, again %d %s; want 201 then 200 with the same body", first.status, first.body, again.status, again.body)
		}
	})

	t.Run("403 through the view link, 404 for an unknown board", func(t *testing.T) {
		data := testimages.Encode(t, "png", testimages.Solid(4, 4, color.RGBA{1, 1, 1, 255}))
		if a := postBlob(t, app.URL+b.ViewURL+"/blobs", "image/png", bytes.NewReader(data)); a.status != http.StatusForbidden || a.err.Error != board.CodeForbidden {
			t.Errorf("upload with the view id: %d %s, want 403 forbidden", a.status, a.body)
		}
		unknown := "/b/00000000-0000-4000-8000-000000000000/blobs"
		if a := postBlob(t, app.URL+unknown, "image/png", bytes.NewReader(data)); a.status != http.StatusNotFound || a.err.Error != board.CodeNotFound {
			t.Errorf("upload to an unknown board: %d %s, want 404", a.status, a.body)
		}
		if a := postBlob(t, app.URL+"/v/00000000-0000-4000-8000-000000000000/blobs", "image/png", bytes.NewReader(data)); a.status != http.StatusNotFound {
			t.Errorf("upload to an unknown view id: %d %s, want 404", a.status, a.body)
		}
	})

	t.Run("415 for what is not an image of the declared type", func(t *testing.T) {
		pngData := testimages.Encode(t, "png", testimages.Solid(4, 4, color.RGBA{2, 2, 2, 255}))
		for _, c := range []struct {
			name, mime string
			data       []byte
			says       string
		}{
			{"a PNG declared as JPEG", "image/jpeg", pngData, "not the declared image/jpeg"},
			{"text declared as PNG", "image/png", []byte("hello, not an image"), "not a readable image/png"},
			{"SVG", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "Content-Type must be"},
			{"a form's type", "application/x-www-form-urlencoded", pngData, "Content-Type must be"},
		} {
			a := postBlob(t, url, c.mime, bytes.NewReader(c.data))
			if a.status != http.StatusUnsupportedMediaType || a.err.Error != board.CodeUnsupported || !strings.Contains(a.err.Message, c.says) {
				t.Errorf("%s: %d %s; want 415 saying %q", c.name, a.status, a.body, c.says)
			}
		}
	})

	t.Run("413 for too many bytes, declared or not, and too many pixels", func(t *testing.T) {
		big := paddedPNG(t, 1<<20+1)
		a := postBlob(t, url, "image/png", bytes.NewReader(big))
		if a.status != http.StatusRequestEntityTooLarge || a.err.Error != board.CodeTooLarge || !strings.Contains(a.err.Message, "at most 1.0 MiB") {
			t.Errorf("an upload of 1 MiB + 1 byte: %d %s; want 413 naming the limit", a.status, a.body)
		}
		// Without Content-Length, the server stops reading past the limit.
		a = postBlob(t, url, "image/png", io.MultiReader(bytes.NewReader(big), neverEnding{}))
		if a.status != http.StatusRequestEntityTooLarge || !strings.Contains(a.err.Message, "larger than 1.0 MiB") {
			t.Errorf("an endless chunked upload: %d %s; want 413", a.status, a.body)
		}
		if a := postBlob(t, url, "image/png", bytes.NewReader(paddedPNG(t, 1<<20))); a.status != http.StatusCreated {
			t.Errorf("an upload of exactly 1 MiB: %d %s, want 201", a.status, a.body)
		}
		a = postBlob(t, url, "image/png", bytes.NewReader(testimages.PNGHeader(8000, 5125)))
		if a.status != http.StatusRequestEntityTooLarge || !strings.Contains(a.err.Message, "41.0 Mpx") {
			t.Errorf("a 41 Mpx image: %d %s; want 413 naming its pixels", a.status, a.body)
		}
	})

	t.Run("413 past the board's images, with the reason; other boards unaffected", func(t *testing.T) {
		// The board holds 1 MiB and some small images from the subtests
		// above; 2 MiB is its limit.
		half := paddedPNG(t, 600<<10)
		if a := postBlob(t, url, "image/png", bytes.NewReader(half)); a.status != http.StatusCreated {
			t.Fatalf("an image within the board's limit: %d %s", a.status, a.body)
		}
		a := postBlob(t, url, "image/png", bytes.NewReader(paddedPNG(t, 600<<10)))
		if a.status != http.StatusRequestEntityTooLarge || !strings.Contains(a.err.Message, "board's limit of 2.0 MiB") {
			t.Fatalf("an image past the board's limit: %d %s; want 413 saying so", a.status, a.body)
		}
		if a := postBlob(t, url, "image/png", bytes.NewReader(half)); a.status != http.StatusOK {
			t.Errorf("bytes the full board holds already: %d %s, want 200", a.status, a.body)
		}
		if a := postBlob(t, app.URL+other.EditURL+"/blobs", "image/png", bytes.NewReader(paddedPNG(t, 600<<10))); a.status != http.StatusCreated {
			t.Errorf("another board: %d %s, want 201", a.status, a.body)
		}
	})
}

// neverEnding is a body that never ends.
type neverEnding struct{}

func (neverEnding) Read(p []byte) (int, error) { return len(p), nil }

// The bytes come back through both ids with headers that keep a browser
// from treating them as anything but an image of their type; only
// through the board that holds them.
func TestBlobDownloadHeaders(t *testing.T) {
	app := newTestApp(t)
	b, other := app.createBoard(t), app.createBoard(t)
	data := testimages.Encode(t, "png", testimages.Solid(8, 8, color.RGBA{10, 20, 30, 255}))
	up := postBlob(t, app.URL+b.EditURL+"/blobs", "image/png", bytes.NewReader(data))
	if up.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", up.status, up.body)
	}
	sha := up.info.SHA256
	for _, path := range []string{b.EditURL, b.ViewURL} {
		res, body := httpExport(t, app.URL+path+"/blobs/"+sha, nil)
		if res.StatusCode != http.StatusOK || !bytes.Equal(body, data) {
			t.Fatalf("GET %s: %d, %d bytes (equal %v)", path, res.StatusCode, len(body), bytes.Equal(body, data))
		}
		for name, want := range map[string]string{
			"Content-Type":           "image/png",
			"ETag":                   `"` + sha + `"`,
			"Cache-Control":          "private, max-age=31536000, immutable",
			"X-Content-Type-Options": "nosniff",
			"Content-Disposition":    `inline; filename="` + sha + `.png"`,
		} {
			if got := res.Header.Get(name); got != want {
				t.Errorf("%s: %s %q, want %q", path, name, got, want)
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: Content-Security-Policy %q, want a sandbox with nothing allowed", path, csp)
		}
		res, body = httpExport(t, app.URL+path+"/blobs/"+sha, http.Header{"If-None-Match": {`"` + sha + `"`}})
		if res.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Errorf("%s with If-None-Match: %d, %d bytes; want 304 and none", path, res.StatusCode, len(body))
		}
	}
	for name, path := range map[string]string{
		"another board's edit id": other.EditURL + "/blobs/" + sha,
		"another board's view id": other.ViewURL + "/blobs/" + sha,
		"a sha no board holds":    b.EditURL + "/blobs/" + strings.Repeat("ab", 32),
		"a malformed sha":         b.EditURL + "/blobs/" + strings.ToUpper(sha),
		"a short sha":             b.ViewURL + "/blobs/" + sha[:40],
		"an unknown board":        "/b/00000000-0000-4000-8000-000000000000/blobs/" + sha,
	} {
		if res, _ := httpExport(t, app.URL+path, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", name, res.StatusCode)
		}
	}
}

// Image uploads are bounded like imports, by the same mechanism: a
// trickling upload holds its address's slot (the next one from there gets
// 429, one from another address is served) until its read deadline cuts
// it off and frees the slot.
func TestBlobUploadSlotsPerAddressAndReadDeadline(t *testing.T) {
	app := newTestApp(t, func(_ *session.Config, o *Options) {
		o.MaxBlobUploadsPerAddr, o.ImportReadTimeout = 1, 2*time.Second
	})
	b := app.createBoard(t)
	url := app.URL + b.EditURL + "/blobs"
	data := testimages.Encode(t, "png", testimages.Solid(3, 3, color.RGBA{5, 5, 5, 255}))
	upload := func(c *http.Client) (int, string) {
		res, err := c.Post(url, "image/png", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	trickle := func() (done chan int, pw *io.PipeWriter) {
		pr, pw := io.Pipe()
		done = make(chan int, 1)
		go func() {
			status := 0
			if res, err := clientFrom("127.0.0.1").Post(url, "image/png", pr); err == nil {
				status = res.StatusCode
				res.Body.Close()
			}
			done <- status
		}()
		pw.Write(data[:8]) // the PNG signature, and nothing more for now
		return done, pw
	}
	done, pw := trickle()
	defer pw.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, body := upload(clientFrom("127.0.0.1"))
		if status == http.StatusTooManyRequests && strings.Contains(body, "image uploads in progress from your address") {
			break
		}
		select {
		case <-done: // a probe held the slot when the trickle came: again
			done, pw = trickle()
			continue
		default:
		}
		if status >= 300 || time.Now().After(deadline) {
			t.Fatalf("an upload beside a trickling one: %d %s; want 201/200 until the trickle holds the slot, then 429", status, body)
		}
	}
	if status, body := upload(clientFrom("127.0.0.2")); status != http.StatusOK && status != http.StatusCreated {
		t.Fatalf("an upload from another address: %d %s, want it served", status, body)
	}
	select {
	case status := <-done:
		if status != http.StatusBadRequest {
			t.Errorf("the trickling upload ended with %d, want 400 at its read deadline", status)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the trickling upload was not cut off at its read deadline")
	}
	for {
		status, body := upload(clientFrom("127.0.0.1"))
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the trickle was cut off: %d %s, want the slot free", status, body)
		}
	}
}
