package fonts

import "unicode"

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
