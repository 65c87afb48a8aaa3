// Package store holds the implementations of board.Store: Bolt, the embedded
// default (one bbolt file in the data directory; an append is acknowledged
// once its commit is fsync'd), and Redis, for several nodes (a board's op
// log in a Redis Stream; an append is one Lua script). Options tune the
// compaction and the version history of both. conformance_test.go is the one suite every
// implementation must pass (with conformance_ops_test.go,
// conformance_blobs_test.go, conformance_logbytes_test.go and
// conformance_delete_test.go).
//
// Blobs (a board's images) live beside its op log: in a bucket per board
// in the bbolt file (bolt_blobs.go), and under the board's hash tag on
// Redis, in chunks of at most 512 KiB, recorded by one script once every
// chunk is written (redis_blobs.go). Both check the board's blob quota
// atomically with the write.
//
// Version history (board.History): checkpoints, full snapshots at
// version boundaries, live apart from the op log — in bucket checkpoints
// (a nested bucket per board: meta, data, the pass state and its mark;
// bolt_history.go) and under the board's hash tag on Redis (cpmeta,
// cpdata, cpstate, cpmark, plus the set histboards; redis_history.go).
// The policy is one pure function of the logged messages, shared by both
// (checkpoints.go): a pass replays the log from where the last one
// stopped (its stored state: the last message seen and the open run) and
// decides where checkpoints fall; thinning by age and the byte budget are
// pure too. Logged messages keep their author's name and commit time
// (Options.Now, to the millisecond) for it.
//
// Passes run on the compactor's goroutine — asked for by appends once a
// board is CheckpointEvery messages past its last boundary (the mark, read
// on the commit path), and before every compaction, which then stores
// the pass's replay as the new snapshot: the log never loses a message
// the pass has not seen — and in Versions, on the caller's goroutine. A
// process runs one pass of a board at a time (boardLocks); Redis nodes
// race, and the first to store its state wins (a compare-and-set of the
// state): the others store nothing and do not compact.
//
// Deleting (board.Deleter): bolt_delete.go and redis_delete.go. A
// deleted board's content leaves the store; a tombstone of its two ids
// stays for good, so that both answer board.ErrGone (after a restart too)
// and neither is reused. Bolt deletes in one transaction: the board's key
// or nested bucket in every bucket keyed by board id (checkpoints
// included), its view id, and puts both ids in the tombstones bucket.
// Redis writes the tombstones first — <p>gone (a hash, for lookups) and
// <p>{id}:gone under the board's hash tag — and then deletes the record,
// the view id, the board's entries in the global sets, and every key under
// <p>{id}:, by name (boardKeyParts and the chunks the blobs hash records:
// a SCAN would walk every board's keys for each delete). Every script that
// writes under the tag (append, snapshot, image commit, history pass)
// refuses once <p>{id}:gone exists, so a write on another node either ran
// before the tombstone, and the delete finds what it wrote, or refuses. The history repair, which is not a script, checks the
// tombstone after writing and takes its writes back. <p>{id}:gone says
// "deleting" until the sweep is done: a delete that died half way is
// finished by the next DeleteBoard of the id. Chunks of an image upload
// caught by a delete were written with a TTL and expire.
//
// Idle boards: the last time each board was opened (Touch) or edited.
// Bolt keeps it in the touched bucket, written by CreateBoard (its
// CreatedAt), by every group commit for the boards it appended to, and by
// Touch (skipped within a minute of the last, to spare a join an fsync);
// IdleBoards walks the boards, so a deleted one is never listed, and a
// board without an entry (from before) counts from its CreatedAt. Redis
// keeps the sorted set <p>touched: CreateBoard and Touch ZADD, an append
// ZADDs after its script at most once a minute per board and node (the
// set is not under the board's tag); IdleBoards pages through it, dropping
// entries without a board record. Boards from before the set get their
// entry at their CreatedAt in one pass over the board records, by the
// first IdleBoards of the deployment (marked done by <p>touched:filled).
// A touch never moves a board's time back, in either store.
//
// Concurrency: every Store here is safe for concurrent use. Bolt
// group-commits: one goroutine (commitLoop) takes every append queued
// while the previous commit was written and commits them in one
// transaction, one fsync; its other writes (boards, blobs, compactions)
// wait for bbolt's one read-write transaction at a time, and readers run
// in parallel. Each store compacts on a goroutine of its own, fed by a
// compactQueue that holds a board at most once. Bolt's write health
// (bolt_health.go) is one mutex-guarded value; a /readyz probe write runs
// under it, so probes never overlap. CheckBoltFile (bolt_startcheck.go), run
// before the store opens, checks the file on a goroutine of its own (faults
// on damaged pages become panics there, recovered) and gives up after its
// time budget. Redis's touch throttle (when this node last recorded an
// edit of each board) is one mutex-guarded map, a leaf. Redis is given
// its client by main, which shares it with the broker and the transfers
// and closes it after them; Close leaves it open.
package store
