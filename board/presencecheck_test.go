package board

import (
	"math"
	"strings"
	"testing"
)

func TestCheckEmoji(t *testing.T) {
	for _, tc := range []struct {
		emoji string
		ok    bool
	}{
		{"👍", true},
		{"👍🏽", true},            // skin tone modifier
		{"❤️", true},            // VS16
		{"👨‍👩‍👧‍👦", true},       // 7 code points with ZWJs
		{"🏳️‍🌈", true},          // flag sequence, 4 code points
		{"+1", true},            // not an emoji, but visible: relayed as sent
		{"", false},             // empty
		{"123456789", false},    // 9 code points
		{"👍\u202e", false},      // bidi override
		{"a\nb", false},         // line break
		{"\x1b[31m", false},     // ANSI escape
		{"\u200b", false},       // zero-width space
		{"\u200d\ufe0f", false}, // joiner and selector alone show nothing
		{"\xff", false},         // invalid UTF-8
	} {
		if err := CheckEmoji("react.emoji", tc.emoji); (err == nil) != tc.ok {
			t.Errorf("CheckEmoji(%q) = %v, want ok %v", tc.emoji, err, tc.ok)
		}
	}
}

func TestCheckView(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		x, y, w, h *float64
		field      string // "" for valid
	}{
		{f(0), f(0), f(1280), f(720), ""},
		{f(-1e7), f(1e7), f(2e7), f(1e-9), ""},
		{nil, f(0), f(1), f(1), "view.x"},
		{f(math.NaN()), f(0), f(1), f(1), "view.x"},
		{f(0), f(1.0000001e7), f(1), f(1), "view.y"},
		{f(0), f(0), f(0), f(1), "view.w"},
		{f(0), f(0), f(-5), f(1), "view.w"},
		{f(0), f(0), f(1), f(math.Inf(1)), "view.h"},
		{f(0), f(0), f(1), f(2.0000001e7), "view.h"},
	} {
		err := CheckView(tc.x, tc.y, tc.w, tc.h)
		if tc.field == "" && err != nil || tc.field != "" && (err == nil || !strings.Contains(err.Error(), tc.field)) {
			t.Errorf("CheckView = %v, want error naming %q", err, tc.field)
		}
	}
}

func TestCleanChatIsCleanedAsNames(t *testing.T) {
	got, err := CleanChat("chat.text", "  two\nlines\u202e and\x00 more  ")
	if err != nil || got != "two lines and more" {
		t.Fatalf("CleanChat = %q, %v", got, err)
	}
	if _, err := CleanChat("chat.text", strings.Repeat("é", 141)); err == nil || !strings.Contains(err.Error(), "chat.text has 141 characters") {
		t.Fatalf("141 characters: %v", err)
	}
	if got, err := CleanChat("chat.text", strings.Repeat("e\u0301", 140)); err != nil || len([]rune(got)) != 140 {
		t.Fatalf("140 decomposed é (280 code points) normalise to 140: %q, %v", got, err)
	}
}

// A draft element is checked by the ops rules, with the draft's path in
// its errors.
func TestDecodeElementAsOps(t *testing.T) {
	if _, err := DecodeElement([]byte(`{"id":"a","kind":"image"}`), "draft.el"); err == nil || !strings.Contains(err.Error(), "draft.el.src") {
		t.Fatalf("image: %v", err)
	}
	if _, err := DecodeElement([]byte(`{"id":"a","kind":"rect","w":1} trailing`), "draft.el"); err == nil {
		t.Fatal("trailing data accepted")
	}
	el, err := DecodeElement([]byte(`{"id":"a","kind":"arrow","points":[[0,0],[3,4]],"end":{"id":"b"},"extra":1}`), "draft.el")
	if err != nil || el.End == nil || el.End.ID != "b" || len(el.Points) != 2 {
		t.Fatalf("arrow: %+v, %v", el, err)
	}
}
