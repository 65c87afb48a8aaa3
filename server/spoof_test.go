package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// spoofCases are threat 9's inputs: each is cleaned to clean, or refused
// when clean is "".
var spoofCases = []struct{ desc, in, clean string }{
	{"NUL", "Ann\x00Lee", "AnnLee"},
	{"ANSI escape", "\x1b[31mAnn\x1b[0m", "[31mAnn[0m"},
	{"newline", "Ann\nLee", "Ann Lee"},
	{"bidi override", "Alice\u202Egnp.exe", "Alicegnp.exe"},
	{"zero-width only", "\u200B\u200D\uFEFF", ""},
	{"whitespace only", " \t\u3000 ", ""},
}

// unsafeRune is what no peer may receive in a name or title.
func unsafeRune(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x202E || (r >= 0x202A && r <= 0x202E) ||
			(r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C || r == 0x200B || r == 0xFEFF
	})
}

// Threat 9: a hello name with control, bidi or invisible characters
// reaches the others cleaned; one that is left empty is refused with
// bad_request naming hello.name, and the connection may try again.
func TestSpoofedNamesAreCleanedOrRefused(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	url := app.wsURL(b.EditURL + "/ws")
	watcher := join(t, url, "watcher")
	for _, sc := range spoofCases {
		t.Run(sc.desc, func(t *testing.T) {
			c := connect(t, url)
			c.name = sc.desc
			c.send(map[string]any{"type": "hello", "name": sc.in, "color": "#336699"})
			if sc.clean == "" {
				e := c.waitType("error")
				if e.Code != "bad_request" || e.Message != "hello.name is empty after removing control and invisible characters" {
					t.Fatalf("refusal: %s", e.Raw)
				}
				c.send(map[string]any{"type": "hello", "name": "Second try", "color": "#336699"})
				c.waitType("welcome")
				return
			}
			you := c.waitType("welcome").You
			var seen string
			watcher.waitUntil("the join of "+sc.desc, func(msgs []wireMsg) bool {
				for _, m := range msgs {
					if m.Type == "join" && m.Peer.ID == you {
						seen = m.Peer.Name
						return true
					}
				}
				return false
			})
			if seen != sc.clean || unsafeRune(seen) {
				t.Fatalf("the others see %q, want %q", seen, sc.clean)
			}
			// A later member sees the same name in welcome.peers.
			late := join(t, url, "late")
			for _, p := range late.waitType("welcome").Peers {
				if unsafeRune(p.Name) {
					t.Fatalf("welcome.peers holds %q", p.Name)
				}
			}
		})
	}
}

// Threat 9: a title op is cleaned before it is committed and broadcast;
// one left empty is refused whole with bad_request naming ops[0].title.
func TestSpoofedTitleOpsAreCleanedOrRefused(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	editor := join(t, app.wsURL(b.EditURL+"/ws"), "editor")
	watcher := join(t, app.wsURL(b.ViewURL+"/ws"), "watcher")
	for i, sc := range spoofCases {
		ref := "t" + string(rune('a'+i))
		editor.sendOps(ref, map[string]any{"op": "title", "title": sc.in})
		if sc.clean == "" {
			if e := editor.waitError(ref, "bad_request"); e.Message != "ops[0].title is empty after removing control and invisible characters" {
				t.Fatalf("%s: refusal says %q", sc.desc, e.Message)
			}
			continue
		}
		var op struct{ Title string }
		json.Unmarshal(watcher.waitAck(ref).Ops[0], &op)
		if op.Title != sc.clean || unsafeRune(op.Title) {
			t.Fatalf("%s: the others see title %q, want %q", sc.desc, op.Title, sc.clean)
		}
	}
	// The board as stored has the clean title: a new member's welcome.
	late := join(t, app.wsURL(b.ViewURL+"/ws"), "late")
	var wb struct{ Title string }
	json.Unmarshal(late.waitType("welcome").Board, &wb)
	if unsafeRune(wb.Title) {
		t.Fatalf("welcome title %q", wb.Title)
	}
}

// Threat 9: POST /api/boards cleans the title, or answers 400 naming it.
func TestSpoofedBoardTitlesOverHTTP(t *testing.T) {
	app := newTestApp(t)
	for _, sc := range spoofCases {
		body, _ := json.Marshal(map[string]string{"title": sc.in})
		res, err := http.Post(app.URL+"/api/boards", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if sc.clean == "" {
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(data), "title is empty after removing control and invisible characters") {
				t.Fatalf("%s: %d %s; want 400 naming the title", sc.desc, res.StatusCode, data)
			}
			continue
		}
		var created createBoardResponse
		if res.StatusCode != http.StatusCreated || json.Unmarshal(data, &created) != nil || created.Title != sc.clean {
			t.Fatalf("%s: %d %s; want 201 with title %q", sc.desc, res.StatusCode, data, sc.clean)
		}
		w := join(t, app.wsURL(created.ViewURL+"/ws"), "w")
		var wb struct{ Title string }
		json.Unmarshal(w.waitType("welcome").Board, &wb)
		if wb.Title != sc.clean {
			t.Fatalf("%s: welcome title %q", sc.desc, wb.Title)
		}
	}
}
