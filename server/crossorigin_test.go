package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/easel-app/easel/session"
)

// request sends one request with the given Host (empty: the URL's) and
// headers, and answers the status, the body and the response headers.
func request(t testing.TB, method, url, host string, header http.Header, body string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(data), res.Header
}

func withPublicURL(urls ...string) appOption {
	return func(_ *session.Config, o *Options) {
		p, err := NewOriginPolicy(nil, urls...)
		if err != nil {
			panic(err)
		}
		o.Origins = p
	}
}

func boardsCreated(app *testApp) int {
	return strings.Count(app.Log.String(), `msg="board created"`)
}

// Fault 8 (issue 10): a page on another site cannot create boards or import
// into them, whatever content type it sends; a form-encoded or text/plain
// body is refused even without an Origin.
func TestCrossOriginWritesAreRefused(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	importURL := app.URL + b.EditURL + "/import"
	own := app.URL
	for _, test := range []struct {
		name, url, origin, contentType, body string
		status                               int
		reason                               string
	}{
		{"text/plain board from another origin", app.URL + "/api/boards", "https://evil.example", "text/plain", `{"title":"x"}`, 403, "cross-origin"},
		{"JSON board from another origin", app.URL + "/api/boards", "https://evil.example", "application/json", `{"title":"x"}`, 403, "cross-origin"},
		{"null origin", app.URL + "/api/boards", "null", "application/json", `{}`, 403, "cross-origin"},
		{"text/plain board without an Origin", app.URL + "/api/boards", "", "text/plain", `{"title":"x"}`, 415, "application/json"},
		{"form board from our own page", app.URL + "/api/boards", own, "application/x-www-form-urlencoded", `title=x`, 415, "application/json"},
		{"board without a content type", app.URL + "/api/boards", "", "", ``, 415, "application/json"},
		{"form import from another origin", importURL, "https://evil.example", "application/x-www-form-urlencoded", `{"elements":[]}`, 403, "cross-origin"},
		{"form import without an Origin", importURL, "", "application/x-www-form-urlencoded", `{"elements":[]}`, 415, "Content-Type"},
		{"multipart import", importURL, "", "multipart/form-data; boundary=x", "--x--", 415, "Content-Type"},
		{"text/plain import", importURL, own, "text/plain", `{}`, 415, "Content-Type"},
	} {
		t.Run(test.name, func(t *testing.T) {
			header := http.Header{}
			if test.origin != "" {
				header.Set("Origin", test.origin)
			}
			if test.contentType != "" {
				header.Set("Content-Type", test.contentType)
			}
			status, body, _ := request(t, http.MethodPost, test.url, "", header, test.body)
			if status != test.status || !strings.Contains(body, test.reason) {
				t.Fatalf("POST = %d %s, want %d mentioning %q", status, body, test.status, test.reason)
			}
		})
	}
	if n := boardsCreated(app); n != 1 {
		t.Errorf("%d boards created, want only the test's own", n)
	}
	// What the bundled client and API users send still works.
	for _, ct := range []string{"application/json", "application/json; charset=utf-8"} {
		if status, body, _ := request(t, http.MethodPost, app.URL+"/api/boards", "", http.Header{"Origin": {own}, "Content-Type": {ct}}, `{}`); status != 201 {
			t.Errorf("own-origin POST /api/boards with %s = %d %s", ct, status, body)
		}
	}
	scene := `{"type":"excalidraw","version":2,"elements":[{"id":"r","type":"rectangle","x":1,"y":2,"width":30,"height":40}]}`
	for _, ct := range []string{"application/json", "application/octet-stream", "application/vnd.excalidraw+json"} {
		if status, body, _ := request(t, http.MethodPost, importURL, "", http.Header{"Origin": {own}, "Content-Type": {ct}}, scene); status != 200 {
			t.Errorf("own-origin import as %s = %d %s", ct, status, body)
		}
	}
}

// Fault 8 (issue 10): a DNS-rebound name (Host and Origin both the
// attacker's) is refused: with --public-url for any host it does not name,
// and without it for any name that is not an IP address or localhost.
func TestRebindingHostIsRefused(t *testing.T) {
	const evil = "rebind.evil.example"
	header := http.Header{"Origin": {"http://" + evil}}

	t.Run("with --public-url", func(t *testing.T) {
		app := newTestApp(t, withPublicURL("https://easel.example.com"))
		b := createBoardAs(t, app, "easel.example.com", "https://easel.example.com")
		handshakeRefused(t, app.wsURL(b.EditURL+"/ws"), http.Header{"Host": {evil}, "Origin": {"http://" + evil}}, http.StatusMisdirectedRequest, "public-url")
		if status, body, _ := request(t, http.MethodGet, app.URL+b.EditURL, evil, header, ""); status != http.StatusMisdirectedRequest {
			t.Errorf("rebound board page = %d %s, want 421", status, body)
		}
		// The public name works, and its origin is the own origin even
		// though the request arrived over plain HTTP (a TLS proxy).
		conn, res, err := dialWS(t, app.wsURL(b.EditURL+"/ws"), http.Header{"Host": {"easel.example.com"}, "Origin": {"https://easel.example.com"}}, "easel.v1")
		if err != nil {
			t.Fatalf("handshake for the public URL: %v %v", res, err)
		}
		conn.Close()
		// The Host of the request no longer makes an origin its own.
		handshakeRefused(t, app.wsURL(b.EditURL+"/ws"), http.Header{"Host": {"easel.example.com"}, "Origin": {"http://easel.example.com"}}, http.StatusForbidden, "origin")
		if status, _, _ := request(t, http.MethodGet, app.URL+"/healthz", evil, nil, ""); status != 200 {
			t.Errorf("/healthz for another host = %d, want 200 (probes address nodes by any name)", status)
		}
	})

	t.Run("without --public-url", func(t *testing.T) {
		app := newTestApp(t)
		b := app.createBoard(t)
		handshakeRefused(t, app.wsURL(b.EditURL+"/ws"), http.Header{"Host": {evil}, "Origin": {"http://" + evil}}, http.StatusMisdirectedRequest, "public-url")
		for _, host := range []string{"localhost", "app.localhost", "[::1]:8080", "127.0.0.1:1"} {
			if status, body, _ := request(t, http.MethodGet, app.URL+b.EditURL, host, nil, ""); status != 200 {
				t.Errorf("board page for Host %s = %d %s, want 200", host, status, body)
			}
		}
	})
}

// handshakeRefused asserts a handshake is answered with status and a
// reason that mentions reason.
func handshakeRefused(t testing.TB, url string, header http.Header, status int, reason string) {
	t.Helper()
	conn, res, err := dialWS(t, url, header, "easel.v1")
	if err == nil {
		conn.Close()
		t.Fatalf("handshake with %v was upgraded", header)
	}
	if res == nil || res.StatusCode != status {
		t.Fatalf("handshake with %v: %v, want %d", header, res, status)
	}
	if body, _ := io.ReadAll(res.Body); !strings.Contains(string(body), reason) {
		t.Errorf("reason %q does not mention %q", body, reason)
	}
}

// createBoardAs creates a board through the API as a browser on origin
// would, addressing the server as host.
func createBoardAs(t testing.TB, app *testApp, host, origin string) createBoardResponse {
	t.Helper()
	status, body, header := request(t, http.MethodPost, app.URL+"/api/boards", host, http.Header{"Origin": {origin}, "Content-Type": {"application/json"}}, `{}`)
	if status != http.StatusCreated {
		t.Fatalf("POST /api/boards as %s = %d %s", origin, status, body)
	}
	id := strings.TrimPrefix(header.Get("Location"), "/b/")
	return createBoardResponse{ID: id, EditURL: "/b/" + id}
}

// Fault 3/8 (issue 10): GET /new reached from another site (a link, an
// image, a script's fetch) creates nothing; it answers 403 with a page
// whose button, followed from our own page, does.
func TestNewBoardFromAnotherSiteCreatesNothing(t *testing.T) {
	app := newTestApp(t)
	for name, header := range map[string]http.Header{
		"foreign Origin":       {"Origin": {"https://evil.example"}},
		"cross-site link":      {"Sec-Fetch-Site": {"cross-site"}, "Sec-Fetch-Mode": {"navigate"}},
		"same-site image":      {"Sec-Fetch-Site": {"same-site"}, "Sec-Fetch-Dest": {"image"}},
		"cross-site, no-cors ": {"Sec-Fetch-Site": {"cross-site"}, "Origin": {"null"}},
	} {
		status, body, h := request(t, http.MethodGet, app.URL+"/new", "", header, "")
		if status != http.StatusForbidden || !strings.Contains(body, `href="/new"`) || h.Get("Location") != "" {
			t.Errorf("%s: GET /new = %d (Location %q), want 403 with a confirmation page", name, status, h.Get("Location"))
		}
	}
	if n := boardsCreated(app); n != 0 {
		t.Fatalf("%d boards created by requests from another site", n)
	}
	for name, header := range map[string]http.Header{
		"typed in the address bar": {"Sec-Fetch-Site": {"none"}},
		"our own page's button":    {"Sec-Fetch-Site": {"same-origin"}},
		"curl":                     {},
	} {
		status, _, h := request(t, http.MethodGet, app.URL+"/new", "", header, "")
		if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/b/") {
			t.Errorf("%s: GET /new = %d (Location %q), want 303 to a new board", name, status, h.Get("Location"))
		}
	}
}
