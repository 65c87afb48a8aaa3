package server

import (
	"bytes"
	"image/color"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/easel-app/easel/internal/testimages"
	"github.com/easel-app/easel/session"
)

const (
	allowedSite = "http://wiki.example:8080"
	foreignSite = "http://evil.example"
)

func withOrigins(list ...string) appOption {
	return func(_ *session.Config, o *Options) {
		p, err := NewOriginPolicy(list)
		if err != nil {
			panic(err)
		}
		o.Origins = p
	}
}

// corsCase is one request of the cross-origin contract: a route, the
// method a script uses on it, its body, the status it answers, and what a
// preflight must offer for it.
type corsCase struct {
	name, method, path, contentType, body string
	status                                int
	allowHeaders                          []string // preflight's Access-Control-Allow-Headers must name these
}

// corsCases covers every route the contract names (/api/boards, export,
// history, blob, import, delete) on a fresh board with one image.
func corsCases(t *testing.T, app *testApp) []corsCase {
	t.Helper()
	b, doomed := app.createBoard(t), app.createBoard(t)
	img := testimages.Encode(t, "png", testimages.Solid(2, 2, color.RGBA{1, 2, 3, 255}))
	blob := postBlob(t, app.URL+b.EditURL+"/blobs", "image/png", bytes.NewReader(img))
	if blob.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", blob.status, blob.body)
	}
	scene, err := os.ReadFile("../export/testdata/scene.excalidraw")
	if err != nil {
		t.Fatal(err)
	}
	return []corsCase{
		{name: "create", method: "POST", path: "/api/boards", contentType: "application/json", body: `{"title":"From the wiki"}`, status: 201, allowHeaders: []string{"Content-Type"}},
		{name: "edit history", method: "GET", path: b.EditURL + "/history", status: 200},
		{name: "view history", method: "GET", path: b.ViewURL + "/history", status: 200},
		{name: "export", method: "GET", path: b.EditURL + "/export.png", status: 200, allowHeaders: []string{"Range"}},
		{name: "view export", method: "GET", path: b.ViewURL + "/export.json", status: 200, allowHeaders: []string{"Range"}},
		{name: "import", method: "POST", path: b.EditURL + "/import", contentType: "application/json", body: string(scene), status: 200, allowHeaders: []string{"Content-Type"}},
		{name: "upload", method: "POST", path: b.EditURL + "/blobs", contentType: "image/png", body: string(img), status: 200, allowHeaders: []string{"Content-Type"}},
		{name: "blob", method: "GET", path: b.EditURL + "/blobs/" + blob.info.SHA256, status: 200, allowHeaders: []string{"Range"}},
		{name: "view blob", method: "GET", path: b.ViewURL + "/blobs/" + blob.info.SHA256, status: 200},
		{name: "view delete", method: "DELETE", path: b.ViewURL, status: 403},
		{name: "delete", method: "DELETE", path: doomed.EditURL, status: 204},
	}
}

func (c corsCase) send(t *testing.T, app *testApp, origin string) (int, string, http.Header) {
	t.Helper()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	if c.contentType != "" {
		h.Set("Content-Type", c.contentType)
	}
	return request(t, c.method, app.URL+c.path, "", h, c.body)
}

func (c corsCase) preflight(t *testing.T, app *testApp, origin string) (int, string, http.Header) {
	t.Helper()
	h := http.Header{"Origin": {origin}, "Access-Control-Request-Method": {c.method}}
	if len(c.allowHeaders) > 0 {
		h.Set("Access-Control-Request-Headers", strings.ToLower(strings.Join(c.allowHeaders, ",")))
	}
	return request(t, http.MethodOptions, app.URL+c.path, "", h, "")
}

// corsHeaders lists a response's Access-Control-* headers.
func corsHeaders(h http.Header) []string {
	var names []string
	for k := range h {
		if strings.HasPrefix(k, "Access-Control-") {
			names = append(names, k)
		}
	}
	return names
}

// listNames reports whether a comma-separated header value names want
// (case-insensitively, as browsers compare them).
func listNames(value, want string) bool {
	for _, v := range strings.Split(value, ",") {
		if strings.EqualFold(strings.TrimSpace(v), want) {
			return true
		}
	}
	return false
}

// Acceptance 1 (issue 19): an origin in --origins gets CORS headers on
// every route of the contract, and a preflight offering the route's
// method and headers; never credentials.
func TestCORSForAllowedOrigin(t *testing.T) {
	app := newTestApp(t, withOrigins(allowedSite, "https://portal.example"))
	for _, c := range corsCases(t, app) {
		t.Run(c.name, func(t *testing.T) {
			status, body, h := c.preflight(t, app, allowedSite)
			if status != http.StatusNoContent {
				t.Fatalf("preflight %s %s = %d %q, want 204", c.method, c.path, status, body)
			}
			if got := h.Get("Access-Control-Allow-Origin"); got != allowedSite {
				t.Errorf("preflight Allow-Origin = %q, want %q", got, allowedSite)
			}
			if !listNames(h.Get("Access-Control-Allow-Methods"), c.method) {
				t.Errorf("preflight Allow-Methods = %q, want it to name %s", h.Get("Access-Control-Allow-Methods"), c.method)
			}
			for _, want := range c.allowHeaders {
				if !listNames(h.Get("Access-Control-Allow-Headers"), want) {
					t.Errorf("preflight Allow-Headers = %q, want it to name %s", h.Get("Access-Control-Allow-Headers"), want)
				}
			}
			checkCORSCommon(t, h)

			status, body, h = c.send(t, app, allowedSite)
			if status != c.status {
				t.Fatalf("%s %s = %d %q, want %d", c.method, c.path, status, body, c.status)
			}
			if got := h.Get("Access-Control-Allow-Origin"); got != allowedSite {
				t.Errorf("Allow-Origin = %q, want %q", got, allowedSite)
			}
			for _, want := range []string{"ETag", "Content-Disposition", "X-Easel-Seq"} {
				if !listNames(h.Get("Access-Control-Expose-Headers"), want) {
					t.Errorf("Expose-Headers = %q, want it to name %s", h.Get("Access-Control-Expose-Headers"), want)
				}
			}
			checkCORSCommon(t, h)
		})
	}
}

func checkCORSCommon(t *testing.T, h http.Header) {
	t.Helper()
	if !listNames(strings.Join(h.Values("Vary"), ","), "Origin") {
		t.Errorf("Vary = %q, want it to name Origin", h.Values("Vary"))
	}
	if v, ok := h["Access-Control-Allow-Credentials"]; ok {
		t.Errorf("Access-Control-Allow-Credentials = %q: the capability URL is the credential, never cookies", v)
	}
}

// Acceptance 1 (issue 19): a site not in --origins gets no CORS header
// anywhere, its preflights are refused, and its state-changing requests
// are refused with 403 before they change anything.
func TestCORSForeignOriginGetsNothing(t *testing.T) {
	app := newTestApp(t, withOrigins(allowedSite))
	created := boardsCreated(app)
	for _, c := range corsCases(t, app) {
		t.Run(c.name, func(t *testing.T) {
			status, _, h := c.preflight(t, app, foreignSite)
			if status != http.StatusForbidden {
				t.Errorf("foreign preflight = %d, want 403", status)
			}
			if names := corsHeaders(h); len(names) > 0 {
				t.Errorf("foreign preflight got %v", names)
			}
			status, _, h = c.send(t, app, foreignSite)
			if names := corsHeaders(h); len(names) > 0 {
				t.Errorf("foreign %s got %v", c.method, names)
			}
			want := c.status
			if c.method != http.MethodGet {
				want = http.StatusForbidden
			}
			if status != want {
				t.Errorf("foreign %s %s = %d, want %d", c.method, c.path, status, want)
			}
		})
	}
	if n := boardsCreated(app) - created; n != 2 {
		t.Errorf("%d boards created, want the 2 of the setup only", n)
	}
}

// Acceptance 1 (issue 19): the server's own pages see the headers they
// saw before: a same-origin request (Origin is the server's own) gets the
// same header names as one without Origin, and no CORS header, whether or
// not --origins is set.
func TestCORSSameOriginUnchanged(t *testing.T) {
	for _, origins := range [][]string{nil, {allowedSite}} {
		app := newTestApp(t, withOrigins(origins...))
		for _, c := range corsCases(t, app) {
			if c.method != http.MethodGet {
				continue // the first of two writes would change what the second sees
			}
			_, _, bare := c.send(t, app, "")
			_, _, own := c.send(t, app, app.URL)
			if names := corsHeaders(own); len(names) > 0 {
				t.Errorf("--origins %v: same-origin %s got %v", origins, c.name, names)
			}
			if a, b := headerNames(bare), headerNames(own); a != b {
				t.Errorf("--origins %v: %s headers without Origin %s, same-origin %s", origins, c.name, a, b)
			}
			if len(origins) == 0 && len(own.Values("Vary")) > 0 {
				t.Errorf("no --origins: %s varies by %q, though no answer depends on Origin", c.name, own.Values("Vary"))
			}
		}
	}
}

func headerNames(h http.Header) string {
	var names []string
	for k := range h {
		if k != "Date" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// The socket's HTTP carriers follow the socket: a listed site may use
// them from its own page, so their preflight offers the carrier's
// methods and X-Easel-Seq.
func TestCORSCarrierPreflight(t *testing.T) {
	app := newTestApp(t, withOrigins(allowedSite))
	b := app.createBoard(t)
	for _, path := range []string{b.EditURL + "/send", b.ViewURL + "/poll", b.EditURL + "/sse"} {
		status, _, h := request(t, http.MethodOptions, app.URL+path, "", http.Header{
			"Origin": {allowedSite}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"content-type,x-easel-seq"},
		}, "")
		if status != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != allowedSite ||
			!listNames(h.Get("Access-Control-Allow-Headers"), "X-Easel-Seq") || !listNames(h.Get("Access-Control-Allow-Methods"), "POST") {
			t.Errorf("preflight %s = %d, %v", path, status, h)
		}
	}
}

// An Origin header sent twice is no origin a browser sends: it gets no
// CORS header, even when one of the two is listed.
func TestCORSRefusesTwoOrigins(t *testing.T) {
	app := newTestApp(t, withOrigins(allowedSite))
	b := app.createBoard(t)
	for _, method := range []string{http.MethodGet, http.MethodOptions} {
		_, _, h := request(t, method, app.URL+b.EditURL+"/history", "", http.Header{
			"Origin": {allowedSite, allowedSite}, "Access-Control-Request-Method": {"GET"},
		}, "")
		if names := corsHeaders(h); len(names) > 0 {
			t.Errorf("%s with two Origin headers got %v", method, names)
		}
	}
}
