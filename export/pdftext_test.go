package export

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/easel-app/easel/board"
)

// poppler is the path of a poppler-utils tool (pdftotext, pdftoppm,
// pdffonts, pdfinfo). Without it the test is skipped on a developer's
// machine and fails under CI, which installs poppler-utils
// (scripts/test-deps.sh, .ci/run).
func poppler(t testing.TB, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found: install poppler-utils (scripts/test-deps.sh)", tool)
		}
		t.Skipf("%s not found: install poppler-utils to run this test", tool)
	}
	return path
}

// runPoppler runs a poppler tool on a PDF (written to a temporary file)
// with args, then the file, then tail, and returns its standard output.
// Anything on its standard error (a syntax error it met) fails the test.
func runPoppler(t testing.TB, pdf []byte, tool string, args []string, tail ...string) []byte {
	t.Helper()
	path := poppler(t, tool)
	file := filepath.Join(t.TempDir(), "board.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, append(append(args, file), tail...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s: %v %s", tool, err, stderr.Bytes())
	}
	return out
}

// pdfOf renders els with the font set ff, returning the file and the
// fonts it embedded.
func pdfOf(t testing.TB, ff *fontFaces, els []board.Element) ([]byte, *pdfFonts, *scene) {
	t.Helper()
	sc := newSceneWith(snapshotOf("t", els), ff)
	data, fonts, err := drawPDF(context.Background(), sc, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	return data, fonts, sc
}

// pdfPixels rasterizes a PDF with pdftoppm at 72 dpi.
func pdfPixels(t *testing.T, pdf []byte, dpi string) *image.RGBA {
	t.Helper()
	root := filepath.Join(t.TempDir(), "page")
	runPoppler(t, pdf, "pdftoppm", []string{"-r", dpi, "-png", "-singlefile"}, root)
	out, err := os.ReadFile(root + ".png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Rect, img, img.Bounds().Min, draw.Src)
	return rgba
}

// frame is a rect around where the test texts go, so that the page is
// the same size whatever the text: pixels are then compared like for
// like.
var frame = board.Element{ID: "frame", Kind: board.KindRect, X: 0, Y: 0, W: 700, H: 300, Stroke: "#1e1e1e", Z: "0"}

// TestPDFDrawsEveryScript is issue 12's acceptance 1 for PDF: for each
// script, a text and a sticky embed and draw no .notdef glyph (gid 0 of
// any face), and two texts of different characters give different
// pixels once poppler rasterizes the file.
func TestPDFDrawsEveryScript(t *testing.T) {
	poppler(t, "pdftoppm")
	ff := systemFaces()
	for _, c := range scriptCases {
		for _, kind := range []board.Kind{board.KindText, board.KindSticky} {
			t.Run(c.name+"/"+string(kind), func(t *testing.T) {
				var imgs []*image.RGBA
				for _, s := range []string{c.a, c.b} {
					for _, r := range s {
						if r != ' ' && !covered(ff, r) {
							t.Fatalf("no font on this machine draws %q (%s): install the Debian package %s", r, c.name, c.pkg)
						}
					}
					data, fonts, _ := pdfOf(t, ff, []board.Element{frame, textElement(kind, s)})
					glyphs := 0
					for _, f := range fonts.fonts {
						for _, u := range f.uses {
							glyphs++
							if u.gid == 0 {
								t.Fatalf("%q: the missing-glyph box (.notdef of %s) is in the PDF", s, ff.set.Faces[u.face].Family)
							}
						}
					}
					if glyphs == 0 {
						t.Fatalf("%q: no glyph embedded", s)
					}
					imgs = append(imgs, pdfPixels(t, data, "72"))
				}
				if imgs[0].Rect != imgs[1].Rect {
					t.Fatalf("pages differ in size: %v, %v", imgs[0].Rect, imgs[1].Rect)
				}
				if d := differentPixels(imgs[0], imgs[1]); d < 20 {
					t.Fatalf("%q and %q differ in %d pixels: not their glyphs", c.a, c.b, d)
				}
			})
		}
	}
}

// Bidi controls pdftotext puts around right-to-left runs (RLE, LRE, PDF,
// LRM, RLM, isolates): formatting, not text.
var bidiControls = regexp.MustCompile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

// extractedLines is pdftotext's reading of a PDF: its non-empty lines,
// bidi controls taken out and white space collapsed.
func extractedLines(t *testing.T, pdf []byte) []string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(string(runPoppler(t, pdf, "pdftotext", []string{"-enc", "UTF-8"}, "-")), "\n") {
		l = strings.Join(strings.Fields(bidiControls.ReplaceAllString(l, "")), " ")
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

func withoutSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// mixedCases mix right-to-left text with Latin, numbers and emoji, in
// lines of either direction. poppler orders every line of a page by the page's
// main direction (more left-to-right or right-to-left letters), so each
// case's line direction is its main one (docs/exports.md).
var mixedCases = []string{"abc مرحبا def", "مرحبا بالعالم Easel 2025", "Easel v2 שלום", "שלום עולם Easel", "שלום 😀 עולם"}

// TestPDFTextReadsBackInEveryScript is issue 12's acceptance 2: pdftotext
// gives back the board's text, for every script, as a text and as a
// sticky (wrapped into lines), right-to-left text in logical order.
// Line by line it is the layout's lines; spaces next to a right-to-left
// run are compared loosely, because poppler moves the space between a
// right-to-left run and what follows it to the run's other side.
func TestPDFTextReadsBackInEveryScript(t *testing.T) {
	ff := systemFaces()
	var texts []string
	for _, c := range scriptCases {
		texts = append(texts, c.a+"\n"+c.b, c.a+" "+c.b+" "+c.a)
	}
	texts = append(texts, mixedCases...)
	for _, text := range texts {
		for _, kind := range []board.Kind{board.KindText, board.KindSticky} {
			data, _, sc := pdfOf(t, ff, []board.Element{textElement(kind, text)})
			got := extractedLines(t, data)
			if withoutSpace(strings.Join(got, "")) != withoutSpace(text) {
				t.Errorf("%s %q: pdftotext reads %q", kind, text, got)
				continue
			}
			var want []string
			for _, l := range sc.Shapes[0].Lines {
				want = append(want, strings.Join(strings.Fields(l.Text), " "))
			}
			if len(got) != len(want) {
				t.Errorf("%s %q: pdftotext reads lines %q, the layout has %q", kind, text, got, want)
				continue
			}
			for i := range want {
				if got[i] != want[i] && (!hasRTL(want[i]) || withoutSpace(got[i]) != withoutSpace(want[i])) {
					t.Errorf("%s %q: line %d reads %q, want %q", kind, text, i, got[i], want[i])
				}
			}
		}
	}
}

// TestPDFArabicVowelMarksStayWithTheirWord: Arabic with its vowel marks
// (glyphs of their own, drawn over and under the letters) reads back as
// one line with its letters in order and every mark. poppler reverses a
// right-to-left word character by character, so each mark comes out
// just before its letter instead of after it (docs/exports.md); the
// letters are compared, and the marks counted.
func TestPDFArabicVowelMarksStayWithTheirWord(t *testing.T) {
	const text = "كِتَابٌ مُفِيدٌ"
	letters := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Mn, r) || unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	data, _, _ := pdfOf(t, systemFaces(), []board.Element{textElement(board.KindText, text)})
	got := extractedLines(t, data)
	if len(got) != 1 || letters(got[0]) != letters(text) || len(withoutSpace(got[0])) != len(withoutSpace(text)) {
		t.Fatalf("pdftotext reads %q, want one line with the letters of %q and all its marks", got, text)
	}
}

// TestPDFActualTextOnlyWhereItReadsRight: a left-to-right line carries its
// text as ActualText; a line with right-to-left letters does not, since
// poppler would read that text backwards (TestPDFTextReadsBackInEveryScript
// fails with it).
func TestPDFActualTextOnlyWhereItReadsRight(t *testing.T) {
	data, _, _ := pdfOf(t, systemFaces(), []board.Element{
		textElement(board.KindText, "हिन्दी भाषा"),
		{ID: "f", Kind: board.KindText, X: 10, Y: 200, Text: "abc مرحبا", Z: "b"},
	})
	var content []byte
	for _, st := range pdfStreams(t, data) {
		if bytes.Contains(st, []byte(" Tm\n")) {
			content = append(content, st...)
		}
	}
	if want := "/Span <</ActualText " + pdfTextString("हिन्दी भाषा") + ">> BDC\n"; !bytes.Contains(content, []byte(want)) {
		t.Errorf("no ActualText for the Devanagari line:\n%s", content)
	}
	if n := bytes.Count(content, []byte("/ActualText")); n != 1 {
		t.Errorf("%d ActualText spans, want 1 (none on the line with Arabic)", n)
	}
	if bytes.Count(content, []byte(" BDC\n")) != bytes.Count(content, []byte("EMC\n")) {
		t.Error("marked content not balanced")
	}
}

// TestPDFFontsAreEmbedded is issue 12's "subsets of every font used":
// pdffonts lists a font for each face drawn, every one embedded and with
// a ToUnicode map.
func TestPDFFontsAreEmbedded(t *testing.T) {
	var els []board.Element
	for i, c := range scriptCases {
		e := textElement(board.KindSticky, c.a)
		e.ID, e.Y, e.Z = c.name, float64(i*220), c.name
		els = append(els, e)
	}
	data, fonts, _ := pdfOf(t, systemFaces(), els)
	out := string(runPoppler(t, data, "pdffonts", nil))
	rows := strings.Split(strings.TrimSpace(out), "\n")[2:]
	if len(rows) != len(fonts.fonts) {
		t.Fatalf("pdffonts lists %d fonts, the PDF has %d:\n%s", len(rows), len(fonts.fonts), out)
	}
	for _, row := range rows {
		f := strings.Fields(row)
		// name, type (Type 3), encoding, emb, sub, uni, object, generation
		if len(f) != 9 || f[1] != "Type" || f[2] != "3" || f[4] != "yes" || f[6] != "yes" {
			t.Errorf("not an embedded Type 3 font with ToUnicode: %q", row)
		}
	}
	for _, family := range []string{"+Go", "+NotoSansCJK", "+NotoSansArabic", "+NotoSansHebrew", "+NotoSansDevanagari", "+NotoColorEmoji"} {
		if !strings.Contains(out, family) {
			t.Errorf("no %s font:\n%s", family, out)
		}
	}
}

// TestPDFSplitsAFaceBeyond255Glyphs: one-byte codes hold 255 glyphs; a
// face with more is spread over several fonts, and the text still reads
// back.
func TestPDFSplitsAFaceBeyond255Glyphs(t *testing.T) {
	var b strings.Builder
	for r := rune(0x4E00); r < 0x4E00+600; r++ {
		b.WriteRune(r)
		if r%40 == 39 {
			b.WriteByte('\n')
		}
	}
	text := b.String()
	data, fonts, _ := pdfOf(t, systemFaces(), []board.Element{textElement(board.KindText, text)})
	if n := len(fonts.fonts); n < 3 {
		t.Fatalf("600 CJK glyphs in %d fonts", n)
	}
	for _, f := range fonts.fonts {
		if len(f.uses) > maxType3Codes {
			t.Fatalf("font %s has %d codes", f.name, len(f.uses))
		}
	}
	if got := strings.Join(extractedLines(t, data), ""); got != withoutSpace(text) {
		t.Fatalf("pdftotext reads %q", got)
	}
}

// TestPDFTextCannotInjectOperators: what a user types reaches the file as
// hex strings only (codes, ActualText, the title): a text made of PDF
// syntax reads back verbatim, and the content holds none of it.
func TestPDFTextCannotInjectOperators(t *testing.T) {
	evil := ") Tj ET BT /F1 99 Tf (pwned) Tj <</ActualText (x)>> BDC \\ endstream"
	s := snapshotOf("Title ) /JS (app.alert(1)) \\", []board.Element{textElement(board.KindText, evil)})
	data := render(t, s, PDF, 1)
	for _, st := range pdfStreams(t, data) {
		if bytes.Contains(st, []byte("pwned")) || bytes.Contains(st, []byte("99 Tf")) {
			t.Fatalf("user text in a stream as syntax:\n%s", st)
		}
	}
	if bytes.Contains(data, []byte("app.alert")) {
		t.Fatal("the title is in the file as syntax")
	}
	if got := strings.Join(extractedLines(t, data), " "); got != strings.Join(strings.Fields(evil), " ") {
		t.Fatalf("pdftotext reads %q", got)
	}
	info := string(runPoppler(t, data, "pdfinfo", nil))
	if !strings.Contains(info, "Title:           Title ) /JS (app.alert(1)) \\\n") {
		t.Fatalf("pdfinfo:\n%s", info)
	}
}

// TestPDFTitleIsUTF16: the document title keeps every character,
// emoji beyond the Basic Multilingual Plane included.
func TestPDFTitleIsUTF16(t *testing.T) {
	data := render(t, snapshotOf("Plan 🎨 v2 — 日本", nil), PDF, 1)
	if !bytes.Contains(data, []byte("/Title <FEFF0050006C0061006E0020D83CDFA8")) {
		t.Fatal("title not in UTF-16BE with a byte-order mark")
	}
	if info := string(runPoppler(t, data, "pdfinfo", nil)); !strings.Contains(info, "Title:           Plan 🎨 v2 — 日本\n") {
		t.Fatalf("pdfinfo:\n%s", info)
	}
}

// TestPDFMixedScriptsAreDeterministic: fonts, codes and images are
// numbered in drawing order, so equal boards give equal bytes, from
// concurrent renders too.
func TestPDFMixedScriptsAreDeterministic(t *testing.T) {
	UseFonts(systemFaces().set)
	defer UseFonts(nil)
	s := snapshotOf("Mixed", mixedScriptElements(300, 1500, 1000))
	first := render(t, s, PDF, 1)
	var wg sync.WaitGroup
	again := make([][]byte, 3)
	for i := range again {
		wg.Go(func() { again[i], _ = Render(s, PDF, Options{Scale: 1}) })
	}
	wg.Wait()
	for _, b := range again {
		if !bytes.Equal(first, b) {
			t.Fatal("two renders of one board differ")
		}
	}
}

// TestPDFLooksLikeThePNG: poppler's rendering of the PDF at 96 dpi (one
// pixel per board unit at scale 1) and the PNG export agree: glyphs,
// emoji and shapes are where the PNG draws them. Anti-aliasing differs,
// and the PNG may put a glyph on the pixel grid where the PDF keeps its
// exact place, so an inked pixel counts as different only when no pixel
// next to it in the other image has its grey level, give or take a
// third; at most 1 % may.
func TestPDFLooksLikeThePNG(t *testing.T) {
	UseFonts(systemFaces().set)
	defer UseFonts(nil)
	var els []board.Element
	for i, c := range scriptCases {
		e := textElement(board.KindText, c.a+" / "+c.b)
		e.ID, e.Y, e.Z = "t"+c.name, float64(10+i*50), "a"+c.name
		k := textElement(board.KindSticky, c.a+" "+c.b)
		k.ID, k.X, k.Y, k.Z = "k"+c.name, 700+float64(i%3)*280, float64(10+(i/3)*220), "b"+c.name
		els = append(els, e, k)
	}
	s := snapshotOf("Mixed", els)
	fromPDF := pdfPixels(t, render(t, s, PDF, 1), "96")
	img, err := png.Decode(bytes.NewReader(render(t, s, PNG, 1)))
	if err != nil {
		t.Fatal(err)
	}
	fromPNG := image.NewRGBA(img.Bounds())
	draw.Draw(fromPNG, fromPNG.Rect, img, image.Point{}, draw.Src)
	if fromPDF.Rect != fromPNG.Rect {
		t.Fatalf("PDF at 96 dpi is %v, the PNG %v", fromPDF.Rect, fromPNG.Rect)
	}
	grey := func(img *image.RGBA, x, y int) int {
		p := img.Pix[img.PixOffset(x, y):]
		return (int(p[0]) + int(p[1]) + int(p[2])) / 3
	}
	// near: some pixel of img within one pixel of x, y has grey g, give
	// or take a third.
	near := func(img *image.RGBA, x, y, g int) bool {
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				if q := image.Pt(x+dx, y+dy); q.In(img.Rect) && max(g-grey(img, q.X, q.Y), grey(img, q.X, q.Y)-g) <= 85 {
					return true
				}
			}
		}
		return false
	}
	ink, off := 0, 0
	for y := range fromPNG.Rect.Dy() {
		for x := range fromPNG.Rect.Dx() {
			a, b := grey(fromPNG, x, y), grey(fromPDF, x, y)
			if a < 200 || b < 200 {
				ink++
				if !near(fromPDF, x, y, a) || !near(fromPNG, x, y, b) {
					off++
				}
			}
		}
	}
	if ink == 0 || off*100 > ink {
		t.Fatalf("%d of %d inked pixels differ between the PDF and the PNG", off, ink)
	}
	t.Logf("%d of %d inked pixels differ (%.2f %%)", off, ink, 100*float64(off)/float64(ink))
}

// TestPDFCrossReferenceIsExact: every offset of the xref table points at
// its object, and startxref at the table, so readers need no repair.
func TestPDFCrossReferenceIsExact(t *testing.T) {
	UseFonts(systemFaces().set)
	defer UseFonts(nil)
	data := render(t, snapshotOf("Xref", mixedScriptElements(60, 800, 600)), PDF, 1)
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(data[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the table", xref)
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n \n`).FindAllSubmatch(data[xref:], -1)
	if len(entries) < 10 {
		t.Fatalf("%d objects", len(entries))
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(data[off:], []byte(want)) {
			t.Fatalf("object %d: offset %d points at %q", i+1, off, data[off:min(off+20, len(data))])
		}
	}
}

// TestPDFRendersWithoutWarnings: poppler draws a page of every script,
// and one of glyphs that all lie right of their origin and a space (a
// font box that misses the origin, a blank glyph's box, unless it is put
// in), at scale 3 and 288 dpi without a warning: poppler checks glyph
// boxes against the font's when it caches large glyphs.
func TestPDFRendersWithoutWarnings(t *testing.T) {
	var els []board.Element
	for i, c := range scriptCases {
		e := textElement(board.KindText, c.a+" "+c.b)
		e.ID, e.Y, e.Z = c.name, float64(i*50), c.name
		els = append(els, e)
	}
	for _, page := range [][]board.Element{els, {textElement(board.KindText, "abc def")}} {
		data, _, err := drawPDF(context.Background(), newSceneWith(snapshotOf("t", page), systemFaces()), 3, "")
		if err != nil {
			t.Fatal(err)
		}
		pdfPixels(t, data, "288") // fails on anything poppler writes to stderr
	}
}
