package session

import (
	"runtime"
	"syscall"
)

// renderNice is the scheduling niceness of a thread that renders: the
// kernel then prefers every other thread of the process (ticks, commits,
// sockets) when cores are short.
const renderNice = 10

// lowerThreadPriority pins the calling goroutine to its OS thread and
// lowers that thread's priority. The goroutine must exit without
// unlocking: Go then ends the thread, so no other goroutine ever runs at
// the lowered priority.
func lowerThreadPriority() {
	runtime.LockOSThread()
	// Best effort: without it the render still runs, at normal priority.
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), renderNice)
}
