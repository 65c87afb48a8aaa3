// Package otscheck runs OTS, the OpenType sanitizer Chromium and Firefox
// check every web font with, on a font a test built: a font it refuses is
// one no browser would draw. Tests only; it needs ots-sanitize (Debian's
// opentype-sanitizer, which scripts/test-deps.sh installs).
package otscheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Accepts fails t when OTS refuses data, or changes it (drops a table it
// found invalid).
func Accepts(t testing.TB, name string, data []byte) {
	t.Helper()
	bin, err := exec.LookPath("ots-sanitize")
	if err != nil {
		t.Fatal("ots-sanitize missing: install Debian's opentype-sanitizer (scripts/test-deps.sh)")
	}
	path := filepath.Join(t.TempDir(), "font.ttf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, path).CombinedOutput()
	if err != nil {
		t.Fatalf("OTS refuses %s: %v\n%s", name, err, out)
	}
	if s := string(out); strings.Contains(s, "WARNING") || strings.Contains(s, "Dropping") {
		t.Errorf("OTS changes %s:\n%s", name, s)
	}
}
