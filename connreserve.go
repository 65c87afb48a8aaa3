package main

// maxGatedLimit: above it (RLIM_INFINITY and the like) no gate is set up.
const maxGatedLimit = 1 << 30

// connectionLimit is how many connections the listener may hold open with
// fdLimit file descriptors: all but a reserve for the store, Redis,
// download files, logs, refused connections being answered and accept
// itself. 0: no gate.
func connectionLimit(fdLimit uint64) int {
	if fdLimit == 0 || fdLimit > maxGatedLimit {
		return 0
	}
	reserve := min(1024, max(64, fdLimit/8))
	if fdLimit <= reserve {
		return 1
	}
	return int(fdLimit - reserve)
}
