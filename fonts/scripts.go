package fonts

import (
	"sync"
	"unicode"
)

// Script is a writing system Easel promises to draw, with a few sample
// characters: a face covers the script when its cmap maps every sample.
type Script struct {
	Name    string
	Samples []rune
	// Tables are the script's code points in Unicode (nil for emoji, which
	// is no Unicode script): between two faces, the one mapping more of
	// them is the better.
	Tables []*unicode.RangeTable
}

// Scripts are the scripts of issue 12, in the order they are reported (the
// embedded Go font covers the first three).
var Scripts = []Script{
	{"Latin", []rune("AZaz09éßŁ"), []*unicode.RangeTable{unicode.Latin}},
	{"Cyrillic", []rune("ЖжЯяё"), []*unicode.RangeTable{unicode.Cyrillic}},
	{"Greek", []rune("ΩωΛλά"), []*unicode.RangeTable{unicode.Greek}},
	{"CJK", []rune("日本語中文한국あカ"), []*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul}},
	{"Arabic", []rune("عربيةلا"), []*unicode.RangeTable{unicode.Arabic}},
	{"Hebrew", []rune("עברית"), []*unicode.RangeTable{unicode.Hebrew}},
	{"Devanagari", []rune("हिन्दी"), []*unicode.RangeTable{unicode.Devanagari}},
	{"Emoji", []rune("😀👍🎉❤"), nil},
}

// selectionOrder is the order the set is built in: the colour emoji face goes
// right after the embedded font, before any broad fallback (DejaVu Sans
// has black-and-white smileys) can draw emoji in its place.
func selectionOrder() []Script {
	order := make([]Script, 0, len(Scripts))
	for _, sc := range Scripts {
		if sc.Tables == nil {
			order = append(order, sc)
		}
	}
	for _, sc := range Scripts {
		if sc.Tables != nil {
			order = append(order, sc)
		}
	}
	return order
}

// coverage is the script's code points as a Coverage, built once per
// script (for emoji: the 256 code points around each sample).
func (sc Script) coverage() Coverage {
	scriptCoverage.once.Do(func() {
		scriptCoverage.m = map[string]Coverage{}
		for _, s := range Scripts {
			var c Coverage
			for _, t := range s.Tables {
				c = c.Union(tableCoverage(t))
			}
			if s.Tables == nil {
				for _, r := range s.Samples {
					c = c.Union(Coverage{{r &^ 0xff, r | 0xff}})
				}
			}
			scriptCoverage.m[s.Name] = c
		}
	})
	return scriptCoverage.m[sc.Name]
}

var scriptCoverage struct {
	once sync.Once
	m    map[string]Coverage
}

// tableCoverage is a Unicode range table as a Coverage.
func tableCoverage(t *unicode.RangeTable) Coverage {
	var runes []rune
	for _, r := range t.R16 {
		for x := rune(r.Lo); x <= rune(r.Hi); x += rune(r.Stride) {
			runes = append(runes, x)
		}
	}
	for _, r := range t.R32 {
		for x := rune(r.Lo); x <= rune(r.Hi); x += rune(r.Stride) {
			runes = append(runes, x)
		}
	}
	return coverageOf(runes)
}
