package export

import (
	"encoding/json"
	"testing"
)

// Threat 9: a title read from an uploaded file is cleaned like any other
// (the server does not rename boards on import today, but ReadImport's
// title is documented as a valid board title); one left empty is "".
func TestImportTitlesAreCleaned(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Ann\x00Lee", "AnnLee"},
		{"\x1b[31mPlan\x1b[0m", "[31mPlan[0m"},
		{"Q3\nplan", "Q3 plan"},
		{"Alice\u202Egnp.exe", "Alicegnp.exe"},
		{"\u200B\u200D\uFEFF", ""},
		{" \t\u3000 ", ""},
	}
	for _, c := range cases {
		for _, file := range []map[string]any{
			{"format": "easel", "version": FileVersion, "title": c.in, "elements": []any{}},
			{"type": "excalidraw", "appState": map[string]any{"name": c.in}, "elements": []any{}},
		} {
			data, _ := json.Marshal(file)
			im, err := ReadImport(data)
			if err != nil {
				t.Fatalf("%q: %v", c.in, err)
			}
			if im.Title != c.want {
				t.Errorf("%s file titled %q: title %q, want %q", im.Source, c.in, im.Title, c.want)
			}
		}
	}
}
