package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/internal/procs"
	"github.com/easel-app/easel/internal/protoclient"
	"github.com/easel-app/easel/loadgen"
)

// startRelay runs the relay in this process, found through its listening
// line as the load generator finds it.
func startRelay(t *testing.T) *procs.Server {
	t.Helper()
	srv, err := procs.Run(func(ctx context.Context, log io.Writer) error {
		return run(ctx, []string{"--addr", "127.0.0.1:0"}, log)
	}, procs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return srv
}

// joinRelay dials board b's socket as the load
// generator does, says hello and returns the member and its peer id.
func joinRelay(t *testing.T, base string, b loadgen.Board) (*protoclient.Conn, string) {
	t.Helper()
	url := "ws" + strings.TrimPrefix(base, "http") + b.EditURL + "/ws"
	c, _, err := protoclient.Dial(context.Background(), url, protoclient.Options{Subprotocols: []string{protoclient.Subprotocol}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if c.Subprotocol() != protoclient.Subprotocol {
		t.Fatalf("subprotocol %q, want %q", c.Subprotocol(), protoclient.Subprotocol)
	}
	if err := c.Send(protoclient.Hello{Name: "t", Color: "#336699"}); err != nil {
		t.Fatal(err)
	}
	line, rest, err := c.ReadWelcome(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		Type, You, Epoch, Role string
		Seq                    uint64
		Peers, Elements        []any
	}
	if err := json.Unmarshal(line, &w); err != nil || w.You == "" || w.Epoch == "" || w.Seq != 0 || w.Role != "edit" || w.Peers == nil || w.Elements == nil || len(rest) > 0 {
		t.Fatalf("welcome %s (rest %q): %v", line, rest, err)
	}
	return c, w.You
}

// nextFrame is the member's next frame, within 5 s.
func nextFrame(t *testing.T, c *protoclient.Conn) string {
	t.Helper()
	_, data, err := c.ReadFrame(time.Now().Add(5 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// A move reaches the other member of its room at once as a cursors frame
// of one entry, and neither its sender nor a member of another room: the
// broadcast is queued to every recipient before the sender's handler
// returns, so the other room's member, whose first frame is its own
// room's later move, never had the earlier one queued.
func TestRelaysCursorWithinRoomOnly(t *testing.T) {
	srv := startRelay(t)
	boardA, err := loadgen.CreateBoard(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	boardB, err := loadgen.CreateBoard(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	if boardA.ID == boardB.ID || boardA.ViewID == "" || boardA.EditURL != "/b/"+boardA.ID {
		t.Fatalf("boards %+v and %+v", boardA, boardB)
	}
	a1, you1 := joinRelay(t, srv.URL(), boardA)
	a2, _ := joinRelay(t, srv.URL(), boardA)
	b1, _ := joinRelay(t, srv.URL(), boardB)
	b2, youB2 := joinRelay(t, srv.URL(), boardB)

	if err := a1.SendText([]byte(`{"type":"cursor","x":3,"y":1234.5}`)); err != nil {
		t.Fatal(err)
	}
	if got, want := nextFrame(t, a2), `{"type":"cursors","c":[["`+you1+`",3,1234.5]]}`; got != want {
		t.Fatalf("room A's other member got %s, want %s", got, want)
	}
	if err := b2.SendText([]byte(`{"type":"cursor","x":7,"y":8}`)); err != nil {
		t.Fatal(err)
	}
	if got, want := nextFrame(t, b1), `{"type":"cursors","c":[["`+youB2+`",7,8]]}`; got != want {
		t.Fatalf("room B's member got %s first, want only its room's move %s", got, want)
	}
	// The sender hears nothing of its own move: its next frame is a2's.
	if err := a2.SendText([]byte(`{"type":"cursor","x":1,"y":2}`)); err != nil {
		t.Fatal(err)
	}
	if got := nextFrame(t, a1); !strings.HasSuffix(got, `",1,2]]}`) {
		t.Fatalf("sender's next frame %s, want a2's move", got)
	}
}

// A member that has not said hello yet gets no cursors: its first frame
// must be its welcome.
func TestNoCursorsBeforeWelcome(t *testing.T) {
	srv := startRelay(t)
	b, err := loadgen.CreateBoard(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	mover, _ := joinRelay(t, srv.URL(), b)
	url := "ws" + strings.TrimPrefix(srv.URL(), "http") + b.EditURL + "/ws"
	late, _, err := protoclient.Dial(context.Background(), url, protoclient.Options{Subprotocols: []string{protoclient.Subprotocol}})
	if err != nil {
		t.Fatal(err)
	}
	defer late.Close()
	if err := mover.SendText([]byte(`{"type":"cursor","x":1,"y":1}`)); err != nil {
		t.Fatal(err)
	}
	// A second member who has said hello proves the move was relayed.
	witness, _ := joinRelay(t, srv.URL(), b)
	if err := mover.SendText([]byte(`{"type":"cursor","x":1,"y":2}`)); err != nil {
		t.Fatal(err)
	}
	if got := nextFrame(t, witness); !strings.HasSuffix(got, `",1,2]]}`) {
		t.Fatalf("witness got %s", got)
	}
	if err := late.Send(protoclient.Hello{Name: "late"}); err != nil {
		t.Fatal(err)
	}
	if first := nextFrame(t, late); !bytes.Contains([]byte(first), []byte(`"type":"welcome"`)) {
		t.Fatalf("first frame of a member joining during moves: %s", first)
	}
}
