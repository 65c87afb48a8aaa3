package export

import (
	"fmt"
	"image"
	"image/draw"
)

// writeImage writes a colour glyph's bitmap as an RGB image object with
// its alpha as a soft mask (/SMask), and returns the image's object
// number. The samples are straight (not premultiplied) colour, as PDF
// images are.
func writeImage(w *pdfWriter, bi *glyphImage) int {
	b := bi.img.Bounds()
	rgba := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Rect, bi.img, b.Min, draw.Src)
	n := b.Dx() * b.Dy()
	rgb, alpha := make([]byte, 0, 3*n), make([]byte, 0, n)
	for i := 0; i < len(rgba.Pix); i += 4 {
		rgb = append(rgb, rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2])
		alpha = append(alpha, rgba.Pix[i+3])
	}
	img, mask := w.reserve(), w.reserve()
	size := fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /BitsPerComponent 8", b.Dx(), b.Dy())
	w.stream(mask, size+" /ColorSpace /DeviceGray", alpha)
	w.stream(img, fmt.Sprintf("%s /ColorSpace /DeviceRGB /SMask %d 0 R", size, mask), rgb)
	return img
}
