package session

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/protoclient"
)

// Fault 4 of issue 10: board loads are bounded per node. With one load
// slot held by a board whose load does not finish, a member joining
// another board waits LoadWait and then gets `error` `unavailable` and
// 1013 (retry later); an export of an unloaded board gets `unavailable`
// (503 over HTTP). Once the slot frees, both boards load.
func TestBoardLoadsAreBoundedPerNode(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxLoads, cfg.LoadWait = 1, 300*time.Millisecond
	entered, release := make(chan string, 4), make(chan struct{})
	var held string
	th := newTestHub(t, cfg, func(h *Hub) {
		h.testHookLoad = func(id string) {
			entered <- id
			if id == held {
				<-release
			}
		}
	})
	held = th.board.ID
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})

	other, _ := board.New("other", time.Now())
	if err := th.store.CreateBoard(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		th.ServeWS(w, r, Admission{Board: other, Role: board.RoleEdit})
	}))
	t.Cleanup(ts.Close)
	otherURL := "ws" + strings.TrimPrefix(ts.URL, "http")

	deadlines := map[*protoclient.Conn]time.Time{} // 10 s after each hello, for all its reads
	read := func(c *protoclient.Conn) (int, []byte, error) { return c.ReadFrame(deadlines[c]) }
	hello := func(url, name string) *protoclient.Conn {
		c, _, err := protoclient.Dial(context.Background(), url, protoclient.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		c.Send(map[string]any{"type": "hello", "name": name, "color": "#123456"})
		deadlines[c] = time.Now().Add(10 * time.Second)
		return c
	}
	first := hello(th.url, "first")
	select {
	case <-entered: // the first board's load holds the only slot
	case <-time.After(10 * time.Second):
		t.Fatal("the first board's load never started")
	}

	second := hello(otherURL, "second")
	_, data, err := read(second)
	var msg struct{ Type, Code, Message string }
	json.Unmarshal(data, &msg)
	if err != nil || msg.Type != "error" || msg.Code != string(board.CodeUnavailable) {
		t.Fatalf("joining another board while the only load slot is held: %s %v; want error unavailable", data, err)
	}
	if _, _, err := read(second); !websocket.IsCloseError(err, websocket.CloseTryAgainLater) {
		t.Fatalf("after unavailable the connection ended with %v, want 1013", err)
	}
	if _, err := th.Snapshot(context.Background(), other.ID); board.ErrorCode(err) != board.CodeUnavailable {
		t.Fatalf("an export's load while the slot is held: %v, want unavailable", err)
	}

	close(release)
	if _, data, err := read(first); err != nil || !strings.Contains(string(data), `"welcome"`) {
		t.Fatalf("the first member after its load finished: %s %v; want its welcome", data, err)
	}
	third := hello(otherURL, "third")
	if _, data, err := read(third); err != nil || !strings.Contains(string(data), `"welcome"`) {
		t.Fatalf("joining the other board once the slot is free: %s %v; want a welcome", data, err)
	}
}
