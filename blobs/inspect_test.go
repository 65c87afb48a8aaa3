package blobs

import (
	"strings"
	"testing"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/testimages"
)

func TestInspectReadsTypeAndSizeFromTheBytes(t *testing.T) {
	for _, c := range []struct{ format, mime string }{{"png", "image/png"}, {"jpeg", "image/jpeg"}, {"gif", "image/gif"}} {
		data := testimages.Encode(t, c.format, testimages.Ramp(30, 20))
		info, err := Inspect(data, c.mime, board.MaxBlobPixels)
		if err != nil {
			t.Fatalf("%s: %v", c.format, err)
		}
		if info.MIME != c.mime || info.Width != 30 || info.Height != 20 || info.Size != int64(len(data)) || !board.ValidSHA256(info.SHA256) {
			t.Fatalf("%s: %+v", c.format, info)
		}
	}
}

func TestInspectRefuses(t *testing.T) {
	png := testimages.Encode(t, "png", testimages.Ramp(4, 4))
	for _, c := range []struct {
		name     string
		data     []byte
		declared string
		code     board.Code
		says     string
	}{
		{"a PNG declared as JPEG", png, "image/jpeg", board.CodeUnsupported, "not the declared image/jpeg"},
		{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "image/svg+xml", board.CodeUnsupported, "SVG is refused"},
		{"text declared as PNG", []byte("hello"), "image/png", board.CodeUnsupported, "not a readable image/png"},
		{"a 41 Mpx bomb", testimages.PNGHeader(8000, 5125), "image/png", board.CodeTooLarge, "at most 40.0 Mpx"},
		{"a 4 G-pixel bomb", testimages.PNGHeader(65535, 65535), "image/png", board.CodeTooLarge, "pixels"},
	} {
		_, err := Inspect(c.data, c.declared, board.MaxBlobPixels)
		if board.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want %s saying %q", c.name, err, c.code, c.says)
		}
	}
	if _, err := Inspect(testimages.PNGHeader(8000, 5000), "image/png", board.MaxBlobPixels); err != nil {
		t.Errorf("exactly 40 Mpx refused: %v", err)
	}
}
