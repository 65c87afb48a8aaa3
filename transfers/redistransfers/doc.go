// Package redistransfers is the transfers.Store of several nodes: rendered
// files in Redis with a TTL, so any node serves a download's chunks and a
// resume lands wherever the client reconnects. It is apart from package
// transfers only so that session, which uses the interface, links no Redis
// client. Its tests are transfers' conformance suite. A board's files are
// listed in a set of its own (remove.go), so that RemoveBoard finds them
// without scanning Redis; files stored before that set existed expire
// with their lifetime.
//
// Concurrency: Store is safe for concurrent use; its state is Redis's. Every
// call has its own deadline (10 s). The client is main's, shared with the
// store and the broker; Store never closes it.
package redistransfers
