// Package procs starts an Easel server for the system tests and the load
// generator, in one way: the binary as a child process (Start; Build makes
// it), or main's run inside the test process (Run: the tests that want
// their server's goroutines checked by goleak, and its speed). Either way
// it waits for the "listening addr=" log line, keeps the log (every line
// to OnLine, the start and the latest lines for Log), and stops the server
// (SIGTERM, or cancelling run) or kills it (SIGKILL).
//
// It imports no testing package, so that the load generator's binary can
// use it; the tests wrap it in helpers that fail the test.
//
// Concurrency: one goroutine per server reads its log and calls OnLine;
// Stop, Kill and Log may be called from any goroutine, Stop and Kill more
// than once.
package procs
