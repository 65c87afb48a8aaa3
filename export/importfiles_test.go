package export

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/easel-app/easel/blobs"
	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/testimages"
)

// uploadLimits is a board's blob store as the hub's PutBlob sees it:
// every limit of an upload, the blobs it holds.
type uploadLimits struct {
	maxBytes, quota int64
	held            map[string][]byte
	used            int64
	fail            error
}

func (u *uploadLimits) put(_ context.Context, data []byte, mime string) (board.BlobInfo, error) {
	if u.fail != nil {
		return board.BlobInfo{}, u.fail
	}
	if int64(len(data)) > u.maxBytes {
		return board.BlobInfo{}, board.Errorf(board.CodeTooLarge, "the image is %s, at most %s allowed", board.MiB(int64(len(data))), board.MiB(u.maxBytes))
	}
	info, err := blobs.Inspect(data, mime, board.MaxBlobPixels)
	if err != nil {
		return info, err
	}
	if _, ok := u.held[info.SHA256]; !ok {
		if u.used+info.Size > u.quota {
			return info, board.Errorf(board.CodeTooLarge, "this board's images would pass its limit")
		}
		u.held[info.SHA256] = data
		u.used += info.Size
	}
	return info, nil
}

func (u *uploadLimits) has(_ context.Context, sha string) (bool, error) {
	_, ok := u.held[sha]
	return ok, nil
}

func newUploadLimits() *uploadLimits {
	return &uploadLimits{maxBytes: board.DefaultMaxBlobBytes, quota: board.DefaultMaxBoardBlobBytes, held: map[string][]byte{}}
}

// Acceptance 3 (JSON, in the package): an export's files come back as
// the same bytes under the same sha, stored before anything else, and
// the elements show them.
func TestEaselFilesRoundTrip(t *testing.T) {
	src := newMemBlobs()
	data := testimages.PNG(t, testimages.Quadrants(40, 40))
	sha := src.add(t, data, "image/png")
	snap := imageBoard(sha, math.Pi/2)
	im, err := ReadImport(renderBlobs(t, snap, JSON, 1, src))
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Files) != 1 || im.Files[0].SHA != sha || !bytes.Equal(im.Files[0].Data, data) {
		t.Fatalf("files %+v", im.Files)
	}
	dst := newUploadLimits()
	if err := im.StoreFiles(context.Background(), dst.put, dst.has); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dst.held[sha], data) || len(im.Elements) != 2 || len(im.Skips) != 0 {
		t.Fatalf("stored %d blobs, %d elements, skipped %+v", len(dst.held), len(im.Elements), im.Skips)
	}
	for _, el := range im.Elements {
		if el.Kind == board.KindImage && (el.Src != board.BlobSrc(sha) || el.Rot != math.Pi/2 || el.W != 200) {
			t.Errorf("image %+v", el)
		}
	}
}

// easelFile is an Easel file of one image element showing src, with
// files.
func easelFileOf(src string, files string) []byte {
	return []byte(`{"format":"easel","version":1,"title":"t","seq":1,"elements":[` +
		`{"id":"i","kind":"image","x":1,"y":2,"w":30,"h":20,"src":"` + src + `","z":"a0"},` +
		`{"id":"r","kind":"rect","x":0,"y":0,"w":10,"h":10,"z":"a1"}]` + files + `}`)
}

// An Easel file's images: a file whose key is not its bytes' sha is
// taken by its bytes; an image without a file is kept when the board
// holds its blob, else skipped; an unreadable file, a file refused by
// the board's limits or of a type no board holds is skipped with the
// reason; a failing store fails the import.
func TestEaselFilesAreCheckedLikeUploads(t *testing.T) {
	png := testimages.PNG(t, testimages.Quadrants(8, 8))
	pngSHA := newMemBlobs().add(t, png, "image/png")
	other := strings.Repeat("c", 64)
	file := func(key, mime string, data []byte) string {
		return `,"files":{"` + key + `":{"mime":"` + mime + `","data":"` + base64.StdEncoding.EncodeToString(data) + `"}}`
	}
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)
	for _, c := range []struct {
		name    string
		file    []byte
		held    bool // the board holds pngSHA already
		limits  func(*uploadLimits)
		wantSrc string // "" when the image is skipped
		reason  string
	}{
		{"a file under its sha", easelFileOf(board.BlobSrc(pngSHA), file(pngSHA, "image/png", png)), false, nil, board.BlobSrc(pngSHA), ""},
		{"a file under another sha", easelFileOf(board.BlobSrc(other), file(other, "image/png", png)), false, nil, board.BlobSrc(pngSHA), ""},
		{"no file, the board holds it", easelFileOf(board.BlobSrc(pngSHA), ""), true, nil, board.BlobSrc(pngSHA), ""},
		{"no file", easelFileOf(board.BlobSrc(pngSHA), `,"files":{}`), false, nil, "", "its file is not in the import"},
		{"not base64", easelFileOf(board.BlobSrc(pngSHA), `,"files":{"`+pngSHA+`":{"mime":"image/png","data":"@@@"}}`), false, nil, "", "its file is not readable (not base64 image data)"},
		{"too large", easelFileOf(board.BlobSrc(pngSHA), file(pngSHA, "image/png", png)), false, func(u *uploadLimits) { u.maxBytes = 10 }, "", "at most 0.0 MiB allowed"},
		{"beyond the quota", easelFileOf(board.BlobSrc(pngSHA), file(pngSHA, "image/png", png)), false, func(u *uploadLimits) { u.quota = 10 }, "", "would pass its limit"},
		{"a PNG called JPEG", easelFileOf(board.BlobSrc(pngSHA), file(pngSHA, "image/jpeg", png)), false, nil, "", "its file is not a readable image/jpeg image"},
		{"SVG", easelFileOf(board.BlobSrc(pngSHA), file(pngSHA, "image/svg+xml", svg)), false, nil, "", "SVG images are not supported (they can carry script)"},
		{"text", easelFileOf(board.BlobSrc(pngSHA), file(pngSHA, "text/html", svg)), false, nil, "", "its type text/html is not PNG, JPEG, WebP or GIF"},
	} {
		t.Run(c.name, func(t *testing.T) {
			im, err := ReadImport(c.file)
			if err != nil {
				t.Fatal(err)
			}
			u := newUploadLimits()
			if c.held {
				u.held[pngSHA] = png
			}
			if c.limits != nil {
				c.limits(u)
			}
			if err := im.StoreFiles(context.Background(), u.put, u.has); err != nil {
				t.Fatal(err)
			}
			var img *board.Element
			for i := range im.Elements {
				if im.Elements[i].Kind == board.KindImage {
					img = &im.Elements[i]
				}
			}
			switch {
			case c.wantSrc != "" && (img == nil || img.Src != c.wantSrc || len(im.Skips) != 0 || !bytes.Equal(u.held[pngSHA], png)):
				t.Errorf("image %+v, skipped %+v, want it shown from %s", img, im.Skips, c.wantSrc)
			case c.wantSrc == "" && (img != nil || len(im.Elements) != 1 || len(im.Skips) != 1 || im.Skips[0].Kind != "image" || !strings.Contains(im.Skips[0].Reason, c.reason)):
				t.Errorf("image %+v, skipped %+v, want it skipped: %s", img, im.Skips, c.reason)
			}
		})
	}
	im, err := ReadImport(easelFileOf(board.BlobSrc(pngSHA), file(pngSHA, "image/png", png)))
	if err != nil {
		t.Fatal(err)
	}
	u := newUploadLimits()
	u.fail = errors.New("store down")
	if err := im.StoreFiles(context.Background(), u.put, u.has); err == nil {
		t.Error("a failing store did not fail the import")
	}
	if _, err := ReadImport(easelFileOf(board.BlobSrc(pngSHA), `,"files":[]`)); board.ErrorCode(err) != board.CodeBadRequest {
		t.Errorf("files as an array: %v", err)
	}
}

// Acceptance 3 (Excalidraw, in the package): the fixture's images come
// with their files, at their place, size and angle, mirrored as their
// scale says; one file shown three times is one blob; an SVG file and an image whose file is not saved yet are
// skipped with their reasons.
func TestExcalidrawImages(t *testing.T) {
	data, err := os.ReadFile("testdata/images.excalidraw")
	if err != nil {
		t.Fatal(err)
	}
	im, err := ReadImport(data)
	if err != nil {
		t.Fatal(err)
	}
	u := newUploadLimits()
	if err := im.StoreFiles(context.Background(), u.put, u.has); err != nil {
		t.Fatal(err)
	}
	passesValidation(t, im.Elements)
	wantSkips := []Skip{
		{Kind: "image", Count: 1, Reason: "its file is not in the import"},
		{Kind: "image", Count: 1, Reason: "SVG images are not supported (they can carry script)"},
	}
	if im.Title != "Screenshots" || !reflect.DeepEqual(im.Skips, wantSkips) || len(u.held) != 2 {
		t.Fatalf("title %q, skipped %+v, %d blobs stored", im.Title, im.Skips, len(u.held))
	}
	byID := map[string]board.Element{}
	for _, e := range im.Elements {
		byID[e.ID] = e
	}
	shot, photo, thumb := byID["x-img-shot"], byID["x-img-photo"], byID["x-img-thumb"]
	if shot.Kind != board.KindImage || shot.X != 100 || shot.Y != 100 || shot.W != 320 || shot.H != 240 || shot.Rot != 0.5 {
		t.Errorf("shot %+v", shot)
	}
	if photo.X != 500 || photo.W != 240 || photo.H != 160 || thumb.Src != shot.Src || thumb.Group == "" || thumb.Group != byID["x-frame-rect"].Group {
		t.Errorf("photo %+v, thumb %+v", photo, thumb)
	}
	// Mirrored left to right (scale [-1, 1]): the same box, w negative.
	if m := byID["x-img-mirror"]; m.X != 680 || m.W != -80 || m.Y != 380 || m.H != 60 || m.Src != shot.Src {
		t.Errorf("mirrored image %+v", m)
	}
	for _, e := range []board.Element{shot, photo} {
		sha, _ := board.BlobSHA(e.Src)
		info, err := blobs.Inspect(u.held[sha], map[string]string{"x-img-shot": "image/png", "x-img-photo": "image/jpeg"}[e.ID], board.MaxBlobPixels)
		if err != nil || info.SHA256 != sha {
			t.Errorf("%s shows %s, stored as %+v (%v)", e.ID, sha, info, err)
		}
	}
	// And it renders with them: the photo's quadrants where the scene
	// has them.
	src := newMemBlobs()
	for _, data := range u.held {
		src.add(t, data, map[bool]string{true: "image/png", false: "image/jpeg"}[bytes.HasPrefix(data, []byte("\x89PNG"))])
	}
	snap := snapshotOf("x", im.Elements)
	page := newScene(snap).Page
	img := decodePNG(t, renderBlobs(t, snap, PNG, 1, src))
	for q, p := range [][2]float64{{560, 160}, {680, 160}, {560, 240}, {680, 240}} {
		if got := img.At(int(p[0]-page.MinX), int(p[1]-page.MinY)); !testimages.Near(got, testimages.QuadrantColours[q], 12) {
			t.Errorf("the photo's quadrant %d at %v is %v, want %v", q, p, got, testimages.QuadrantColours[q])
		}
	}
}
