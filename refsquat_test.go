package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/internal/protoclient"
)

// Issue 10, fault 10: refs are broadcast to every member, so an editor can
// commit another member's next (predictable) ref first. Refs now belong to
// their author: hello's secret client id scopes dedupe, a resent ref after
// a reconnect with the same client id still dedupes to its original, and
// the client id is never sent to anyone.
func TestRefsBelongToTheirAuthor(t *testing.T) {
	addr, _ := startRun(t, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, nil)
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	id, viewID := createBoardAt(t, addr)
	url := "ws://" + addr + "/b/" + id + "/ws"
	const aliceClient, malloryClient = "alice-secret-client-id-0123456789", "mallory-client-id-000000"
	alice := connectClient(t, url, "alice", aliceClient, nil)
	mallory := connectClient(t, url, "mallory", malloryClient, nil)

	alice.edit("alice-1")
	mallory.waitFor("alice-1", 10*time.Second, func() bool { return mallory.elements["alice-1"] })
	// Mallory saw ref alice-1 and squats on the next one.
	mallory.send(map[string]any{"type": "ops", "ref": "alice-2", "ops": []any{
		map[string]any{"op": "put", "el": map[string]any{"id": "evil", "kind": "rect", "w": 5, "h": 5, "z": "a0"}}}})
	alice.waitFor("mallory's squat", 10*time.Second, func() bool { return alice.elements["evil"] })
	alice.edit("alice-2")
	for _, m := range []*member{alice, mallory} {
		m.waitFor("alice's own alice-2 on the board", 10*time.Second, func() bool { return m.elements["alice-2"] })
	}

	// A reconnect with the same client id: the resent ref is the original.
	alice.mu.Lock()
	since := map[string]any{"epoch": alice.epoch, "seq": alice.seq}
	alice.mu.Unlock()
	alice.conn.Close()
	again := connectClient(t, url, "alice-again", aliceClient, since)
	again.resendIsDeduped("alice-2")

	// Without a client id, refs are scoped to the connection alone.
	anon1 := connectMember(t, url, "anon1", nil)
	anon2 := connectMember(t, url, "anon2", nil)
	anon1.edit("same-ref")
	anon1.waitFor("its ack", 10*time.Second, func() bool { return anon1.acked["same-ref"] })
	anon2.edit("same-ref")
	anon2.waitFor("its own same-ref committed", 10*time.Second, func() bool {
		for _, msg := range anon2.msgs {
			if msg["type"] == "ops" && msg["ref"] == "same-ref" && msg["by"] == anon2.you {
				return true
			}
		}
		return false
	})

	// The client id is never sent to anyone, nor exported.
	for _, m := range []*member{alice, mallory, again, anon1, anon2} {
		m.mu.Lock()
		for _, msg := range m.msgs {
			line, _ := json.Marshal(msg)
			for _, secret := range []string{aliceClient, malloryClient} {
				if strings.Contains(string(line), secret) {
					t.Errorf("%s received a client id: %s", m.name, line)
				}
			}
		}
		m.mu.Unlock()
	}
	for _, path := range []string{"/b/" + id + "/export.json", "/v/" + viewID + "/export.json", "/b/" + id + "/export.svg"} {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || strings.Contains(string(body), aliceClient) || strings.Contains(string(body), malloryClient) {
			t.Errorf("GET %s: status %d, holds a client id: %v", path, res.StatusCode, strings.Contains(string(body), aliceClient))
		}
	}
}

// A hello whose client id is not 16–64 chars of [A-Za-z0-9_-] is refused
// with bad_request naming the field; the connection may still say hello.
func TestHelloRejectsABadClientID(t *testing.T) {
	addr, _ := startRun(t, []string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, nil)
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	id, _ := createBoardAt(t, addr)
	conn, _, err := protoclient.Dial(context.Background(), "ws://"+addr+"/b/"+id+"/ws", protoclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// readMessage reads the first message of the next frame.
	readMessage := func() (map[string]any, error) {
		_, data, err := conn.ReadFrame(time.Now().Add(5 * time.Second))
		if err != nil {
			return nil, err
		}
		var msg map[string]any
		line, _, _ := bytes.Cut(data, []byte("\n"))
		return msg, json.Unmarshal(line, &msg)
	}
	for _, bad := range []any{"too-short", strings.Repeat("a", 65), "has spaces and is long enough", "ünïcödé-client-id-123"} {
		conn.Send(map[string]any{"type": "hello", "name": "x", "color": "#123456", "client": bad})
		msg, err := readMessage()
		if err != nil {
			t.Fatalf("client %v: %v", bad, err)
		}
		if msg["type"] != "error" || msg["code"] != "bad_request" || !strings.Contains(msg["message"].(string), "client") {
			t.Errorf("client %v: got %v, want error bad_request naming client", bad, msg)
		}
	}
	conn.Send(protoclient.Hello{Name: "x", Color: "#123456", Client: "good_client-id-0123456789"})
	if msg, err := readMessage(); err != nil || msg["type"] != "welcome" {
		t.Fatalf("a good client id: %v, %v; want welcome", msg, err)
	}
}

// resendIsDeduped resends ref, as a client does after a reconnect, and
// checks that the ack is the original: the board's seq does not move.
func (m *member) resendIsDeduped(ref string) {
	m.t.Helper()
	m.mu.Lock()
	seq := m.seq
	m.mu.Unlock()
	m.edit(ref)
	m.waitFor("the ack of the resent "+ref, 10*time.Second, func() bool { return m.acked[ref] })
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seq != seq {
		m.t.Errorf("%s: the resent %s was committed again (seq %d → %d), not deduped", m.name, ref, seq, m.seq)
	}
}
