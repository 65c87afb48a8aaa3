//go:build linux

package store

import (
	"os"
	"syscall"
	"unsafe"
)

// releaseMapped tells the kernel this process is done with the pages of
// v, a value read in a bolt read transaction and so a slice of the
// database file's read-only shared mapping. The page cache keeps them and
// a later read faults them back in; until then they no longer count in the
// process's RSS. A board load reads up to the byte limit through the
// mapping, and its pages would otherwise stay mapped next to the decoded
// board, counting the board once more in every first join's peak RSS.
// Only whole pages inside v are released; a neighbour sharing an edge
// page keeps it. v must never be heap memory: MADV_DONTNEED zeroes
// anonymous pages.
func releaseMapped(v []byte) {
	page := uintptr(os.Getpagesize())
	if uintptr(len(v)) < 2*page {
		return // too small to hold a whole page worth the call
	}
	skip := -uintptr(unsafe.Pointer(unsafe.SliceData(v))) & (page - 1)
	whole := (uintptr(len(v)) - skip) &^ (page - 1)
	// An error (the mapping is gone) only means nothing was released.
	_ = syscall.Madvise(v[skip:skip+whole], syscall.MADV_DONTNEED)
}
