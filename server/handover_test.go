package server

import (
	"strings"
	"testing"
	"time"
)

// Issue 18: a socket is handed to a goroutine of the session's own at the
// upgrade, and the HTTP handler returns (its goroutine, with the stack
// net/http and echo grew, ends) while the socket lives on: the request's
// log line comes while the member is still connected, and the member
// still works afterwards.
func TestSocketOutlivesItsHandler(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	alice := join(t, app.wsURL("/b/"+b.ID+"/ws"), "Alice")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(app.Log.String(), `msg="socket handed over"`) {
		if time.Now().After(deadline) {
			t.Fatal("the socket's HTTP handler has not returned while the socket is open")
		}
		time.Sleep(5 * time.Millisecond)
	}
	alice.sendOps("after", putRect("r1", 0))
	alice.waitAck("after")
	bob := join(t, app.wsURL("/b/"+b.ID+"/ws"), "Bob")
	alice.waitType("join")
	bob.close()
	alice.waitType("leave")
}
