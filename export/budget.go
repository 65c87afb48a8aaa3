package export

import (
	"context"
	"image"
	"math"
	"unicode/utf8"

	"github.com/easel-app/easel/board"
)

// The work budget of one PNG render. Work is pixels touched: the canvas
// (painted white, then encoded) plus, for every shape, the pixels its
// fill rasterizes or paints (regions.go). A board is drawn at the
// requested scale when its estimated work fits MaxRenderWork; otherwise
// the scale is lowered, as the pixel caps of png.go lower it, until the
// estimate fits — but not below the scale at which the image's longer
// side would be MinBudgetSide pixels: a board that does not fit even
// there is refused with too_large rather than drawn as a thumbnail.
//
// At about 150 to 400 million pixels a second on one core (this
// project's CI machine), MaxRenderWork is a render of roughly 5 to 15
// seconds; the estimate errs high, so real renders are faster.
const (
	MaxRenderWork = 2 << 30
	MinBudgetSide = 1024
)

// Constants of the estimate, in pixels (see estimate).
const (
	// shapeOverhead is what any shape costs besides its pixels.
	shapeOverhead = 64
	// edgeLeaf is the width of the band of leaves along an edge that is
	// neither horizontal nor vertical: a leaf is up to leafArea pixels.
	edgeLeaf = 64
)

// cost is what a shape costs to draw, in board units, so that the work at
// any scale k is a quick sum (see at).
type cost struct {
	area    float64 // its bounds' area, less what a later opaque rect hides
	fill    float64 // area of its fill (rasterized or painted solid), same
	edge    float64 // length of the fill's outline
	line    float64 // length of its stroked outline or line
	width   float64 // the line's width
	slanted bool    // some edge or line is neither horizontal nor vertical
	text    bool
	verts   int     // joins and caps (a dashed line: two per dash)
	label   float64 // area of a shape's label, drawn over it like text
	image   box     // an image's bounds: every pixel of them is sampled
}

// at is the estimated work of the shape at k pixels per board unit: at
// most its bounds, which fill never exceeds (its regions are disjoint and
// inside them).
func (c *cost) at(k float64) float64 {
	if c.image.ok {
		// Its pixels' coverage, sampled and blended (a placeholder, a
		// filled outline, costs less), a pixel more on each side.
		return (c.image.w()*k+2)*(c.image.h()*k+2)*imageDrawWork + shapeOverhead
	}
	bounds := c.area * k * k
	if c.text {
		return bounds + shapeOverhead
	}
	label := c.label * k * k
	band := 3.0 // a pixel of anti-aliasing each side, and rounding
	if c.slanted {
		band += edgeLeaf
	}
	w := c.width*k + 2
	work := c.line*k*(c.width*k+band) + float64(c.verts)*w*w*4
	if c.fill > 0 {
		work += c.fill*k*k + c.edge*k*band
	}
	return math.Min(bounds, work) + label + shapeOverhead
}

// occluder is the board area a filled, unturned rect paints opaquely
// (everything in this renderer is opaque): its fill, inside its stroke,
// and within its rounded corners.
func occluder(s *shape) (box, bool) {
	if s.Kind != board.KindRect || s.Fill == nil || s.Rot != 0 || s.Box.w() <= 0 || s.Box.h() <= 0 {
		return box{}, false
	}
	if s.Round {
		b := s.Box.pad(-roundRadius(s.Box.w(), s.Box.h()))
		return b, b.w() > 0 && b.h() > 0
	}
	return s.Box, true
}

// hiders returns, for each shape, the largest opaque rect a later shape
// paints (the one most worth skipping); ok false when none. One per shape
// keeps it linear in the shapes.
func hiders(shapes []shape) []box {
	out := make([]box, len(shapes))
	var best box
	for i := len(shapes) - 1; i >= 0; i-- {
		out[i] = best
		if o, ok := occluder(&shapes[i]); ok && o.w()*o.h() > best.w()*best.h() {
			best = o
		}
	}
	return out
}

// intersectArea is the area both boxes cover.
func intersectArea(a, b box) float64 {
	if !a.ok || !b.ok {
		return 0
	}
	w := math.Min(a.MaxX, b.MaxX) - math.Max(a.MinX, b.MinX)
	h := math.Min(a.MaxY, b.MaxY) - math.Max(a.MinY, b.MinY)
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}

// costOf estimates what s costs, hide being the area a later shape paints
// over.
func costOf(s *shape, hide box) cost {
	hidden := intersectArea(s.Paint, hide)
	c := cost{area: math.Max(s.Paint.w()*s.Paint.h()-hidden, 0), width: s.Width}
	slanted := s.Rot != 0 && math.Mod(s.Rot, math.Pi/2) != 0
	perimeter := 2 * (s.Box.w() + s.Box.h())
	switch s.Kind {
	case board.KindText:
		c.text = true
	case board.KindImage:
		c.image = s.Paint
	case board.KindSticky:
		// Fill, then text over it: both within the box.
		c.text = true
		c.area *= 2
	case board.KindRect, board.KindEllipse, board.KindDiamond:
		if s.Kind == board.KindDiamond {
			slanted = true // its sides are; the rect's perimeter bounds its own
		}
		if s.Kind == board.KindEllipse {
			slanted = true
			perimeter *= math.Pi / 4 // at most: π(a+b) of the semi-axes
			perimeter *= 1.1
		}
		c.slanted = slanted
		c.line, c.verts = perimeter, 4
		if s.Fill != nil {
			c.area *= 2 // fill and outline are two fills, each within the bounds
			c.fill = math.Max(s.Box.w()*s.Box.h()-intersectArea(s.Box, hide), 0)
			c.edge = perimeter
		}
	default: // stroke, line, arrow
		c.slanted = true
		for i := 1; i < len(s.Points); i++ {
			c.line += s.Points[i].sub(s.Points[i-1]).len()
		}
		c.verts = len(s.Points) + 3 // and an arrowhead
		if s.Kind == board.KindArrow {
			c.line += 2 * arrowHeadSize(s.Width)
		}
	}
	if len(s.Lines) > 0 && !c.text {
		c.label = float64(len(s.Lines)) * s.Font * lineHeight * labelBox(s.Kind, s.Box).w()
	}
	if len(s.Dash) == 2 {
		// Each dash has its own two caps.
		c.verts += 2 * int(math.Min(c.line/(s.Dash[0]+s.Dash[1])+1, 1<<30))
	}
	return c
}

// plan is the drawing of a scene within the budget: the scale, the image
// size, and what each shape may skip.
type plan struct {
	k     float64
	w, h  int
	hide  []box // per shape, board area a later shape paints over
	skip  []bool
	costs []cost
	// decode is the work of decoding the images, the same at any scale:
	// part of the estimate (EstimateWork), not of the budget the scale is
	// chosen for. Lowering the scale would not lessen it; what bounds it
	// is the blobs' limits (pixels per image, bytes per board) and, past
	// them, the render's deadline.
	decode float64
}

// work is the estimated work of the scene's drawing at k, canvas
// included.
func (pl *plan) work(k float64, page box) float64 {
	total := 2 * math.Max(page.w()*k, 1) * math.Max(page.h()*k, 1)
	for i := range pl.costs {
		if !pl.skip[i] {
			total += pl.costs[i].at(k)
		}
	}
	return total
}

// planPNG chooses the scale for sc within the pixel caps and the work
// budget, or refuses with too_large.
func planPNG(sc *scene, scale int, budget float64) (*plan, error) {
	pl := &plan{hide: hiders(sc.Shapes), skip: make([]bool, len(sc.Shapes)), costs: make([]cost, len(sc.Shapes))}
	for i := range sc.Shapes {
		s := &sc.Shapes[i]
		h := pl.hide[i]
		pl.skip[i] = h.ok && s.Paint.MinX >= h.MinX && s.Paint.MaxX <= h.MaxX && s.Paint.MinY >= h.MinY && s.Paint.MaxY <= h.MaxY
		pl.costs[i] = costOf(s, h)
	}
	if sc.images != nil {
		for _, im := range sc.images.order {
			if im.ok {
				pl.decode += float64(im.info.Width) * float64(im.info.Height) * imageDecodeWork
			}
		}
	}
	k, _, _ := pngScale(sc.Page, scale)
	if pl.work(k, sc.Page) > budget {
		floor := math.Min(k, MinBudgetSide/math.Max(math.Max(sc.Page.w(), sc.Page.h()), 1))
		if pl.work(floor, sc.Page) > budget {
			return nil, board.Errorf(board.CodeTooLarge,
				"this board is too detailed to render as a PNG within the server's budget, even %d pixels wide; export it as SVG or PDF", MinBudgetSide)
		}
		lo, hi := floor, k
		for range 30 {
			mid := (lo + hi) / 2
			if pl.work(mid, sc.Page) <= budget {
				lo = mid
			} else {
				hi = mid
			}
		}
		k = lo
	}
	pl.k = k
	bw, bh := math.Max(sc.Page.w(), 1), math.Max(sc.Page.h(), 1)
	pl.w = min(max(int(math.Ceil(bw*k)), 1), MaxPNGSide)
	pl.h = min(max(int(math.Ceil(bh*k)), 1), MaxPNGSide)
	return pl, nil
}

// hidePixels is the pixel rectangle fully inside the board area b (so
// painted over completely by the shape that owns it).
func hidePixels(b box, origin pt, k float64) image.Rectangle {
	if !b.ok {
		return image.Rectangle{}
	}
	r := image.Rect(int(math.Ceil((b.MinX-origin.X)*k)), int(math.Ceil((b.MinY-origin.Y)*k)),
		int(math.Floor((b.MaxX-origin.X)*k)), int(math.Floor((b.MaxY-origin.Y)*k)))
	if r.Empty() {
		return image.Rectangle{}
	}
	return r
}

// LightRenderWork is the estimated work (EstimateWork) up to which a
// render counts as light: a tenth of a second or so, which a server may
// run beside its heavy renders so that small boards are not queued behind
// a large one.
const LightRenderWork = 32 << 20

// elementWork is what EstimateWork counts per element for the formats
// without a raster (their cost grows with the board, not with pixels).
const elementWork = 16 << 10

// embedRuneWork is what EstimateWork adds per character of text for an
// SVG that embeds its fonts: shaping it again and building its glyph
// (tens of microseconds for a CJK glyph), counted for every character as
// an upper bound of the distinct ones.
const embedRuneWork = 16 << 10

// EstimateWork is what rendering snap as f would cost, in the unit of
// MaxRenderWork (pixels touched), without drawing: for a PNG its plan
// (and the too_large refusal of a board beyond the budget), for the
// other formats a fixed cost per element, and for an SVG with embedded
// fonts a cost per character of text. Images count as placeholders
// (EstimateWorkWithBlobs counts them).
func EstimateWork(snap *board.Snapshot, f Format, o Options) (float64, error) {
	return EstimateWorkWithBlobs(context.Background(), snap, f, o, nil)
}

// pdfImageWork is what a PDF pays per pixel of an image it decodes and
// compresses (every type but a JPEG, which it carries as it is): writing
// it takes about as long as decoding it (0.78 s of CPU for 12 megapixels).
const pdfImageWork = imageDecodeWork + 16

// EstimateWorkWithBlobs is EstimateWork for RenderWithBlobs: it adds
// what the images cost, from their infos in src: the PNG decodes each
// (imageDecodeWork a pixel) and samples it (imageDrawWork a pixel drawn),
// the PDF decodes and compresses each (pdfImageWork a pixel) unless it is
// a JPEG, the SVG and the JSON copy their bytes. Only the PNG's drawing is
// held to MaxRenderWork (its scale is lowered to fit); decoding costs the
// same at any scale, and is bounded by the blobs' own limits and the
// render's deadline.
func EstimateWorkWithBlobs(ctx context.Context, snap *board.Snapshot, f Format, o Options, src BlobSource) (float64, error) {
	o, err := o.Normalize(f)
	if err != nil {
		return 0, err
	}
	if f != PNG {
		sc := imageScene(snap)
		if err := sc.loadImages(ctx, src); err != nil {
			return 0, err
		}
		work := float64(len(snap.Elements)) * elementWork
		if o.EmbedFonts {
			for _, e := range snap.Elements {
				work += float64(utf8.RuneCountInString(e.Text)) * embedRuneWork
			}
		}
		if sc.images != nil {
			for _, im := range sc.images.order {
				switch {
				case !im.ok:
				case f == PDF && im.info.MIME != "image/jpeg":
					work += float64(im.info.Width) * float64(im.info.Height) * pdfImageWork
				default:
					work += float64(im.info.Size)
				}
			}
		}
		return work, nil
	}
	sc := newScene(snap)
	if err := sc.loadImages(ctx, src); err != nil {
		return 0, err
	}
	pl, err := planPNG(sc, o.Scale, MaxRenderWork)
	if err != nil {
		return 0, err
	}
	return pl.work(pl.k, sc.Page) + pl.decode, nil
}
