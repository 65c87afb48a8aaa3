// Package server is Easel's HTTP face: the echo routes (all listed in
// routes.go), the pages, the board API, the WebSocket upgrade with its
// checks (origin, subprotocol, capability, connection caps), security
// headers, health, readiness and metrics.
//
// It decides who may connect and as what; package session decides what
// happens once they are connected.
//
// Before any handler, checkHost refuses Hosts the server does not answer
// for (421) and checkWriteOrigin refuses state changes from foreign origins
// (403); see OriginPolicy. GateListener, wrapped around the listener by
// main, answers connections past the file-descriptor budget with 503.
//
// Concurrency: handlers run on net/http's goroutines. The shared mutable
// state is the per-address counters (connLimits, each with its own mutex:
// WebSockets, HTTP downloads, imports), the board-creation token buckets
// (addrRateLimiter, own mutex) and GateListener's atomic counters (it also
// runs one short-lived goroutine per refused connection, at most 64); the
// store, hub and templates are safe for concurrent use.
package server
