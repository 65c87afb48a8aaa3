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

// Options tune a render. Scale (1–4) applies to PNG and PDF; Background
// to SVG, PNG and PDF: "" (the default, white), "transparent", or another
// "#rrggbb" (ParseBackground's canonical forms); EmbedFonts to SVG alone:
// the file carries subsets of the fonts its text uses (svgfonts.go).
type Options struct {
	Scale      int
	Background string
	EmbedFonts bool
}

// MaxScale is the largest scale a client may ask for.
const MaxScale = 4

// Transparent is the background that paints nothing.
const Transparent = "transparent"

// ParseBackground checks a background from a client — "#rrggbb" or
// "transparent" — and returns its canonical form: lower case, and "" for
// white, the default, so that equal pages share one rendering.
func ParseBackground(s string) (string, error) {
	if s == "" || s == Transparent {
		return s, nil
	}
	c, ok := readColor(s)
	if !ok {
		return "", board.Errorf(board.CodeBadRequest, "background must be #rrggbb or transparent")
	}
	if c == white {
		return "", nil
	}
	return c.hex(), nil
}

// Normalize fills defaults and checks ranges; formats without a scale, a
// background or embedded fonts ignore them, so equal requests render
// equal bytes.
func (o Options) Normalize(f Format) (Options, error) {
	bg, err := ParseBackground(o.Background)
	if err != nil {
		return o, err
	}
	if f == JSON {
		return Options{Scale: 1}, nil
	}
	o.Background = bg
	if f != SVG {
		o.EmbedFonts = false
	}
	if !f.Scaled() {
		o.Scale = 1
		return o, nil
	}
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.Scale < 1 || o.Scale > MaxScale {
		return o, board.Errorf(board.CodeBadRequest, "scale must be 1 to %d", MaxScale)
	}
	return o, nil
}

// background is the page's paint for a canonical background; ok false for
// transparent.
func background(bg string) (c rgb, ok bool) {
	if bg == Transparent {
		return rgb{}, false
	}
	return parseColor(bg, white), true
}

// Render produces the file for snap (elements in snap.Sorted() order).
func Render(snap *board.Snapshot, f Format, o Options) ([]byte, error) {
	return RenderContext(context.Background(), snap, f, o)
}

// RenderContext is Render that stops, with ctx's error, once ctx is done
// (checked between shapes and inside the rasterizer), and that may refuse
// a PNG beyond the work budget with too_large (budget.go). It has no
// images: each is drawn as a placeholder (RenderWithBlobs has them).
func RenderContext(ctx context.Context, snap *board.Snapshot, f Format, o Options) ([]byte, error) {
	return RenderWithBlobs(ctx, snap, f, o, nil)
}

// RenderWithBlobs is RenderContext with the images of the board's image
// elements from src (nil: none), images.go: the PNG and the PDF draw
// them, the SVG inlines them, the JSON carries them in its files. An image
// whose blob the board does not hold is a placeholder; a failure of src
// itself fails the render.
func RenderWithBlobs(ctx context.Context, snap *board.Snapshot, f Format, o Options, src BlobSource) ([]byte, error) {
	o, err := o.Normalize(f)
	if err != nil {
		return nil, err
	}
	switch f {
	case JSON:
		return renderJSON(ctx, snap, src)
	case SVG:
		return renderSVG(ctx, snap, o, src)
	case PNG:
		return renderPNG(ctx, snap, o.Scale, o.Background, src)
	case PDF:
		return renderPDF(ctx, snap, o.Scale, o.Background, src)
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
