package server

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// An export's background (issue 11) is part of what the file is: the
// socket's `background` and HTTP's ?background= give the same bytes, a
// transparent page is another file than the white default (a different
// transfer), white spelled out is the default, and a bad value is refused
// with its reason.
func TestExportBackground(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	c.sendOps("fill", everyKind()...)
	c.waitAck("fill")

	white, whiteData := socketExportOf(t, c, map[string]any{"type": "export", "ref": "w", "format": "png"})
	clear, clearData := socketExportOf(t, c, map[string]any{"type": "export", "ref": "t", "format": "png", "background": "transparent"})
	if white.ID == clear.ID || bytes.Equal(whiteData, clearData) {
		t.Fatalf("transparent and white share transfer %s / equal bytes", white.ID)
	}
	spelled, _ := socketExportOf(t, c, map[string]any{"type": "export", "ref": "W", "format": "png", "background": "#FFFFFF"})
	if spelled.ID != white.ID {
		t.Errorf("#FFFFFF got transfer %s, the default %s", spelled.ID, white.ID)
	}
	dark, darkData := socketExportOf(t, c, map[string]any{"type": "export", "ref": "d", "format": "svg", "background": "#121212"})
	if dark.Size == 0 || !bytes.Contains(darkData, []byte(`fill="#121212"/>`)) {
		t.Errorf("dark SVG lacks its page: %s", darkData[:min(400, len(darkData))])
	}

	res, body := httpExport(t, app.URL+b.EditURL+"/export.png?background=transparent", nil)
	if res.StatusCode != 200 || !bytes.Equal(body, clearData) {
		t.Errorf("HTTP transparent PNG: %d, same bytes as the socket's: %v", res.StatusCode, bytes.Equal(body, clearData))
	}
	res, _ = httpExport(t, app.URL+b.ViewURL+"/export.png?background=%23ffffff", nil)
	if res.StatusCode != 200 || res.Header.Get("ETag") != `"`+white.SHA256+`"` {
		t.Errorf("HTTP white PNG on the view link: %d, ETag %s, want the default's %s", res.StatusCode, res.Header.Get("ETag"), white.SHA256)
	}

	for _, bad := range []string{"red", "%23fff", "none", "%23ggghhh"} {
		res, body := httpExport(t, app.URL+b.EditURL+"/export.svg?background="+bad, nil)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "background must be #rrggbb or transparent") {
			t.Errorf("?background=%s: %d %s, want 400 with the reason", bad, res.StatusCode, body)
		}
	}
	c.send(map[string]any{"type": "export", "ref": "bad", "format": "png", "background": "blue"})
	c.waitError("bad", "bad_request")
}
