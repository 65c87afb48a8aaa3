package session

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/easel-app/easel/board"
)

// The welcome's elements are written straight into the welcome and the
// cache of them lives inside the first one (appendElements): every later
// welcome must still carry exactly the board's elements, and an edit must
// invalidate the cache.
func TestWelcomesCarryTheBoardAfterTheCachedEncoding(t *testing.T) {
	th := newTestHub(t, DefaultConfig(), nil)
	st, b, ctx := th.store, th.board, context.Background()
	for i, id := range []string{"b", "a"} {
		put := []board.Op{{Op: board.OpPut, El: &board.Element{ID: id, Kind: board.KindStroke, Z: id,
			Points: [][2]float64{{1.0 / 3, float64(i)}, {2, -2.0 / 3}}, Text: `<&"é>`}}}
		if _, _, err := st.Append(ctx, b.ID, board.OpsMessage{By: "seed", Ref: id, Ops: put}); err != nil {
			t.Fatal(err)
		}
	}
	want := func() []byte {
		_, snap, _, err := st.Load(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(snap.Sorted())
		if err != nil {
			t.Fatal(err)
		}
		return data
	}

	first, c := joinWelcome(t, th, "first")
	second, _ := joinWelcome(t, th, "second")
	for name, got := range map[string][]byte{"first": first, "second": second} {
		if w := want(); !bytes.Equal(got, w) {
			t.Fatalf("%s welcome's elements:\n%s\nwant\n%s", name, got, w)
		}
	}

	c.WriteJSON(map[string]any{"type": "ops", "ref": "edit", "ops": []any{map[string]any{"op": "del", "id": "b"}}})
	for acked := false; !acked; {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, data, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for the edit's ops: %v", err)
		}
		acked = strings.Contains(string(data), `"ref":"edit"`)
	}
	third, _ := joinWelcome(t, th, "third")
	if w := want(); !bytes.Equal(third, w) || strings.Contains(string(third), `"id":"b"`) {
		t.Fatalf("welcome after an edit:\n%s\nwant\n%s", third, w)
	}
}

// joinWelcome joins as name and returns its welcome's elements, exactly as
// sent, and the connection.
func joinWelcome(t *testing.T, th *testHub, name string) (json.RawMessage, *websocket.Conn) {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial(th.url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.WriteJSON(map[string]any{"type": "hello", "name": name, "color": "#123456"})
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := c.ReadMessage()
	if err != nil {
		t.Fatalf("%s: no welcome: %v", name, err)
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i] // the welcome is first; later messages may share its frame
	}
	var w struct {
		Type     string          `json:"type"`
		Elements json.RawMessage `json:"elements"`
	}
	if err := json.Unmarshal(data, &w); err != nil || w.Type != "welcome" {
		t.Fatalf("%s: want a welcome, got %.300s (%v)", name, data, err)
	}
	return w.Elements, c
}
