package session

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"

	"github.com/easel-app/easel/board"
)

// Client ids ("Refs belong to their author" in the protocol): a random id
// the page keeps across reconnects, so a resent ref dedupes against its own
// original and nobody else's.
const (
	minClientLen = 16
	maxClientLen = 64
)

// validClient checks hello's optional client id: 16–64 chars of
// [A-Za-z0-9_-]. Empty means the client sent none.
func validClient(client string) error {
	if client == "" {
		return nil
	}
	if len(client) < minClientLen || len(client) > maxClientLen {
		return board.Errorf(board.CodeBadRequest, "client must be %d to %d characters of A-Z a-z 0-9 _ -", minClientLen, maxClientLen)
	}
	for i := 0; i < len(client); i++ {
		c := client[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return board.Errorf(board.CodeBadRequest, "client must be %d to %d characters of A-Z a-z 0-9 _ -", minClientLen, maxClientLen)
		}
	}
	return nil
}

// refScope is the dedupe scope of a member's refs: a hash of its client id,
// so the secret itself is never stored, or — without a client id — a
// random scope of this connection alone. Either way 22 characters of
// base64url (board.OpsMessage.DedupeKey relies on the fixed length).
func refScope(client string) string {
	var b [16]byte
	if client == "" {
		rand.Read(b[:]) // never fails (crypto/rand since Go 1.24)
	} else {
		sum := sha256.Sum256([]byte("easel ref scope\x00" + client))
		copy(b[:], sum[:])
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
