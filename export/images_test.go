package export

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"math"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/easel-app/easel/blobs"
	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/testimages"
)

// memBlobs is a BlobSource over a map, counting fetches.
type memBlobs struct {
	mu      sync.Mutex
	blobs   map[string][]byte
	info    map[string]board.BlobInfo
	fetches map[string]int
	fail    error  // every call fails with it when set
	onBlob  func() // called by each Blob, when set
}

func newMemBlobs() *memBlobs {
	return &memBlobs{blobs: map[string][]byte{}, info: map[string]board.BlobInfo{}, fetches: map[string]int{}}
}

// add stores data as mime and returns its sha.
func (m *memBlobs) add(t testing.TB, data []byte, mime string) string {
	t.Helper()
	info, err := blobs.Inspect(data, mime, board.MaxBlobPixels)
	if err != nil {
		t.Fatal(err)
	}
	m.blobs[info.SHA256], m.info[info.SHA256] = data, info
	return info.SHA256
}

func (m *memBlobs) BlobInfo(_ context.Context, sha string) (board.BlobInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return board.BlobInfo{}, m.fail
	}
	info, ok := m.info[sha]
	if !ok {
		return info, board.ErrBlobNotFound
	}
	return info, nil
}

func (m *memBlobs) Blob(ctx context.Context, sha string) (board.BlobInfo, []byte, error) {
	info, err := m.BlobInfo(ctx, sha)
	if err != nil {
		return info, nil, err
	}
	if m.onBlob != nil {
		m.onBlob()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.fetches[sha]++
	return info, m.blobs[sha], nil
}

// imageBoard is a frame (so that the page is fixed: -33 to 433 by -33
// to 333) and an image of sha from 100,100 to 300,200 turned by rot.
func imageBoard(sha string, rot float64) *board.Snapshot {
	return snapshotOf("Images", []board.Element{
		{ID: "frame", Kind: board.KindRect, W: 400, H: 300, Stroke: "#1e1e1e", Z: "a0"},
		{ID: "img", Kind: board.KindImage, X: 100, Y: 100, W: 200, H: 100, Rot: rot, Src: board.BlobSrc(sha), Z: "a1"},
	})
}

// quadrantPoints are board points inside each quadrant of imageBoard's
// image turned a quarter clockwise about its centre (200, 150): the top
// left quadrant goes to the top right, and so on round.
var quadrantPoints = map[float64][][2]float64{
	0:           {{150, 125}, {250, 125}, {150, 175}, {250, 175}},
	math.Pi / 2: {{225, 100}, {225, 200}, {175, 100}, {175, 200}},
}

func renderBlobs(t *testing.T, snap *board.Snapshot, f Format, scale int, src BlobSource) []byte {
	t.Helper()
	data, err := RenderWithBlobs(context.Background(), snap, f, Options{Scale: scale}, src)
	if err != nil {
		t.Fatalf("render %s: %v", f, err)
	}
	return data
}

// checkQuadrants samples img at each quadrant's points (board → pixel by
// k per unit from the page's corner at -33, -33).
func checkQuadrants(t *testing.T, img image.Image, rot, k float64, tol int) {
	t.Helper()
	for q, p := range quadrantPoints[rot] {
		x, y := int((p[0]+33)*k), int((p[1]+33)*k)
		if got := img.At(x, y); !testimages.Near(got, testimages.QuadrantColours[q], tol) {
			t.Errorf("rot %.2f: quadrant %d at board %v (pixel %d,%d) is %v, want %v", rot, q, p, x, y, got, testimages.QuadrantColours[q])
		}
	}
}

// Acceptance 3 (PNG): the image is drawn scaled into its box and turned
// with it, each quadrant where the canvas puts it; outside the box the
// page stays white, and a blob shown twice is fetched once.
func TestPNGDrawsImagesTurned(t *testing.T) {
	src := newMemBlobs()
	for _, c := range []struct {
		name string
		data []byte
		mime string
		tol  int
	}{
		{"png", testimages.PNG(t, testimages.Quadrants(40, 40)), "image/png", 2},
		{"jpeg", testimages.JPEG(t, testimages.Quadrants(64, 64), 95), "image/jpeg", 12},
		{"large png", testimages.PNG(t, testimages.Quadrants(3000, 2000)), "image/png", 2}, // drawn from a mipmap level
	} {
		sha := src.add(t, c.data, c.mime)
		for _, rot := range []float64{0, math.Pi / 2} {
			for _, scale := range []int{1, 2} {
				img := decodePNG(t, renderBlobs(t, imageBoard(sha, rot), PNG, scale, src))
				checkQuadrants(t, img, rot, float64(scale), c.tol)
				// Just outside the turned box, the page.
				out := [][2]float64{{100, 95}, {305, 150}}
				if rot != 0 {
					out = [][2]float64{{145, 150}, {200, 45}}
				}
				for _, p := range out {
					if x, y := int((p[0]+33)*float64(scale)), int((p[1]+33)*float64(scale)); !isWhite(img, x, y) {
						t.Errorf("%s rot %.2f: board %v outside the image is %v", c.name, rot, p, img.At(x, y))
					}
				}
			}
		}
	}
	gifData := func() []byte {
		var b bytes.Buffer
		pal := color.Palette{testimages.QuadrantColours[0], testimages.QuadrantColours[1], testimages.QuadrantColours[2], testimages.QuadrantColours[3]}
		frame := image.NewPaletted(image.Rect(0, 0, 20, 20), pal)
		other := image.NewPaletted(image.Rect(0, 0, 20, 20), pal) // a second frame, all red: never drawn
		draw := testimages.Quadrants(20, 20)
		for y := range 20 {
			for x := range 20 {
				frame.Set(x, y, draw.At(x, y))
			}
		}
		if err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{frame, other}, Delay: []int{10, 10}}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}()
	sha := src.add(t, gifData, "image/gif")
	checkQuadrants(t, decodePNG(t, renderBlobs(t, imageBoard(sha, 0), PNG, 1, src)), 0, 1, 0)

	// One blob shown by three elements: fetched and decoded once.
	png := src.add(t, testimages.PNG(t, testimages.Quadrants(8, 8)), "image/png")
	snap := imageBoard(png, 0)
	for i, id := range []string{"b", "c"} {
		snap.Elements[id] = &board.Element{ID: id, Kind: board.KindImage, X: float64(20 * i), Y: 250, W: 10, H: 10, Src: board.BlobSrc(png), Z: "a" + id}
	}
	renderBlobs(t, snap, PNG, 1, src)
	if n := src.fetches[png]; n != 1 {
		t.Errorf("a blob shown three times was fetched %d times, want 1", n)
	}
}

// A blob the board lacks, bytes that are not the image they claim (or,
// for the PNG and the PDF, that do not decode), and a render without
// blobs: a light grey box with an outline, not a failed export. A store
// that fails fails the render.
func TestMissingImagesArePlaceholders(t *testing.T) {
	src := newMemBlobs()
	good := testimages.PNG(t, testimages.Quadrants(40, 40))
	sha := src.add(t, good, "image/png")
	corrupt := append([]byte(nil), good[:len(good)/2]...) // a valid header, cut short
	cut := src.add(t, corrupt, "image/png")
	lying := src.add(t, testimages.PNG(t, testimages.Quadrants(10, 10)), "image/png")
	src.blobs[lying] = good // bytes that are not the ones its sha names
	missing := strings.Repeat("ab", 32)
	grey := color.NRGBA{0xe9, 0xec, 0xef, 0xff}
	for _, c := range []struct {
		name string
		sha  string
		src  BlobSource
	}{{"missing", missing, src}, {"cut short", cut, src}, {"not its sha", lying, src}, {"no source", sha, nil}} {
		for _, f := range []Format{PNG, PDF, SVG} {
			data := renderBlobs(t, imageBoard(c.sha, 0.3), f, 1, c.src)
			switch f {
			case PNG:
				img := decodePNG(t, data)
				if got := img.At(200+33, 150+33); !testimages.Near(got, grey, 0) {
					t.Errorf("%s: the PNG's placeholder is %v at its centre, want %v", c.name, got, grey)
				}
			case PDF:
				if bytes.Contains(data, []byte("/Subtype /Image")) {
					t.Errorf("%s: the PDF holds an image", c.name)
				}
			case SVG:
				if c.name == "cut short" {
					continue // the SVG carries bytes with a valid header as they are: its viewer decodes them
				}
				if bytes.Contains(data, []byte("<image")) || !bytes.Contains(data, []byte(`fill="#e9ecef" stroke="#adb5bd"`)) {
					t.Errorf("%s: the SVG has no placeholder: %s", c.name, data)
				}
			}
		}
	}
	src.fail = errors.New("connection refused")
	for _, f := range []Format{PNG, PDF, SVG, JSON} {
		_, err := RenderWithBlobs(context.Background(), imageBoard(sha, 0), f, Options{}, src)
		wantCode(t, err, board.CodeUnavailable)
	}
}

// Acceptance 3 (SVG): the image is inlined as a data: URI of its type,
// fills its box and turns with it; a second element showing the same blob
// reuses it.
func TestSVGInlinesImages(t *testing.T) {
	src := newMemBlobs()
	data := testimages.PNG(t, testimages.Quadrants(40, 40))
	sha := src.add(t, data, "image/png")
	snap := imageBoard(sha, math.Pi/2)
	snap.Elements["again"] = &board.Element{ID: "again", Kind: board.KindImage, X: 0, Y: 0, W: 50, H: 20, Src: board.BlobSrc(sha), Z: "a2"}
	svg := string(renderBlobs(t, snap, SVG, 1, src))
	uri := "data:image/png;base64," + base64.StdEncoding.EncodeToString(data)
	for _, want := range []string{
		`xmlns:xlink="http://www.w3.org/1999/xlink"`,
		`<g transform="rotate(90 200 150)"><image id="blob-` + sha[:16] + `" x="100" y="100" width="200" height="100" preserveAspectRatio="none" xlink:href="` + uri + `"/></g>`,
		`<use xlink:href="#blob-` + sha[:16] + `" transform="matrix(0.25 0 0 0.2 -25 -20)"/>`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("the SVG lacks %s", want)
		}
	}
	if n := strings.Count(svg, uri); n != 1 {
		t.Errorf("the image's bytes are in the SVG %d times, want 1", n)
	}
	svgTokens(t, []byte(svg)) // well-formed XML
}

// Acceptance 3 (JSON): files holds exactly the blobs the elements show,
// by sha, with their type and bytes.
func TestJSONCarriesFiles(t *testing.T) {
	src := newMemBlobs()
	shown := testimages.PNG(t, testimages.Quadrants(40, 40))
	sha := src.add(t, shown, "image/png")
	src.add(t, testimages.PNG(t, testimages.Quadrants(4, 4)), "image/png") // on the board, shown by nothing
	snap := imageBoard(sha, 0.5)
	snap.Elements["gone"] = &board.Element{ID: "gone", Kind: board.KindImage, W: 10, H: 10, Src: board.BlobSrc(strings.Repeat("0", 64)), Z: "a3"}
	var file File
	if err := json.Unmarshal(renderBlobs(t, snap, JSON, 1, src), &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Files) != 1 || file.Files[sha].MIME != "image/png" || !bytes.Equal(file.Files[sha].Data, shown) {
		t.Fatalf("files: %+v, want only %s", file.Files, sha)
	}
	// A board without images has no files at all, as before.
	plain := renderBlobs(t, snapshotOf("t", demoElements()), JSON, 1, src)
	if bytes.Contains(plain, []byte(`"files"`)) {
		t.Errorf("a board without images has files: %s", plain)
	}
}

// Acceptance 3 (PDF): poppler draws the image where the PNG does, turned
// with its box: PNG blobs as RGB with a soft mask (their alpha), JPEG
// blobs as they are (DCTDecode); a blob shown twice is in the file once.
func TestPDFDrawsImages(t *testing.T) {
	poppler(t, "pdftoppm")
	src := newMemBlobs()
	alpha := testimages.Quadrants(40, 40)
	alpha.SetNRGBA(0, 0, color.NRGBA{0, 0, 0, 0}) // a transparent pixel: the image gets a soft mask
	for _, c := range []struct {
		name, mime string
		data       []byte
		tol        int
		filter     string
	}{
		{"png", "image/png", testimages.PNG(t, alpha), 3, "/SMask"},
		{"jpeg", "image/jpeg", testimages.JPEG(t, testimages.Quadrants(64, 64), 95), 14, "/DCTDecode"},
	} {
		sha := src.add(t, c.data, c.mime)
		for _, rot := range []float64{0, math.Pi / 2} {
			snap := imageBoard(sha, rot)
			snap.Elements["again"] = &board.Element{ID: "again", Kind: board.KindImage, X: 0, Y: 250, W: 20, H: 20, Src: board.BlobSrc(sha), Z: "a2"}
			pdf := renderBlobs(t, snap, PDF, 2, src)
			if n := bytes.Count(pdf, []byte("/Subtype /Image")); n != map[string]int{"png": 2, "jpeg": 1}[c.name] || !bytes.Contains(pdf, []byte(c.filter)) {
				t.Errorf("%s: %d image objects, or no %s", c.name, n, c.filter)
			}
			// Scale 2 is 1.5 pt a board unit: at 72 dpi, 1.5 pixels.
			checkQuadrants(t, pdfPixels(t, pdf, "72"), rot, 1.5, c.tol)
		}
	}
}

// An image's drawing is within its estimate, like every shape's; its
// decoding is in the estimate but never lowers the scale; a render
// cancelled while it fetches or decodes an image stops with ctx's error.
func TestImageWorkAndCancellation(t *testing.T) {
	src := newMemBlobs()
	sha := src.add(t, testimages.PNG(t, testimages.Quadrants(500, 400)), "image/png")
	for _, rot := range []float64{0, 0.3, math.Pi / 2} {
		snap := snapshotOf("W", []board.Element{{ID: "i", Kind: board.KindImage, X: 0, Y: 0, W: 1200, H: 800, Rot: rot, Src: board.BlobSrc(sha), Z: "a"}})
		sc := newScene(snap)
		if err := sc.loadImages(context.Background(), src); err != nil {
			t.Fatal(err)
		}
		p, err := drawPNG(context.Background(), sc, 1, MaxRenderWork)
		if err != nil {
			t.Fatal(err)
		}
		decode := int64(500 * 400 * imageDecodeWork)
		drawn := p.work - int64(p.img.Rect.Dx()*p.img.Rect.Dy()) - decode
		if est := costOf(&sc.Shapes[0], box{}); drawn <= 0 || est.at(1) < float64(drawn) {
			t.Errorf("rot %.2f: estimate %.0f for %d of drawing", rot, est.at(1), drawn)
		}
		work, err := EstimateWorkWithBlobs(context.Background(), snap, PNG, Options{Scale: 4}, src)
		if err != nil {
			t.Fatal(err)
		}
		pl, _ := planPNG(sc, 4, MaxRenderWork)
		if pl.k != 4*pngScaleFactor(sc.Page, 4) || work < float64(decode) {
			t.Errorf("rot %.2f: scale %.2f, estimate %.0f", rot, pl.k, work)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	src.onBlob = cancel
	for _, f := range []Format{PNG, PDF, SVG, JSON} {
		if _, err := RenderWithBlobs(ctx, imageBoard(sha, 0), f, Options{}, src); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: a render cancelled while it reads an image: %v", f, err)
		}
	}
}

// pngScaleFactor is the share of scale the PNG's pixel caps allow for
// page (1 when they allow it all).
func pngScaleFactor(page box, scale int) float64 {
	k, _, _ := pngScale(page, scale)
	return k / float64(scale)
}

// An image's alpha shows what lies under it, in the PNG as in the PDF:
// a transparent quadrant the rect below, a half-transparent one a mix.
func TestPNGImageAlpha(t *testing.T) {
	img := testimages.Quadrants(20, 20)
	for y := range 10 {
		for x := range 20 {
			c := img.NRGBAAt(x, y)
			c.A = map[bool]uint8{true: 0, false: 128}[x < 10]
			img.SetNRGBA(x, y, c)
		}
	}
	src := newMemBlobs()
	sha := src.add(t, testimages.PNG(t, img), "image/png")
	snap := imageBoard(sha, 0)
	snap.Elements["under"] = &board.Element{ID: "under", Kind: board.KindRect, X: 100, Y: 100, W: 200, H: 100, Fill: ptr("#ffffff"), Stroke: "#ffffff", Z: "a05"}
	out := decodePNG(t, renderBlobs(t, snap, PNG, 1, src))
	mix := color.NRGBA{uint8((0x2f*128 + 255*127 + 127) / 255), uint8((0x9e*128 + 255*127 + 127) / 255), uint8((0x44*128 + 255*127 + 127) / 255), 255}
	for _, c := range []struct {
		p    [2]float64
		want color.NRGBA
	}{{[2]float64{150, 125}, color.NRGBA{255, 255, 255, 255}}, {[2]float64{250, 125}, mix}, {[2]float64{150, 175}, testimages.QuadrantColours[2]}} {
		if got := out.At(int(c.p[0]+33), int(c.p[1]+33)); !testimages.Near(got, c.want, 2) {
			t.Errorf("board %v is %v, want %v", c.p, got, c.want)
		}
	}
}

// An image of negative w or h is mirrored across its box, as the
// canvas's drawImage draws it, in every format; its turn is about the
// same centre.
func TestFlippedImages(t *testing.T) {
	poppler(t, "pdftoppm")
	src := newMemBlobs()
	sha := src.add(t, testimages.PNG(t, testimages.Quadrants(40, 40)), "image/png")
	for _, c := range []struct {
		name   string
		flipX  bool
		flipY  bool
		matrix string
	}{{"left to right", true, false, "matrix(-1 0 0 1 400 0)"}, {"upside down", false, true, "matrix(1 0 0 -1 0 300)"}, {"both", true, true, "matrix(-1 0 0 -1 400 300)"}} {
		for _, rot := range []float64{0, math.Pi / 2} {
			snap := imageBoard(sha, rot)
			el := snap.Elements["img"]
			if c.flipX {
				el.X, el.W = el.X+el.W, -el.W
			}
			if c.flipY {
				el.Y, el.H = el.Y+el.H, -el.H
			}
			// Mirrored, quadrant q shows where quadrant q^1 (q^2) was.
			want := make([][2]float64, 4)
			for q := range 4 {
				m := q
				if c.flipX {
					m ^= 1
				}
				if c.flipY {
					m ^= 2
				}
				want[m] = quadrantPoints[rot][q]
			}
			check := func(format string, img image.Image, k float64, tol int) {
				for q, p := range want {
					x, y := int((p[0]+33)*k), int((p[1]+33)*k)
					if got := img.At(x, y); !testimages.Near(got, testimages.QuadrantColours[q], tol) {
						t.Errorf("%s %s rot %.2f: quadrant %d at %v is %v", format, c.name, rot, q, p, got)
					}
				}
			}
			check("PNG", decodePNG(t, renderBlobs(t, snap, PNG, 1, src)), 1, 2)
			check("PDF", pdfPixels(t, renderBlobs(t, snap, PDF, 2, src), "72"), 1.5, 3)
			if svg := renderBlobs(t, snap, SVG, 1, src); !bytes.Contains(svg, []byte(`<g transform="`+c.matrix+`"><image `)) {
				t.Errorf("SVG %s: no mirroring group: %s", c.name, svg)
			}
		}
	}
}

// A WebP blob (the upload tests' 3×2 orange one) is decoded and drawn
// like the others, in the PNG and the PDF.
func TestWebPImages(t *testing.T) {
	data, err := os.ReadFile("../server/testdata/orange-3x2.webp")
	if err != nil {
		t.Fatal(err)
	}
	img, err := decode(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	want := color.NRGBAModel.Convert(img.At(1, 1)).(color.NRGBA)
	src := newMemBlobs()
	sha := src.add(t, data, "image/webp")
	out := decodePNG(t, renderBlobs(t, imageBoard(sha, 0.4), PNG, 1, src))
	if got := out.At(200+33, 150+33); !testimages.Near(got, want, 2) {
		t.Errorf("PNG: the WebP's centre is %v, want %v", got, want)
	}
	if pdf := renderBlobs(t, imageBoard(sha, 0.4), PDF, 1, src); !bytes.Contains(pdf, []byte("/Subtype /Image /Width 3 /Height 2")) {
		t.Error("the PDF holds no 3×2 image")
	}
}
