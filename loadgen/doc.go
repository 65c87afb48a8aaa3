// Package loadgen drives an Easel server the way its users do — real
// members speaking protocol v1 over WebSocket (or SSE) — and measures
// what they get: end-to-end cursor and ack latency on one clock (the generator's), frames,
// positions delivered, frame gaps and errors, plus the server process's
// CPU seconds and RSS read from /proc. cmd/easel-load runs the standard
// scenarios (S1–S12 of docs/performance.md) and writes the report.
//
// Issue 18 (compare.go): with Options.RelayBin, S1, S2 and S12 (one room
// of 10, everyone moving at 30 Hz) also run on cmd/naive-relay, the relay
// as melody's examples write it, which speaks just enough of protocol v1
// for the same members to drive it; its rows are RelayVariant, beside
// Easel's and its --cursor-tick 0 baseline's. A server without ticks has
// no frames-per-tick metric, so every cursor load also counts frames per
// member per second (Result.FramesPerMemberS). With Options.ServerCPUs
// every server and relay starts under taskset on those CPUs, and
// cmd/easel-load runs itself on the others (cpus.go), so that neither
// measures the other's contention.
//
// A cursor move carries its sender in x (the member's index) and its send
// time in y (milliseconds since the run began), so a receiver knows both
// from the position alone, with no peer-id lookups and no clock but the
// generator's.
//
// S11 mixes carriers: a member joined with JoinOptions.Carrier speaks
// over SSE (or long-polling) through protoclient.HTTPConn, and is measured
// exactly as a socket member is.
//
// Members speak through internal/protoclient, the one Go client of the
// protocol (a Member decides only what to measure of each frame), and
// StartServer starts the binary through internal/procs, as the system
// tests do.
//
// Concurrency: each Member has one reader goroutine, which alone owns its
// statistics until Close returns; senders write through the Member's
// write lock. Scenario functions own their members and merge statistics
// after closing them.
package loadgen
