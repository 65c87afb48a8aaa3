package export

import (
	"encoding/base64"
	"strconv"
)

// Images in the SVG. The first element that shows a blob inlines it: an
// <image> of its box with the bytes as a data: URI of the blob's type
// (one of board.BlobMIMEs, checked from the bytes: never SVG, which could
// carry script) and preserveAspectRatio="none", so it fills the box as
// on the canvas. Every later element showing the same blob is a <use> of
// the first, scaled and moved onto its own box, so a blob's bytes are in
// the file once however often it is shown. Both turn with the element
// like any shape (svgWriter.shape).

// svgImageID names the <image> of a blob: a prefix no other id in the
// file has and the first 16 hex digits of its sha.
func svgImageID(sha string) string { return "blob-" + sha[:16] }

// image writes an image shape whose blob is available (svgImages); one
// of negative w or h mirrored across its box by a group around it.
func (w *svgWriter) image(s *shape, im *sceneImage) {
	b := s.Box
	if s.FlipX || s.FlipY {
		sx, sy, c := 1.0, 1.0, b.center()
		if s.FlipX {
			sx = -1
		}
		if s.FlipY {
			sy = -1
		}
		w.str(`<g transform="matrix(`)
		w.nums(sx, 0, 0, sy, c.X-sx*c.X, c.Y-sy*c.Y)
		w.str(`)">`)
		defer w.str("</g>")
	}
	if first, seen := w.imageBoxes[im.sha]; seen {
		sx, sy := b.w()/first.w(), b.h()/first.h()
		w.str(`<use xlink:href="#` + svgImageID(im.sha) + `" transform="matrix(`)
		w.str(strconv.FormatFloat(sx, 'f', -1, 64) + " 0 0 " + strconv.FormatFloat(sy, 'f', -1, 64) + " ")
		w.nums(b.MinX-sx*first.MinX, b.MinY-sy*first.MinY)
		w.str(`)"/>`)
		return
	}
	w.imageBoxes[im.sha] = b
	w.str(`<image id="` + svgImageID(im.sha) + `"`)
	w.attr("x", b.MinX)
	w.attr("y", b.MinY)
	w.attr("width", b.w())
	w.attr("height", b.h())
	w.str(` preserveAspectRatio="none" xlink:href="data:` + im.info.MIME + `;base64,`)
	enc := base64.NewEncoder(base64.StdEncoding, &w.b)
	_, _ = enc.Write(im.data) // a bytes.Buffer never fails
	_ = enc.Close()
	w.str(`"/>`)
	im.data = nil // the <use>s need only its box
}
