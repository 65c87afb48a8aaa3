package board

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"unicode/utf8"
)

// Role is what a member may do on a board.
type Role string

// The two roles a capability grants.
const (
	RoleEdit Role = "edit"
	RoleView Role = "view"
)

// Peer is one person present on a board, as everyone else sees them.
type Peer struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"`
	Role  Role   `json:"role"`
}

// MaxNameLen is the longest display name, in characters.
const MaxNameLen = 40

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// ValidateIdentity checks the name and color a client introduces itself with.
func ValidateIdentity(name, color string) error {
	n := utf8.RuneCountInString(name)
	switch {
	case !utf8.ValidString(name):
		return Errorf(CodeBadRequest, "name is not valid UTF-8")
	case n < 1 || n > MaxNameLen:
		return Errorf(CodeBadRequest, "name must have 1 to %d characters, got %d", MaxNameLen, n)
	case !colorPattern.MatchString(color):
		return Errorf(CodeBadRequest, "color must be #rrggbb, got %q", color)
	}
	return nil
}

// NewPeerID returns a short random peer id (72 bits from crypto/rand,
// base64url): unique across nodes, and short because every cursor entry in
// every frame carries one.
func NewPeerID() string {
	var b [9]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on Linux; nothing sane to do
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
