package export

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/fonts/subset/otscheck"
	"github.com/go-text/typesetting/font"
)

// embedScripts are the texts of the self-contained SVG tests: one line
// per script whose face the export embeds.
var embedScripts = []struct{ name, text string }{
	{"Latin", "Hello, Easel!"},
	{"Japanese", "日本語のテキスト"},
	{"Arabic", "مرحبا بالعالم"},
	{"Devanagari", "नमस्ते दुनिया"},
}

func embedBoard(extra ...string) *board.Snapshot {
	var els []board.Element
	for i, s := range embedScripts {
		els = append(els, board.Element{ID: fmt.Sprintf("t%d", i), Kind: board.KindText, X: 10, Y: float64(10 + 40*i), Font: 24, Text: s.text, Z: fmt.Sprintf("a%d", i)})
	}
	for i, s := range extra {
		els = append(els, board.Element{ID: fmt.Sprintf("x%d", i), Kind: board.KindText, X: 400, Y: float64(10 + 2000*i), Text: s, Z: fmt.Sprintf("b%d", i)})
	}
	return snapshotOf("embed", els)
}

var fontFaceRule = regexp.MustCompile(`@font-face\{font-family:'([^']+)';src:url\(data:font/ttf;base64,([A-Za-z0-9+/=]+)\) format\('truetype'\)\}`)

// embeddedFonts are an SVG's @font-face subsets by family.
func embeddedFonts(t *testing.T, svg []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, m := range fontFaceRule.FindAllSubmatch(svg, -1) {
		data, err := base64.StdEncoding.DecodeString(string(m[2]))
		if err != nil {
			t.Fatalf("@font-face %s: %v", m[1], err)
		}
		out[string(m[1])] = data
	}
	return out
}

func renderEmbedded(t *testing.T, snap *board.Snapshot) []byte {
	t.Helper()
	b, err := Render(snap, SVG, Options{EmbedFonts: true})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSVGEmbedsTheFontsItsTextUses: a self-contained SVG of Latin,
// Japanese, Arabic and Devanagari text carries one subset per face, each
// mapping its script's characters, accepted by the browsers' sanitizer,
// named first in the font stack; the default SVG carries none.
func TestSVGEmbedsTheFontsItsTextUses(t *testing.T) {
	UseFonts(systemFaces().set)
	defer UseFonts(nil)
	snap := embedBoard()
	plain := render(t, snap, SVG, 1)
	if bytes.Contains(plain, []byte("@font-face")) || bytes.Contains(plain, []byte("<style")) {
		t.Fatal("the default SVG embeds fonts")
	}
	svg := renderEmbedded(t, snap)
	subsets := embeddedFonts(t, svg)
	if len(subsets) != len(embedScripts) {
		t.Fatalf("%d subsets, want one per script's face (%d)", len(subsets), len(embedScripts))
	}
	for _, s := range embedScripts {
		found := false
		for family, data := range subsets {
			f, err := font.ParseTTF(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s does not parse: %v", family, err)
			}
			all := true
			for _, r := range s.text {
				if _, ok := f.NominalGlyph(r); !ok && r != ' ' && r != ',' && r != '!' {
					all = false
				}
			}
			if all {
				found = true
				otscheck.Accepts(t, family, data)
			}
		}
		if !found {
			t.Errorf("no subset maps the %s text %q", s.name, s.text)
		}
	}
	stack := regexp.MustCompile(`font-family="([^"]*)"`).FindSubmatch(svg)
	if stack == nil || !strings.HasPrefix(string(stack[1]), "&#39;Easel ") {
		t.Fatalf("the font stack does not start with a subset: %q", stack)
	}
	for family := range subsets {
		if !strings.Contains(string(stack[1]), "&#39;"+family+"&#39;") {
			t.Errorf("subset %s is not in the font stack", family)
		}
	}
	if !bytes.Contains(stack[1], []byte("system-ui")) {
		t.Error("the usual stack no longer follows the subsets")
	}
	if again := renderEmbedded(t, snap); !bytes.Equal(again, svg) {
		t.Error("two renders of the same board differ")
	}
}

// TestSVGEmbedsShapingTablesWhereNeeded: Arabic's subset keeps the
// face's glyph ids and GSUB (the viewer joins the letters), Japanese and
// Latin get compact subsets without layout tables.
func TestSVGEmbedsShapingTablesWhereNeeded(t *testing.T) {
	UseFonts(systemFaces().set)
	defer UseFonts(nil)
	for family, data := range embeddedFonts(t, renderEmbedded(t, embedBoard())) {
		hasGSUB := bytes.Contains(data[:12+16*int(data[5])], []byte("GSUB"))
		complex := strings.Contains(family, "Arabic") || strings.Contains(family, "Devanagari")
		if hasGSUB != complex {
			t.Errorf("%s: GSUB %v, want %v", family, hasGSUB, complex)
		}
	}
}

// TestSVGDrawsColourEmojiAsImages: each emoji becomes a <use> of one
// PNG image per distinct glyph (a skin-toned one is one glyph of the
// font's GSUB, which the subset then keeps), over a character the
// embedded subset keeps (empty, at the emoji's advance) so the text
// stays text.
func TestSVGDrawsColourEmojiAsImages(t *testing.T) {
	UseFonts(systemFaces().set)
	defer UseFonts(nil)
	svg := string(renderEmbedded(t, embedBoard("😀 👍 😀 👍🏽")))
	if n := strings.Count(svg, "<image "); n != 3 {
		t.Errorf("%d images, want 3 (😀, 👍 and 👍🏽, each once)", n)
	}
	if n := strings.Count(svg, "<use "); n != 4 {
		t.Errorf("%d uses, want 4", n)
	}
	if !strings.Contains(svg, `xmlns:xlink="http://www.w3.org/1999/xlink"`) {
		t.Error("xlink:href without its namespace")
	}
	if !strings.Contains(svg, "😀 👍 😀 👍🏽") {
		t.Error("the emoji are no longer text")
	}
	emoji := false
	for family, data := range embeddedFonts(t, []byte(svg)) {
		f, err := font.ParseTTF(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		otscheck.Accepts(t, family, data)
		if g, ok := f.NominalGlyph('😀'); ok {
			emoji = true
			if o, ok := f.GlyphDataOutline(g); ok && len(o.Segments) > 0 {
				t.Errorf("%s draws 😀 as an outline under its image", family)
			}
			if f.HorizontalAdvance(g) == 0 {
				t.Errorf("%s: 😀 has no advance", family)
			}
		}
	}
	if !emoji {
		t.Error("no subset maps 😀")
	}
}

// TestSVGEmbedIsBounded: past the byte cap, the characters of the
// board's first texts are embedded and the rest left to the viewer's
// fonts, which the file says; the fonts stay within the cap.
func TestSVGEmbedIsBounded(t *testing.T) {
	UseFonts(systemFaces().set)
	defer UseFonts(nil)
	defer func(n int) { maxEmbedBytes = n }(maxEmbedBytes)
	maxEmbedBytes = 60 << 10
	var b strings.Builder
	for r := rune(0x4E00); r < 0x4E00+2000; r++ {
		b.WriteRune(r)
		if r%64 == 0 {
			b.WriteByte('\n')
		}
	}
	svg := renderEmbedded(t, embedBoard(b.String()))
	total := 0
	for _, data := range embeddedFonts(t, svg) {
		total += len(data)
	}
	if total == 0 || total > maxEmbedBytes {
		t.Fatalf("%d bytes of fonts embedded under a cap of %d", total, maxEmbedBytes)
	}
	m := regexp.MustCompile(`<!-- (\d+) characters not embedded`).FindSubmatch(svg)
	if m == nil {
		t.Fatal("the SVG does not say characters were left out")
	}
	t.Logf("%d bytes embedded, %s characters left to the viewer", total, m[1])
}

// TestSVGEmbedStopsWhenCancelled: building subsets heeds the render's
// context.
func TestSVGEmbedStopsWhenCancelled(t *testing.T) {
	UseFonts(systemFaces().set)
	defer UseFonts(nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RenderContext(ctx, embedBoard(), SVG, Options{EmbedFonts: true}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

// TestEmbedFontsIsSVGOnly: other formats ignore the option, as JSON
// ignores a background, so equal files share one rendering.
func TestEmbedFontsIsSVGOnly(t *testing.T) {
	for _, f := range []Format{JSON, PNG, PDF} {
		o, err := Options{EmbedFonts: true}.Normalize(f)
		if err != nil || o.EmbedFonts {
			t.Errorf("%s: %+v %v, want EmbedFonts dropped", f, o, err)
		}
	}
	if o, _ := (Options{EmbedFonts: true}).Normalize(SVG); !o.EmbedFonts {
		t.Error("SVG lost EmbedFonts")
	}
}

// TestSVGEmbedOfAHugeBoardIsBounded measures the worst case: a board of
// every character the font set maps (48 000 distinct ones with Debian's
// Noto; the loop would stop at 100 000) stays within the cap, in seconds.
func TestSVGEmbedOfAHugeBoardIsBounded(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("renders a board of every character the set maps (30 s under the race detector)")
	}
	UseFonts(systemFaces().set)
	defer UseFonts(nil)
	var texts []string
	var b strings.Builder
	n := 0
	for r := rune(0x21); r < 0x30000 && n < 100000; r++ {
		for _, c := range systemFaces().cov {
			if c.Has(r) {
				b.WriteRune(r)
				n++
				break
			}
		}
		if n%64 == 0 {
			b.WriteByte('\n')
		}
		if b.Len() > 16000 {
			texts = append(texts, b.String())
			b.Reset()
		}
	}
	texts = append(texts, b.String())
	start := time.Now()
	svg := renderEmbedded(t, embedBoard(texts...))
	took := time.Since(start)
	total := 0
	for _, data := range embeddedFonts(t, svg) {
		total += len(data)
	}
	if total > MaxEmbedBytes {
		t.Fatalf("%d bytes of fonts, over the cap %d", total, MaxEmbedBytes)
	}
	t.Logf("%d distinct characters: %d bytes of fonts, SVG %d bytes, %v", n, total, len(svg), took)
}

// TestEmbedFontsCountsAsWork: an SVG that embeds the fonts of much text
// is no light render (it would otherwise run beside the heavy ones).
func TestEmbedFontsCountsAsWork(t *testing.T) {
	snap := embedBoard(strings.Repeat("日本語のテキスト", 400))
	plain, err := EstimateWork(snap, SVG, Options{})
	if err != nil {
		t.Fatal(err)
	}
	embed, _ := EstimateWork(snap, SVG, Options{EmbedFonts: true})
	if plain > LightRenderWork || embed <= LightRenderWork {
		t.Fatalf("work %g without fonts, %g with: want light, then heavy (%d)", plain, embed, LightRenderWork)
	}
}
