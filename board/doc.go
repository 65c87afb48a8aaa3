// Package board owns Easel's domain: boards and their capability ids, peers,
// cursor positions, the events rooms exchange, and the two interfaces the rest
// of the program is built on — Store (durable boards) and Broker (fan-out of
// room events between nodes).
//
// It does no I/O and imports no transport or storage library, so every rule
// about what is valid lives here once and is tested without a network.
//
// Concurrency: the values here are plain data, safe to share read-only.
// Implementations of Store and Broker must be safe for concurrent use.
package board
