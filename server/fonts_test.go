package server

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/gofont/goregular"

	"github.com/easel-app/easel/fonts"
	"github.com/easel-app/easel/session"
)

var fontURL = regexp.MustCompile(`url\("(/fonts/[a-z0-9-]+\.(?:ttf|otf))"\)`)

func fetch(t *testing.T, method, url string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// A server with no fonts beyond the embedded one serves Latin as a web
// font, and says which scripts it draws as boxes without being unready.
func TestEmbeddedFontServedAndMissingScriptsReported(t *testing.T) {
	app := newTestApp(t) // no Fonts: the embedded Go font alone

	res, css := fetch(t, http.MethodGet, app.URL+"/fonts.css")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("/fonts.css: %d %v", res.StatusCode, res.Header)
	}
	urls := fontURL.FindAllStringSubmatch(string(css), -1)
	if len(urls) != 1 || !strings.Contains(string(css), `font-family: "Easel"`) || !strings.Contains(string(css), "unicode-range: U+20-7E") {
		t.Fatalf("/fonts.css of the embedded set:\n%s", css)
	}

	for _, method := range []string{http.MethodGet, http.MethodHead} {
		res, body := fetch(t, method, app.URL+urls[0][1])
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "font/ttf" {
			t.Fatalf("%s %s: %d %v", method, urls[0][1], res.StatusCode, res.Header)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control %q", cc)
		}
		if method == http.MethodGet && !bytes.Equal(body, goregular.TTF) {
			t.Errorf("served %d bytes, not the embedded Go font", len(body))
		}
		if !strings.Contains(res.Header.Get("Content-Security-Policy"), "font-src 'self'") {
			t.Errorf("CSP %q", res.Header.Get("Content-Security-Policy"))
		}
	}
	res, _ = fetch(t, http.MethodGet, app.URL+urls[0][1])
	req, _ := http.NewRequest(http.MethodGet, app.URL+urls[0][1], nil)
	req.Header.Set("If-None-Match", res.Header.Get("ETag"))
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation with the ETag: %v %v", r, err)
	} else {
		r.Body.Close()
	}

	res, body := fetch(t, http.MethodGet, app.URL+"/readyz")
	want := "fonts: scripts with a font: Latin (Go), Cyrillic (Go), Greek (Go); boxes: CJK, Arabic, Hebrew, Devanagari, Emoji\n"
	if res.StatusCode != 200 || !strings.Contains(string(body), want) {
		t.Errorf("/readyz = %d %q, want 200 with %q", res.StatusCode, body, want)
	}
}

func TestFontFilesOnlyByTheirNames(t *testing.T) {
	app := newTestApp(t)
	for _, path := range []string{
		"/fonts/go-000000000000.ttf",
		"/fonts/..%2fgo.mod",
		"/fonts/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/fonts/../go.mod",
		"/fonts/",
		"/fonts/go.ttf",
		"/fonts/fonts.css",
	} {
		res, body := fetch(t, http.MethodGet, app.URL+path)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
		if bytes.Contains(body, []byte("module ")) || bytes.Contains(body, []byte("root:")) {
			t.Errorf("%s leaked a file: %q", path, body)
		}
	}
}

// With the system's Noto fonts, the CSS names a face per script and the
// CJK face is served as a standalone OpenType font.
func TestSystemFontSetServed(t *testing.T) {
	set := fonts.Load(fonts.Options{System: fonts.SystemDirs()})
	if set.FamilyOf("CJK") == "" {
		t.Fatalf("no CJK font on this machine (%s): install fonts-noto-cjk (scripts/test-deps.sh)", set.Summary())
	}
	app := newTestApp(t, func(_ *session.Config, o *Options) { o.Fonts = set })
	_, css := fetch(t, http.MethodGet, app.URL+"/fonts.css")
	urls := fontURL.FindAllStringSubmatch(string(css), -1)
	if len(urls) != len(set.Faces) {
		t.Fatalf("%d urls for %d faces:\n%s", len(urls), len(set.Faces), css)
	}
	for _, f := range set.Faces {
		if f.Family != set.FamilyOf("CJK") {
			continue
		}
		res, body := fetch(t, http.MethodGet, app.URL+fonts.URLPrefix+f.Name)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "font/otf" || !bytes.HasPrefix(body, []byte("OTTO")) || len(body) != len(f.Data) {
			t.Errorf("CJK face: %d %v, %d bytes", res.StatusCode, res.Header, len(body))
		}
	}
	_, ready := fetch(t, http.MethodGet, app.URL+"/readyz")
	if !strings.Contains(string(ready), "CJK ("+set.FamilyOf("CJK")+")") {
		t.Errorf("/readyz: %s", ready)
	}
}

// A font file is megabytes (the CJK face): like an export, readers that
// never read count against their address's downloads (the next gets 429)
// and are cut off at the progress deadline, so a stranger cannot hold the
// server's connections with them.
func TestStalledFontDownloadsAreCappedAndCutOff(t *testing.T) {
	set := fonts.Load(fonts.Options{System: fonts.SystemDirs()})
	if set.FamilyOf("CJK") == "" {
		t.Fatalf("no CJK font on this machine (%s): install fonts-noto-cjk (scripts/test-deps.sh)", set.Summary())
	}
	app := newTestApp(t, func(_ *session.Config, o *Options) {
		o.Fonts = set
		o.MaxDownloadsPerAddr = 2
		o.DownloadProgressTimeout = 2 * time.Second
	})
	var path string
	for _, f := range set.Faces {
		if f.Family == set.FamilyOf("CJK") {
			path = fonts.URLPrefix + f.Name
		}
	}
	stalled := []net.Conn{stalledDownload(t, app, path), stalledDownload(t, app, path)}
	waitDownloads(t, app, 2, "two stalled font readers")
	if res, body := fetch(t, http.MethodGet, app.URL+path); res.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), "downloads") {
		t.Fatalf("a third font download from the same address: %d %.200q, want 429 with a reason", res.StatusCode, body)
	}
	waitDownloads(t, app, 0, "stalled font readers past the progress deadline")
	for i, conn := range stalled {
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		if _, err := io.Copy(io.Discard, conn); err != nil {
			if nerr, ok := err.(net.Error); ok && nerr.Timeout() {
				t.Fatalf("stalled font reader %d: the server kept its connection open", i)
			}
		}
	}
}
