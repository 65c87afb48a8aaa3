//go:build !unix

package main

// raiseFileLimit is a no-op where there is no RLIMIT_NOFILE: no connection
// gate is set up (limit 0).
func raiseFileLimit() (limit uint64, soft, hard uint64, err error) { return 0, 0, 0, nil }
