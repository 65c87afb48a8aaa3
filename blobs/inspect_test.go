package blobs

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/easel-app/easel/board"
)

func encoded(t *testing.T, format string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, img)
	case "jpeg":
		err = jpeg.Encode(&buf, img, nil)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A PNG whose header claims w×h pixels, with no pixel data behind it: what a
// decompression bomb looks like to a header reader.
func pngHeaderOnly(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestInspectReadsTypeAndSizeFromTheBytes(t *testing.T) {
	for _, c := range []struct{ format, mime string }{{"png", "image/png"}, {"jpeg", "image/jpeg"}, {"gif", "image/gif"}} {
		data := encoded(t, c.format, 30, 20)
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
	png := encoded(t, "png", 4, 4)
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
		{"a 41 Mpx bomb", pngHeaderOnly(8000, 5125), "image/png", board.CodeTooLarge, "at most 40.0 Mpx"},
		{"a 4 G-pixel bomb", pngHeaderOnly(65535, 65535), "image/png", board.CodeTooLarge, "pixels"},
	} {
		_, err := Inspect(c.data, c.declared, board.MaxBlobPixels)
		if board.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want %s saying %q", c.name, err, c.code, c.says)
		}
	}
	if _, err := Inspect(pngHeaderOnly(8000, 5000), "image/png", board.MaxBlobPixels); err != nil {
		t.Errorf("exactly 40 Mpx refused: %v", err)
	}
}
