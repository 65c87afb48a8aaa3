package export

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
)

// pdfWriter writes the objects of a PDF file and its cross-reference
// table. It knows PDF syntax, nothing of boards: objects are numbered as
// they are reserved, written in any order, and every stream is Flate
// compressed. Nothing random or timed goes in, so equal objects give
// equal bytes.
type pdfWriter struct {
	buf     bytes.Buffer
	offsets []int // per object number - 1: where it starts; -1 until written
	err     error // the first compression error
	// One compressor for every stream: a Flate writer holds about a
	// megabyte of tables, too much to make for each of hundreds of
	// glyph procedures.
	z  bytes.Buffer
	zw *zlib.Writer
	// zf compresses large images at the fastest level (fastStream).
	zf *zlib.Writer
}

func newPDFWriter() *pdfWriter {
	w := &pdfWriter{}
	// The binary comment tells transfer tools the file is not text.
	w.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	return w
}

// reserve is a new object number, to refer to before writing it.
func (w *pdfWriter) reserve() int {
	w.offsets = append(w.offsets, -1)
	return len(w.offsets)
}

// object writes object n with body (a dictionary, array, …).
func (w *pdfWriter) object(n int, body string) {
	w.offsets[n-1] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

// stream writes object n as a stream of data, Flate compressed; dict is
// the stream dictionary's entries other than its length and filter.
func (w *pdfWriter) stream(n int, dict string, data []byte) {
	if w.zw == nil {
		w.zw = zlib.NewWriter(&w.z)
	}
	w.compressed(w.zw, n, dict, data)
}

// fastStream is stream at Flate's fastest level.
func (w *pdfWriter) fastStream(n int, dict string, data []byte) {
	if w.zf == nil {
		w.zf, _ = zlib.NewWriterLevel(&w.z, zlib.BestSpeed) // a valid level never fails
	}
	w.compressed(w.zf, n, dict, data)
}

func (w *pdfWriter) compressed(zw *zlib.Writer, n int, dict string, data []byte) {
	w.z.Reset()
	zw.Reset(&w.z)
	_, err := zw.Write(data)
	if err == nil {
		err = zw.Close()
	}
	if err != nil && w.err == nil {
		w.err = err
	}
	w.rawStream(n, dict, "/FlateDecode", w.z.Bytes())
}

// rawStream writes object n as a stream of data already encoded with
// filter (a JPEG's /DCTDecode).
func (w *pdfWriter) rawStream(n int, dict, filter string, data []byte) {
	if dict != "" {
		dict += " "
	}
	w.offsets[n-1] = w.buf.Len()
	fmt.Fprintf(&w.buf, "%d 0 obj\n<< %s/Filter %s /Length %d >>\nstream\n", n, dict, filter, len(data))
	w.buf.Write(data)
	w.buf.WriteString("\nendstream\nendobj\n")
}

// finish writes the cross-reference table and trailer for the catalog
// root and document info.
func (w *pdfWriter) finish(root, info int) ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	xref := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", len(w.offsets)+1)
	for n, off := range w.offsets {
		if off < 0 {
			return nil, fmt.Errorf("pdf: object %d reserved but never written", n+1)
		}
		fmt.Fprintf(&w.buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n",
		len(w.offsets)+1, root, info, xref)
	return w.buf.Bytes(), nil
}

// pdfNum formats v with at most prec decimals and no exponent: PDF has
// no exponent syntax. Not a number, and infinities, are 0.
func pdfNum(v float64, prec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if prec > 0 {
		for s[len(s)-1] == '0' {
			s = s[:len(s)-1]
		}
		if s[len(s)-1] == '.' {
			s = s[:len(s)-1]
		}
	}
	if s == "-0" {
		return "0"
	}
	return s
}

// pdfTextString is s as a PDF text string: UTF-16BE with its byte-order
// mark, written in hex, so that no character of s can end the string or
// act as syntax.
func pdfTextString(s string) string {
	var b []byte
	b = append(b, '<', 'F', 'E', 'F', 'F')
	for _, u := range utf16.Encode([]rune(s)) {
		b = fmt.Appendf(b, "%04X", u)
	}
	return string(append(b, '>'))
}
