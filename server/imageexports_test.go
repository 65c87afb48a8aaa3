package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"math"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/testimages"
	"github.com/easel-app/easel/session"
)

// getBlob reads a blob of a board through its URL.
func getBlob(t testing.TB, url string) (int, []byte) {
	t.Helper()
	res, body := httpExport(t, url, nil)
	return res.StatusCode, body
}

// Acceptance 3 (issue 14), against the real server: a board with an
// image turned a quarter exports to PNG with each quadrant where the
// canvas draws it, to SVG with the bytes as a data: URI turned like any
// element, to PDF with an image object, to JSON with the bytes in files;
// that JSON imported into an empty board gives it the same bytes under
// the same sha, shown by an element like the original.
func TestImageBoardExportsAndReimports(t *testing.T) {
	app := newTestApp(t)
	src, dst := app.createBoard(t), app.createBoard(t)
	data := testimages.PNG(t, testimages.Quadrants(40, 40))
	up := postBlob(t, app.URL+src.EditURL+"/blobs", "image/png", bytes.NewReader(data))
	if up.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", up.status, up.body)
	}
	sha := up.info.SHA256
	c := join(t, app.wsURL(src.EditURL+"/ws"), "c")
	el := func(m map[string]any) map[string]any { return map[string]any{"op": "put", "el": m} }
	c.sendOps("img",
		el(map[string]any{"id": "frame", "kind": "rect", "x": 0, "y": 0, "w": 400, "h": 300, "z": "a0"}),
		el(map[string]any{"id": "img", "kind": "image", "x": 100, "y": 100, "w": 200, "h": 100, "rot": math.Pi / 2, "src": board.BlobSrc(sha), "z": "a1"}))
	c.waitAck("img")

	// PNG: the page runs from -33 (the frame's half width and the margin).
	res, body := httpExport(t, app.URL+src.EditURL+"/export.png?scale=2", nil)
	if res.StatusCode != 200 {
		t.Fatalf("PNG export: %d %s", res.StatusCode, body)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	// Turned a quarter clockwise about (200, 150): the top left quadrant
	// goes to the top right, and so on round.
	for q, p := range [][2]float64{{225, 100}, {225, 200}, {175, 100}, {175, 200}} {
		if got := img.At(int((p[0]+33)*2), int((p[1]+33)*2)); !testimages.Near(got, testimages.QuadrantColours[q], 2) {
			t.Errorf("PNG: quadrant %d at board %v is %v, want %v", q, p, got, testimages.QuadrantColours[q])
		}
	}

	_, svg := httpExport(t, app.URL+src.EditURL+"/export.svg", nil)
	uri := `xlink:href="data:image/png;base64,` + base64.StdEncoding.EncodeToString(data) + `"`
	if !bytes.Contains(svg, []byte(`<g transform="rotate(90 200 150)"><image `)) || !bytes.Contains(svg, []byte(uri)) ||
		!bytes.Contains(svg, []byte(`preserveAspectRatio="none"`)) {
		t.Errorf("SVG without the turned image: %s", svg)
	}
	for dec := xml.NewDecoder(bytes.NewReader(svg)); ; {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("the SVG does not parse: %v", err)
		}
	}

	_, pdf := httpExport(t, app.URL+src.EditURL+"/export.pdf", nil)
	if !bytes.Contains(pdf, []byte("/Subtype /Image")) || !bytes.Contains(pdf, []byte("/XObject << /Im")) {
		t.Errorf("the PDF holds no image")
	}

	_, file := httpExport(t, app.URL+src.EditURL+"/export.json", nil)
	var parsed struct {
		Files map[string]struct {
			MIME string `json:"mime"`
			Data []byte `json:"data"`
		} `json:"files"`
	}
	if err := json.Unmarshal(file, &parsed); err != nil || len(parsed.Files) != 1 || parsed.Files[sha].MIME != "image/png" || !bytes.Equal(parsed.Files[sha].Data, data) {
		t.Fatalf("JSON files: %v %+v", err, parsed.Files)
	}

	// Re-imported into an empty board: the same bytes, under the same sha.
	if status, _ := getBlob(t, app.URL+dst.EditURL+"/blobs/"+sha); status != http.StatusNotFound {
		t.Fatalf("the empty board holds the blob already: %d", status)
	}
	res2, answer := postImport(t, app.URL+dst.EditURL+"/import", file)
	if res2.StatusCode != 200 || !strings.Contains(answer, `"added":2`) || !strings.Contains(answer, `"skipped":[]`) {
		t.Fatalf("import: %d %s", res2.StatusCode, answer)
	}
	status, got := getBlob(t, app.URL+dst.EditURL+"/blobs/"+sha)
	if status != 200 || !bytes.Equal(got, data) {
		t.Fatalf("the imported blob: %d, %d bytes, same: %v", status, len(got), bytes.Equal(got, data))
	}
	a := join(t, app.wsURL(src.EditURL+"/ws"), "a")
	d := join(t, app.wsURL(dst.EditURL+"/ws"), "d")
	srcEls, _ := boardFromMessages(t, "a", a.messages())
	dstEls, _ := boardFromMessages(t, "d", d.messages())
	if before, after := withoutIDs(t, srcEls), withoutIDs(t, dstEls); !reflect.DeepEqual(before, after) {
		t.Errorf("elements differ after the round trip:\n%v\n%v", before, after)
	}
	// And the imported board exports the same PNG.
	if _, again := httpExport(t, app.URL+dst.EditURL+"/export.png?scale=2", nil); !bytes.Equal(again, body) {
		t.Error("the re-imported board's PNG differs")
	}
}

// Acceptance 3 (issue 14): the Excalidraw fixture with embedded images
// imports them as blobs of the board, each at its place, size and angle
// (one mirrored), one file shown three times stored once; its SVG file and its image whose file
// was never saved are skipped with their reasons.
func TestImportExcalidrawImages(t *testing.T) {
	app := newTestApp(t)
	b := app.createBoard(t)
	watcher := join(t, app.wsURL(b.ViewURL+"/ws"), "watcher")
	scene, err := os.ReadFile("../export/testdata/images.excalidraw")
	if err != nil {
		t.Fatal(err)
	}
	res, body := postImport(t, app.URL+b.EditURL+"/import", scene)
	if res.StatusCode != 200 {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
	var out importResponse
	json.Unmarshal([]byte(body), &out)
	wantSkips := `[{"kind":"image","count":1,"reason":"its file is not in the import"},{"kind":"image","count":1,"reason":"SVG images are not supported (they can carry script)"}]`
	if skips, _ := json.Marshal(out.Skipped); out.Added != 5 || string(skips) != wantSkips {
		t.Fatalf("import answered %s; want 5 added and skipped %s", body, wantSkips)
	}
	watcher.waitUntil("the import", func(msgs []wireMsg) bool {
		for _, m := range msgs {
			if m.Type == "ops" && len(m.Ops) == 5 {
				return true
			}
		}
		return false
	})
	elements, _ := boardFromMessages(t, "watcher", watcher.messages())
	type image struct {
		Kind, Src, Group string
		X, Y, W, H, Rot  float64
	}
	var images []image
	for _, raw := range elements {
		var el image
		json.Unmarshal([]byte(raw), &el)
		if el.Kind == "image" {
			images = append(images, el)
		}
	}
	shots := map[[4]float64]image{}
	for _, im := range images {
		shots[[4]float64{im.X, im.Y, im.W, im.H}] = im
	}
	shot, photo, thumb := shots[[4]float64{100, 100, 320, 240}], shots[[4]float64{500, 120, 240, 160}], shots[[4]float64{520, 320, 64, 48}]
	mirror := shots[[4]float64{680, 380, -80, 60}]
	if len(images) != 4 || shot.Rot != 0.5 || photo.Src == "" || thumb.Src != shot.Src || mirror.Src != shot.Src || thumb.Group == "" {
		t.Fatalf("images %+v", images)
	}
	for _, im := range []image{shot, photo} {
		sha, _ := board.BlobSHA(im.Src)
		status, data := getBlob(t, app.URL+b.ViewURL+"/blobs/"+sha)
		if status != 200 || hexSHA(data) != sha {
			t.Errorf("blob %s: %d, %d bytes", sha, status, len(data))
		}
	}
}

// excalidrawWith is an Excalidraw scene of one image per file (type and
// bytes), each 10 units wide, in order.
func excalidrawWith(files ...[2]any) []byte {
	var els, fs []string
	for i, f := range files {
		id := fmt.Sprintf("f%d", i)
		els = append(els, fmt.Sprintf(`{"id":"i%d","type":"image","x":%d,"y":0,"width":10,"height":10,"fileId":"%s","status":"saved"}`, i, 20*i, id))
		fs = append(fs, fmt.Sprintf(`"%s":{"mimeType":"%s","id":"%s","dataURL":"data:%s;base64,%s"}`, id, f[0], id, f[0], base64.StdEncoding.EncodeToString(f[1].([]byte))))
	}
	return []byte(`{"type":"excalidraw","version":2,"elements":[` + strings.Join(els, ",") + `],"files":{` + strings.Join(fs, ",") + `}}`)
}

// Acceptance 3 (issue 14): an import's images meet an upload's limits;
// an image past them, or not of its declared type, is skipped with the
// reason, the rest is imported; an import of nothing but such images is a
// 400 that says why.
func TestImportedImagesMeetUploadLimits(t *testing.T) {
	app := newTestApp(t, func(cfg *session.Config, _ *Options) {
		cfg.MaxBlobBytes, cfg.MaxBoardBlobBytes = 1<<20, 3<<19 // 1 MiB an image, 1.5 MiB a board
	})
	b := app.createBoard(t)
	small := testimages.PNG(t, testimages.Quadrants(8, 8))
	res, body := postImport(t, app.URL+b.EditURL+"/import", excalidrawWith(
		[2]any{"image/png", small},
		[2]any{"image/png", paddedPNG(t, 2<<20)},                            // past --max-blob-mib
		[2]any{"image/png", testimages.PNGHeader(8000, 5125)},               // 41 Mpx
		[2]any{"image/jpeg", testimages.PNG(t, testimages.Quadrants(4, 4))}, // a PNG called JPEG
		[2]any{"image/png", []byte("<html></html>")},                        // not an image at all
		[2]any{"image/png", paddedPNG(t, 900<<10)},                          // fits
		[2]any{"image/png", paddedPNG(t, (900<<10)+1)},                      // fits alone, not beside the one before
	))
	if res.StatusCode != 200 {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
	var out importResponse
	json.Unmarshal([]byte(body), &out)
	reasons := map[string]int{}
	for _, s := range out.Skipped {
		if s.Kind != "image" {
			t.Errorf("skipped %+v", s)
		}
		reasons[s.Reason] += s.Count
	}
	if out.Added != 2 || len(reasons) != 5 {
		t.Fatalf("added %d, skipped %+v", out.Added, out.Skipped)
	}
	for _, want := range []string{"the image is 2.0 MiB, at most 1.0 MiB allowed", "at most 40.0 Mpx allowed", "its file is not a readable image/jpeg image",
		"its file is not a readable image/png image", "would pass the board's limit of 1.5 MiB"} {
		found := false
		for r := range reasons {
			found = found || strings.Contains(r, want)
		}
		if !found {
			t.Errorf("no image skipped for %q: %+v", want, out.Skipped)
		}
	}
	if status, _ := getBlob(t, app.URL+b.EditURL+"/blobs/"+hexSHA(small)); status != 200 {
		t.Errorf("the small image was not stored: %d", status)
	}

	res, body = postImport(t, app.URL+b.EditURL+"/import", excalidrawWith([2]any{"image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)}))
	if res.StatusCode != 400 || !strings.Contains(body, "no elements Easel can draw (skipped 1 image: SVG images are not supported") {
		t.Errorf("an import of an SVG alone: %d %s", res.StatusCode, body)
	}
}
