package board

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// spoofInputs are the names and titles of threat 9, each with what peers
// must see instead ("" when it must be refused).
var spoofInputs = []struct{ in, want string }{
	{"Alice\x00Bob", "AliceBob"},
	{"\x1b[31mAlice\x1b[0m", "[31mAlice[0m"},
	{"Ann\nLee", "Ann Lee"},
	{"Ann\r\n", "Ann"},
	{"Alice\u202Egnp.exe", "Alicegnp.exe"},
	{"\u2066Bob\u2069\u200E\u200F\u061C", "Bob"},
	{"\u200B\u200C\u200D\u2060\uFEFF", ""},
	{" \t\u3000\u00A0 ", ""},
	{"\u3164", ""},                         // Hangul filler: renders blank
	{"\u00AD\uFE0F", ""},                   // soft hyphen, variation selector
	{"\u0000\u001b", ""},                   // nothing but controls
	{"Zoe\u0301", "Zoé"},                   // NFC: e + combining acute → é
	{"A\u2028B", "A B"},                    // line separator
	{"👨\u200D👩\u200D👧", "👨\u200D👩\u200D👧"}, // ZWJ sequences stay
	{"\u200B Eve \u200D", "Eve"},
	{"Ann\u0085", "Ann"},
}

func TestCleanNameRemovesWhatSpoofs(t *testing.T) {
	for _, c := range spoofInputs {
		got, err := CleanName("hello.name", c.in)
		if c.want == "" {
			if err == nil || ErrorCode(err) != CodeBadRequest || !strings.HasPrefix(ClientMessage(err), "hello.name is empty after removing control and invisible characters") {
				t.Errorf("CleanName(%q) = %q, %v; want bad_request naming hello.name", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("CleanName(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestCleanLabelCountsCharactersAfterCleaning(t *testing.T) {
	// 40 characters plus controls is a valid name; 41 visible is not.
	name := strings.Repeat("é", 40) // 80 bytes, 40 runes
	if got, err := CleanName("hello.name", "\x1b"+name+"\u202E"); err != nil || got != name {
		t.Fatalf("40 characters with controls: %q, %v", got, err)
	}
	if _, err := CleanName("hello.name", name+"x"); err == nil || !strings.Contains(ClientMessage(err), "hello.name has 41 characters, at most 40") {
		t.Fatalf("41 characters: %v", err)
	}
	if _, err := CleanTitle("ops[0].title", strings.Repeat("t", 121)); err == nil || !strings.HasPrefix(ClientMessage(err), "ops[0].title has 121 characters") {
		t.Fatalf("121-character title: %v", err)
	}
	if _, err := CleanTitle("title", "a\xffb"); err == nil || ClientMessage(err) != "title is not valid UTF-8" {
		t.Fatalf("invalid UTF-8: %v", err)
	}
}

func TestFitTitleCutsAndCleans(t *testing.T) {
	long := "\u202E" + strings.Repeat("ab ", 100)
	got := FitTitle(long)
	if utf8.RuneCountInString(got) > MaxTitleLen || strings.ContainsRune(got, 0x202E) || ValidateTitle(got) != nil {
		t.Fatalf("FitTitle = %q", got)
	}
	if got := FitTitle("\u200B \n"); got != "" {
		t.Fatalf("FitTitle of blank = %q, want \"\"", got)
	}
}

func TestDecodeOpsCleansTheTitle(t *testing.T) {
	_, ops, err := DecodeOps([]byte(`{"ref":"r1","ops":[{"op":"title","title":"  Q3\u202E \u001b[2J plan\n"}]}`))
	if err != nil || ops[0].Title != "Q3 [2J plan" {
		t.Fatalf("title op: %+v, %v", ops, err)
	}
	_, _, err = DecodeOps([]byte(`{"ref":"r1","ops":[{"op":"title","title":"\u200B\u00A0"}]}`))
	if err == nil || ClientMessage(err) != "ops[0].title is empty after removing control and invisible characters" {
		t.Fatalf("blank title op: %v", err)
	}
}

// FuzzCleanLabel: whatever comes in, a name or title that is accepted is
// valid UTF-8 in NFC, within its length, shows something, holds no control
// or bidi character, does not start or end with blank space, and is left
// as it is by a second pass; a refused one is a bad_request naming its
// field.
func FuzzCleanLabel(f *testing.F) {
	for _, c := range spoofInputs {
		f.Add(c.in)
	}
	f.Add(strings.Repeat("x\u0301", 60))
	f.Fuzz(func(t *testing.T, s string) {
		for _, maxLen := range []int{MaxNameLen, MaxTitleLen} {
			got, err := cleanLabel("f", s, maxLen)
			if err != nil {
				if ErrorCode(err) != CodeBadRequest || !strings.HasPrefix(ClientMessage(err), "f ") {
					t.Fatalf("%q: error %v", s, err)
				}
				continue
			}
			if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) {
				t.Fatalf("%q → %q: not valid NFC", s, got)
			}
			if n := utf8.RuneCountInString(got); n < 1 || n > maxLen || !showsSomething(got) {
				t.Fatalf("%q → %q: %d characters", s, got, n)
			}
			if strings.IndexFunc(got, func(r rune) bool { return isDropped(r) || isBreak(r) }) >= 0 {
				t.Fatalf("%q → %q: holds a control or bidi character", s, got)
			}
			if strings.TrimFunc(got, trimmable) != got || unicode.IsSpace([]rune(got)[0]) {
				t.Fatalf("%q → %q: not trimmed", s, got)
			}
			if again, err := cleanLabel("f", got, maxLen); err != nil || again != got {
				t.Fatalf("%q → %q → %q, %v: a second pass changes it", s, got, again, err)
			}
		}
		if title := FitTitle(s); title != "" && ValidateTitle(title) != nil {
			t.Fatalf("FitTitle(%q) = %q: %v", s, title, ValidateTitle(title))
		}
	})
}
