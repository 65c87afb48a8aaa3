package board

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"
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

// CleanIdentity checks the name and color a client introduces itself with
// in hello, and returns the name as peers will see it (see CleanName).
func CleanIdentity(name, color string) (string, error) {
	name, err := CleanName("hello.name", name)
	if err != nil {
		return "", err
	}
	if !colorPattern.MatchString(color) {
		return "", Errorf(CodeBadRequest, "hello.color must be #rrggbb, got %q", color)
	}
	return name, nil
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
