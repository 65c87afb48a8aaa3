// Package static holds the browser's ES modules and stylesheets, embedded into the binary.
package static

import "embed"

// FS holds every ES module (tools/, render/ and carriers/ included), stylesheet and icon of the
// browser client.
// The server serves it under /static/.
//
//go:embed *.js *.css *.svg tools/*.js render/*.js carriers/*.js
var FS embed.FS
