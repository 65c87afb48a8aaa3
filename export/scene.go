package export

import (
	"math"
	"unicode/utf8"

	"github.com/easel-app/easel/board"
)

// Element defaults for fields a client left out (the board client's
// static/element.js), and the page around the board.
const (
	defaultWidth = 2.0
	textFont     = 20.0
	stickyFont   = 18.0
	stickyW      = 200.0
	stickyH      = 160.0
	stickyRadius = 6.0
	boardMargin  = 32.0
	emptyW       = 800.0
	emptyH       = 600.0
)

// textLine is one laid-out line: its text and the start of its baseline,
// in board units before the element's rotation.
type textLine struct {
	Text string
	At   pt
}

// shape is an element resolved for drawing: defaults applied, sizes
// normalised, points made absolute, text laid out. Every renderer draws
// shapes, so the formats agree on where things are.
type shape struct {
	Kind   board.Kind
	Box    box     // rect, ellipse, sticky, text: the element's box
	Points []pt    // stroke, line, arrow: absolute board coordinates
	Rot    float64 // radians, clockwise on screen, around Center
	Center pt
	Stroke rgb
	Fill   *rgb // rect, ellipse; always set for a sticky
	Width  float64
	Font   float64
	Lines  []textLine // text, sticky, or a shape's label
	Paint  box        // everything it paints on, rotation included
	Dash   []float64  // on/off lengths (dashPattern); nil: solid
	Round  bool       // rect, diamond: rounded corners
	Blob   string     // image: the sha of its blob ("" for a bad src)
	// FlipX, FlipY: an image of negative w (h) is drawn mirrored across
	// its box, as the canvas's drawImage draws it.
	FlipX, FlipY bool
}

// scene is a board ready to draw: shapes in drawing order and the page.
type scene struct {
	Title      string
	Shapes     []shape
	Page       box          // board area the file shows
	Background string       // Options.Background
	shaper     *textShaper  // measures every format's lines, draws the PNG's and PDF's
	images     *sceneImages // the blobs of its images (loadImages); nil: none
}

// newScene lays out snap for drawing, with the font set of UseFonts.
func newScene(snap *board.Snapshot) *scene { return newSceneWith(snap, currentFaces()) }

// newSceneWith lays out snap with the font set ff.
func newSceneWith(snap *board.Snapshot, ff *fontFaces) *scene {
	sc := &scene{Title: snap.Title, shaper: newTextShaper(ff)}
	var all box
	for _, e := range snap.Sorted() {
		s, ok := resolve(e, sc.shaper)
		if !ok {
			continue
		}
		sc.Shapes = append(sc.Shapes, s)
		all = all.union(s.Paint)
	}
	if !all.ok {
		sc.Page = box{0, 0, emptyW, emptyH, true}
	} else {
		sc.Page = all.pad(boardMargin)
	}
	return sc
}

// finiteOr is v, or def when v is not a usable number.
func finiteOr(v, def float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return def
	}
	return v
}

// resolve turns an element into a shape; ok is false for one that draws
// nothing (an unknown kind, a point kind without points).
func resolve(e *board.Element, face *textShaper) (s shape, ok bool) {
	x, y := finiteOr(e.X, 0), finiteOr(e.Y, 0)
	w, h := finiteOr(e.W, 0), finiteOr(e.H, 0)
	s = shape{
		Kind:   e.Kind,
		Rot:    finiteOr(e.Rot, 0),
		Stroke: parseColor(e.Stroke, defaultStroke),
		Width:  finiteOr(e.Width, 0),
		Font:   finiteOr(e.Font, 0),
	}
	if s.Width <= 0 {
		s.Width = defaultWidth
	}
	s.Width = math.Min(s.Width, board.MaxWidth)
	if e.Fill != nil {
		if c, ok := readColor(*e.Fill); ok {
			s.Fill = &c
		}
	}
	switch e.Kind {
	case board.KindStroke, board.KindLine, board.KindArrow:
		if len(e.Points) == 0 {
			return s, false
		}
		s.Points = make([]pt, len(e.Points))
		var b box
		for i, p := range e.Points {
			s.Points[i] = pt{x + finiteOr(p[0], 0), y + finiteOr(p[1], 0)}
			b = b.addPoint(s.Points[i])
		}
		s.Box = b
		s.Fill = nil
		pad := s.Width / 2
		if e.Kind == board.KindArrow {
			pad += arrowHeadSize(s.Width)
		}
		s.Paint = b.pad(pad)
	case board.KindRect, board.KindEllipse, board.KindDiamond:
		s.Box = boxOf(x, y, x+w, y+h)
		s.Round = e.Round && e.Kind != board.KindEllipse
		s.Paint = s.Box.pad(s.Width / 2)
		if text := cleanText(e.Text); text != "" && utf8.ValidString(text) {
			s.Font = fontSize(s.Font, textFont)
			s.Lines = labelLines(text, s.Font, e.Kind, s.Box, func(t string) float64 { return face.width(t, s.Font) }, fontAscent, fontDescent)
			// A label longer than its shape overflows above and below.
			for _, l := range s.Lines {
				s.Paint = s.Paint.addPoint(pt{l.At.X, l.At.Y - fontAscent*s.Font}).
					addPoint(pt{l.At.X + face.width(l.Text, s.Font), l.At.Y + fontDescent*s.Font})
			}
		}
	case board.KindSticky:
		if w == 0 {
			w = stickyW
		}
		if h == 0 {
			h = stickyH
		}
		s.Box = boxOf(x, y, x+w, y+h)
		if s.Fill == nil {
			f := stickyFill
			s.Fill = &f
		}
		s.Font = fontSize(s.Font, stickyFont)
		s.Lines = layoutText(face, e.Text, s.Font, s.Box, stickyPadding, true)
		s.Paint = s.Box
	case board.KindImage:
		// Drawn as the blob scaled into its box, or as placeholderOf it:
		// its style is the placeholder's.
		s.Box = boxOf(x, y, x+w, y+h)
		s.Blob, _ = board.BlobSHA(e.Src)
		s.FlipX, s.FlipY = w < 0, h < 0
		fill := placeholderFill
		s.Fill, s.Stroke, s.Width = &fill, placeholderStroke, placeholderWidth
		s.Paint = s.Box.pad(s.Width / 2)
	case board.KindText:
		s.Fill = nil
		s.Font = fontSize(s.Font, textFont)
		s.Box = boxOf(x, y, x+w, y+h)
		s.Lines = layoutText(face, e.Text, s.Font, box{x, y, x, y, true}, 0, false)
		// The text runs from x, y whatever the stored size says.
		text := box{x, y, x, y + float64(max(len(s.Lines), 1))*s.Font*lineHeight, true}
		for _, l := range s.Lines {
			text = text.addPoint(pt{x + face.width(l.Text, s.Font), y})
		}
		s.Paint = s.Box.union(text)
	default:
		return s, false
	}
	if e.Kind != board.KindText && e.Kind != board.KindSticky && e.Kind != board.KindImage {
		s.Dash = dashPattern(e.Dash, s.Width)
	}
	// The centre of the element's own box (static/shapes.js
	// rotationCentre): for text the stored box, which the text may
	// outgrow, so that every client turns it about the same point.
	s.Center = s.Box.center()
	if e.Kind == board.KindEllipse && s.Rot != 0 && len(s.Lines) == 0 {
		// The turned ellipse's own bounds, tighter than its turned box.
		sin, cos := math.Sincos(s.Rot)
		rx, ry := s.Box.w()/2, s.Box.h()/2
		hx, hy := math.Hypot(rx*cos, ry*sin), math.Hypot(rx*sin, ry*cos)
		s.Paint = box{s.Center.X - hx, s.Center.Y - hy, s.Center.X + hx, s.Center.Y + hy, true}.pad(s.Width / 2)
	} else {
		s.Paint = s.Paint.rotated(s.Center, s.Rot)
	}
	return s, true
}

// fontSize is size within the protocol's range, or def when absent.
func fontSize(size, def float64) float64 {
	if size <= 0 {
		return def
	}
	return math.Min(math.Max(size, board.MinFont), board.MaxFont)
}

// layoutText places text's lines: at the box's top left plus pad; in a
// sticky wrapped to its width and cut where it overflows its height.
func layoutText(face *textShaper, text string, size float64, b box, pad float64, sticky bool) []textLine {
	text = cleanText(text)
	if text == "" || !utf8.ValidString(text) {
		return nil
	}
	maxWidth := 0.0
	if sticky {
		maxWidth = math.Max(1, b.w()-2*pad)
	}
	lines := breakLines(text, func(s string) float64 { return face.width(s, size) }, maxWidth)
	lh := size * lineHeight
	y := b.MinY + pad + (lh-(fontAscent+fontDescent)*size)/2 + fontAscent*size
	out := make([]textLine, 0, len(lines))
	for _, l := range lines {
		if sticky && y+fontDescent*size > b.MaxY-pad+0.01 {
			break
		}
		out = append(out, textLine{Text: l, At: pt{b.MinX + pad, y}})
		y += lh
	}
	return out
}
