// Package templates holds the html/template pages, embedded into the binary.
//
// The server parses them with template.ParseFS(FS, "*.html") and executes
// "landing.html" (data nil), "confirmnew.html" (data nil: GET /new reached
// from another site), "notfound.html" (data struct{ Message string }),
// "deleted.html" (data nil: the 410 page of a deleted board's links) and
// "board.html" (data BoardPage: Title, Role, EditID, ViewID, SocketPath,
// EditURL, ViewURL, Embed, EmbedOrigins; with Embed the top bar is left
// out). layout.html only defines shared blocks.
package templates

import "embed"

// FS holds every page template.
//
//go:embed *.html
var FS embed.FS
