package server

import (
	"testing"

	"go.uber.org/goleak"
)

// Acceptance 8: after every test has connected and disconnected its
// clients and shut its server down, no goroutine is left behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
