package server

import (
	"net/http"
	"strings"
	"testing"
)

// frameAncestors is the frame-ancestors directive of a response's policy.
func frameAncestors(h http.Header) string {
	for _, d := range strings.Split(h.Get("Content-Security-Policy"), ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, "frame-ancestors ") {
			return strings.TrimPrefix(d, "frame-ancestors ")
		}
	}
	return ""
}

// Issue 19: ?embed=1 on a board page makes it framable by exactly the
// sites in --origins ('none' without any), and drawn for a frame;
// without ?embed=1, and on every other page, nothing may frame it.
func TestEmbedFramedByExactlyOrigins(t *testing.T) {
	for _, c := range []struct {
		name    string
		origins []string
		want    string // frame-ancestors
		listed  string // data-embed-origins
	}{
		{"two sites", []string{"https://wiki.example", "http://localhost:8081"}, "http://localhost:8081 https://wiki.example", "http://localhost:8081 https://wiki.example"},
		{"no site", nil, "'none'", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			app := newTestApp(t, withOrigins(c.origins...))
			b := app.createBoard(t)
			for _, path := range []string{b.EditURL, b.ViewURL} {
				status, body, h := request(t, http.MethodGet, app.URL+path+"?embed=1", "", nil, "")
				if status != http.StatusOK {
					t.Fatalf("GET %s?embed=1 = %d", path, status)
				}
				if got := frameAncestors(h); got != c.want {
					t.Errorf("%s?embed=1: frame-ancestors %q, want %q", path, got, c.want)
				}
				if xfo := h.Get("X-Frame-Options"); (c.origins == nil) != (xfo == "DENY") {
					t.Errorf("%s?embed=1: X-Frame-Options %q with --origins %v", path, xfo, c.origins)
				}
				if !strings.Contains(body, `data-embed="1"`) {
					t.Errorf("%s?embed=1 is not drawn as an embed", path)
				}
				if !strings.Contains(body, `data-embed-origins="`+c.listed+`"`) {
					t.Errorf("%s?embed=1 does not name the sites that may frame it", path)
				}

				status, body, h = request(t, http.MethodGet, app.URL+path, "", nil, "")
				if status != http.StatusOK || frameAncestors(h) != "'none'" || h.Get("X-Frame-Options") != "DENY" {
					t.Errorf("GET %s = %d, frame-ancestors %q, X-Frame-Options %q: want it framed by nobody", path, status, frameAncestors(h), h.Get("X-Frame-Options"))
				}
				if strings.Contains(body, `data-embed="1"`) {
					t.Errorf("GET %s is drawn as an embed", path)
				}
			}
			for _, path := range []string{"/?embed=1", "/new?embed=1", "/b/00000000-0000-4000-8000-000000000000"} {
				_, _, h := request(t, http.MethodGet, app.URL+path, "", nil, "")
				if got := frameAncestors(h); got != "'none'" {
					t.Errorf("GET %s: frame-ancestors %q, want 'none'", path, got)
				}
			}

			// An embed of a board that is not there, or no longer, is
			// framed too: the frame shows why, and its links leave it.
			gone := app.createBoard(t)
			if status, _, _ := request(t, http.MethodDelete, app.URL+gone.EditURL, "", nil, ""); status != http.StatusNoContent {
				t.Fatalf("delete: %d", status)
			}
			for path, want := range map[string]int{
				"/v/00000000-0000-4000-8000-000000000000?embed=1": http.StatusNotFound,
				gone.ViewURL + "?embed=1":                         http.StatusGone,
				gone.EditURL + "?embed=1":                         http.StatusGone,
			} {
				status, body, h := request(t, http.MethodGet, app.URL+path, "", nil, "")
				if status != want || frameAncestors(h) != c.want || !strings.Contains(body, `<base target="_blank">`) {
					t.Errorf("GET %s = %d, frame-ancestors %q, links leave the frame: %v; want %d, %q, true",
						path, status, frameAncestors(h), strings.Contains(body, `<base target="_blank">`), want, c.want)
				}
			}
		})
	}
}
