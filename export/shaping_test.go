package export

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/fonts"
)

// systemFaces is the font set of this machine's system directories, as
// a server started without --fonts loads it.
var systemFaces = sync.OnceValue(func() *fontFaces {
	return parseFaces(fonts.Load(fonts.Options{System: fonts.SystemDirs()}))
})

// scriptCases are issue 12's scripts: two texts of different characters
// each, and the Debian package whose font draws them.
var scriptCases = []struct {
	name, a, b, pkg string
}{
	{"Latin", "Hello world", "Quick fox", "(embedded)"},
	{"Cyrillic", "Привет мир", "Жёлтый дом", "fonts-noto-core"},
	{"Greek", "Γειά σου", "Καλημέρα", "fonts-noto-core"},
	{"Chinese", "你好世界", "中文字体", "fonts-noto-cjk"},
	{"Japanese", "こんにちは", "日本語カナ", "fonts-noto-cjk"},
	{"Korean", "안녕하세요", "한국어글", "fonts-noto-cjk"},
	{"Arabic", "مرحبا بالعالم", "اللغة العربية", "fonts-noto-core"},
	{"Hebrew", "שלום עולם", "עברית יפה", "fonts-noto-core"},
	{"Devanagari", "नमस्ते दुनिया", "हिन्दी भाषा", "fonts-noto-core"},
	{"Emoji", "😀👍🎉", "❤🌍🚀", "fonts-noto-color-emoji"},
}

// drawBoard renders els to PNG pixels with the font set ff at scale.
func drawBoard(t *testing.T, ff *fontFaces, els []board.Element, scale int, onGlyph func(shapedGlyph)) *image.RGBA {
	t.Helper()
	sc := newSceneWith(snapshotOf("t", els), ff)
	pl, err := planPNG(sc, scale, MaxRenderWork)
	if err != nil {
		t.Fatal(err)
	}
	r := &pngRenderer{p: newPainter(pl.w, pl.h, ""), k: pl.k, origin: pt{sc.Page.MinX, sc.Page.MinY}, face: sc.shaper, onGlyph: onGlyph}
	r.p.check = context.Background().Err
	for i := range sc.Shapes {
		r.shape(&sc.Shapes[i])
	}
	return r.p.img
}

// drawText renders one element to PNG pixels with the font set ff,
// collecting every glyph drawn.
func drawText(t *testing.T, ff *fontFaces, el board.Element) (*image.RGBA, []shapedGlyph) {
	t.Helper()
	var drawn []shapedGlyph
	img := drawBoard(t, ff, []board.Element{el}, 2, func(g shapedGlyph) { drawn = append(drawn, g) })
	return img, drawn
}

func textElement(kind board.Kind, text string) board.Element {
	e := board.Element{ID: "e", Kind: kind, X: 10, Y: 10, Font: 32, Text: text, Stroke: "#1e1e1e"}
	if kind == board.KindSticky {
		e.W, e.H = 260, 200
	}
	return e
}

// TestPNGDrawsEveryScript is issue 12's acceptance 1 for PNG: for each
// script, a text and a sticky draw no .notdef glyph (gid 0), and two
// texts of different characters give different pixels.
func TestPNGDrawsEveryScript(t *testing.T) {
	ff := systemFaces()
	for _, c := range scriptCases {
		for _, kind := range []board.Kind{board.KindText, board.KindSticky} {
			t.Run(c.name+"/"+string(kind), func(t *testing.T) {
				for _, s := range []string{c.a, c.b} {
					for _, r := range s {
						if r != ' ' && !covered(ff, r) {
							t.Fatalf("no font on this machine draws %q (%s): install the Debian package %s", r, c.name, c.pkg)
						}
					}
				}
				imgA, glyphsA := drawText(t, ff, textElement(kind, c.a))
				imgB, glyphsB := drawText(t, ff, textElement(kind, c.b))
				for _, gs := range [][]shapedGlyph{glyphsA, glyphsB} {
					if len(gs) == 0 {
						t.Fatal("no glyph drawn")
					}
					for _, g := range gs {
						if g.gid == 0 {
							t.Fatalf("the missing-glyph box (.notdef of %s) was drawn", ff.set.Faces[g.face].Family)
						}
					}
				}
				if d := differentPixels(imgA, imgB); d < 20 {
					t.Fatalf("%q and %q differ in %d pixels: not their glyphs", c.a, c.b, d)
				}
			})
		}
	}
}

func covered(ff *fontFaces, r rune) bool {
	for _, c := range ff.cov {
		if c.Has(r) {
			return true
		}
	}
	return false
}

func differentPixels(a, b *image.RGBA) int {
	if a.Rect != b.Rect {
		return math.MaxInt
	}
	n := 0
	for i := 0; i < len(a.Pix); i += 4 {
		if !bytes.Equal(a.Pix[i:i+4], b.Pix[i:i+4]) {
			n++
		}
	}
	return n
}

// TestPNGEmbeddedFontOnly: with the Go font alone an export still works;
// Latin draws, other scripts are the .notdef box, as docs/exports.md says.
func TestPNGEmbeddedFontOnly(t *testing.T) {
	ff := parseFaces(fonts.Embedded())
	_, latin := drawText(t, ff, textElement(board.KindSticky, "Hello world"))
	for _, g := range latin {
		if g.gid == 0 {
			t.Fatal("Latin drawn as a box with the embedded font")
		}
	}
	for _, s := range []string{"日本語", "مرحبا", "😀"} {
		_, gs := drawText(t, ff, textElement(board.KindText, s))
		boxes := 0
		for _, g := range gs {
			if g.gid == 0 {
				boxes++
			}
		}
		if boxes == 0 {
			t.Errorf("%q: no box drawn with the embedded font alone", s)
		}
	}
	snap := snapshotOf("t", []board.Element{textElement(board.KindSticky, "日本語 مرحبا 😀")})
	for _, f := range []Format{PNG, SVG, PDF} {
		if _, err := Render(snap, f, Options{Scale: 1}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestRTLRunsInVisualOrder: an Arabic word is shaped with joined forms
// (not the isolated letters' glyphs), and runs are put in visual order.
func TestRTLRunsInVisualOrder(t *testing.T) {
	ts := newTextShaper(systemFaces())
	joined := ts.line("سلام")
	var isolated []shapedGlyph
	for _, r := range "سلام" {
		isolated = append(isolated, ts.line(string(r)).glyphs...)
	}
	if len(joined.glyphs) == 0 || fmt.Sprint(gids(joined.glyphs)) == fmt.Sprint(gids(reverse(isolated))) {
		t.Fatalf("سلام not joined: %v vs isolated %v", gids(joined.glyphs), gids(isolated))
	}
	// In a left-to-right line the Latin word comes first, the Arabic
	// after it; in a right-to-left line (it starts with Arabic) the
	// Arabic word is at the right end.
	ltr := ts.line("abc سلام")
	if ltr.glyphs[0].gid != ts.line("a").glyphs[0].gid {
		t.Errorf("abc سلام does not start with a: %v", gids(ltr.glyphs))
	}
	rtl := ts.line("سلام abc")
	if rtl.glyphs[0].gid != ts.line("a").glyphs[0].gid {
		t.Errorf("سلام abc does not show abc at its left: %v", gids(rtl.glyphs))
	}
	if got := visualOrder([]int{0, 1, 1, 0}); fmt.Sprint(got) != "[0 2 1 3]" {
		t.Fatalf("visualOrder = %v", got)
	}
	if got := visualOrder([]int{1, 2, 1}); fmt.Sprint(got) != "[2 1 0]" {
		t.Fatalf("visualOrder = %v", got)
	}
}

func gids(gs []shapedGlyph) []int {
	out := make([]int, len(gs))
	for i, g := range gs {
		out[i] = int(g.gid)
	}
	return out
}

func reverse(gs []shapedGlyph) []shapedGlyph {
	out := make([]shapedGlyph, len(gs))
	for i, g := range gs {
		out[len(gs)-1-i] = g
	}
	return out
}

// TestPNGWrapsWhereItDraws: a sticky's lines are measured with the shaped
// advances, so none is wider than the sticky, in CJK as in Latin.
func TestPNGWrapsWhereItDraws(t *testing.T) {
	ff := systemFaces()
	for _, text := range []string{strings.Repeat("日本語の文章です。", 6), strings.Repeat("مرحبا بالعالم ", 6)} {
		sc := newSceneWith(snapshotOf("t", []board.Element{textElement(board.KindSticky, text)}), ff)
		s := sc.Shapes[0]
		if len(s.Lines) < 2 {
			t.Fatalf("%q not wrapped: %v", text, s.Lines)
		}
		for _, l := range s.Lines {
			if w := sc.shaper.width(l.Text, s.Font); w > 260-2*stickyPadding+0.01 {
				t.Errorf("line %q is %g wide", l.Text, w)
			}
		}
	}
}

// TestSVGNamesTheFontSetAndRTL: the SVG's font stack starts with the
// set's families, and an Arabic line is marked right to left.
func TestSVGNamesTheFontSetAndRTL(t *testing.T) {
	UseFonts(systemFaces().set)
	defer UseFonts(nil)
	out := string(render(t, snapshotOf("t", []board.Element{textElement(board.KindText, "مرحبا")}), SVG, 1))
	if !strings.Contains(out, `font-family="&#39;Go&#39;`) && !strings.Contains(out, `font-family="'Go'`) {
		t.Errorf("font stack does not start with the set's first family: %s", out[:min(len(out), 600)])
	}
	if !strings.Contains(out, "Noto") {
		t.Error("no Noto family in the font stack")
	}
	if !strings.Contains(out, `direction="rtl"`) {
		t.Error("Arabic line not marked rtl")
	}
}

// TestSpaceIsTheGoFonts: a space between emoji is the Go font's space,
// as the browser draws it, not the emoji font's wider one.
func TestSpaceIsTheGoFonts(t *testing.T) {
	ts := newTextShaper(systemFaces())
	both, one, space := ts.line("😀 😀").width, ts.line("😀").width, ts.line(" ").width
	if math.Abs(both-(2*one+space)) > 1e-9 {
		t.Fatalf("😀 😀 is %g em wide, want 2 × %g + the Go space %g", both, one, space)
	}
}
