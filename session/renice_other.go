//go:build !linux

package session

// lowerThreadPriority does nothing where threads have no niceness of
// their own; renders run at normal priority there.
func lowerThreadPriority() {}
