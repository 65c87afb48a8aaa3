package server

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// An SVG's embedded fonts (issue 12) are part of what the file is: the
// socket's `embedFonts` and HTTP's ?embed_fonts=1 (edit and view routes)
// give the same bytes, which are another file than the default SVG (a
// different transfer, with @font-face data the default lacks); other
// formats ignore the option, and a bad value is refused with its reason.
func TestExportEmbedFonts(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	c.sendOps("fill", everyKind()...)
	c.waitAck("fill")

	plain, plainData := socketExportOf(t, c, map[string]any{"type": "export", "ref": "p", "format": "svg"})
	embed, embedData := socketExportOf(t, c, map[string]any{"type": "export", "ref": "e", "format": "svg", "embedFonts": true})
	if plain.ID == embed.ID || bytes.Equal(plainData, embedData) {
		t.Fatalf("embedded and default SVG share transfer %s / equal bytes", plain.ID)
	}
	if bytes.Contains(plainData, []byte("@font-face")) || !bytes.Contains(embedData, []byte("@font-face{font-family:'Easel Go ")) {
		t.Fatalf("@font-face in the default SVG %v, in the embedded one %v",
			bytes.Contains(plainData, []byte("@font-face")), bytes.Contains(embedData, []byte("@font-face")))
	}
	again, _ := socketExportOf(t, c, map[string]any{"type": "export", "ref": "e2", "format": "svg", "embedFonts": true})
	if again.ID != embed.ID {
		t.Errorf("a second embedded SVG at the same seq got transfer %s, not %s", again.ID, embed.ID)
	}

	for _, u := range []string{b.EditURL, b.ViewURL} {
		res, body := httpExport(t, app.URL+u+"/export.svg?embed_fonts=1", nil)
		if res.StatusCode != 200 || !bytes.Equal(body, embedData) {
			t.Errorf("HTTP %s?embed_fonts=1: %d, same bytes as the socket's: %v", u, res.StatusCode, bytes.Equal(body, embedData))
		}
	}
	res, _ := httpExport(t, app.URL+b.EditURL+"/export.svg?embed_fonts=0", nil)
	if res.Header.Get("ETag") != `"`+plain.SHA256+`"` {
		t.Errorf("?embed_fonts=0: ETag %s, want the default's %s", res.Header.Get("ETag"), plain.SHA256)
	}

	png, _ := socketExportOf(t, c, map[string]any{"type": "export", "ref": "n", "format": "png"})
	pngEmbed, _ := socketExportOf(t, c, map[string]any{"type": "export", "ref": "n2", "format": "png", "embedFonts": true})
	if png.ID != pngEmbed.ID {
		t.Errorf("PNG with embedFonts got transfer %s, the default PNG %s: the option is SVG's", pngEmbed.ID, png.ID)
	}

	for _, bad := range []string{"true", "2", "yes"} {
		res, body := httpExport(t, app.URL+b.EditURL+"/export.svg?embed_fonts="+bad, nil)
		if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "embed_fonts must be 0 or 1") {
			t.Errorf("?embed_fonts=%s: %d %s, want 400 with the reason", bad, res.StatusCode, body)
		}
	}
}
