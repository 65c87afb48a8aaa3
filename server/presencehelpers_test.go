package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/session"
)

// strokeEl is a stroke element of n points, as a client drafts it while
// the pen moves.
func strokeEl(id string, n int) map[string]any {
	points := make([][2]float64, n)
	for i := range points {
		points[i] = [2]float64{float64(i), float64(i % 7)}
	}
	return map[string]any{"id": id, "kind": "stroke", "x": 10, "y": 20, "points": points, "stroke": "#1e1e1e", "width": 2, "z": "a0"}
}

func (c *wsClient) sendDraft(el map[string]any) {
	c.send(map[string]any{"type": "draft", "el": el})
}

// draftsSeen folds every presence message's drafts into the latest per
// peer: the element's JSON, or "null" once cleared.
func draftsSeen(msgs []wireMsg) map[string]string {
	seen := map[string]string{}
	for _, m := range msgs {
		for _, d := range m.Drafts {
			var peer string
			json.Unmarshal(d[0], &peer)
			seen[peer] = string(d[1])
		}
	}
	return seen
}

// draftHasPoints tells whether a draft's JSON is an element of n points.
func draftHasPoints(raw string, id string, n int) bool {
	var el struct {
		ID     string       `json:"id"`
		Points [][2]float64 `json:"points"`
	}
	return raw != "" && raw != "null" && json.Unmarshal([]byte(raw), &el) == nil && el.ID == id && len(el.Points) == n
}

// viewsSeen folds presence views into the latest per peer.
func viewsSeen(msgs []wireMsg) map[string][4]float64 {
	seen := map[string][4]float64{}
	for _, m := range msgs {
		for _, v := range m.Views {
			seen[v[0].(string)] = [4]float64{v[1].(float64), v[2].(float64), v[3].(float64), v[4].(float64)}
		}
	}
	return seen
}

// saidBy lists what peer said in chat (or reactions, with reactions true),
// in order.
func saidBy(msgs []wireMsg, peer string, reactions bool) []string {
	var out []string
	for _, m := range msgs {
		lines := m.ChatLines
		if reactions {
			lines = m.Reactions
		}
		for _, l := range lines {
			if l[0] == peer {
				out = append(out, l[1])
			}
		}
	}
	return out
}

// neverOwnPresence fails when c was ever sent presence of its own.
func neverOwnPresence(t testing.TB, c *wsClient) {
	t.Helper()
	for _, m := range c.messages() {
		if m.Type != "presence" {
			continue
		}
		own := m.Summon == c.you
		for _, d := range m.Drafts {
			own = own || strings.Contains(string(d[0]), c.you)
		}
		for _, v := range m.Views {
			own = own || v[0] == c.you
		}
		for _, l := range append(m.ChatLines, m.Reactions...) {
			own = own || l[0] == c.you
		}
		if own {
			t.Fatalf("%s was sent its own presence: %s", c.name, m.Raw)
		}
	}
}

// errorSaying waits for an error of code whose message holds text.
func (c *wsClient) errorSaying(code, text string) wireMsg {
	c.t.Helper()
	var e wireMsg
	c.waitUntil(fmt.Sprintf("error %s saying %q", code, text), func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "error" && m.Code == code && strings.Contains(m.Message, text) {
				e = m
				return true
			}
		}
		return false
	})
	return e
}

// withTick sets the room tick.
func withTick(d time.Duration) appOption {
	return func(c *session.Config, _ *Options) { c.Tick = d }
}
