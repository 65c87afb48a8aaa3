package export

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/easel-app/easel/board"
)

// passesValidation checks every imported element as the server checks a
// client's put op.
func passesValidation(t testing.TB, els []board.Element) {
	t.Helper()
	for i := range els {
		data, err := json.Marshal(map[string]any{"type": "ops", "ref": "check", "ops": []board.Op{{Op: board.OpPut, El: &els[i]}}})
		if err != nil {
			t.Fatalf("element %d: %v", i, err)
		}
		if _, _, err := board.DecodeOps(data); err != nil {
			t.Fatalf("element %d (%+v) fails validation: %v", i, els[i], err)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	s := snapshotOf("Round trip ✓", append(demoElements(), mixedElements(100, 2000, 1500)...))
	title, els, err := ParseImport(render(t, s, JSON, 1))
	if err != nil {
		t.Fatal(err)
	}
	if title != s.Title {
		t.Fatalf("title %q", title)
	}
	want := s.Sorted()
	if len(els) != len(want) {
		t.Fatalf("%d elements, want %d", len(els), len(want))
	}
	for i := range els {
		if !reflect.DeepEqual(els[i], *want[i]) {
			t.Fatalf("element %d:\n got %+v\nwant %+v", i, els[i], *want[i])
		}
	}
}

func TestExcalidrawFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/scene.excalidraw")
	if err != nil {
		t.Fatal(err)
	}
	im, err := ReadImport(data)
	if err != nil {
		t.Fatal(err)
	}
	if im.Source != ExcalidrawSource || len(im.Skips) != 0 || im.Deleted != 1 || len(im.Elements) != 8 {
		t.Fatalf("source %s, skipped %+v, %d deleted, %d elements", im.Source, im.Skips, im.Deleted, len(im.Elements))
	}
	passesValidation(t, im.Elements)
	byID := map[string]board.Element{}
	for i, e := range im.Elements {
		byID[e.ID] = e
		if i > 0 && e.Z <= im.Elements[i-1].Z {
			t.Fatalf("z keys out of scene order: %q after %q", e.Z, im.Elements[i-1].Z)
		}
	}
	get := func(id string) board.Element {
		t.Helper()
		e, ok := byID[id]
		if !ok {
			t.Fatalf("no element %s", id)
		}
		return e
	}
	rect := get("x-rect-1a2b3c")
	if rect.Kind != board.KindRect || rect.X != 100 || rect.Y != 80 || rect.W != 240 || rect.H != 120 ||
		rect.Stroke != "#1971c2" || rect.Fill == nil || *rect.Fill != "#a5d8ff" || rect.Width != 2 || rect.Z != "x0000" {
		t.Errorf("rectangle: %+v", rect)
	}
	ell := get("x-ellipse-4d5e6f")
	if ell.Kind != board.KindEllipse || ell.Fill != nil || ell.Rot != 0.5 || ell.Width != 4 || ell.Stroke != "#e03131" {
		t.Errorf("ellipse: %+v", ell)
	}
	dia := get("x-diamond-j1k2l3")
	if dia.Kind != board.KindDiamond || dia.W != 160 || dia.H != 120 || dia.Points != nil || dia.Stroke != "#000000" || dia.Width != 1 {
		t.Errorf("diamond: %+v", dia)
	}
	line := get("x-line-m4n5o6")
	if line.Kind != board.KindLine || !reflect.DeepEqual(line.Points, [][2]float64{{0, 0}, {100, 50}, {200, 0}}) || line.Stroke != "#2f9e44" {
		t.Errorf("line: %+v", line)
	}
	arrow := get("x-arrow-7g8h9i")
	if arrow.Kind != board.KindArrow || arrow.X != 340 || arrow.Y != 140 || !reflect.DeepEqual(arrow.Points, [][2]float64{{0, 0}, {180, 160}}) {
		t.Errorf("arrow: %+v", arrow)
	}
	free := get("x-freedraw-p7q8r9")
	if free.Kind != board.KindStroke || len(free.Points) != 6 || free.X != 650 || free.Stroke != "#6741d9" || free.Width != 1 {
		t.Errorf("freedraw: %+v", free)
	}
	text := get("x-text-s1t2u3")
	if text.Kind != board.KindText || text.Text != "Hello, Excalidraw!\nSecond line ✓" || text.Font != 20 || text.X != 120 || text.Y != 420 || text.Width != 0 {
		t.Errorf("text: %+v", text)
	}
	if _, ok := byID["x-deleted-v4w5x6"]; ok {
		t.Errorf("the deleted element was imported")
	}
	// The image shows its file, a 1×1 PNG, by the SHA-256 of its bytes.
	img := get("x-image-y7z8a9")
	if len(im.Files) != 1 || im.Files[0].MIME != "image/png" || len(im.Files[0].Data) != 70 ||
		img.Kind != board.KindImage || img.Src != board.BlobSrc(im.Files[0].SHA) || img.X != 900 || img.Y != 300 || img.W != 64 || img.H != 64 {
		t.Errorf("image %+v, files %+v", img, im.Files)
	}
	// And it renders.
	s := snapshotOf("Imported", im.Elements)
	for _, f := range []Format{SVG, PNG, PDF} {
		render(t, s, f, 1)
	}
}

// excalidrawScene wraps elements in a scene.
func excalidrawScene(elements ...string) []byte {
	return []byte(`{"type":"excalidraw","version":2,"source":"test","elements":[` + strings.Join(elements, ",") + `],"appState":{}}`)
}

func TestExcalidrawRepairs(t *testing.T) {
	var pts []string
	for i := range 12000 {
		pts = append(pts, fmt.Sprintf("[%d,%d]", i, (i*7)%13))
	}
	long := strings.Repeat("é", board.MaxText+10)
	data := excalidrawScene(
		`{"id":"`+strings.Repeat("i", 100)+`","type":"freedraw","x":1,"y":2,"strokeWidth":500,"strokeColor":"#abc","points":[`+strings.Join(pts, ",")+`]}`,
		`{"id":"t","type":"text","x":0,"y":0,"text":"`+long+`","fontSize":1000,"strokeColor":"red"}`,
		`{"id":"r","type":"rectangle","x":0,"y":0,"width":5,"height":5,"strokeWidth":0,"backgroundColor":"#11223344"}`,
		`{"id":"a","type":"arrow","x":0,"y":0,"points":[[0,0],[10,0]],"startArrowhead":"arrow","endArrowhead":null}`,
		`{"id":"n","type":"arrow","x":0,"y":0,"points":[[0,0],[10,0]],"startArrowhead":null,"endArrowhead":null}`,
		`{"id":"e","type":"line","x":0,"y":0,"points":[]}`,
		`{"id":"f","type":"frame","x":0,"y":0}`,
	)
	im, err := ReadImport(data)
	if err != nil {
		t.Fatal(err)
	}
	passesValidation(t, im.Elements)
	wantSkips := []Skip{{Kind: "line", Count: 1, Reason: "it has no points"}, {Kind: "frame", Count: 1, Reason: "frames are not supported"}}
	if len(im.Elements) != 5 || !reflect.DeepEqual(im.Skips, wantSkips) {
		t.Fatalf("%d elements, skipped %+v", len(im.Elements), im.Skips)
	}
	free, text, rect, back, plain := im.Elements[0], im.Elements[1], im.Elements[2], im.Elements[3], im.Elements[4]
	if n := utf8.RuneCountInString(free.ID); n != board.MaxElementIDLen {
		t.Errorf("id of %d characters", n)
	}
	if len(free.Points) != board.MaxPoints || free.Points[0] != [2]float64{0, 0} || free.Points[len(free.Points)-1] != [2]float64{11999, (11999 * 7) % 13} {
		t.Errorf("points not simplified to %d with their ends: %d, %v … %v", board.MaxPoints, len(free.Points), free.Points[0], free.Points[len(free.Points)-1])
	}
	if free.Width != board.MaxWidth || free.Stroke != "#aabbcc" {
		t.Errorf("freedraw style: width %g stroke %q", free.Width, free.Stroke)
	}
	if utf8.RuneCountInString(text.Text) != board.MaxText || text.Font != board.MaxFont || text.Stroke != "" {
		t.Errorf("text: %d characters, font %g, stroke %q", utf8.RuneCountInString(text.Text), text.Font, text.Stroke)
	}
	if rect.Width != board.MinWidth || rect.Fill == nil || *rect.Fill != "#112233" {
		t.Errorf("rect: width %g fill %v", rect.Width, rect.Fill)
	}
	if back.Kind != board.KindArrow || back.Points[0] != [2]float64{10, 0} {
		t.Errorf("start-headed arrow not turned round: %+v", back)
	}
	if plain.Kind != board.KindLine {
		t.Errorf("headless arrow is a %s", plain.Kind)
	}
}

func TestImportRejectsMalformedFiles(t *testing.T) {
	elems := make([]string, MaxImportElements+1)
	for i := range elems {
		elems[i] = fmt.Sprintf(`{"id":"r%d","type":"rectangle","x":0,"y":0,"width":1,"height":1}`, i)
	}
	for _, test := range []struct {
		name, data string
		code       board.Code
		message    string
	}{
		{"not JSON", `hello`, board.CodeBadRequest, "not an Easel or Excalidraw file"},
		{"an array", `[]`, board.CodeBadRequest, "not an Easel or Excalidraw file"},
		{"null", `null`, board.CodeBadRequest, "not an Easel or Excalidraw file"},
		{"trailing data", `{"format":"easel","version":1,"elements":[]} {}`, board.CodeBadRequest, "not an Easel or Excalidraw file"},
		{"another format", `{"type":"tldraw","elements":[]}`, board.CodeBadRequest, "not an Easel or Excalidraw file"},
		{"elements not an array", `{"type":"excalidraw","elements":"x"}`, board.CodeBadRequest, "elements must be an array"},
		{"no elements", `{"type":"excalidraw"}`, board.CodeBadRequest, "no elements"},
		{"x not a number", string(excalidrawScene(`{"id":"a","type":"rectangle","x":0}`, `{"id":"b","type":"rectangle","x":"abc"}`)), board.CodeBadRequest, "elements[1].x must be a number"},
		{"element not an object", string(excalidrawScene(`42`)), board.CodeBadRequest, "elements[0] must be an object"},
		{"bad points", string(excalidrawScene(`{"id":"l","type":"line","points":[[0,0],[1,"a"]]}`)), board.CodeBadRequest, "elements[0].points[1]"},
		{"point of three", string(excalidrawScene(`{"id":"l","type":"line","points":[[0,0,0]]}`)), board.CodeBadRequest, "elements[0].points[0]"},
		{"coordinate out of range", string(excalidrawScene(`{"id":"r","type":"rectangle","x":1e9}`)), board.CodeBadRequest, "elements[0].x"},
		{"huge number", string(excalidrawScene(`{"id":"r","type":"rectangle","y":1e400}`)), board.CodeBadRequest, "elements[0].y must be a number"},
		{"no id", string(excalidrawScene(`{"type":"rectangle"}`)), board.CodeBadRequest, "elements[0].id"},
		{"deleted flag not a bool", string(excalidrawScene(`{"id":"r","type":"rectangle","isDeleted":"yes"}`)), board.CodeBadRequest, "elements[0].isDeleted"},
		{"duplicate ids", string(excalidrawScene(`{"id":"r","type":"rectangle"}`, `{"id":"r","type":"ellipse"}`)), board.CodeBadRequest, "elements[1].id"},
		{"too many", string(excalidrawScene(elems...)), board.CodeTooLarge, "at most 10000"},
		{"easel version", `{"format":"easel","version":2,"elements":[]}`, board.CodeBadRequest, "version 2"},
		{"easel no version", `{"format":"easel","elements":[]}`, board.CodeBadRequest, "version"},
		{"easel bad kind", `{"format":"easel","version":1,"elements":[{"id":"a","kind":"rect"},{"id":"b","kind":"blob"}]}`, board.CodeBadRequest, "elements[1].kind"},
		{"easel bad color", `{"format":"easel","version":1,"elements":[{"id":"a","kind":"rect","stroke":"red"}]}`, board.CodeBadRequest, "elements[0].stroke"},
		{"easel wrong type", `{"format":"easel","version":1,"elements":[{"id":"a","kind":"rect","x":"abc"}]}`, board.CodeBadRequest, "elements[0]"},
		{"easel null element", `{"format":"easel","version":1,"elements":[null]}`, board.CodeBadRequest, "elements[0]"},
		{"easel duplicate", `{"format":"easel","version":1,"elements":[{"id":"a","kind":"rect"},{"id":"a","kind":"rect"}]}`, board.CodeBadRequest, "elements[1].id"},
		{"easel title not a string", `{"format":"easel","version":1,"title":5,"elements":[]}`, board.CodeBadRequest, "title"},
	} {
		t.Run(test.name, func(t *testing.T) {
			_, _, err := ParseImport([]byte(test.data))
			wantCode(t, err, test.code)
			if !strings.Contains(board.ClientMessage(err), test.message) {
				t.Fatalf("message %q does not say %q", board.ClientMessage(err), test.message)
			}
		})
	}
}

func TestImportTitle(t *testing.T) {
	long := strings.Repeat("t", 300)
	for _, test := range []struct{ data, want string }{
		{`{"format":"easel","version":1,"title":"Plan","elements":[]}`, "Plan"},
		{`{"format":"easel","version":1,"title":"` + long + `","elements":[]}`, long[:board.MaxTitleLen]},
		{`{"format":"easel","version":1,"elements":[]}`, ""},
		{`{"type":"excalidraw","elements":[],"appState":{"name":"Sketch"}}`, "Sketch"},
		{`{"type":"excalidraw","elements":[],"appState":"odd"}`, ""},
	} {
		title, _, err := ParseImport([]byte(test.data))
		if err != nil || title != test.want {
			t.Errorf("%s: title %q, %v; want %q", test.data[:min(40, len(test.data))], title, err, test.want)
		}
	}
}

func TestSimplifyPoints(t *testing.T) {
	var p [][2]float64
	for i := range 100 {
		// A straight line with a bump from 20 to 80, peaking at 50.
		p = append(p, [2]float64{float64(i), max(0, 30-math.Abs(float64(i-50)))})
	}
	got := simplifyPoints(p, 3)
	if len(got) != 3 || got[0] != p[0] || got[1] != p[50] || got[2] != p[99] {
		t.Fatalf("simplified to %v", got)
	}
	if short := simplifyPoints(p[:3], 5); len(short) != 3 {
		t.Fatal("short input changed")
	}
}

func TestZKeysSortInOrder(t *testing.T) {
	prev := ""
	for n := range MaxImportElements {
		z := zKey(n)
		if z <= prev || len(z) != 5 {
			t.Fatalf("zKey(%d) = %q after %q", n, z, prev)
		}
		prev = z
	}
}
