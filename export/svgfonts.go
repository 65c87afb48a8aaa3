package export

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/easel-app/easel/fonts/subset"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
)

// A self-contained SVG (Options.EmbedFonts) carries, for each face of the
// set its text uses, a TrueType subset of that face (fonts/subset) as
// @font-face data, under a family name unique to the subset, listed ahead
// of the usual stack. The text stays text: the viewer shapes it with the
// very glyphs, advances and layout rules the PNG drew with, so its lines
// keep their widths. A subset holds the characters the export's runs give
// that face, exactly as the server split them (per-glyph fallback), so
// the viewer's own per-character fallback over the subsets picks the same
// face for each character.
//
// Faces whose shaping changed anything on this board (Arabic joining,
// Devanagari conjuncts, marks, kerning) keep their glyph ids and layout
// tables; the others (Latin, CJK) get compact subsets. Colour emoji have
// no outlines: their subset's glyphs are empty, advance only, and each
// emoji is drawn over its place as the font's own PNG bitmap (<image>,
// defined once, placed with <use>), so every viewer shows the PNG's
// colour emoji and the characters can still be selected and copied.

// MaxEmbedBytes bounds what one SVG carries of fonts and emoji bitmaps
// (before base64, which adds a third). Faces are embedded fewest
// characters first; one that does not fit whole takes the characters of
// the board's first texts that fit (colour emoji: all or none), and the
// rest are left to the viewer's fonts, as in an SVG without embedded
// fonts; the file says how many characters in a comment.
const MaxEmbedBytes = 6 << 20

// maxEmbedBytes is the cap in force (tests lower it).
var maxEmbedBytes = MaxEmbedBytes

// maxKeptIDs is the most glyphs a face may have to be embedded with its
// own glyph ids and layout tables: every glyph costs its loca and hmtx
// entries (8 bytes) even when empty. Larger faces (CJK) are subset
// compactly, without layout tables, whatever their text.
const maxKeptIDs = 8192

// svgEmbed is what a self-contained SVG adds.
type svgEmbed struct {
	families string              // the subsets' families, quoted, each followed by ", "
	style    strings.Builder     // @font-face rules
	defs     strings.Builder     // colour glyph images
	images   map[glyphKey]string // id of each colour glyph's image
	left     int                 // characters left to the viewer's fonts
}

// faceUse is what the export's text uses of one face of the set.
type faceUse struct {
	runes  []rune // first use first
	seen   map[rune]bool
	glyphs []font.GID // shaped, first use first
	gseen  map[font.GID]bool
	layout bool // shaping changed a glyph or a position: the viewer needs the layout tables
}

// embedFonts builds the subsets and colour glyph images for the scene's
// text, within MaxEmbedBytes; it stops with ctx's error once ctx is done.
func embedFonts(ctx context.Context, sc *scene) (*svgEmbed, error) {
	t := sc.shaper
	uses, err := textUses(ctx, sc)
	if err != nil {
		return nil, err
	}
	e := &svgEmbed{images: map[glyphKey]string{}}
	room := maxEmbedBytes
	for _, fi := range fewestFirst(uses) {
		u := uses[fi]
		images, imageBytes := colourGlyphs(t, fi, u.glyphs)
		src, err := subset.NewSource(t.ff.files[fi].Data, t.ff.fonts[fi])
		if err != nil || imageBytes >= room {
			e.left += len(u.runes)
			continue
		}
		keep := u.layout && src.NumGlyphs() <= maxKeptIDs
		family := subsetFamily(t.ff.files[fi].Family, t.ff.files[fi].Name, u, keep)
		res, err := subset.Build(ctx, src, subset.Request{Family: family, Runes: u.runes, KeepIDs: keep,
			Glyphs: u.glyphs, MaxBytes: room - imageBytes})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			e.left += len(u.runes)
			continue
		}
		if res.Font == nil || (len(images) > 0 && res.Kept < len(u.runes)) {
			e.left += len(u.runes) // colour glyphs: all or none, or some would show twice
			continue
		}
		room -= len(res.Font) + imageBytes
		e.left += len(u.runes) - res.Kept
		e.families += "'" + family + "', "
		e.style.WriteString("@font-face{font-family:'" + family + "';src:url(data:font/ttf;base64,")
		e.style.WriteString(base64.StdEncoding.EncodeToString(res.Font))
		e.style.WriteString(") format('truetype')}\n")
		for _, ci := range images {
			id := "e" + family[len(family)-10:] + "-" + strconv.Itoa(int(ci.gid))
			e.images[glyphKey{fi, ci.gid}] = id
			e.defineImage(id, ci)
		}
	}
	return e, nil
}

// fewestFirst orders the faces the text uses by how many characters they
// draw, fewest first (then in the set's order): under the cap, every
// script with a few characters is embedded whole and the one with
// thousands (CJK, emoji) takes what room is left.
func fewestFirst(uses []*faceUse) []int {
	var order []int
	for fi, u := range uses {
		if u != nil {
			order = append(order, fi)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return len(uses[order[a]].runes) < len(uses[order[b]].runes) })
	return order
}

// textUses shapes every line of the scene as the PNG does and records,
// per face, the characters its runs hold and the glyphs they become.
func textUses(ctx context.Context, sc *scene) ([]*faceUse, error) {
	t := sc.shaper
	uses := make([]*faceUse, len(t.faces))
	for si := range sc.Shapes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for _, l := range sc.Shapes[si].Lines {
			text := []rune(l.Text)
			for _, r := range t.runs(text, baseDirection(text)) {
				fi := t.index(r.Face)
				u := uses[fi]
				if u == nil {
					u = &faceUse{seen: map[rune]bool{}, gseen: map[font.GID]bool{}}
					uses[fi] = u
				}
				for _, c := range r.Text[r.RunStart:r.RunEnd] {
					if !u.seen[c] {
						u.seen[c] = true
						u.runes = append(u.runes, c)
					}
				}
				out := t.hb.Shape(r)
				for _, g := range out.Glyphs {
					if !u.gseen[g.GlyphID] {
						u.gseen[g.GlyphID] = true
						u.glyphs = append(u.glyphs, g.GlyphID)
					}
				}
				if !u.layout && shapedBeyondCmap(t, fi, r, out) {
					u.layout = true
				}
			}
		}
	}
	return uses, nil
}

// shapedBeyondCmap reports whether shaping did more than map each
// character to its own glyph at its own advance: a substitution, a
// ligature, a mark or kerning offset — what a viewer reproduces only
// with the face's layout tables.
func shapedBeyondCmap(t *textShaper, fi int, r shaping.Input, out shaping.Output) bool {
	if len(out.Glyphs) != r.RunEnd-r.RunStart {
		return true
	}
	f := t.faces[fi]
	scale := float64(r.Size) / 64 / t.ff.upem[fi] // 1: runs are shaped at units per em
	for _, g := range out.Glyphs {
		if g.RuneCount != 1 || g.GlyphCount != 1 || g.XOffset != 0 || g.YOffset != 0 ||
			g.ClusterIndex < 0 || g.ClusterIndex >= len(r.Text) {
			return true
		}
		if nominal, ok := f.NominalGlyph(r.Text[g.ClusterIndex]); !ok || nominal != g.GlyphID {
			return true
		}
		if math.Abs(float64(g.XAdvance)/64-float64(f.HorizontalAdvance(g.GlyphID))*scale) > 0.05 {
			return true
		}
	}
	return false
}

// colourImage is a colour glyph's PNG and its box in em from the pen.
type colourImage struct {
	gid font.GID
	png []byte
	box *glyphImage
}

// colourGlyphs are the glyphs of face fi the PNG draws as bitmaps, and
// their bytes.
func colourGlyphs(t *textShaper, fi int, gids []font.GID) ([]colourImage, int) {
	var out []colourImage
	n := 0
	for _, g := range gids {
		bi := t.bitmap(fi, g)
		if bi == nil {
			continue
		}
		bm, ok := t.faces[fi].GlyphDataBitmap(g)
		if !ok {
			continue
		}
		out = append(out, colourImage{gid: g, png: bm.Data, box: bi})
		n += len(bm.Data)
	}
	return out, n
}

// emUnits is the unit colour glyph images are defined in (thousandths of
// an em), so that two decimals place them finely and a <use> scales them
// by the font size over 1000.
const emUnits = 1000

// defineImage adds a colour glyph's bitmap as an <image> in em units,
// for <use> to place.
func (e *svgEmbed) defineImage(id string, ci colourImage) {
	w := &svgWriter{}
	w.str(`<image id="` + id + `"`)
	w.attr("x", ci.box.x*emUnits)
	w.attr("y", ci.box.y*emUnits)
	w.attr("width", ci.box.w*emUnits)
	w.attr("height", ci.box.h*emUnits)
	w.str(` preserveAspectRatio="none" xlink:href="data:image/png;base64,`)
	w.str(base64.StdEncoding.EncodeToString(ci.png))
	w.str(`"/>` + "\n")
	e.defs.Write(w.b.Bytes())
}

// subsetFamily names a subset after its face and a hash of what it
// holds, so that two exports inlined into one page never take each
// other's subsets for their own.
func subsetFamily(family, file string, u *faceUse, keep bool) string {
	h := sha256.New()
	h.Write([]byte(file))
	var buf [4]byte
	for _, r := range u.runes {
		binary.BigEndian.PutUint32(buf[:], uint32(r))
		h.Write(buf[:])
	}
	if keep {
		h.Write([]byte{1})
		for _, g := range u.glyphs {
			binary.BigEndian.PutUint32(buf[:], uint32(g))
			h.Write(buf[:])
		}
	}
	name := cssFamily(family)
	if name == "" {
		name = "Font"
	}
	return "Easel " + name + " " + hex.EncodeToString(h.Sum(nil)[:5])
}

// embedded writes the subsets' @font-face rules, the colour glyph images
// and, when the cap left characters out, a comment saying how many.
func (w *svgWriter) embedded() {
	e := w.emb
	if e == nil {
		return
	}
	if e.style.Len() > 0 {
		w.str("<style>\n" + e.style.String() + "</style>\n")
	}
	if e.defs.Len() > 0 {
		w.str("<defs>\n" + e.defs.String() + "</defs>\n")
	}
	if e.left > 0 {
		w.str("<!-- " + strconv.Itoa(e.left) + " characters not embedded: over the export's font budget; the viewer's fonts draw them -->\n")
	}
}

// colourGlyphs places the shape's colour glyphs (emoji) over their
// characters, which the embedded subset draws empty, where the PNG
// draws them.
func (w *svgWriter) colourGlyphs(s *shape) {
	if w.emb == nil || len(w.emb.images) == 0 {
		return
	}
	for _, l := range s.Lines {
		for _, g := range w.shaper.line(l.Text).glyphs {
			id, ok := w.emb.images[glyphKey{g.face, g.gid}]
			if !ok {
				continue
			}
			w.str(`<use xlink:href="#` + id + `" transform="translate(`)
			w.nums(l.At.X+g.x*s.Font, l.At.Y+g.y*s.Font)
			w.str(`) scale(`)
			w.tmp = strconv.AppendFloat(w.tmp[:0], math.Round(s.Font/emUnits*1e6)/1e6, 'f', -1, 64)
			w.b.Write(w.tmp)
			w.str(`)"/>`)
		}
	}
}
