package fonts

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-text/typesetting/font"
)

// System fonts the tests copy; scripts/test-deps.sh installs them
// (fonts-noto-core, fonts-noto-cjk).
const (
	notoArabic = "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf"
	notoHebrew = "/usr/share/fonts/truetype/noto/NotoSansHebrew-Regular.ttf"
	notoCJK    = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
)

func needFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: install Debian's fonts-noto-core and fonts-noto-cjk (scripts/test-deps.sh)", err)
	}
	return b
}

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func testLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fontDir is a directory of real fonts copied from the system, a corrupt
// file, a real font cut in half and a file over the size cap.
func fontDir(t *testing.T) string {
	dir := t.TempDir()
	sub := filepath.Join(dir, "nested", "deeper")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	arabic := needFile(t, notoArabic)
	write := func(path string, b []byte) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "arabic.ttf"), arabic)
	write(filepath.Join(sub, "hebrew.ttf"), needFile(t, notoHebrew))
	write(filepath.Join(dir, "cjk.ttc"), needFile(t, notoCJK))
	write(filepath.Join(dir, "corrupt.ttf"), bytes.Repeat([]byte("not a font "), 100))
	write(filepath.Join(dir, "half.otf"), arabic[:len(arabic)/2])
	write(filepath.Join(dir, "readme.txt"), []byte("not looked at"))
	big, err := os.Create(filepath.Join(dir, "huge.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	// Sparse: over the cap without using the disk.
	if err := big.Truncate(DefaultLimits.MaxFileBytes + 1); err != nil {
		t.Fatal(err)
	}
	big.Close()
	return dir
}

func TestLoadFindsAFacePerScriptAndSkipsBadFiles(t *testing.T) {
	dir := fontDir(t)
	var logs logBuffer
	set := Load(Options{Dirs: []string{dir, filepath.Join(dir, "missing")}, Logger: testLogger(&logs)})

	covered, missing := set.Covered()
	if got := strings.Join(covered, ","); got != "Latin,Cyrillic,Greek,CJK,Arabic,Hebrew" {
		t.Errorf("covered = %s", got)
	}
	if got := strings.Join(missing, ","); got != "Devanagari,Emoji" {
		t.Errorf("missing = %s", got)
	}
	for script, family := range map[string]string{"Latin": "Go", "Greek": "Go", "CJK": "Noto Sans CJK JP", "Arabic": "Noto Sans Arabic", "Hebrew": "Noto Sans Hebrew"} {
		if got := set.FamilyOf(script); got != family {
			t.Errorf("%s is drawn with %q, want %q", script, got, family)
		}
	}
	if set.Faces[0].Source != "embedded" {
		t.Errorf("first face %s, want the embedded Go font first", set.Faces[0].Source)
	}

	out := logs.String()
	var line string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "msg=fonts ") {
			if line != "" {
				t.Errorf("two start lines:\n%s\n%s", line, l)
			}
			line = l
		}
	}
	for _, want := range []string{"scripts=Latin,Cyrillic,Greek,CJK,Arabic,Hebrew", "boxes=Devanagari,Emoji", "skipped_large=1", "skipped_bad=1", "files_scanned=6"} {
		if !strings.Contains(line, want) {
			t.Errorf("start line %q lacks %q", line, want)
		}
	}
	// The truncated font reads at scan time (its cmap is in the first
	// half) and is the smaller Arabic candidate; loading it whole fails, and
	// the whole one is taken instead.
	for _, want := range []string{"path=" + filepath.Join(dir, "corrupt.ttf"), `msg="font not used" path=` + filepath.Join(dir, "half.otf"), "too large"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestEmbeddedAloneDrawsLatinAndSaysWhatIsMissing(t *testing.T) {
	var logs logBuffer
	set := Load(Options{Logger: testLogger(&logs)})
	if len(set.Faces) != 1 || set.Faces[0].Family != "Go" {
		t.Fatalf("faces = %v, want the Go font alone", set.Faces)
	}
	want := "scripts with a font: Latin (Go), Cyrillic (Go), Greek (Go); boxes: CJK, Arabic, Hebrew, Devanagari, Emoji"
	if got := set.Summary(); got != want {
		t.Errorf("summary = %q\nwant      %q", got, want)
	}
	if !strings.Contains(logs.String(), "boxes=CJK,Arabic,Hebrew,Devanagari,Emoji") {
		t.Errorf("start line: %s", logs.String())
	}
	if Embedded().Summary() != want {
		t.Errorf("Embedded() = %q", Embedded().Summary())
	}
}

func TestDiscoveryIsBounded(t *testing.T) {
	dir := fontDir(t)
	var logs logBuffer
	lim := DefaultLimits
	lim.MaxFiles = 2
	Load(Options{Dirs: []string{dir}, Limits: lim, Logger: testLogger(&logs)})
	if !strings.Contains(logs.String(), "too many") || !strings.Contains(logs.String(), "files_scanned=2") {
		t.Errorf("a capped scan is not reported:\n%s", logs.String())
	}

	lim = DefaultLimits
	lim.MaxSetBytes = 1 << 20 // room for Go and Arabic, not for CJK's 16 MB
	set := Load(Options{Dirs: []string{dir}, Limits: lim, Logger: testLogger(&logs)})
	if set.FamilyOf("CJK") != "" || set.FamilyOf("Arabic") == "" {
		t.Errorf("with a 1 MiB set: %s", set.Summary())
	}
}

// A face of a collection becomes a standalone OpenType font that parses
// and still maps the script it was chosen for.
func TestCollectionFaceIsAStandaloneFont(t *testing.T) {
	data, err := extractFace(needFile(t, notoCJK), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("OTTO")) {
		t.Errorf("signature %q, want OTTO (CFF outlines)", data[:4])
	}
	face, err := font.ParseTTF(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := face.Describe().Family; got != "Noto Sans CJK JP" {
		t.Errorf("family %q", got)
	}
	for _, r := range "日本語한あ" {
		if _, ok := face.NominalGlyph(r); !ok {
			t.Errorf("extracted face lacks %q", r)
		}
	}
	// Every table starts on a 4-byte boundary (browsers refuse others).
	n := int(data[4])<<8 | int(data[5])
	for i := 0; i < n; i++ {
		rec := data[12+16*i:]
		if off := uint32(rec[8])<<24 | uint32(rec[9])<<16 | uint32(rec[10])<<8 | uint32(rec[11]); off%4 != 0 {
			t.Errorf("table %q at %d", rec[:4], off)
		}
	}
	if _, err := extractFace(needFile(t, notoCJK), 99); err == nil {
		t.Error("face 99 of a 10-face collection extracted")
	}
}

func TestCSSDeclaresEveryFaceWithItsRange(t *testing.T) {
	set := Load(Options{Dirs: []string{fontDir(t)}})
	css := set.CSS()
	if n := strings.Count(css, "@font-face"); n != len(set.Faces) {
		t.Errorf("%d @font-face for %d faces", n, len(set.Faces))
	}
	rules := strings.Split(css, "@font-face")[1:]
	// Declared last-first: the Go font, first in fallback, comes last.
	if !strings.Contains(rules[len(rules)-1], URLPrefix+set.Faces[0].Name) {
		t.Errorf("the Go font is not the last rule:\n%s", css)
	}
	for _, f := range set.Faces {
		var rule string
		for _, r := range rules {
			if strings.Contains(r, `url("`+URLPrefix+f.Name+`")`) {
				rule = r
			}
		}
		if rule == "" {
			t.Fatalf("no rule for %s:\n%s", f.Name, css)
		}
		if !strings.Contains(rule, `font-family: "Easel"`) {
			t.Errorf("%s: %s", f.Name, rule)
		}
		ranges := parseRanges(t, rule)
		if len(ranges) > DefaultLimits.MaxRanges {
			t.Errorf("%s: %d ranges", f.Family, len(ranges))
		}
		switch f.Family {
		case "Go":
			if !ranges.HasAll([]rune("AzЖΩ")) {
				t.Errorf("Go range lacks Latin, Cyrillic or Greek: %v", ranges)
			}
		case "Noto Sans CJK JP":
			// The browser fetches the 16 MB CJK face for CJK text only:
			// not for Latin, Arabic or a joiner inside other text.
			if !ranges.HasAll([]rune("日本語한あ")) || ranges.Has('A') || ranges.Has('ع') || ranges.Has('\u200d') {
				t.Errorf("CJK range wrong: %v", ranges)
			}
		case "Noto Sans Arabic":
			if !ranges.Has('ع') || ranges.Has('A') || ranges.Has('日') {
				t.Errorf("Arabic range wrong: %v", ranges)
			}
		}
	}
}

// parseRanges reads a rule's unicode-range back.
func parseRanges(t *testing.T, rule string) Coverage {
	t.Helper()
	_, after, ok := strings.Cut(rule, "unicode-range: ")
	if !ok {
		t.Fatalf("no unicode-range in %s", rule)
	}
	value, _, _ := strings.Cut(after, ";")
	var c Coverage
	for _, part := range strings.Split(value, ", ") {
		var lo, hi rune
		part = strings.TrimPrefix(part, "U+")
		if a, b, ok := strings.Cut(part, "-"); ok {
			lo, hi = hexRune(t, a), hexRune(t, b)
		} else {
			lo = hexRune(t, part)
			hi = lo
		}
		c = c.Union(Coverage{{lo, hi}})
	}
	return c
}

func hexRune(t *testing.T, s string) rune {
	var r rune
	for _, ch := range s {
		switch {
		case ch >= '0' && ch <= '9':
			r = r*16 + ch - '0'
		case ch >= 'A' && ch <= 'F':
			r = r*16 + ch - 'A' + 10
		default:
			t.Fatalf("bad hex %q", s)
		}
	}
	return r
}

func TestCoverageSetOperations(t *testing.T) {
	c := coverageOf([]rune{5, 1, 2, 3, 10, 11, 20})
	if want := (Coverage{{1, 3}, {5, 5}, {10, 11}, {20, 20}}); !equal(c, want) {
		t.Fatalf("coverageOf = %v", c)
	}
	if got := c.Minus(Coverage{{2, 2}, {9, 10}, {15, 30}}); !equal(got, Coverage{{1, 1}, {3, 3}, {5, 5}, {11, 11}}) {
		t.Errorf("Minus = %v", got)
	}
	if got := c.Union(Coverage{{4, 4}, {12, 19}}); !equal(got, Coverage{{1, 5}, {10, 20}}) {
		t.Errorf("Union = %v", got)
	}
	// Bounded to 2 ranges by filling the smallest gaps: 3→5 (gap 1), then
	// 11→20 is off limits (7 belongs to another face), so 5→10 fills.
	if got := c.coalesce(2, Coverage{{15, 15}}); !equal(got, Coverage{{1, 11}, {20, 20}}) {
		t.Errorf("coalesce = %v", got)
	}
	if got := c.css(); got != "U+1-3, U+5, U+A-B, U+14" {
		t.Errorf("css = %q", got)
	}
	if c.Len() != 7 || !c.Has(11) || c.Has(12) {
		t.Errorf("Len/Has wrong on %v", c)
	}
}

func equal(a, b Coverage) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWebNameFollowsContent(t *testing.T) {
	a, b := webName("Noto Sans CJK JP", []byte("OTTO one")), webName("Noto Sans CJK JP", []byte("OTTO two"))
	if a == b || !strings.HasPrefix(a, "noto-sans-cjk-jp-") || !strings.HasSuffix(a, ".otf") {
		t.Errorf("names %q %q", a, b)
	}
	if n := webName("../../etc/passwd", []byte{0, 1, 0, 0}); strings.ContainsAny(n, "/.") && !strings.HasSuffix(n, ".ttf") || strings.Contains(n, "..") || strings.Contains(n, "/") {
		t.Errorf("name %q", n)
	}
}
