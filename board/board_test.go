package board

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

// Threat 2: both capabilities are random UUID v4s (122 random bits from
// crypto/rand), independent of each other: the view id says nothing of the
// edit id.
func TestBoardCapabilitiesAreIndependentRandomUUIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		b, err := New("t", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{b.ID, b.ViewID} {
			u, err := uuid.Parse(id)
			if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 {
				t.Fatalf("%q is not a UUID v4 (%v)", id, err)
			}
			if seen[id] {
				t.Fatalf("%q drawn twice", id)
			}
			seen[id] = true
		}
		if b.ID[:8] == b.ViewID[:8] {
			t.Fatalf("edit id %s and view id %s share a prefix", b.ID, b.ViewID)
		}
	}
}
