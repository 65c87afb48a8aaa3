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
// (frame, embeddable, iframe, selection…) are skipped and counted in
// Imported.Skips with skipReasons' reason.
var excalidrawKinds = map[string]board.Kind{
	"image":     board.KindImage,
	"rectangle": board.KindRect,
	"ellipse":   board.KindEllipse,
	"diamond":   board.KindDiamond,
	"line":      board.KindLine,
	"arrow":     board.KindArrow,
	"freedraw":  board.KindStroke,
	"text":      board.KindText,
}

// readExcalidraw reads an Excalidraw scene (a .excalidraw file):
// {"type":"excalidraw","version":2,"source":…,"elements":[…],"appState":{…}}.
// Elements keep the scene's order through z keys "x0000", "x0001", …
// Text bound to a rectangle, ellipse or diamond (its containerId) becomes
// that shape's label rather than an element of its own. An image shows
// the scene's file of its fileId (importfiles.go), mirrored as its scale
// says, uncropped.
func readExcalidraw(top map[string]json.RawMessage) (*Imported, error) {
	raws, err := elementsField(top)
	if err != nil {
		return nil, err
	}
	title, err := importTitle(top, "appState", "name")
	if err != nil {
		return nil, err
	}
	rawFiles, err := filesField(top)
	if err != nil {
		return nil, err
	}
	files := newImportFiles(rawFiles, excalidrawFile)
	im := &Imported{Source: ExcalidrawSource, Title: title}
	labels := excalidrawLabels(raws)
	seen := make(map[string]int)
	for i, raw := range raws {
		el, skip, err := excalidrawElement(raw, i, len(im.Elements), labels, files)
		if err != nil {
			return nil, err
		}
		switch skip {
		case "":
		case skipDeleted:
			im.Deleted++
			continue
		case skipLabel:
			continue // drawn inside its container
		case reasonNoFile, reasonBadFile:
			im.Skips = addSkip(im.Skips, skipKindImage, skip)
			continue
		default:
			im.Skips = addSkip(im.Skips, skip, skipReason(skip))
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
	im.Files = files.files
	return im, nil
}

// Reasons an entry is not imported on its own: deleted, or a container's
// label. An image without its file is skipped with the reason
// (reasonNoFile, reasonBadFile); any other skip is named by the entry's
// Excalidraw type.
const (
	skipDeleted = "\x00deleted"
	skipLabel   = "\x00label"
)

// skipReason says why entries of an Excalidraw type are not imported.
func skipReason(kind string) string {
	switch kind {
	case "frame", "magicframe":
		return "frames are not supported"
	case "embeddable", "iframe":
		return "embedded pages are not supported"
	case "line", "arrow", "freedraw":
		return "it has no points"
	}
	return "not an element type Easel knows"
}

// xlabel is the text of an Excalidraw text element bound to a container.
type xlabel struct {
	textID string
	text   string
	font   float64
}

// labelKinds are the Excalidraw types whose bound text becomes their label.
var labelKinds = map[string]bool{"rectangle": true, "ellipse": true, "diamond": true}

// excalidrawLabels finds the text bound to a labelled container: the
// container's id → its text. A text whose container is missing, deleted or
// an arrow stays a text element. Entries it cannot read are left for
// excalidrawElement to report.
func excalidrawLabels(raws []json.RawMessage) map[string]xlabel {
	type entry struct {
		ID          string  `json:"id"`
		Type        string  `json:"type"`
		IsDeleted   bool    `json:"isDeleted"`
		ContainerID string  `json:"containerId"`
		Text        string  `json:"text"`
		Original    *string `json:"originalText"`
		FontSize    float64 `json:"fontSize"`
	}
	containers := make(map[string]bool)
	var texts []entry
	for _, raw := range raws {
		var e entry
		if json.Unmarshal(raw, &e) != nil || e.IsDeleted {
			continue
		}
		switch {
		case labelKinds[e.Type] && e.ID != "":
			containers[e.ID] = true
		case e.Type == "text" && e.ContainerID != "":
			texts = append(texts, e)
		}
	}
	labels := make(map[string]xlabel)
	for _, t := range texts {
		if !containers[t.ContainerID] {
			continue
		}
		if _, taken := labels[t.ContainerID]; taken {
			continue // one label per shape: later texts stay texts
		}
		text := t.Text // wrapped by Excalidraw; the original is not
		if t.Original != nil {
			text = *t.Original
		}
		labels[t.ContainerID] = xlabel{textID: t.ID, text: text, font: t.FontSize}
	}
	return labels
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

// excalidrawElement converts entry i of a scene; skip is not "" for one
// that is not imported (skipDeleted, skipLabel, an image's reason or its
// type). n is how many elements were kept before it (its z). Ids,
// bindings and groups keep the scene's names ("x-" + id): the server
// gives every import fresh ones.
func excalidrawElement(raw json.RawMessage, i, n int, labels map[string]xlabel, files *importFiles) (el board.Element, skip string, err error) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return el, "", badElement(i, " must be an object")
	}
	f := xfields{obj, i}
	if deleted, err := f.flag("isDeleted"); err != nil || deleted {
		return el, skipDeleted, err
	}
	typ, err := f.str("type")
	if err != nil {
		return el, "", err
	}
	kind, known := excalidrawKinds[typ]
	if !known {
		if typ == "" {
			typ = "unknown"
		}
		return el, cutRunes(typ, 40), nil
	}
	id, err := f.str("id")
	if err != nil {
		return el, "", err
	}
	if id == "" {
		return el, "", badElement(i, ".id must be a non-empty string")
	}
	if typ == "text" {
		container, err := f.str("containerId")
		if err != nil {
			return el, "", err
		}
		if l, ok := labels[container]; ok && container != "" && l.textID == id {
			return el, skipLabel, nil
		}
	}
	el = board.Element{ID: excalidrawID(id), Kind: kind, Z: zKey(n)}
	for _, v := range []struct {
		key string
		dst *float64
	}{{"x", &el.X}, {"y", &el.Y}, {"width", &el.W}, {"height", &el.H}, {"angle", &el.Rot}} {
		if *v.dst, err = f.num(v.key, 0); err != nil {
			return el, "", err
		}
	}
	if typ != "image" {
		if err := excalidrawStyle(f, &el, typ); err != nil {
			return el, "", err
		}
	}
	if err := excalidrawOrganise(f, &el); err != nil {
		return el, "", err
	}
	switch typ {
	case "rectangle", "ellipse", "diamond":
		if l, ok := labels[id]; ok {
			el.Text = cutRunes(l.text, board.MaxText)
			if l.font > 0 {
				el.Font = clamp(l.font, board.MinFont, board.MaxFont)
			}
		}
	case "line", "arrow", "freedraw":
		if el.Points, err = f.points(); err != nil {
			return el, "", err
		}
		if len(el.Points) == 0 {
			return el, typ, nil // nothing to draw
		}
		el.Points = simplifyPoints(el.Points, board.MaxPoints)
		if typ != "freedraw" {
			if err := excalidrawBindings(f, &el); err != nil {
				return el, "", err
			}
		}
		if typ == "arrow" {
			excalidrawArrowheads(f, &el)
		}
	case "image":
		fileID, err := f.str("fileId")
		if err != nil {
			return el, "", err
		}
		sha, reason := files.sha(fileID)
		if reason != "" {
			return el, reason, nil
		}
		el.Src = board.BlobSrc(sha)
		excalidrawFlip(f, &el)
	case "text":
		s, err := f.str("text")
		if err != nil {
			return el, "", err
		}
		el.Text = cutRunes(s, board.MaxText)
		size, err := f.num("fontSize", 0)
		if err != nil {
			return el, "", err
		}
		if size != 0 {
			el.Font = clamp(size, board.MinFont, board.MaxFont)
		}
	}
	el, err = checkedElement(&el, i)
	return el, "", err
}

// excalidrawID is the Easel id of an Excalidraw id, and of the bindings
// and groups that name it.
func excalidrawID(id string) string { return cutRunes("x-"+id, board.MaxElementIDLen) }

// excalidrawBindings maps startBinding/endBinding {"elementId"} to start
// and end. A binding to an element the file does not hold is dropped when
// the import gets its fresh ids.
func excalidrawBindings(f xfields, el *board.Element) error {
	for _, b := range []struct {
		key string
		dst **board.Binding
	}{{"startBinding", &el.Start}, {"endBinding", &el.End}} {
		if !f.has(b.key) {
			continue
		}
		var inner map[string]json.RawMessage
		if json.Unmarshal(f.obj[b.key], &inner) != nil || inner == nil {
			return badElement(f.i, ".%s must be an object or null", b.key)
		}
		target, err := stringField(inner, "elementId")
		if err != nil {
			return badElement(f.i, ".%s.%v", b.key, err)
		}
		if target != "" {
			*b.dst = &board.Binding{ID: excalidrawID(target)}
		}
	}
	return nil
}

// excalidrawOrganise maps groupIds (the outermost group: Excalidraw lists
// them innermost first, and selects by the outermost) and locked.
func excalidrawOrganise(f xfields, el *board.Element) error {
	if f.has("groupIds") {
		var groups []string
		if json.Unmarshal(f.obj["groupIds"], &groups) != nil {
			return badElement(f.i, ".groupIds must be an array of strings")
		}
		if n := len(groups); n > 0 && groups[n-1] != "" {
			el.Group = excalidrawID(groups[n-1])
		}
	}
	locked, err := f.flag("locked")
	if err != nil {
		return err
	}
	el.Locked = locked
	return nil
}

// excalidrawStyle maps colors, the stroke width, strokeStyle (dashed,
// dotted) and roundness.
func excalidrawStyle(f xfields, el *board.Element, typ string) error {
	stroke, err := f.str("strokeColor")
	if err != nil {
		return err
	}
	if c, ok := hexColor(stroke); ok {
		el.Stroke = c
	}
	if labelKinds[typ] {
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
	if typ != "text" {
		dash, err := f.str("strokeStyle")
		if err != nil {
			return err
		}
		if dash == board.DashDashed || dash == board.DashDotted {
			el.Dash = dash
		}
	}
	if typ == "rectangle" || typ == "diamond" {
		// roundness {"type":…} since 2023; strokeSharpness "round" before.
		sharpness, err := f.str("strokeSharpness")
		if err != nil {
			return err
		}
		el.Round = f.has("roundness") || sharpness == "round"
	}
	return nil
}

// excalidrawFlip maps an image's scale ([-1, 1]: mirrored left to
// right, [1, -1]: upside down) to a negative w or h over the same box,
// which Easel draws mirrored. A scale it cannot read is no flip.
func excalidrawFlip(f xfields, el *board.Element) {
	var scale []float64
	if !f.has("scale") || json.Unmarshal(f.obj["scale"], &scale) != nil || len(scale) != 2 {
		return
	}
	if scale[0] < 0 && el.W > 0 {
		el.X, el.W = el.X+el.W, -el.W
	}
	if scale[1] < 0 && el.H > 0 {
		el.Y, el.H = el.Y+el.H, -el.H
	}
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
