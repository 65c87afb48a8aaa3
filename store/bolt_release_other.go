//go:build !linux

package store

// releaseMapped does nothing where MADV_DONTNEED's semantics are not
// Linux's (see bolt_release_linux.go).
func releaseMapped([]byte) {}
