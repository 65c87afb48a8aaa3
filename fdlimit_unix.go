//go:build unix

package main

import (
	"fmt"
	"syscall"
)

// raiseFileLimit lifts the soft RLIMIT_NOFILE to the hard one: every socket,
// download and store file is a descriptor, and distributions' soft default
// (often 1024) is far below what one node serves. Go (1.19+) already does
// this at start on most systems; doing it here too makes it certain, and
// reports the numbers the connection gate is sized from. It answers the limit in
// force afterwards (0: unlimited or unknown) and what it did, for the log.
func raiseFileLimit() (limit uint64, soft, hard uint64, err error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, 0, 0, fmt.Errorf("read RLIMIT_NOFILE: %w", err)
	}
	soft, hard = rl.Cur, rl.Max
	if rl.Cur < rl.Max {
		raised := rl
		raised.Cur = rl.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err != nil {
			return rl.Cur, soft, hard, fmt.Errorf("raise RLIMIT_NOFILE from %d to %d: %w", rl.Cur, rl.Max, err)
		}
		rl = raised
	}
	return rl.Cur, soft, hard, nil
}
