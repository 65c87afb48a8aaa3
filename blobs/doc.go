// Package blobs inspects the bytes of an uploaded image before anything
// stores them: which of the allowed types they really are (read from the
// bytes, never from a name or a header a client chose), their size in
// pixels from the image's header alone, and their SHA-256, the blob's
// address. Decompression bombs are refused here, before any decoder
// allocates pixels.
//
// Concurrency: Inspect keeps no state; call it from any goroutine.
package blobs
