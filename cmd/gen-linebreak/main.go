// Command gen-linebreak writes the board client's Unicode line breaking
// data (static/linebreak-data.js) and the cross-check fixture
// (export/testdata/linebreaks.json) from the very tables that
// github.com/go-text/typesetting/segmenter, the exports' line breaker,
// uses. The browser has no UAX #14 segmenter (Intl.Segmenter does
// graphemes and words only), so static/linebreak.js applies the UAX #14
// rules itself; taking its data from the Go library, not from another
// copy of LineBreak.txt, makes the canvas and the exports agree by
// construction, and the fixture proves it.
//
// Run from the repository root: go run ./cmd/gen-linebreak
// main_test.go fails when a committed file is stale.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	_ "unsafe" // go:linkname

	"github.com/go-text/typesetting/segmenter"
)

// The library keeps its Unicode tables in an internal package; the
// segmenter links them in, and these declarations read them. A rename
// there fails this build (and so main_test.go), never silently.

//go:linkname lookupLineBreak github.com/go-text/typesetting/internal/unicodedata.LookupLineBreak
func lookupLineBreak(r rune) uint64

//go:linkname lookupGeneralCategory github.com/go-text/typesetting/internal/unicodedata.LookupGeneralCategory
func lookupGeneralCategory(r rune) uint8

//go:linkname isLargeEastAsian github.com/go-text/typesetting/internal/unicodedata.IsLargeEastAsian
func isLargeEastAsian(r rune) bool

//go:linkname isExtendedPictographic github.com/go-text/typesetting/internal/unicodedata.IsExtendedPictographic
func isExtendedPictographic(r rune) bool

// classNames are the UAX #14 classes in the library's bit order
// (LB_AI = 1<<0 … LB_ZWJ = 1<<47: alphabetical); index 0 is XX, the
// library's 0. checkClasses verifies the order on known characters.
var classNames = []string{"XX",
	"AI", "AK", "AL", "AP", "AS", "B2", "BA", "BB", "BK", "CB", "CJ", "CL", "CM", "CP", "CR", "EB",
	"EM", "EX", "GL", "H2", "H3", "HH", "HL", "HY", "ID", "IN", "IS", "JL", "JT", "JV", "LF", "NL",
	"NS", "NU", "OP", "PO", "PR", "QU", "RI", "SA", "SG", "SP", "SY", "VF", "VI", "WJ", "ZW", "ZWJ"}

// Flags beside the class, for the rules that look past it: they must
// match static/linebreak.js.
const (
	flagWide      = 1 << 0 // East_Asian_Width F, W or H (LB19a, LB30)
	flagPi        = 1 << 1 // General_Category Pi (LB15a, LB19)
	flagPf        = 1 << 2 // General_Category Pf (LB15b, LB19)
	flagMark      = 1 << 3 // General_Category Mn or Mc (LB1: SA → CM)
	flagPictoCn   = 1 << 4 // Extended_Pictographic and unassigned (LB30b)
	flagShift     = 6      // value = flags << flagShift | class index
	maxCodePoint  = 0x10FFFF
	surrogateLow  = 0xD800
	surrogateHigh = 0xDFFF
)

// classIndex is the index in classNames of the library's class bit.
func classIndex(bit uint64) int {
	if bit == 0 {
		return 0
	}
	for i := 0; i < 64; i++ {
		if bit == 1<<i {
			return i + 1
		}
	}
	panic(fmt.Sprintf("class %#x is not one bit", bit))
}

// checkClasses fails when the library's class order is not classNames'.
func checkClasses() error {
	for r, want := range map[rune]string{'a': "AL", ' ': "SP", '(': "OP", ')': "CP", '\n': "LF", '\r': "CR",
		'0': "NU", '"': "QU", 0x3002: "CL", 0x3041: "CJ", 0x4E00: "ID", 0x200D: "ZWJ", 0x0301: "CM",
		0x05D0: "HL", 0x0E01: "SA", 0x1F1E6: "RI", 0x1F466: "EB", 0x1F3FB: "EM", 0x2060: "WJ", 0x200B: "ZW",
		0x00A0: "GL", '-': "HY", '/': "SY", '$': "PR", '%': "PO", ',': "IS", '!': "EX", 0x1100: "JL",
		0x1160: "JV", 0x11A8: "JT", 0xAC00: "H2", 0xAC01: "H3", 0x2014: "B2", 0x00B4: "BB", 0x2026: "IN",
		0x00A7: "AI", 0xFFFC: "CB", 0x0085: "NL", 0x000B: "BK", 0x00AD: "BA", 0x2010: "HH", 0x0E2F: "SA"} {
		if got := classNames[classIndex(lookupLineBreak(r))]; got != want {
			return fmt.Errorf("U+%04X is %s in the library, want %s: update classNames", r, got, want)
		}
	}
	return nil
}

// gc values of the library's GeneralCategory, taken from characters
// rather than its constants, which are internal.
var gcPi, gcPf, gcMn, gcMc, gcCn = lookupGeneralCategory(0x00AB), lookupGeneralCategory(0x00BB),
	lookupGeneralCategory(0x0301), lookupGeneralCategory(0x0903), lookupGeneralCategory(0x0378)

// value is a code point's class index and flags.
func value(r rune) int {
	v := classIndex(lookupLineBreak(r))
	f := 0
	if isLargeEastAsian(r) {
		f |= flagWide
	}
	switch gc := lookupGeneralCategory(r); gc {
	case gcPi:
		f |= flagPi
	case gcPf:
		f |= flagPf
	case gcMn, gcMc:
		f |= flagMark
	case gcCn:
		if isExtendedPictographic(r) {
			f |= flagPictoCn
		}
	}
	return f<<flagShift | v
}

// span is a run of code points from start with one value.
type span struct{ start, value int }

func spans() []span {
	var out []span
	for r := 0; r <= maxCodePoint; r++ {
		v := value(rune(r))
		if len(out) == 0 || out[len(out)-1].value != v {
			out = append(out, span{r, v})
		}
	}
	return out
}

// libraryVersion names the go-text module version in the header.
func libraryVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/go-text/typesetting" {
				return d.Version
			}
		}
	}
	return "(unknown version)"
}

// dataJS is static/linebreak-data.js: the spans as two strings of base-36
// numbers (each span's start as the distance from the previous one, and
// its value), decoded once by static/linebreak.js.
func dataJS() []byte {
	sp := spans()
	var starts, values strings.Builder
	prev := 0
	for i, s := range sp {
		if i > 0 {
			starts.WriteByte(' ')
			values.WriteByte(' ')
		}
		starts.WriteString(base36(s.start - prev))
		values.WriteString(base36(s.value))
		prev = s.start
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by go run ./cmd/gen-linebreak; DO NOT EDIT.\n")
	fmt.Fprintf(&b, "// UAX #14 line break classes of every code point, from the tables of\n")
	fmt.Fprintf(&b, "// github.com/go-text/typesetting %s (the exports' line breaker), so the\n", libraryVersion())
	fmt.Fprintf(&b, "// canvas breaks lines where the exports do. %d spans; see static/linebreak.js.\n\n", len(sp))
	names, _ := json.Marshal(classNames)
	fmt.Fprintf(&b, "/** Class names by index. */\nexport const CLASSES = %s;\n\n", strings.ReplaceAll(string(names), ",", ", "))
	fmt.Fprintf(&b, "/** Bits above the class index: flags << %d. */\nexport const FLAG_SHIFT = %d;\n\n", flagShift, flagShift)
	fmt.Fprintf(&b, "/** Span starts, each as base-36 distance from the previous span's start. */\nexport const STARTS = %s;\n\n", wrapString(starts.String()))
	fmt.Fprintf(&b, "/** Span values, base 36: flags << FLAG_SHIFT | class index. */\nexport const VALUES = %s;\n", wrapString(values.String()))
	return b.Bytes()
}

func base36(n int) string { return strconv.FormatInt(int64(n), 36) }

// wrapString is a JS string literal of s (spaces and base-36 digits)
// split over lines of about 100 characters, joined with +.
func wrapString(s string) string {
	var parts []string
	for len(s) > 100 {
		cut := strings.LastIndexByte(s[:100], ' ') + 1
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	parts = append(parts, s)
	return "\n  '" + strings.Join(parts, "' +\n  '") + "'"
}

// breaks are the code point offsets inside s where the segmenter finds
// a line break opportunity.
func breaks(s string) []int {
	var seg segmenter.Segmenter
	if err := seg.InitWithString(s); err != nil {
		panic(err)
	}
	out := []int{}
	for it := seg.LineIterator(); it.Next(); {
		if l := it.Line(); l.Offset > 0 {
			out = append(out, l.Offset)
		}
	}
	return out
}

// samples are texts of every script the board is tested in.
var samples = []string{
	"The quick (brown) fox—jumps over the lazy dog; isn't it?", "e.g. 3.14 + $5.00 = 8.14% [sic]",
	"well-known re-enter -5 ‘quoted’ “double” «guillemets» «ça» „Anführung“",
	"Съешь же ещё этих мягких французских булок, да выпей чаю.", "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
	"吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。", "「こんにちは」と言った（笑）。ぁぃぅ ー々",
	"我能吞下玻璃而不伤身体。你好，世界！（测试）“引号”", "키스의 고유조건은 입술끼리 만나야 하고 특별한 기술은 필요치 않다.",
	"أنا قادر على أكل الزجاج و هذا لا يؤلمني.", "אני יכול לאכול זכוכית וזה לא מזיק לי.", "עברית-English mix",
	"मैं काँच खा सकता हूँ और मुझे उससे कोई चोट नहीं पहुंचती. क्षत्रिय", "ฉันกินกระจกได้ แต่มันไม่ทำให้ฉันเจ็บ",
	"ພາສາລາວ ສະບາຍດີ", "👩‍👩‍👧‍👦 family 👍🏽 thumbs 🇯🇵🇫🇷 flags ❤️ e\u0301 ü̈", "a\u200bb\u2060c d\u00a0e\tf\r\ng\u2028h",
	"Mixed 日本語 and English, العربية و English, 한국어 text.", "http://example.com/path?q=1&r=2", "1,000,000.00 (12)% -3",
}

// cases are the cross-check strings: the samples, every pair of the
// classes' characters (with and without a space between, the context of
// the SP* rules), and random strings of them, from a fixed seed.
func cases() []string {
	reps, distinct := representatives()
	out := append([]string(nil), samples...)
	for _, a := range reps[:distinct] {
		for _, b := range reps[:distinct] {
			out = append(out, string([]rune{a, b}), string([]rune{a, ' ', b}))
		}
	}
	rng := rand.New(rand.NewPCG(14, 14))
	for range 2000 {
		n := 2 + rng.IntN(9)
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = reps[rng.IntN(len(reps))]
		}
		out = append(out, string(rs))
	}
	return out
}

// representatives are a few code points of every distinct value (first,
// middle and last of its spans), plus characters some rules name; the
// first distinct of them are one of each value.
func representatives() (reps []rune, distinct int) {
	byValue := map[int][]rune{}
	sp := spans()
	for i, s := range sp {
		end := maxCodePoint + 1
		if i+1 < len(sp) {
			end = sp[i+1].start
		}
		byValue[s.value] = append(byValue[s.value], rune(s.start), rune(end-1))
	}
	keys := make([]int, 0, len(byValue))
	for k := range byValue {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	usable := func(r rune) bool { return r < surrogateLow || r > surrogateHigh }
	add := func(r rune) {
		if usable(r) && !slices.Contains(reps, r) {
			reps = append(reps, r)
		}
	}
	for _, k := range keys {
		for _, r := range byValue[k] {
			if usable(r) {
				add(r)
				break
			}
		}
	}
	distinct = len(reps)
	for _, k := range keys {
		rs := byValue[k]
		add(rs[len(rs)/2])
		add(rs[len(rs)-1])
	}
	for _, r := range []rune{0x25CC, ' ', '\n', '\r', 0x200D, 0x1F1E6, 0x1F466, 0x1F3FB, '"', '\''} {
		add(r)
	}
	return reps, distinct
}

// fixtureJSON is export/testdata/linebreaks.json: one [text, breaks] a
// line.
func fixtureJSON() []byte {
	var b bytes.Buffer
	b.WriteString("{\n \"about\": \"Line break opportunities (UAX #14) of github.com/go-text/typesetting/segmenter: each case is [text, the code point offsets inside it where a line may break]. Written by go run ./cmd/gen-linebreak; export/linebreak_test.go and static/test/linebreak.test.js check both line breakers against it.\",\n \"cases\": [\n")
	cs := cases()
	for i, c := range cs {
		line, err := json.Marshal([]any{c, breaks(c)})
		if err != nil {
			panic(err)
		}
		b.WriteString("  ")
		b.Write(line)
		if i < len(cs)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(" ]\n}\n")
	return b.Bytes()
}

// outputs are the generated files, by path from the repository root.
func outputs() (map[string][]byte, error) {
	if err := checkClasses(); err != nil {
		return nil, err
	}
	return map[string][]byte{
		"static/linebreak-data.js":        dataJS(),
		"export/testdata/linebreaks.json": fixtureJSON(),
	}, nil
}

func main() {
	root := flag.String("root", ".", "the repository root")
	flag.Parse()
	files, err := outputs()
	if err != nil {
		log.Fatal(err)
	}
	for path, data := range files {
		if err := os.WriteFile(*root+"/"+path, data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
