// Package transfers holds the rendered files of downloads in flight (export
// over a socket or HTTP), so that a download resumes after a dropped
// connection, a restart, or on another node. It holds the Transfer, the
// Store interface that session uses, and Disk, the Store of a single node
// (files in the data directory). The Store for several nodes is
// redistransfers.Store, in a package of its own so that neither session
// nor this package links a Redis client; main picks one.
// conformance_test.go is the one suite every implementation passes.
//
// A deleted board's files go with it: Store.RemoveBoard removes every file
// rendered from the board (Disk: disk_remove.go; redistransfers keeps a
// set of ids per board for it). A render still in flight may add its file
// afterwards; it lives out its lifetime, the board's deletion having
// stopped any new one.
//
// Concurrency: every Store is safe for concurrent use. Disk guards its
// index and byte count with one mutex, a leaf, not held while a file is
// written or read (only while expired files are removed). A Transfer does
// not change once Add returns, so any number of downloads read it at once
// (each read opens the file, or asks Redis, by itself).
package transfers
