// Package fonts owns the server's font set: which font files Easel measures
// and draws text with, and serves to browsers as web fonts, so that the
// canvas and every export use the very same files.
//
// The set starts with the Go font embedded in the binary (Latin, Greek,
// Cyrillic: Easel runs with no font files on disk) and adds, for each
// script of [Scripts] the fonts before it do not cover, the best face found
// at start in the given directories (--fonts) and the system's font
// directories. Files are parsed with github.com/go-text/typesetting, the
// library the renderers shape with; discovery is bounded (file count, file
// size, faces per collection, bytes kept) and a bad file is skipped with a
// log line, never a failed start. A face taken from a collection (.ttc) is
// rewritten as a standalone font, because browsers load single fonts.
//
// Concurrency: [Load] builds a [Set] once; a Set is immutable afterwards
// and safe for concurrent use by any number of goroutines. Face bytes are
// shared and must not be modified.
package fonts
