package board

import (
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Board is one whiteboard and its two capabilities. Knowing ID grants
// editing; knowing ViewID grants watching. ViewID never reveals ID.
type Board struct {
	ID        string    `json:"id"`
	ViewID    string    `json:"viewId"`
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"createdAt"`
	// Epoch names the board's history: seq numbers count within an epoch,
	// and a new epoch (history lost) tells clients to take a snapshot
	// rather than trust their seq.
	Epoch string `json:"epoch"`
}

// DefaultTitle is what a board is called until someone renames it.
const DefaultTitle = "Untitled board"

// MaxTitleLen is the longest title, in characters, the protocol allows.
const MaxTitleLen = 120

// New makes a board with two fresh, independent capability ids. Both are
// UUID v4 drawn from crypto/rand (uuid.NewRandom), so neither can be guessed
// or derived from the other. The title is cleaned (CleanTitle); "" gets the
// default title.
func New(title string, now time.Time) (Board, error) {
	if title == "" {
		title = DefaultTitle
	}
	title, err := CleanTitle("title", title)
	if err != nil {
		return Board{}, err
	}
	id, err := uuid.NewRandom()
	if err != nil {
		return Board{}, fmt.Errorf("new board id: %w", err)
	}
	viewID, err := uuid.NewRandom()
	if err != nil {
		return Board{}, fmt.Errorf("new board view id: %w", err)
	}
	return Board{ID: id.String(), ViewID: viewID.String(), Title: title, CreatedAt: now.UTC(), Epoch: NewPeerID()}, nil
}

// ValidateTitle checks a title against the protocol: 1–120 characters of
// valid UTF-8, already clean (CleanTitle leaves it as it is).
func ValidateTitle(title string) error {
	clean, err := CleanTitle("title", title)
	if err != nil {
		return err
	}
	if clean != title {
		return Errorf(CodeBadRequest, "title has control, bidi or invisible characters, or is not in NFC")
	}
	return nil
}

// ValidID reports whether s is a board capability in canonical form: a
// lower-case, hyphenated UUID version 4. Anything else is rejected before it
// reaches the store, so malformed ids cost no lookup.
func ValidID(s string) bool {
	if len(s) != 36 {
		return false
	}
	u, err := uuid.Parse(s)
	if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 {
		return false
	}
	return u.String() == s
}
