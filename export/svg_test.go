package export

import (
	"bytes"
	"encoding/xml"
	"errors"
	"github.com/easel-app/easel/fonts"
	"io"
	"strings"
	"testing"

	"github.com/easel-app/easel/board"
)

// svgTokens walks an SVG with encoding/xml, returning the names of its
// elements and the character data inside each tspan and the title.
func svgTokens(t *testing.T, data []byte) (names []string, texts []string, title string, root xml.StartElement) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(data))
	var stack []string
	var cur strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				root = tok.Copy()
			}
			names = append(names, tok.Name.Local)
			stack = append(stack, tok.Name.Local)
			cur.Reset()
		case xml.CharData:
			cur.Write(tok)
		case xml.EndElement:
			switch tok.Name.Local {
			case "tspan":
				texts = append(texts, cur.String())
			case "title":
				title = cur.String()
			}
			stack = stack[:len(stack)-1]
			cur.Reset()
		}
	}
	return names, texts, title, root
}

func TestSVGEscapesEveryText(t *testing.T) {
	const script = "<script>alert(1)</script>"
	const evilTitle = `</title><script>alert(2)</script>"'&`
	s := snapshotOf(evilTitle, []board.Element{
		{ID: "t", Kind: board.KindText, X: 0, Y: 0, Text: script, Z: "a"},
		{ID: "k", Kind: board.KindSticky, X: 0, Y: 100, W: 400, H: 200, Text: script, Z: "b"},
		{ID: `"><script>alert(3)</script>`, Kind: board.KindRect, W: 10, H: 10, Stroke: `#000"/><script>`, Z: "c"},
	})
	data := render(t, s, SVG, 1)
	names, texts, title, root := svgTokens(t, data)
	for _, n := range names {
		if strings.EqualFold(n, "script") {
			t.Fatalf("a script element got into the SVG:\n%s", data)
		}
	}
	if root.Name.Local != "svg" || root.Name.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root element %v", root.Name)
	}
	attrs := map[string]string{}
	for _, a := range root.Attr {
		attrs[a.Name.Local] = a.Value
	}
	for _, a := range []string{"viewBox", "width", "height"} {
		if attrs[a] == "" {
			t.Fatalf("root has no %s", a)
		}
	}
	if title != evilTitle {
		t.Fatalf("title %q, want %q", title, evilTitle)
	}
	if len(texts) != 2 || texts[0] != script || texts[1] != script {
		t.Fatalf("texts %q, want the script text twice as character data", texts)
	}
}

func TestSVGDrawsEveryKind(t *testing.T) {
	data := render(t, snapshotOf("Demo", demoElements()), SVG, 1)
	names, texts, _, _ := svgTokens(t, data)
	count := map[string]int{}
	for _, n := range names {
		count[n]++
	}
	// rect: background, the rect, the sticky; polyline: line, arrow and
	// its open head; circle: the one-point stroke.
	for name, want := range map[string]int{"rect": 3, "ellipse": 1, "path": 1, "polyline": 3, "polygon": 0, "circle": 1, "text": 2} {
		if count[name] != want {
			t.Errorf("%d %s elements, want %d", count[name], name, want)
		}
	}
	if texts[0] != "Hello, Easel! çà €" || texts[1] != "<b>&amp;</b>" {
		t.Errorf("text lines %q", texts[:2])
	}
	if !bytes.Contains(data, []byte(`transform="rotate(`)) {
		t.Error("rotated elements have no rotate transform")
	}
}

// The emoji face maps the space and the digits: in a font stack (no
// unicode-range) it must come after every other face of the set, or a
// viewer without the Go font draws spaces and digits with it.
func TestSVGFontStackPutsEmojiLast(t *testing.T) {
	set := &fonts.Set{Faces: []*fonts.Face{
		{Family: "Go", Scripts: []string{"Latin"}},
		{Family: "Noto Color Emoji", Scripts: []string{"Emoji"}},
		{Family: "Noto Sans CJK JP", Scripts: []string{"CJK"}},
		{Family: "Noto Sans Arabic", Scripts: []string{"Arabic"}},
	}}
	want := "'Go', 'Noto Sans CJK JP', 'Noto Sans Arabic', 'Noto Color Emoji', " + svgFontFamily
	if got := svgFamilies(set); got != want {
		t.Fatalf("font stack\n got %s\nwant %s", got, want)
	}
}
