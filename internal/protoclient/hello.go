package protoclient

import "encoding/json"

// Hello is the first message a member sends.
type Hello struct {
	Name, Color string
	// Client is hello.client, the secret that scopes the author's refs
	// across reconnects; omitted when empty.
	Client string
	// Since is hello.since, omitted when nil: a Since for a client that
	// holds the board, or any value a test wants the server to judge.
	Since any
}

// Since is where a reconnecting client's copy of the board stands.
type Since struct {
	Epoch string `json:"epoch"`
	Seq   uint64 `json:"seq"`
}

// MarshalJSON writes the hello message of the protocol.
func (h Hello) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type   string `json:"type"`
		Name   string `json:"name"`
		Color  string `json:"color"`
		Client string `json:"client,omitempty"`
		Since  any    `json:"since,omitempty"`
	}{"hello", h.Name, h.Color, h.Client, h.Since})
}
