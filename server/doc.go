// Package server is Easel's HTTP face: the echo routes (all listed in
// routes.go), the pages, the board API, the WebSocket upgrade with its
// checks (origin, subprotocol, capability, connection caps), security
// headers, health, readiness and metrics.
//
// It decides who may connect and as what; package session decides what
// happens once they are connected.
//
// Concurrency: handlers run on net/http's goroutines. The only shared
// mutable state is the connection counter (connLimits, own mutex); the
// store, hub and templates are safe for concurrent use.
package server
