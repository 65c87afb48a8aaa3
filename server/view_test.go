package server

import (
	"strings"
	"testing"
)

// Acceptance 6: a view-link member sees cursors and presence; its welcome
// says role view, and no edit id appears anywhere in what it receives.
func TestViewMemberWatchesWithoutTheEditID(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	editor := join(t, app.wsURL(b.EditURL+"/ws"), "editor")
	viewer := join(t, app.wsURL(b.ViewURL+"/ws"), "viewer")

	w := viewer.waitType("welcome")
	if w.Role != "view" {
		t.Fatalf("welcome role = %q, want view", w.Role)
	}
	if len(w.Peers) != 1 || w.Peers[0].ID != editor.you || w.Peers[0].Role != "edit" {
		t.Fatalf("welcome peers = %+v, want the editor", w.Peers)
	}
	editor.waitUntil("the viewer's join with role view", func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "join" && m.Peer.ID == viewer.you && m.Peer.Role == "view" {
				return true
			}
		}
		return false
	})
	editor.moveTo(12, 34)
	viewer.moveTo(56, 78)
	viewer.waitUntil("the editor's cursor", func(msgs []wireMsg) bool { return cursorsSeen(msgs)[editor.you] == [2]float64{12, 34} })
	editor.waitUntil("the viewer's cursor", func(msgs []wireMsg) bool { return cursorsSeen(msgs)[viewer.you] == [2]float64{56, 78} })

	for _, m := range viewer.messages() {
		if strings.Contains(m.Raw, b.ID) {
			t.Fatalf("view member received the edit id in %s", m.Raw)
		}
	}
	ew := editor.waitType("welcome")
	if !strings.Contains(string(ew.Board), b.ID) {
		t.Fatalf("editor's welcome board %s lacks the edit id", ew.Board)
	}
}
