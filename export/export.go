package export

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/easel-app/easel/board"
)

// Format is a downloadable file type.
type Format string

// The formats of protocol v1.
const (
	JSON Format = "json"
	SVG  Format = "svg"
	PNG  Format = "png"
	PDF  Format = "pdf"
)

// ParseFormat checks a format name from a client.
func ParseFormat(s string) (Format, bool) {
	switch f := Format(s); f {
	case JSON, SVG, PNG, PDF:
		return f, true
	}
	return "", false
}

// MIME is the media type of f.
func (f Format) MIME() string {
	switch f {
	case JSON:
		return "application/json"
	case SVG:
		return "image/svg+xml"
	case PNG:
		return "image/png"
	case PDF:
		return "application/pdf"
	}
	return "application/octet-stream"
}

// Scaled reports whether f takes a scale (raster and page sizes).
func (f Format) Scaled() bool { return f == PNG || f == PDF }

// Options tune a render. Scale (1–4) applies to PNG and PDF.
type Options struct {
	Scale int
}

// MaxScale is the largest scale a client may ask for.
const MaxScale = 4

// Normalize fills defaults and checks ranges; formats without a scale
// ignore it, so equal requests render equal bytes.
func (o Options) Normalize(f Format) (Options, error) {
	if !f.Scaled() {
		return Options{Scale: 1}, nil
	}
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.Scale < 1 || o.Scale > MaxScale {
		return o, board.Errorf(board.CodeBadRequest, "scale must be 1 to %d", MaxScale)
	}
	return o, nil
}

// Render produces the file for snap (elements in snap.Sorted() order).
func Render(snap *board.Snapshot, f Format, o Options) ([]byte, error) {
	return RenderContext(context.Background(), snap, f, o)
}

// RenderContext is Render that stops, with ctx's error, once ctx is done
// (checked between shapes and inside the rasterizer), and that may refuse
// a PNG beyond the work budget with too_large (budget.go).
func RenderContext(ctx context.Context, snap *board.Snapshot, f Format, o Options) ([]byte, error) {
	o, err := o.Normalize(f)
	if err != nil {
		return nil, err
	}
	switch f {
	case JSON:
		return renderJSON(snap)
	case SVG:
		return renderSVG(snap)
	case PNG:
		return renderPNG(ctx, snap, o.Scale)
	case PDF:
		return renderPDF(ctx, snap, o.Scale)
	}
	return nil, board.Errorf(board.CodeBadRequest, "unknown format %q", f)
}

var unsafeFilename = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Filename names a download: the title made safe for every file system,
// the seq it was rendered at, and the format's extension.
func Filename(title string, seq uint64, f Format) string {
	base := strings.Trim(unsafeFilename.ReplaceAllString(title, "-"), "-.")
	if len(base) > 60 {
		base = strings.Trim(base[:60], "-.")
	}
	if base == "" {
		base = "board"
	}
	return fmt.Sprintf("%s-%d.%s", base, seq, f)
}
