package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func get(t testing.TB, url string) (*http.Response, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestPagesAndCapabilities(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)

	res, body := get(t, app.URL+"/")
	if res.StatusCode != 200 || !strings.Contains(body, `href="/new"`) {
		t.Fatalf("landing: %d, link to /new missing", res.StatusCode)
	}

	res, _ = get(t, app.URL+"/new")
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/b/") {
		t.Fatalf("GET /new = %d Location %q, want 303 to /b/<id>", res.StatusCode, loc)
	}
	if res, _ := get(t, app.URL+loc); res.StatusCode != 200 {
		t.Fatalf("the board /new made answers %d", res.StatusCode)
	}

	res, body = get(t, app.URL+b.EditURL)
	if res.StatusCode != 200 || !strings.Contains(body, b.ID) || !strings.Contains(body, b.ViewID) {
		t.Fatalf("edit page: %d, ids present: %v %v", res.StatusCode, strings.Contains(body, b.ID), strings.Contains(body, b.ViewID))
	}
	res, body = get(t, app.URL+b.ViewURL)
	if res.StatusCode != 200 || !strings.Contains(body, b.ViewID) {
		t.Fatalf("view page: %d", res.StatusCode)
	}
	if strings.Contains(body, b.ID) {
		t.Fatal("the view page reveals the edit id")
	}
	if strings.Contains(body, `data-testid="share-edit-link"`) {
		t.Fatal("the view page offers an edit link")
	}

	for _, path := range []string{
		"/b/00000000-0000-4000-8000-000000000000",
		"/v/00000000-0000-4000-8000-000000000000",
		"/b/" + b.ViewID, // a view id does not open the edit page
		"/v/" + b.ID,
		"/b/nonsense",
		"/b/" + strings.ToUpper(b.ID),
		"/no/such/page",
	} {
		res, body := get(t, app.URL+path)
		if res.StatusCode != http.StatusNotFound || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %s, want a 404 page", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if strings.Contains(body, b.ID) {
			t.Errorf("%s: 404 page echoes the edit id", path)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	for _, path := range []string{"/", b.EditURL, b.ViewURL, "/static/app.js", "/nope"} {
		res, _ := get(t, app.URL+path)
		for header, want := range map[string]string{
			"Referrer-Policy":         "no-referrer",
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "frame-ancestors 'none'",
		} {
			if got := res.Header.Get(header); !strings.Contains(got, want) {
				t.Errorf("%s: %s = %q, want %q", path, header, got, want)
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline script or style: %s", path, csp)
		}
	}
}

func TestCreateBoardAPI(t *testing.T) {
	app := newTestApp(t)
	for _, test := range []struct {
		name, body string
		status     int
		title      string
	}{
		{"with title", `{"title":"Sprint 42"}`, 201, "Sprint 42"},
		{"empty body", ``, 201, "Untitled board"},
		{"empty object", `{}`, 201, "Untitled board"},
		{"title too long", `{"title":"` + strings.Repeat("t", 121) + `"}`, 400, ""},
		{"not JSON", `title=x`, 400, ""},
		{"unknown field", `{"titel":"x"}`, 400, ""},
	} {
		t.Run(test.name, func(t *testing.T) {
			res, err := http.Post(app.URL+"/api/boards", "application/json", strings.NewReader(test.body))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != test.status {
				t.Fatalf("status %d (%s), want %d", res.StatusCode, body, test.status)
			}
			if test.status == 201 && !strings.Contains(string(body), `"title":"`+test.title+`"`) {
				t.Fatalf("body %s lacks title %q", body, test.title)
			}
			if test.status == 400 && !strings.Contains(string(body), `"error":"bad_request"`) {
				t.Fatalf("body %s lacks the error code", body)
			}
		})
	}
}

// Acceptance 9: /metrics exposes the realtime counters; /readyz reports the
// store.
func TestMetricsAndReadiness(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	a := join(t, app.wsURL(b.EditURL+"/ws"), "a")
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	a.moveTo(1, 2)
	c.waitUntil("a's cursor", func(msgs []wireMsg) bool { return cursorsSeen(msgs)[a.you] == [2]float64{1, 2} })

	res, body := get(t, app.URL+"/metrics")
	if res.StatusCode != 200 {
		t.Fatalf("/metrics = %d", res.StatusCode)
	}
	for _, want := range []string{
		"easel_connections 2",
		"easel_rooms 1",
		"easel_frames_in_total",
		"easel_frames_out_total",
		"easel_bytes_in_total",
		"easel_bytes_out_total",
		"easel_slow_consumer_closes_total 0",
		"easel_tick_duration_seconds_count",
		`easel_messages_in_total{type="cursor"} 1`,
		`easel_http_requests_total{method="POST",route="/api/boards",status="201"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	res, body = get(t, app.URL+"/readyz")
	if res.StatusCode != 200 || !strings.Contains(body, "store: ok") {
		t.Fatalf("/readyz = %d %q", res.StatusCode, body)
	}
	app.Store.Close()
	res, body = get(t, app.URL+"/readyz")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "store") {
		t.Fatalf("/readyz with the store closed = %d %q, want 503", res.StatusCode, body)
	}
	if res, _ := get(t, app.URL+"/healthz"); res.StatusCode != 200 {
		t.Fatalf("/healthz = %d", res.StatusCode)
	}
}

func TestLogsDoNotCarryFullBoardIDs(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	get(t, app.URL+b.EditURL)
	get(t, app.URL+b.ViewURL)
	join(t, app.wsURL(b.EditURL+"/ws"), "a").close()
	for _, id := range []string{b.ID, b.ViewID} {
		if strings.Contains(app.Log.String(), id) {
			t.Fatalf("server log contains the full id %s", id)
		}
	}
}
