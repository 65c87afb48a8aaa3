package export

import (
	"bytes"
	"context"
	"image"
	_ "image/gif" // a GIF blob draws its first frame
	_ "image/jpeg"
	_ "image/png"
	"io"

	_ "golang.org/x/image/webp"

	"github.com/easel-app/easel/board"
)

// The images of one render. Every distinct blob the scene's image
// elements show is looked up once before drawing (its info: the work
// estimate counts its pixels), then fetched once, when it is first drawn,
// and decoded at most once; the PNG drops its pixels after their last use.
// An image whose blob the board does not hold, or whose bytes are not the
// image they should be, is drawn as a placeholder (placeholderOf) in every
// format.

// Placeholder of an image whose bytes are missing: a light grey box with
// an outline, as the board's page draws an image it has not fetched yet.
var (
	placeholderFill   = rgb{0xe9, 0xec, 0xef}
	placeholderStroke = rgb{0xad, 0xb5, 0xbd}
)

const placeholderWidth = 1.0

// sceneImage is one distinct blob of a scene.
type sceneImage struct {
	sha  string
	info board.BlobInfo
	ok   bool // the board holds it (info is set); false: a placeholder
	uses int  // image shapes that show it (the PNG counts them down)

	fetched bool
	data    []byte // the blob's bytes, once fetched

	// The PNG's decoded pixels: premultiplied mipmap levels (mipmaps),
	// finer ones than finest left out (nil).
	levels  []*image.RGBA
	finest  int
	decoded bool
}

// sceneImages maps a scene's blobs by sha; nil for a scene without images.
type sceneImages struct {
	src   BlobSource
	bySHA map[string]*sceneImage
	order []*sceneImage // first use in drawing order
}

// imageScene is a scene of snap's images alone, not laid out: what the
// JSON and the estimates of the formats without a raster need.
func imageScene(snap *board.Snapshot) *scene {
	sc := &scene{}
	for _, e := range snap.Elements {
		if e.Kind == board.KindImage {
			if sha, ok := board.BlobSHA(e.Src); ok {
				sc.Shapes = append(sc.Shapes, shape{Kind: board.KindImage, Blob: sha})
			}
		}
	}
	return sc
}

// loadImages looks up the info of every blob the scene's images show
// (src nil: none is available; every image is a placeholder). It fails
// only when the source fails (blobError); a blob the board lacks is a
// placeholder.
func (sc *scene) loadImages(ctx context.Context, src BlobSource) error {
	for i := range sc.Shapes {
		s := &sc.Shapes[i]
		if s.Kind != board.KindImage || s.Blob == "" {
			continue
		}
		if sc.images == nil {
			sc.images = &sceneImages{src: src, bySHA: make(map[string]*sceneImage)}
		}
		im := sc.images.bySHA[s.Blob]
		if im == nil {
			im = &sceneImage{sha: s.Blob}
			info, err := blobInfo(ctx, src, s.Blob)
			switch err {
			case nil:
				im.info, im.ok = info, true
			case errNoBlob:
			default:
				return err
			}
			sc.images.bySHA[s.Blob] = im
			sc.images.order = append(sc.images.order, im)
		}
		im.uses++
	}
	return nil
}

// image is the scene's image of sha, nil when it has none.
func (si *sceneImages) image(sha string) *sceneImage {
	if si == nil {
		return nil
	}
	return si.bySHA[sha]
}

// any reports whether some image may be drawn (not a placeholder).
func (si *sceneImages) any() bool {
	if si == nil {
		return false
	}
	for _, im := range si.order {
		if im.ok {
			return true
		}
	}
	return false
}

// bytes fetches the image's bytes once; false for a placeholder (the
// blob is gone, or its bytes fail blobBytes' checks). err is the
// source's failure, which fails the render.
func (si *sceneImages) bytes(ctx context.Context, im *sceneImage) (ok bool, err error) {
	if !im.ok {
		return false, nil
	}
	if !im.fetched {
		im.fetched = true
		info, data, err := blobBytes(ctx, si.src, im.sha)
		switch err {
		case nil:
			im.info, im.data = info, data
		case errNoBlob:
			im.ok = false
			return false, nil
		default:
			im.ok = false
			return false, err
		}
	}
	return true, nil
}

// decode decodes an image's bytes (checked by blobBytes) as its type,
// stopping with ctx's error once ctx is done.
func decode(ctx context.Context, data []byte) (image.Image, error) {
	img, _, err := image.Decode(ctxReader{ctx, bytes.NewReader(data)})
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return img, err
}

// ctxReader fails reads once ctx is done, so that decoding a large
// image stops with the render.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// placeholderOf is the rect drawn where an image cannot be.
func placeholderOf(s *shape) *shape {
	p := *s
	p.Kind = board.KindRect
	fill := placeholderFill
	p.Fill, p.Stroke, p.Width = &fill, placeholderStroke, placeholderWidth
	return &p
}
