package export

import (
	"context"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/easel-app/easel/board"
	"github.com/easel-app/easel/internal/testimages"
)

// photoImage is a w×h image of smooth gradients with noise, which
// compresses about as a photo or a busy screenshot does.
func photoImage(w, h int, seed uint64) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(3, seed))
	for y := range h {
		for x := range w {
			i := img.PixOffset(x, y)
			n := uint8(rng.IntN(24))
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x*255/w)+n, uint8(y*255/h)+n, uint8((x+y)*127/(w+h))+n, 0xff
		}
	}
	return img
}

// imagesBoard is n images of one w×h blob from src, each drawn at
// 1600×1200 units side by side: the board of docs/performance.md's
// image figures.
func imagesBoard(tb testing.TB, n, w, h int, mime string) (*board.Snapshot, *memBlobs) {
	src := newMemBlobs()
	var sha string
	if mime == "image/jpeg" {
		sha = src.add(tb, testimages.JPEG(tb, photoImage(w, h, 4), 95), mime)
	} else {
		sha = src.add(tb, testimages.PNG(tb, photoImage(w, h, 4)), mime)
	}
	els := make([]board.Element, n)
	for i := range els {
		els[i] = board.Element{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), Kind: board.KindImage,
			X: float64(i%5) * 1700, Y: float64(i/5) * 1300, W: 1600, H: 1200, Src: board.BlobSrc(sha), Z: "a0"}
	}
	return snapshotOf("Images", els), src
}

// distinctImagesBoard is imagesBoard with n different JPEG blobs.
func distinctImagesBoard(tb testing.TB, n, w, h int) (*board.Snapshot, *memBlobs) {
	src := newMemBlobs()
	els := make([]board.Element, n)
	for i := range els {
		sha := src.add(tb, testimages.JPEG(tb, photoImage(w, h, uint64(i)), 95), "image/jpeg")
		els[i] = board.Element{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)), Kind: board.KindImage,
			X: float64(i%5) * 1700, Y: float64(i/5) * 1300, W: 1600, H: 1200, Src: board.BlobSrc(sha), Z: "a0"}
	}
	return snapshotOf("Images", els), src
}

func benchmarkImages(b *testing.B, snap *board.Snapshot, src BlobSource, f Format) {
	b.ReportAllocs()
	var size int
	for b.Loop() {
		data, err := RenderWithBlobs(context.Background(), snap, f, Options{Scale: 1}, src)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size), "bytes/file")
	work, err := EstimateWorkWithBlobs(context.Background(), snap, f, Options{Scale: 1}, src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(work, "estimated-work")
}

// 20 distinct 12-megapixel photos (JPEG), each drawn 1600×1200 units.
func BenchmarkRender20PhotosPNG(b *testing.B) {
	snap, src := distinctImagesBoard(b, 20, 4000, 3000)
	benchmarkImages(b, snap, src, PNG)
}

func BenchmarkRender20PhotosPDF(b *testing.B) {
	snap, src := distinctImagesBoard(b, 20, 4000, 3000)
	benchmarkImages(b, snap, src, PDF)
}

// One 12-megapixel PNG, drawn once.
func BenchmarkRenderOnePNGImagePNG(b *testing.B) {
	snap, src := imagesBoard(b, 1, 4000, 3000, "image/png")
	benchmarkImages(b, snap, src, PNG)
}

func BenchmarkRenderOnePNGImagePDF(b *testing.B) {
	snap, src := imagesBoard(b, 1, 4000, 3000, "image/png")
	benchmarkImages(b, snap, src, PDF)
}

// drawnWork measures the pixels the painter counts against the time it
// takes: what imageDrawWork stands for.
func BenchmarkDrawImagePixels(b *testing.B) {
	snap, src := imagesBoard(b, 1, 400, 300, "image/png")
	snap.Elements["aa"].Rot = 0.3
	sc := newScene(snap)
	if err := sc.loadImages(context.Background(), src); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := drawPNG(context.Background(), sc, 2, MaxRenderWork); err != nil {
			b.Fatal(err)
		}
		sc.images.order[0].decoded = false
	}
	b.ReportMetric(1600*1200*4, "pixels-drawn")
}
