package export

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/easel-app/easel/board"
)

func TestParseBackground(t *testing.T) {
	for _, test := range []struct{ in, want string }{
		{"", ""}, {"#ffffff", ""}, {"#FFFFFF", ""}, {"transparent", "transparent"}, {"#1E1E1E", "#1e1e1e"},
	} {
		got, err := ParseBackground(test.in)
		if err != nil || got != test.want {
			t.Errorf("ParseBackground(%q) = %q, %v; want %q", test.in, got, err, test.want)
		}
	}
	for _, bad := range []string{"white", "#fff", "#12345g", "Transparent", "none", "#1234567", "rgba(0,0,0,0)"} {
		if _, err := ParseBackground(bad); board.ErrorCode(err) != board.CodeBadRequest {
			t.Errorf("ParseBackground(%q): %v, want bad_request", bad, err)
		}
	}
	// JSON has no background: any valid one renders the same file.
	o, err := Options{Background: "#123456"}.Normalize(JSON)
	if err != nil || o.Background != "" {
		t.Errorf("JSON options %+v, %v", o, err)
	}
	if _, err := (Options{Background: "red"}).Normalize(SVG); board.ErrorCode(err) != board.CodeBadRequest {
		t.Errorf("a bad background for SVG: %v", err)
	}
}

// A board exported on white (the default), on a dark colour, and
// transparent: its shapes keep their colours, only the page changes.
func TestBackgroundInEveryFormat(t *testing.T) {
	s := snapshotOf("Background", []board.Element{
		{ID: "r", Kind: board.KindRect, X: 0, Y: 0, W: 100, H: 60, Stroke: "#1971c2", Fill: ptr("#a5d8ff"), Width: 3, Z: "a0", Rot: 0.3},
	})
	decode := func(bg string) image.Image {
		t.Helper()
		data, err := Render(s, PNG, Options{Scale: 1, Background: bg})
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	rgba := func(img image.Image, x, y int) [4]uint32 {
		r, g, b, a := img.At(x, y).RGBA()
		return [4]uint32{r >> 8, g >> 8, b >> 8, a >> 8}
	}
	// The page corner (margin) and the middle of the rect (its fill); its
	// turned edges are anti-aliased.
	page := newScene(s).Page
	cx, cy := int(50-page.MinX), int(30-page.MinY)
	for _, test := range []struct {
		bg     string
		corner [4]uint32
	}{
		{"", [4]uint32{255, 255, 255, 255}},
		{"#121212", [4]uint32{0x12, 0x12, 0x12, 255}},
		{"transparent", [4]uint32{0, 0, 0, 0}},
	} {
		img := decode(test.bg)
		if got := rgba(img, 1, 1); got != test.corner {
			t.Errorf("background %q: corner %v, want %v", test.bg, got, test.corner)
		}
		if got := rgba(img, cx, cy); got != [4]uint32{0xa5, 0xd8, 0xff, 255} {
			t.Errorf("background %q: the rect's fill is %v", test.bg, got)
		}
		// An edge pixel on a transparent page is partly covered, not
		// blended with black.
		if test.bg == Transparent {
			partial := false
			for x := 0; x < cx; x++ {
				c := rgba(img, x, cy)
				if c[3] > 0 && c[3] < 255 {
					partial = true
					if c[2] < c[3]/2 {
						t.Errorf("edge pixel %v darkened", c)
					}
				}
			}
			if !partial {
				t.Error("no anti-aliased edge on the transparent page")
			}
		}
	}
	svg := func(bg string) string { return string(render2(t, s, SVG, bg)) }
	if !strings.Contains(svg(""), `fill="#ffffff"/>`) || !strings.Contains(svg("#121212"), `fill="#121212"/>`) {
		t.Error("SVG page rect missing")
	}
	if strings.Count(svg("transparent"), "<rect") != 1 {
		t.Error("a transparent SVG has a page rect")
	}
	if !bytes.Equal(render2(t, s, PDF, ""), render2(t, s, PDF, "transparent")) {
		t.Error("a PDF page is white or transparent alike: no rect either way")
	}
	if bytes.Equal(render2(t, s, PDF, ""), render2(t, s, PDF, "#121212")) {
		t.Error("a dark PDF page looks like a white one")
	}
}

func render2(t *testing.T, s *board.Snapshot, f Format, bg string) []byte {
	t.Helper()
	b, err := Render(s, f, Options{Scale: 1, Background: bg})
	if err != nil {
		t.Fatalf("render %s on %q: %v", f, bg, err)
	}
	return b
}
