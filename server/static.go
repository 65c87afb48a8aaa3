package server

import (
	"io/fs"
	"net/http"
)

// staticFiles serves the embedded assets. They have no modification time,
// so browsers are told to revalidate; they are small.
func staticFiles(files fs.FS) http.Handler {
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		fileServer.ServeHTTP(w, r)
	})
}
