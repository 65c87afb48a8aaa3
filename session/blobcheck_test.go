package session

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/easel-app/easel/board"
)

// lookupCounter counts the store's blob lookups.
type lookupCounter struct {
	board.Store
	lookups atomic.Int64
}

func (s *lookupCounter) BlobInfo(ctx context.Context, id, sha string) (board.BlobInfo, error) {
	s.lookups.Add(1)
	return s.Store.BlobInfo(ctx, id, sha)
}

// A member dragging an image sends a draft per frame: only the first asks
// the store whether the board holds its blob (it was uploaded through
// another node, so this one has not seen it), and the ops placing it ask
// nothing more. An image the board does not hold is refused, draft and
// ops alike.
func TestImageDraftsAndOpsLookUpTheBlobOnce(t *testing.T) {
	var counter *lookupCounter
	th := newTestHub(t, DefaultConfig(), func(h *Hub) {
		counter = &lookupCounter{Store: h.store}
		h.store = counter
	})
	data := []byte("bytes of an image, as far as the store knows")
	info := board.BlobInfo{SHA256: strings.Repeat("0123456789abcdef", 4), MIME: "image/png", Size: int64(len(data)), Width: 4, Height: 3}
	if _, _, err := th.store.PutBlob(context.Background(), th.board.ID, info, data, 1<<20); err != nil {
		t.Fatal(err)
	}
	c := th.join(t, "dragger")
	image := func(x int, sha string) map[string]any {
		return map[string]any{"id": "img", "kind": "image", "x": x, "y": 0, "w": 4, "h": 3, "z": "a0", "src": "blob:" + sha}
	}
	for x := range 30 {
		c.WriteJSON(map[string]any{"type": "draft", "el": image(x, info.SHA256)})
	}
	c.WriteJSON(map[string]any{"type": "ops", "ref": "place", "ops": []any{map[string]any{"op": "put", "el": image(30, info.SHA256)}}})
	ack := readUntil(t, c, func(m map[string]any) bool { return m["type"] == "ops" || m["type"] == "error" })
	if ack["type"] != "ops" || ack["ref"] != "place" {
		t.Fatalf("placing an image the board holds: %v", ack)
	}
	if n := counter.lookups.Load(); n != 1 {
		t.Fatalf("30 drafts and an ops message of one image asked the store %d times, want once", n)
	}

	unknown := strings.Repeat("f", 64)
	c.WriteJSON(map[string]any{"type": "draft", "el": image(0, unknown)})
	if e := readUntil(t, c, func(m map[string]any) bool { return m["type"] == "error" }); e["code"] != "bad_request" || !strings.Contains(e["message"].(string), "draft.el.src") {
		t.Fatalf("a draft of an image the board does not hold: %v, want bad_request", e)
	}
	c.WriteJSON(map[string]any{"type": "ops", "ref": "ghost", "ops": []any{map[string]any{"op": "put", "el": image(0, unknown)}}})
	if e := readUntil(t, c, func(m map[string]any) bool { return m["type"] == "error" || m["type"] == "ops" }); e["code"] != "bad_request" || e["ref"] != "ghost" {
		t.Fatalf("ops placing an image the board does not hold: %v, want bad_request", e)
	}
}

// readUntil reads messages until one matches, with a deadline.
func readUntil(t *testing.T, c *websocket.Conn, match func(map[string]any) bool) map[string]any {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("no matching message: %v", err)
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			var m map[string]any
			if json.Unmarshal(line, &m) == nil && match(m) {
				return m
			}
		}
	}
}
