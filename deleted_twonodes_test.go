package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/easel-app/easel/internal/protoclient"
)

// Issue 17: a board deleted on node A ends on node B too: B's member gets
// `deleted` then 1000, and B answers 410 for both links at once (the
// tombstone is in the shared store), whatever B had loaded.
func TestDeleteReachesEveryNode(t *testing.T) {
	addrA, addrB, b := twoNodesWithABoard(t)
	bob := connectMember(t, "ws://"+addrB+"/b/"+b.ID+"/ws", "bob", nil)
	if err := bob.send(map[string]any{"type": "ops", "ref": "r1", "ops": []any{map[string]any{"op": "put",
		"el": map[string]any{"id": "e1", "kind": "rect", "x": 0, "y": 0, "w": 10, "h": 10, "z": "a0"}}}}); err != nil {
		t.Fatal(err)
	}
	bob.wait("the ack of r1", func(m map[string]any) bool { return m["type"] == "ops" && m["ref"] == "r1" })

	req, err := http.NewRequest(http.MethodDelete, "http://"+addrA+"/b/"+b.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE on node A = %d, want 204", res.StatusCode)
	}
	bob.wait("deleted, from node A", func(m map[string]any) bool { return m["type"] == "deleted" })
	if code := protoclient.CloseCode(bob.closedWithin(5 * time.Second)); code != 1000 {
		t.Fatalf("bob's socket on node B closed with %d, want 1000", code)
	}
	for _, url := range []string{"http://" + addrB + "/b/" + b.ID, "http://" + addrB + "/v/" + b.ViewID, "http://" + addrA + "/b/" + b.ID + "/history"} {
		if status := getStatus(t, url); status != http.StatusGone {
			t.Fatalf("GET %s after the delete = %d, want 410", url, status)
		}
	}
}
