package server

import (
	"bytes"
	"encoding/json"
	"image/color"
	"net/http"
	"strings"
	"testing"

	"github.com/easel-app/easel/internal/testimages"
)

// imagePut is the op that puts an image element showing blob sha.
func imagePut(id, sha string) map[string]any {
	return map[string]any{"op": "put", "el": map[string]any{"id": id, "kind": "image", "x": 10, "y": 20, "w": 30, "h": 20, "z": "a5", "src": "blob:" + sha}}
}

// uploadPNG puts a small PNG on the board at url (…/b/<id>) and returns
// its sha.
func uploadPNG(t testing.TB, boardURL string, c color.RGBA) string {
	t.Helper()
	a := postBlob(t, boardURL+"/blobs", "image/png", bytes.NewReader(testimages.Encode(t, "png", testimages.Solid(30, 20, c))))
	if a.status != http.StatusCreated && a.status != http.StatusOK {
		t.Fatalf("upload: %d %s", a.status, a.body)
	}
	return a.info.SHA256
}

// Protocol (image element): src is a blob already uploaded to this board,
// otherwise bad_request for the whole message, ops and drafts alike.
func TestOpsPlaceOnlyImagesTheBoardHolds(t *testing.T) {
	app := newTestApp(t)
	b, other := app.createBoard(t), app.createBoard(t)
	alice := join(t, app.wsURL(b.EditURL+"/ws"), "alice")
	bob := join(t, app.wsURL(b.EditURL+"/ws"), "bob")

	rect := map[string]any{"op": "put", "el": map[string]any{"id": "r", "kind": "rect", "w": 5, "h": 5, "z": "a1"}}
	alice.sendOps("ghost", rect, imagePut("img", strings.Repeat("ab", 32)))
	if e := alice.waitError("ghost", "bad_request"); !strings.Contains(e.Message, "upload it first") {
		t.Errorf("an image of a blob nobody uploaded: %q", e.Message)
	}
	foreign := uploadPNG(t, app.URL+other.EditURL, color.RGBA{1, 2, 3, 255})
	alice.sendOps("foreign", imagePut("img", foreign))
	alice.waitError("foreign", "bad_request")

	sha := uploadPNG(t, app.URL+b.EditURL, color.RGBA{200, 100, 0, 255})
	alice.sendOps("placed", imagePut("img", sha))
	ack := alice.waitAck("placed")
	if ack.Seq != 1 {
		t.Fatalf("the first accepted message has seq %d: a refused one was applied", ack.Seq)
	}
	bob.waitAck("placed")

	late := join(t, app.wsURL(b.ViewURL+"/ws"), "late")
	elements, seq := boardFromMessages(t, "late", late.messages())
	if seq != 1 || len(elements) != 1 {
		t.Fatalf("the board at seq %d holds %v; want the image alone (the refused rect is not there)", seq, elements)
	}
	var el struct{ Kind, Src string }
	json.Unmarshal([]byte(elements["img"]), &el)
	if el.Kind != "image" || el.Src != "blob:"+sha {
		t.Fatalf("the image in the snapshot: %s", elements["img"])
	}

	// Drafts: refused for a blob the board lacks, relayed for one it holds.
	draft := func(sha string) map[string]any {
		return map[string]any{"type": "draft", "el": imagePut("moving", sha)["el"]}
	}
	alice.send(draft(foreign))
	alice.waitUntil("a bad_request for the draft", func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "error" && m.Code == "bad_request" && strings.Contains(m.Message, "draft.el.src") {
				return true
			}
		}
		return false
	})
	alice.send(draft(sha))
	bob.waitUntil("alice's image draft", func(msgs []wireMsg) bool {
		return strings.Contains(draftsSeen(msgs)[alice.you], "blob:"+sha)
	})
}
