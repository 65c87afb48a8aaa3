package server

import "testing"

// With --cursor-tick 0 (the per-message baseline) presence is relayed as it
// comes, still never to its author, and a commit still clears the draft.
func TestPresenceWithoutATick(t *testing.T) {
	app := newTestApp(t, withTick(0))
	b := app.createBoard(t)
	alice := join(t, app.wsURL(b.EditURL+"/ws"), "alice")
	bob := join(t, app.wsURL(b.ViewURL+"/ws"), "bob")
	alice.sendDraft(strokeEl("a1", 3))
	alice.send(map[string]any{"type": "chat", "text": "hi"})
	alice.send(map[string]any{"type": "cursor", "x": 1, "y": 2, "laser": true})
	bob.waitUntil("alice's draft, chat and laser", func(msgs []wireMsg) bool {
		return draftHasPoints(draftsSeen(msgs)[alice.you], "a1", 3) && len(saidBy(msgs, alice.you, false)) == 1 && laserAt(msgs, alice.you, 1, 2)
	})
	alice.sendOps("c", map[string]any{"op": "put", "el": strokeEl("a1", 3)})
	bob.waitUntil("alice's draft cleared", func(msgs []wireMsg) bool { return draftsSeen(msgs)[alice.you] == "null" })
	carol := join(t, app.wsURL(b.EditURL+"/ws"), "carol")
	bob.send(map[string]any{"type": "view", "x": 0, "y": 0, "w": 5, "h": 5})
	carol.waitUntil("bob's view", func(msgs []wireMsg) bool { _, ok := viewsSeen(msgs)[bob.you]; return ok })
	neverOwnPresence(t, alice)
	neverOwnPresence(t, bob)
}
