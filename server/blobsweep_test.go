package server

import (
	"image/color"
	"net/http"
	"testing"
	"time"

	"github.com/easel-app/easel/session"
)

// Blobs no element shows are deleted once their grace has passed; those
// the board shows stay, and so do those uploaded again within the grace.
func TestUnreferencedImagesAreCollectedAfterTheirGrace(t *testing.T) {
	const grace = 2 * time.Second
	app := newTestApp(t, func(cfg *session.Config, _ *Options) {
		cfg.BlobGrace, cfg.BlobSweepEvery, cfg.BlobSweepBoards = grace, 50*time.Millisecond, 1
	})
	b, other := app.createBoard(t), app.createBoard(t)
	alice := join(t, app.wsURL(b.EditURL+"/ws"), "alice")
	start := time.Now() // before every upload: no grace ends before start+grace
	shown := uploadPNG(t, app.URL+b.EditURL, color.RGBA{1, 0, 0, 255})
	erased := uploadPNG(t, app.URL+b.EditURL, color.RGBA{2, 0, 0, 255})
	unused := uploadPNG(t, app.URL+b.EditURL, color.RGBA{3, 0, 0, 255})
	elsewhere := uploadPNG(t, app.URL+other.EditURL, color.RGBA{4, 0, 0, 255})
	alice.sendOps("place", imagePut("shown", shown), imagePut("erased", erased))
	alice.waitAck("place")
	alice.sendOps("erase", map[string]any{"op": "del", "id": "erased"})
	alice.waitAck("erase")

	status := func(boardURL, sha string) int {
		res, _ := httpExport(t, app.URL+boardURL+"/blobs/"+sha, nil)
		return res.StatusCode
	}
	// Half way through the grace, unused's bytes come again: its grace
	// starts over.
	time.Sleep(time.Until(start.Add(grace / 2)))
	renewed := time.Now()
	uploadPNG(t, app.URL+b.EditURL, color.RGBA{3, 0, 0, 255})
	for _, sha := range []string{shown, erased, unused} {
		if s := status(b.EditURL, sha); s != http.StatusOK {
			t.Fatalf("%.12s… within its grace: %d, want 200", sha, s)
		}
	}

	deadline := time.Now().Add(20 * time.Second)
	for status(b.EditURL, erased) != http.StatusNotFound || status(other.EditURL, elsewhere) != http.StatusNotFound {
		if time.Now().After(deadline) {
			t.Fatalf("unreferenced images past their grace still served: erased %d, other board's %d", status(b.EditURL, erased), status(other.EditURL, elsewhere))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if time.Since(start) < grace {
		t.Fatalf("an image was collected %v after its upload, within its grace of %v", time.Since(start), grace)
	}
	// The room that took the upload forgets the image with its bytes:
	// putting it back now is refused, not a picture of nothing.
	alice.sendOps("undo-too-late", imagePut("erased", erased))
	alice.waitError("undo-too-late", "bad_request")
	if s := status(b.EditURL, shown); s != http.StatusOK {
		t.Fatalf("the image the board shows was collected: %d", s)
	}
	if s := status(b.EditURL, unused); s != http.StatusOK && time.Since(renewed) < grace {
		t.Fatalf("an image uploaded again was collected within its renewed grace: %d", s)
	}
}
