// Package store holds the implementations of board.Store: Bolt, the embedded
// default (one bbolt file in the data directory, fsync'd on every commit),
// and later Redis for scale-out. conformance_test.go is the one suite every
// implementation must pass (with conformance_ops_test.go and
// conformance_blobs_test.go).
//
// Blobs (a board's images) live beside its op log: in a bucket per board
// in the bbolt file (bolt_blobs.go), and under the board's hash tag on
// Redis, in chunks of at most 512 KiB, recorded by one script once every
// chunk is written (redis_blobs.go). Both check the board's blob quota
// atomically with the write.
//
// Concurrency: every Store here is safe for concurrent use. Bolt serialises
// writers inside bbolt (one read-write transaction at a time) and lets
// readers run in parallel. Bolt's write health (bolt_health.go) is one
// mutex-guarded value; a /readyz probe write runs under it, so probes never
// overlap. CheckBoltFile (bolt_startcheck.go), run before the store opens,
// checks the file on a goroutine of its own (faults on damaged pages become
// panics there, recovered) and gives up after its time budget.
package store
