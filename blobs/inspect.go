package blobs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/gif"  // registers the GIF header reader
	_ "image/jpeg" // registers the JPEG header reader
	_ "image/png"  // registers the PNG header reader
	"slices"

	_ "golang.org/x/image/webp" // registers the WebP header reader

	"github.com/easel-app/easel/board"
)

// formatMIME maps image.DecodeConfig's format names to blob types.
var formatMIME = map[string]string{
	"png":  "image/png",
	"jpeg": "image/jpeg",
	"gif":  "image/gif",
	"webp": "image/webp",
}

// Inspect checks that data is an image of the declared type (one of
// board.BlobMIMEs) of at most maxPixels pixels, and describes it. The
// errors are the contract's: CodeUnsupported for a type outside the list or
// bytes that are not an image of the declared type (HTTP 415), CodeTooLarge
// for too many pixels (413). Only the header is read: a 1 GB-pixel PNG of
// a few KB costs nothing here.
func Inspect(data []byte, declared string, maxPixels int) (board.BlobInfo, error) {
	var info board.BlobInfo
	if !slices.Contains(board.BlobMIMEs, declared) {
		return info, board.Errorf(board.CodeUnsupported, "Content-Type %q is not one of %v (SVG is refused: it can carry script)", declared, board.BlobMIMEs)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return info, board.Errorf(board.CodeUnsupported, "the body is not a readable %s image", declared)
	}
	if got := formatMIME[format]; got != declared {
		return info, board.Errorf(board.CodeUnsupported, "the body is %s, not the declared %s", got, declared)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return info, board.Errorf(board.CodeUnsupported, "the %s image has no pixels (%d×%d)", declared, cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > int64(maxPixels) {
		return info, board.Errorf(board.CodeTooLarge, "the image is %d×%d = %s pixels, at most %s allowed", cfg.Width, cfg.Height, megapixels(px), megapixels(int64(maxPixels)))
	}
	sum := sha256.Sum256(data)
	return board.BlobInfo{
		SHA256: hex.EncodeToString(sum[:]),
		MIME:   declared,
		Size:   int64(len(data)),
		Width:  cfg.Width,
		Height: cfg.Height,
	}, nil
}

func megapixels(px int64) string { return fmt.Sprintf("%.1f Mpx", float64(px)/1e6) }
