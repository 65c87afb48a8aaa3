package server

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// A draft reaches every other member — editors and view links — within two
// ticks, latest-wins, and never its author. The tick is long (150 ms) so
// that two ticks is a measurable bound under -race on a busy machine.
func TestDraftReachesEveryOtherMemberWithinTwoTicks(t *testing.T) {
	const tick = 150 * time.Millisecond
	app := newTestApp(t, withTick(tick))
	b := app.createBoard(t)
	author := join(t, app.wsURL(b.EditURL+"/ws"), "author")
	others := []*wsClient{
		join(t, app.wsURL(b.EditURL+"/ws"), "editor"),
		join(t, app.wsURL(b.ViewURL+"/ws"), "viewer"),
	}
	for n := 2; n <= 200; n *= 10 { // a stroke growing as the pen moves
		start := time.Now()
		author.sendDraft(strokeEl("s1", n))
		for _, o := range others {
			o.waitUntil("the author's draft", func(msgs []wireMsg) bool {
				return draftHasPoints(draftsSeen(msgs)[author.you], "s1", n)
			})
			if took := time.Since(start); took > 2*tick {
				t.Fatalf("%s saw the %d-point draft after %v, more than two ticks (%v)", o.name, n, took, 2*tick)
			}
		}
	}
	// The author hears its peers' drafts, never its own.
	others[0].sendDraft(strokeEl("e1", 3))
	author.waitUntil("the editor's draft", func(msgs []wireMsg) bool {
		return draftHasPoints(draftsSeen(msgs)[others[0].you], "e1", 3)
	})
	neverOwnPresence(t, author)
	neverOwnPresence(t, others[0])
}

// The welcome never holds drafts; the joiner's first presence message,
// right after it, holds every draft and view on the board — drafts as the
// server validated them (unknown fields dropped, as for ops).
func TestJoinerGetsDraftsAndViewsAfterItsWelcome(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	alice := join(t, app.wsURL(b.EditURL+"/ws"), "alice")
	bob := join(t, app.wsURL(b.EditURL+"/ws"), "bob")
	el := strokeEl("a1", 5)
	el["secret"] = "not for anyone"
	alice.sendDraft(el)
	bob.send(map[string]any{"type": "view", "x": -100, "y": 50.5, "w": 1280, "h": 720})
	alice.waitUntil("bob's view", func(msgs []wireMsg) bool { _, ok := viewsSeen(msgs)[bob.you]; return ok })
	bob.waitUntil("alice's draft", func(msgs []wireMsg) bool { return draftHasPoints(draftsSeen(msgs)[alice.you], "a1", 5) })

	carol := join(t, app.wsURL(b.ViewURL+"/ws"), "carol")
	carol.waitType("presence")
	msgs := carol.messages()
	if msgs[0].Type != "welcome" {
		t.Fatalf("carol's first message is %s", msgs[0].Raw)
	}
	if strings.Contains(msgs[0].Raw, "drafts") || strings.Contains(msgs[0].Raw, `"a1"`) {
		t.Fatalf("the welcome holds drafts: %s", msgs[0].Raw)
	}
	var first wireMsg
	for _, m := range msgs {
		if m.Type == "presence" {
			first = m
			break
		}
	}
	got := draftsSeen([]wireMsg{first})[alice.you]
	if !draftHasPoints(got, "a1", 5) || strings.Contains(got, "secret") || !strings.Contains(got, `"fill":null`) {
		t.Fatalf("carol's first presence lacks alice's validated draft: %s", first.Raw)
	}
	if v := viewsSeen([]wireMsg{first})[bob.you]; v != [4]float64{-100, 50.5, 1280, 720} {
		t.Fatalf("carol's first presence lacks bob's view: %s", first.Raw)
	}
}

// A member's draft is cleared (null) for everyone when it leaves, and
// when it sends draft gone.
func TestLeaveAndGoneClearTheDraft(t *testing.T) {
	for name, clear := range map[string]func(c *wsClient){
		"leave": func(c *wsClient) { c.close() },
		"gone":  func(c *wsClient) { c.send(map[string]any{"type": "draft", "gone": true}) },
	} {
		t.Run(name, func(t *testing.T) {
			app := newTestApp(t)
			b := app.createBoard(t)
			alice := join(t, app.wsURL(b.EditURL+"/ws"), "alice")
			bob := join(t, app.wsURL(b.ViewURL+"/ws"), "bob")
			alice.sendDraft(strokeEl("a1", 4))
			bob.waitUntil("alice's draft", func(msgs []wireMsg) bool { return draftHasPoints(draftsSeen(msgs)[alice.you], "a1", 4) })
			clear(alice)
			bob.waitUntil("alice's draft cleared", func(msgs []wireMsg) bool { return draftsSeen(msgs)[alice.you] == "null" })
		})
	}
}

// Committing an ops message that puts the draft's element clears the
// draft, after the ops reached the members (so a client drops the draft
// as the element arrives, never before: no flicker), and the old draft
// never comes back. A draft sent after the ops stays: it is newer.
func TestCommittingTheDraftClearsIt(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	alice := join(t, app.wsURL(b.EditURL+"/ws"), "alice")
	bob := join(t, app.wsURL(b.EditURL+"/ws"), "bob")

	alice.sendDraft(strokeEl("a1", 4))
	bob.waitUntil("alice's draft", func(msgs []wireMsg) bool { return draftHasPoints(draftsSeen(msgs)[alice.you], "a1", 4) })
	alice.sendOps("put-a1", map[string]any{"op": "put", "el": strokeEl("a1", 4)})
	bob.waitUntil("alice's draft cleared", func(msgs []wireMsg) bool { return draftsSeen(msgs)[alice.you] == "null" })
	msgs := bob.messages()
	opsAt, nullAt := -1, -1
	for i, m := range msgs {
		if m.Type == "ops" && m.Ref == "put-a1" {
			opsAt = i
		}
		if m.Type == "presence" && draftsSeen([]wireMsg{m})[alice.you] == "null" && nullAt < 0 {
			nullAt = i
		}
	}
	if opsAt < 0 || nullAt < opsAt {
		t.Fatalf("the draft was cleared (message %d) before the ops arrived (message %d)", nullAt, opsAt)
	}

	// An ops message putting another element leaves the draft alone.
	alice.sendDraft(strokeEl("a2", 6))
	alice.sendOps("put-other", putRect("r1", 0))
	bob.waitAck("put-other")
	// One frame: a draft, the ops committing it, and a newer draft of the
	// same element (a second drag started at once): the newer one stays.
	frame := []string{
		`{"type":"draft","el":{"id":"a3","kind":"rect","w":5,"h":5}}`,
		`{"type":"ops","ref":"put-a3","ops":[{"op":"put","el":{"id":"a3","kind":"rect","w":5,"h":5}}]}`,
		`{"type":"draft","el":{"id":"a3","kind":"rect","w":9,"h":9}}`,
	}
	if err := alice.sendRaw(websocket.TextMessage, []byte(strings.Join(frame, "\n"))); err != nil {
		t.Fatal(err)
	}
	bob.waitAck("put-a3")
	marker := join(t, app.wsURL(b.EditURL+"/ws"), "marker")
	// The marker's first presence holds the drafts as they stand after
	// the commit (the newer a3) — and no cleared one.
	marker.waitUntil("alice's newer draft", func(msgs []wireMsg) bool {
		return strings.Contains(draftsSeen(msgs)[alice.you], `"w":9`)
	})
	bob.waitUntil("alice's newer draft", func(msgs []wireMsg) bool {
		return strings.Contains(draftsSeen(msgs)[alice.you], `"w":9`)
	})
}

// A draft is validated exactly as an ops put element; view, chat and react
// are checked too. Each bad message gets bad_request naming the field, and
// the connection stays.
func TestPresenceMessagesAreValidated(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	c := join(t, app.wsURL(b.EditURL+"/ws"), "c")
	tooMany := strokeEl("big", 5001)
	for _, tc := range []struct {
		msg  map[string]any
		says string
	}{
		{map[string]any{"type": "draft", "el": tooMany}, "draft.el.points has 5001 pairs"},
		{map[string]any{"type": "draft", "el": map[string]any{"id": "x", "kind": "blob"}}, "draft.el.kind"},
		{map[string]any{"type": "draft", "el": map[string]any{"id": "x", "kind": "text", "text": strings.Repeat("é", 4001)}}, "draft.el.text has 4001 characters"},
		{map[string]any{"type": "draft"}, "draft needs el"},
		{map[string]any{"type": "view", "x": 0, "y": 0, "w": 0, "h": 10}, "view.w"},
		{map[string]any{"type": "view", "x": 0, "y": 2e7, "w": 10, "h": 10}, "view.y"},
		{map[string]any{"type": "view", "x": 0, "y": 0, "w": 10}, "view.h"},
		{map[string]any{"type": "chat", "text": " \u200b "}, "chat.text is empty"},
		{map[string]any{"type": "chat", "text": strings.Repeat("a", 141)}, "chat.text has 141 characters"},
		{map[string]any{"type": "react", "emoji": "👍\u202e"}, "react.emoji"},
		{map[string]any{"type": "react", "emoji": "123456789"}, "react.emoji must be 1 to 8"},
		{map[string]any{"type": "react", "emoji": ""}, "react.emoji must be 1 to 8"},
	} {
		c.send(tc.msg)
		c.errorSaying("bad_request", tc.says)
	}
	// Still connected (the five bad chat and react lines took its chat
	// budget: budgets count every line before it is handled).
	c.send(map[string]any{"type": "view", "x": 0, "y": 0, "w": 10, "h": 10})
	watcher := join(t, app.wsURL(b.ViewURL+"/ws"), "watcher")
	watcher.waitUntil("c's view", func(msgs []wireMsg) bool { _, ok := viewsSeen(msgs)[c.you]; return ok })
	// Chat lines are cleaned as names are.
	d := join(t, app.wsURL(b.EditURL+"/ws"), "d")
	d.send(map[string]any{"type": "chat", "text": "  line\none\u202e  "})
	watcher.waitUntil("the cleaned chat line", func(msgs []wireMsg) bool {
		said := saidBy(msgs, d.you, false)
		return len(said) == 1 && said[0] == "line one"
	})
}
