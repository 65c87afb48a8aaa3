package session

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/protoclient"
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

	c.Send(map[string]any{"type": "ops", "ref": "edit", "ops": []any{map[string]any{"op": "del", "id": "b"}}})
	for acked := false; !acked; {
		_, data, err := c.ReadFrame(time.Now().Add(5 * time.Second))
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
func joinWelcome(t *testing.T, th *testHub, name string) (json.RawMessage, *protoclient.Conn) {
	t.Helper()
	c, _, err := protoclient.Dial(context.Background(), th.url, protoclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.Send(map[string]any{"type": "hello", "name": name, "color": "#123456"})
	_, data, err := c.ReadFrame(time.Now().Add(5 * time.Second))
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

// The log's tail read at load is held decoded and encoded only when a
// member's `since` asks for it (recentOps.addLoaded): such a member must
// get exactly the missed messages, as the live path would have sent them,
// and a member whose catch-up would take more than half its outbox gets
// the board instead.
func TestCatchUpFromTheTailReadAtLoad(t *testing.T) {
	for _, tc := range []struct {
		name        string
		outboxBytes int
		recovered   bool
	}{
		{"within the outbox", DefaultConfig().OutboxBytes, true},
		{"beyond half the outbox", 600, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.OutboxBytes = tc.outboxBytes
			th := newTestHub(t, cfg, nil)
			st, b, ctx := th.store, th.board, context.Background()
			for _, id := range []string{"a", "b", "c"} {
				put := []board.Op{{Op: board.OpPut, El: &board.Element{ID: id, Kind: board.KindStroke, Z: id,
					Points: [][2]float64{{1.0 / 3, 1}, {2, -2.0 / 3}}, Text: "<" + id + ">"}}}
				if _, _, err := st.Append(ctx, b.ID, board.OpsMessage{By: "seed", Ref: id, Ops: put}); err != nil {
					t.Fatal(err)
				}
			}
			epoch, _, log, err := st.Load(ctx, b.ID)
			if err != nil {
				t.Fatal(err)
			}

			c, _, err := protoclient.Dial(context.Background(), th.url, protoclient.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.Send(map[string]any{"type": "hello", "name": "back", "color": "#123456",
				"since": map[string]any{"epoch": epoch, "seq": 1}})
			var got []string
			for len(got) < 3 {
				_, data, err := c.ReadFrame(time.Now().Add(5 * time.Second))
				if err != nil {
					t.Fatalf("waiting for the welcome and the missed ops: %v (got %q)", err, got)
				}
				got = append(got, strings.Split(string(data), "\n")...)
				if !tc.recovered {
					break
				}
			}
			var w struct {
				Type      string          `json:"type"`
				Recovered bool            `json:"recovered"`
				Elements  json.RawMessage `json:"elements"`
			}
			if err := json.Unmarshal([]byte(got[0]), &w); err != nil || w.Type != "welcome" || w.Recovered != tc.recovered {
				t.Fatalf("first message %.300s: want a welcome with recovered %v (%v)", got[0], tc.recovered, err)
			}
			if !tc.recovered {
				if !strings.Contains(string(w.Elements), `"id":"c"`) {
					t.Fatalf("welcome without recovery lacks the board: %.300s", got[0])
				}
				return
			}
			for i, m := range log[1:] {
				if want := string(encodeOps(&m)); got[1+i] != want {
					t.Fatalf("missed message %d:\n%s\nwant\n%s", i+2, got[1+i], want)
				}
				if n := encodedOpsLen(&m); n != len(got[1+i]) {
					t.Fatalf("the ring counted message %d as %d bytes, its encoding has %d", i+2, n, len(got[1+i]))
				}
			}
		})
	}
}
