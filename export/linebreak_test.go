package export

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// linebreakCases is testdata/linebreaks.json: texts and the code point
// offsets inside them where the segmenter finds a line break opportunity,
// written by cmd/gen-linebreak (whose test keeps it current). The board
// client's breaker (static/test/linebreak.test.js) is checked against it
// too, so both break at the same places.
func linebreakCases(t *testing.T) [][2]json.RawMessage {
	t.Helper()
	data, err := os.ReadFile("testdata/linebreaks.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases [][2]json.RawMessage `json:"cases"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) < 1000 {
		t.Fatalf("only %d cases", len(f.Cases))
	}
	return f.Cases
}

// segmentOffsets are the code point offsets where lineSegments cuts s.
func segmentOffsets(s string) []int {
	out := []int{}
	at := 0
	segs := lineSegments(s)
	for _, seg := range segs[:len(segs)-1] {
		at += utf8.RuneCountInString(seg)
		out = append(out, at)
	}
	return out
}

func TestLineSegmentsMatchTheFixture(t *testing.T) {
	for _, c := range linebreakCases(t) {
		var text string
		var want []int
		if json.Unmarshal(c[0], &text) != nil || json.Unmarshal(c[1], &want) != nil {
			t.Fatalf("bad case %s", c)
		}
		if got := segmentOffsets(text); !slices.Equal(got, want) {
			t.Errorf("%q breaks at %v, want %v", text, got, want)
		}
		if got := strings.Join(lineSegments(text), ""); got != text {
			t.Errorf("segments of %q join to %q", text, got)
		}
	}
}

func TestLineSegmentsFollowUAX14(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"Hello world", []string{"Hello ", "world"}},
		{"日本語。", []string{"日", "本", "語。"}},         // never before 。
		{"「引用」です", []string{"「引", "用」", "で", "す"}}, // never after 「, before 」
		{"well-known", []string{"well-", "known"}},
		{"ฉันกิน ข้าว", []string{"ฉันกิน ", "ข้าว"}}, // SA: at spaces only
		{"a\u00a0b c", []string{"a\u00a0b ", "c"}},   // no break at a no-break space
		{"", nil},
	} {
		if got := lineSegments(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("lineSegments(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestGraphemesKeepClustersWhole(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"ab", []string{"a", "b"}},
		{"e\u0301x", []string{"e\u0301", "x"}},
		{"👩‍👩‍👧‍👦👍🏽", []string{"👩‍👩‍👧‍👦", "👍🏽"}},
		{"🇯🇵🇫🇷", []string{"🇯🇵", "🇫🇷"}},
		{"क्षत्रिय", []string{"क्ष", "त्रि", "य"}},
		{"한국", []string{"한", "국"}},
		{"\xff", []string{"\uFFFD"}}, // invalid UTF-8 reads as U+FFFD
	} {
		if got := graphemes(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("graphemes(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// The segmenters are pooled; renders break lines concurrently.
func TestLineSegmentsConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			text := strings.Repeat("日本語 and English ", i+1)
			for range 50 {
				if got := strings.Join(lineSegments(text), ""); got != text {
					t.Errorf("segments of %q join to %q", text, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
