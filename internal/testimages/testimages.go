// Package testimages makes the images that tests of several packages
// upload, inspect and draw: images of known pixels, encoded in the formats
// a board takes, and a PNG header that claims pixels it does not have.
package testimages

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// Encode encodes img in format png, jpeg (at the encoder's default
// quality) or gif.
func Encode(t testing.TB, format string, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, img)
	case "jpeg":
		err = jpeg.Encode(&buf, img, nil)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	default:
		t.Fatalf("testimages: no encoder for %q", format)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// PNG encodes img as a PNG.
func PNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	return Encode(t, "png", img)
}

// JPEG encodes img as a JPEG of the quality given.
func JPEG(t testing.TB, img image.Image, quality int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: quality}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Solid is a w×h image all of colour c.
func Solid(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

// Ramp is a w×h image whose every byte of pixel data is its index (mod
// 256): no two neighbouring pixels alike.
func Ramp(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	return img
}

// QuadrantColours are the colours of Quadrants' quadrants: top left, top
// right, bottom left, bottom right.
var QuadrantColours = []color.NRGBA{{0xe0, 0x31, 0x31, 0xff}, {0x2f, 0x9e, 0x44, 0xff}, {0x19, 0x71, 0xc2, 0xff}, {0xf0, 0x8c, 0x00, 0xff}}

// Quadrants is a w×h image of four coloured quadrants, so that a test can
// tell where each part of an image was drawn, and which way up.
func Quadrants(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			q := 0
			if x >= w/2 {
				q++
			}
			if y >= h/2 {
				q += 2
			}
			img.SetNRGBA(x, y, QuadrantColours[q])
		}
	}
	return img
}

// Near reports whether got is within tol of want in each of red, green
// and blue.
func Near(got color.Color, want color.NRGBA, tol int) bool {
	c := color.NRGBAModel.Convert(got).(color.NRGBA)
	d := func(a, b uint8) bool { return int(a)-int(b) <= tol && int(b)-int(a) <= tol }
	return d(c.R, want.R) && d(c.G, want.G) && d(c.B, want.B)
}

// PNGHeader is a PNG's signature and header claiming w×h 8-bit RGBA
// pixels, with no pixel data behind it: what a decompression bomb looks
// like to a header reader.
func PNGHeader(w, h uint32) []byte {
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
