package export

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/easel-app/easel/board"
)

// ExcalidrawSource names Excalidraw scenes in Imported.Source.
const ExcalidrawSource = "excalidraw"

// excalidrawKinds maps the Excalidraw element types Easel can draw. Others
// (image, frame, embeddable, iframe, selection…) are skipped.
var excalidrawKinds = map[string]board.Kind{
	"rectangle": board.KindRect,
	"ellipse":   board.KindEllipse,
	"diamond":   board.KindLine, // a closed polygon
	"line":      board.KindLine,
	"arrow":     board.KindArrow,
	"freedraw":  board.KindStroke,
	"text":      board.KindText,
}

// readExcalidraw reads an Excalidraw scene (a .excalidraw file):
// {"type":"excalidraw","version":2,"source":…,"elements":[…],"appState":{…}}.
// Elements keep the scene's order through z keys "x0000", "x0001", …
func readExcalidraw(top map[string]json.RawMessage) (*Imported, error) {
	raws, err := elementsField(top)
	if err != nil {
		return nil, err
	}
	title, err := importTitle(top, "appState", "name")
	if err != nil {
		return nil, err
	}
	im := &Imported{Source: ExcalidrawSource, Title: title}
	seen := make(map[string]int)
	for i, raw := range raws {
		el, ok, err := excalidrawElement(raw, i, len(im.Elements))
		if err != nil {
			return nil, err
		}
		if !ok {
			im.Skipped++
			continue
		}
		if len(im.Elements) == MaxImportElements {
			return nil, board.Errorf(board.CodeTooLarge, "the file has more than %d elements, at most %d can be imported", MaxImportElements, MaxImportElements)
		}
		if j, dup := seen[el.ID]; dup {
			return nil, badElement(i, ".id %q is also the id of elements[%d]", el.ID, j)
		}
		seen[el.ID] = i
		im.Elements = append(im.Elements, el)
	}
	return im, nil
}

// xfields reads one Excalidraw element's fields, naming it in errors.
type xfields struct {
	obj map[string]json.RawMessage
	i   int
}

func (f xfields) has(key string) bool {
	raw, ok := f.obj[key]
	return ok && string(raw) != "null"
}

// num is a number field; def when absent or null.
func (f xfields) num(key string, def float64) (float64, error) {
	if !f.has(key) {
		return def, nil
	}
	var v float64
	if err := json.Unmarshal(f.obj[key], &v); err != nil {
		return 0, badElement(f.i, ".%s must be a number", key)
	}
	return v, nil
}

func (f xfields) str(key string) (string, error) {
	s, err := stringField(f.obj, key)
	if err != nil {
		return "", badElement(f.i, ".%v", err)
	}
	return s, nil
}

func (f xfields) flag(key string) (bool, error) {
	if !f.has(key) {
		return false, nil
	}
	var v bool
	if err := json.Unmarshal(f.obj[key], &v); err != nil {
		return false, badElement(f.i, ".%s must be true or false", key)
	}
	return v, nil
}

// points reads a points array of [x, y] pairs.
func (f xfields) points() ([][2]float64, error) {
	if !f.has("points") {
		return nil, nil
	}
	var pairs [][]float64
	if err := json.Unmarshal(f.obj["points"], &pairs); err != nil {
		// Find the culprit for the message.
		var items []json.RawMessage
		if json.Unmarshal(f.obj["points"], &items) != nil {
			return nil, badElement(f.i, ".points must be an array of [x, y] pairs")
		}
		for j, it := range items {
			var p []float64
			if json.Unmarshal(it, &p) != nil {
				return nil, badElement(f.i, ".points[%d] must be a pair of numbers", j)
			}
		}
		return nil, badElement(f.i, ".points must be an array of [x, y] pairs")
	}
	out := make([][2]float64, len(pairs))
	for j, p := range pairs {
		if len(p) != 2 {
			return nil, badElement(f.i, ".points[%d] must be a pair of numbers", j)
		}
		out[j] = [2]float64{p[0], p[1]}
	}
	return out, nil
}

// excalidrawElement converts entry i of a scene; ok is false for one that
// is skipped. n is how many elements were kept before it (its z).
func excalidrawElement(raw json.RawMessage, i, n int) (el board.Element, ok bool, err error) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return el, false, badElement(i, " must be an object")
	}
	f := xfields{obj, i}
	if deleted, err := f.flag("isDeleted"); err != nil || deleted {
		return el, false, err
	}
	typ, err := f.str("type")
	if err != nil {
		return el, false, err
	}
	kind, known := excalidrawKinds[typ]
	if !known {
		return el, false, nil
	}
	id, err := f.str("id")
	if err != nil {
		return el, false, err
	}
	if id == "" {
		return el, false, badElement(i, ".id must be a non-empty string")
	}
	el = board.Element{ID: cutRunes("x-"+id, board.MaxElementIDLen), Kind: kind, Z: zKey(n)}
	for _, v := range []struct {
		key string
		dst *float64
	}{{"x", &el.X}, {"y", &el.Y}, {"width", &el.W}, {"height", &el.H}, {"angle", &el.Rot}} {
		if *v.dst, err = f.num(v.key, 0); err != nil {
			return el, false, err
		}
	}
	if err := excalidrawStyle(f, &el, typ); err != nil {
		return el, false, err
	}
	switch typ {
	case "diamond":
		w, h := el.W, el.H
		el.Points = [][2]float64{{w / 2, 0}, {w, h / 2}, {w / 2, h}, {0, h / 2}, {w / 2, 0}}
	case "line", "arrow", "freedraw":
		if el.Points, err = f.points(); err != nil {
			return el, false, err
		}
		if len(el.Points) == 0 {
			return el, false, nil // nothing to draw
		}
		el.Points = simplifyPoints(el.Points, board.MaxPoints)
		if typ == "arrow" {
			excalidrawArrowheads(f, &el)
		}
	case "text":
		s, err := f.str("text")
		if err != nil {
			return el, false, err
		}
		el.Text = cutRunes(s, board.MaxText)
		size, err := f.num("fontSize", 0)
		if err != nil {
			return el, false, err
		}
		if size != 0 {
			el.Font = clamp(size, board.MinFont, board.MaxFont)
		}
	}
	el, err = checkedElement(&el, i)
	return el, err == nil, err
}

// excalidrawStyle maps colors and the stroke width.
func excalidrawStyle(f xfields, el *board.Element, typ string) error {
	stroke, err := f.str("strokeColor")
	if err != nil {
		return err
	}
	if c, ok := hexColor(stroke); ok {
		el.Stroke = c
	}
	if typ == "rectangle" || typ == "ellipse" {
		bg, err := f.str("backgroundColor")
		if err != nil {
			return err
		}
		if c, ok := hexColor(bg); ok { // "transparent" is no fill
			el.Fill = &c
		}
	}
	if typ != "text" && f.has("strokeWidth") {
		w, err := f.num("strokeWidth", 0)
		if err != nil {
			return err
		}
		el.Width = clamp(w, board.MinWidth, board.MaxWidth)
	}
	return nil
}

// excalidrawArrowheads makes an arrow whose only head is at its start
// point the other way, and one without heads a line.
func excalidrawArrowheads(f xfields, el *board.Element) {
	endless := f.obj["endArrowhead"] != nil && !f.has("endArrowhead")
	if !endless {
		return
	}
	if !f.has("startArrowhead") {
		el.Kind = board.KindLine
		return
	}
	for a, b := 0, len(el.Points)-1; a < b; a, b = a+1, b-1 {
		el.Points[a], el.Points[b] = el.Points[b], el.Points[a]
	}
}

// hexColor reads a CSS hex color as "#rrggbb": #rgb is expanded and the
// alpha of #rrggbbaa dropped; anything else (names, "transparent") is not
// one.
func hexColor(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 0 || s[0] != '#' {
		return "", false
	}
	for _, c := range []byte(s[1:]) {
		if _, ok := hexDigit(c); !ok {
			return "", false
		}
	}
	switch len(s) {
	case 4:
		return string([]byte{'#', s[1], s[1], s[2], s[2], s[3], s[3]}), true
	case 7:
		return s, true
	case 9:
		return s[:7], true
	}
	return "", false
}

func clamp(v, lo, hi float64) float64 { return min(max(v, lo), hi) }

// cutRunes is s cut to at most n characters.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// zKey is the z of the n-th imported element: "x" and a fixed-width base62
// counter, so string order is scene order.
func zKey(n int) string {
	const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := []byte("x0000")
	for i := len(b) - 1; i > 0; i-- {
		b[i] = digits[n%62]
		n /= 62
	}
	return string(b)
}
