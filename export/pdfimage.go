package export

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
)

// writeImage writes a bitmap as an RGB image object with its alpha as a
// soft mask (/SMask) when it has any, and returns the image's object
// number: colour glyphs' bitmaps (pdftype3.go) and the board's images.
// The samples are straight (not premultiplied) colour, as PDF images
// are. A large image is compressed for speed rather than size.
func writeImage(w *pdfWriter, img image.Image) int {
	b := img.Bounds()
	nrgba, ok := img.(*image.NRGBA)
	if !ok {
		nrgba = image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(nrgba, nrgba.Rect, img, b.Min, draw.Src)
		b = nrgba.Rect
	}
	n := b.Dx() * b.Dy()
	rgb, alpha := make([]byte, 0, 3*n), make([]byte, 0, n)
	opaque := true
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := nrgba.Pix[nrgba.PixOffset(b.Min.X, y):nrgba.PixOffset(b.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			rgb = append(rgb, row[i], row[i+1], row[i+2])
			alpha = append(alpha, row[i+3])
			opaque = opaque && row[i+3] == 0xff
		}
	}
	stream := w.stream
	if n > fastImagePixels {
		stream = w.fastStream
	}
	size := fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8", b.Dx(), b.Dy())
	img0 := w.reserve()
	if opaque {
		stream(img0, size+" /ColorSpace /DeviceRGB", rgb)
		return img0
	}
	mask := w.reserve()
	stream(mask, size+" /ColorSpace /DeviceGray", alpha)
	stream(img0, fmt.Sprintf("%s /ColorSpace /DeviceRGB /SMask %d 0 R", size, mask), rgb)
	return img0
}

// fastImagePixels is the size from which an image is compressed at
// Flate's fastest level: a photo of millions of pixels shrinks little
// more at the default level, at several times the cost.
const fastImagePixels = 1 << 16

// writeBlobImage writes a board's image (bytes checked by blobBytes) as
// an image object, once per render, and returns its object number; ok
// false when the bytes do not decode (a placeholder is drawn instead).
// A JPEG in YCbCr or grey goes in as it is (DCTDecode): PDF readers
// decode it themselves. Anything else is decoded (a GIF's first frame)
// and written by writeImage.
func writeBlobImage(ctx context.Context, w *pdfWriter, im *sceneImage) (obj int, ok bool, err error) {
	if im.info.MIME == "image/jpeg" {
		cfg, err := jpegConfig(im.data)
		space := ""
		switch {
		case err != nil:
			return 0, false, nil
		case cfg.ColorModel == color.YCbCrModel:
			space = "/DeviceRGB"
		case cfg.ColorModel == color.GrayModel:
			space = "/DeviceGray"
		}
		if space != "" {
			obj = w.reserve()
			w.rawStream(obj, fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8 /ColorSpace %s",
				cfg.Width, cfg.Height, space), "/DCTDecode", im.data)
			return obj, true, nil
		}
	}
	img, err := decode(ctx, im.data)
	if err != nil {
		if ctx.Err() != nil {
			return 0, false, ctx.Err()
		}
		return 0, false, nil
	}
	return writeImage(w, img), true, nil
}

// jpegConfig reads a JPEG's header.
func jpegConfig(data []byte) (image.Config, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err == nil && format != "jpeg" {
		err = fmt.Errorf("not a JPEG but %s", format)
	}
	return cfg, err
}
