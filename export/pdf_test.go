package export

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"testing"

	"github.com/easel-app/easel/board"
)

// pdfStreams returns every stream of a PDF, inflated when it is Flate
// encoded.
func pdfStreams(t *testing.T, data []byte) [][]byte {
	t.Helper()
	var out [][]byte
	rest := data
	for {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			return out
		}
		dict := rest[max(0, bytes.LastIndex(rest[:i], []byte("obj"))):i]
		body := rest[i+len("stream\n"):]
		j := bytes.Index(body, []byte("endstream"))
		if j < 0 {
			t.Fatal("stream without endstream")
		}
		s := body[:j]
		if bytes.Contains(dict, []byte("/FlateDecode")) {
			r, err := zlib.NewReader(bytes.NewReader(s))
			if err != nil {
				t.Fatalf("inflate a stream: %v", err)
			}
			if s, err = io.ReadAll(r); err != nil {
				t.Fatalf("inflate a stream: %v", err)
			}
		}
		out = append(out, s)
		rest = body[j+len("endstream"):]
	}
}

var mediaBox = regexp.MustCompile(`/MediaBox \[ 0 0 ([0-9.]+) ([0-9.]+) \]`)

func pageSize(t *testing.T, data []byte) (w, h float64) {
	t.Helper()
	m := mediaBox.FindSubmatch(data)
	if m == nil {
		t.Fatal("no MediaBox")
	}
	w, _ = strconv.ParseFloat(string(m[1]), 64)
	h, _ = strconv.ParseFloat(string(m[2]), 64)
	return w, h
}

func TestPDFStructureAndText(t *testing.T) {
	s := snapshotOf("Demo", demoElements())
	for _, scale := range []int{1, 2} {
		data := render(t, s, PDF, scale)
		if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.HasSuffix(bytes.TrimSpace(data), []byte("%%EOF")) {
			t.Fatalf("not a PDF: %q…", data[:min(20, len(data))])
		}
		if n := bytes.Count(data, []byte("/Type /Page\n")); n != 1 {
			t.Fatalf("%d pages", n)
		}
		sc := newScene(s)
		w, h := pageSize(t, data)
		if want := sc.Page.w() * 0.75 * float64(scale); w < want-0.01 || w > want+0.01 {
			t.Fatalf("scale %d: page width %g, want %g", scale, w, want)
		}
		if want := sc.Page.h() * 0.75 * float64(scale); h < want-0.01 || h > want+0.01 {
			t.Fatalf("scale %d: page height %g, want %g", scale, h, want)
		}
		if !bytes.Contains(data, []byte("/CreationDate(D:19700101000000+00'00')")) {
			t.Fatal("no fixed creation date")
		}
		// The text is real text: shown with TJ in the content, in a font
		// whose ToUnicode map gives back every character used.
		var content, cmap []byte
		for _, st := range pdfStreams(t, data) {
			if bytes.Contains(st, []byte("TJ")) {
				content = append(content, st...)
			}
			if bytes.Contains(st, []byte("beginbfrange")) {
				cmap = st
			}
		}
		if n := bytes.Count(content, []byte("TJ")); n < 4 {
			t.Fatalf("%d text lines shown, want at least 4", n)
		}
		for _, r := range "Hello, Easel! çà €<b>&amp;</b>" {
			if !bytes.Contains(cmap, []byte(fmt.Sprintf("><%04X>", r))) {
				t.Fatalf("character %q is not in the font's ToUnicode map", r)
			}
		}
	}
}

func TestPDFPageOfAHugeBoardIsCapped(t *testing.T) {
	s := snapshotOf("Huge", []board.Element{
		{ID: "a", Kind: board.KindRect, X: -1e6, Y: 0, W: 10, H: 10, Z: "a"},
		{ID: "b", Kind: board.KindRect, X: 1e6, Y: 0, W: 10, H: 10, Z: "b"},
	})
	w, h := pageSize(t, render(t, s, PDF, 4))
	if w != MaxPDFSide || h < MinPDFSide || h > MaxPDFSide {
		t.Fatalf("page %g×%g", w, h)
	}
}
