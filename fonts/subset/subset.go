package subset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/easel-app/easel/fonts"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
)

// Source is a font to take subsets of: its parsed form (outlines, cmap,
// advances; shared, read-only) and its raw tables. Safe for concurrent
// use.
type Source struct {
	font      *font.Font
	ld        *ot.Loader
	numGlyphs int
}

// NewSource reads a standalone TrueType or OpenType (CFF) font; f is its
// parsed form when the caller has it already (nil: parsed here).
func NewSource(data []byte, f *font.Font) (*Source, error) {
	ld, err := ot.NewLoader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if f == nil {
		if f, err = font.NewFont(ld); err != nil {
			return nil, err
		}
	}
	maxp, err := ld.RawTable(tagMaxp)
	if err != nil || len(maxp) < 6 {
		return nil, errors.New("source has no valid maxp table")
	}
	return &Source{font: f, ld: ld, numGlyphs: int(be.Uint16(maxp[4:]))}, nil
}

// NumGlyphs is how many glyphs the source has.
func (s *Source) NumGlyphs() int { return s.numGlyphs }

// HasLayout reports whether the source has OpenType layout tables (GSUB
// or GPOS), without which a viewer cannot join, reorder or position.
func (s *Source) HasLayout() bool { return s.ld.HasTable(tagGSUB) || s.ld.HasTable(tagGPOS) }

var (
	tagHead = ot.MustNewTag("head")
	tagHhea = ot.MustNewTag("hhea")
	tagMaxp = ot.MustNewTag("maxp")
	tagOS2  = ot.MustNewTag("OS/2")
	tagHmtx = ot.MustNewTag("hmtx")
	tagCmap = ot.MustNewTag("cmap")
	tagLoca = ot.MustNewTag("loca")
	tagGlyf = ot.MustNewTag("glyf")
	tagName = ot.MustNewTag("name")
	tagPost = ot.MustNewTag("post")
	tagGDEF = ot.MustNewTag("GDEF")
	tagGSUB = ot.MustNewTag("GSUB")
	tagGPOS = ot.MustNewTag("GPOS")
)

// layoutTables are copied verbatim when a subset keeps the source's
// glyph ids.
var layoutTables = []ot.Tag{tagGDEF, tagGSUB, tagGPOS}

// Request says what a subset holds.
type Request struct {
	// Family is the subset's family name (name table); the caller makes
	// it unique, since a subset must never stand in for the whole font.
	Family string
	// Runes are the characters to map, most wanted first: each maps
	// (cmap) to the source's glyph for it. Runes the source lacks are
	// skipped.
	Runes []rune
	// KeepIDs keeps the source's glyph ids — glyphs not asked for are
	// empty — and copies GDEF, GSUB and GPOS verbatim, so a viewer shapes
	// with the source's own rules (Arabic joining, Devanagari conjuncts,
	// mark positioning). Without it glyphs are renumbered compactly and
	// the subset has no layout tables: each character draws its own
	// glyph, which is all horizontal Latin, Greek, Cyrillic and CJK need.
	KeepIDs bool
	// Glyphs are more glyphs to keep (KeepIDs only): the forms shaping
	// produces from Runes (joined Arabic letters, conjuncts, marks).
	Glyphs []font.GID
	// MaxBytes bounds the font: runes are added in order while it stays
	// within (estimated from above); 0 for no bound.
	MaxBytes int
}

// Result is a built subset.
type Result struct {
	Font []byte // a TrueType font; nil when not even its base fits MaxBytes
	// Kept is how many of Request.Runes (a prefix) the subset took in;
	// the rest did not fit MaxBytes.
	Kept int
	// Mapped are the runes of that prefix its cmap maps, sorted.
	Mapped []rune
}

// perRuneBytes is the most a mapped rune adds to cmap (a format 4 and a
// format 12 run of its own), and perGlyphBytes what a glyph adds to loca
// and hmtx, besides its outline.
const (
	perRuneBytes  = 8 + 12
	perGlyphBytes = 4 + 4
	// checkEvery is how many glyphs Build encodes between looks at its
	// context.
	checkEvery = 64
)

// Build makes a TrueType subset of src: glyph 0 (.notdef), the glyphs of
// req.Runes and, with KeepIDs, req.Glyphs; outlines from go-text (cubic
// CFF curves become quadratic ones, CubicTolerance), unhinted. It stops
// with ctx's error once ctx is done.
func Build(ctx context.Context, src *Source, req Request) (Result, error) {
	b := &builder{src: src, face: font.NewFace(src.font), req: req, glyphs: map[font.GID]glyph{}}
	return b.build(ctx)
}

type builder struct {
	src    *Source
	face   *font.Face
	req    Request
	glyphs map[font.GID]glyph // encoded, by source id
	size   int                // estimated bytes so far
	n      int                // glyphs encoded, for the context checks
}

// add encodes source glyph g once and counts its bytes; false when they
// would pass the budget (g is then left out).
func (b *builder) add(ctx context.Context, g font.GID) (bool, error) {
	if _, ok := b.glyphs[g]; ok {
		return true, nil
	}
	if b.n++; b.n%checkEvery == 0 {
		if err := ctx.Err(); err != nil {
			return false, err
		}
	}
	var enc glyph
	if o, ok := b.face.GlyphDataOutline(g); ok {
		var err error
		if enc, err = encodeOutline(o.Segments); err != nil {
			enc = glyph{} // drawn empty rather than wrong
		}
	}
	cost := (len(enc.data) + 1) &^ 1
	if !b.req.KeepIDs {
		cost += perGlyphBytes
	}
	if b.req.MaxBytes > 0 && b.size+cost > b.req.MaxBytes {
		return false, nil
	}
	b.size += cost
	b.glyphs[g] = enc
	return true, nil
}

func (b *builder) build(ctx context.Context) (Result, error) {
	var layout [][]byte
	b.size = 1024 // header tables, name, table directory: well above what they take
	if b.req.KeepIDs {
		for _, tag := range layoutTables {
			t, err := b.src.ld.RawTable(tag)
			if err != nil {
				t = nil // absent
			}
			layout = append(layout, t)
			b.size += len(t) + 3
		}
		b.size += (4 + 4) * b.src.numGlyphs // loca and hmtx of every glyph
	}
	os2, err := b.src.ld.RawTable(tagOS2)
	if err != nil {
		return Result{}, fmt.Errorf("subset: source has no OS/2 table")
	}
	b.size += len(os2)
	if b.req.MaxBytes > 0 && b.size > b.req.MaxBytes {
		return Result{}, nil
	}
	if ok, err := b.add(ctx, 0); err != nil || !ok {
		return Result{}, err
	}
	if b.req.KeepIDs {
		for _, g := range b.req.Glyphs {
			if int(g) >= b.src.numGlyphs {
				continue
			}
			ok, err := b.add(ctx, g)
			if err != nil {
				return Result{}, err
			}
			if !ok {
				return Result{}, nil // the shaped forms are the point: all or none
			}
		}
	}
	res := Result{}
	nominal := map[rune]font.GID{}
	for _, r := range b.req.Runes {
		g, ok := b.src.font.NominalGlyph(r)
		if ok && int(g) < b.src.numGlyphs && g != 0 {
			if _, dup := nominal[r]; !dup {
				if b.req.MaxBytes > 0 && b.size+perRuneBytes > b.req.MaxBytes {
					break
				}
				fits, err := b.add(ctx, g)
				if err != nil {
					return Result{}, err
				}
				if !fits {
					break
				}
				b.size += perRuneBytes
				nominal[r] = g
			}
		}
		res.Kept++
	}
	for r := range nominal {
		res.Mapped = append(res.Mapped, r)
	}
	sort.Slice(res.Mapped, func(i, j int) bool { return res.Mapped[i] < res.Mapped[j] })
	res.Font, err = b.assemble(res.Mapped, nominal, layout, os2)
	return res, err
}

// assemble lays the subset out: glyph order, cmap, metrics, tables.
func (b *builder) assemble(mapped []rune, nominal map[rune]font.GID, layout [][]byte, os2 []byte) ([]byte, error) {
	var ids []font.GID // source id of each subset glyph
	if b.req.KeepIDs {
		ids = make([]font.GID, b.src.numGlyphs)
		for i := range ids {
			ids[i] = font.GID(i)
		}
	} else {
		// .notdef, then the glyphs in code point order, so runs of
		// characters become runs of glyphs (short cmap segments).
		ids = []font.GID{0}
		seen := map[font.GID]bool{0: true}
		for _, r := range mapped {
			if g := nominal[r]; !seen[g] {
				seen[g] = true
				ids = append(ids, g)
			}
		}
	}
	newID := make(map[font.GID]uint16, len(ids))
	gs := make([]glyph, len(ids))
	adv := make([]uint16, len(ids))
	for i, g := range ids {
		newID[g] = uint16(i)
		gs[i] = b.glyphs[g] // empty when not asked for
		adv[i] = uint16(max(0, min(math.MaxUint16, math.Round(float64(b.face.HorizontalAdvance(g))))))
	}
	if !anyOutline(gs) {
		// OTS refuses an empty glyf table, which a font of bitmap glyphs
		// (colour emoji) would have: .notdef gets one point, no ink.
		gs[0], _ = encodeContours([][]point{{{0, 0, true}}})
	}
	ms := make([]mapping, len(mapped))
	for i, r := range mapped {
		ms[i] = mapping{r, newID[nominal[r]]}
	}
	glyf, loca, long := glyfLoca(gs)
	m := measure(gs, adv)
	hmtx, numHMetrics := hmtxTable(gs, adv)
	srcHead, _ := b.src.ld.RawTable(tagHead)
	head, err := headTable(srcHead, m, long)
	if err != nil {
		return nil, err
	}
	srcHhea, _ := b.src.ld.RawTable(tagHhea)
	hhea, err := hheaTable(srcHhea, m, numHMetrics)
	if err != nil {
		return nil, err
	}
	if os2, err = os2Table(os2, ms); err != nil {
		return nil, err
	}
	srcName, _ := b.src.ld.RawTable(tagName)
	srcPost, _ := b.src.ld.RawTable(tagPost)
	tables := map[ot.Tag][]byte{
		tagHead: head, tagHhea: hhea, tagMaxp: maxpTable(m), tagOS2: os2, tagHmtx: hmtx,
		tagCmap: buildCmap(ms), tagLoca: loca, tagGlyf: glyf, tagName: nameTable(srcName, b.req.Family),
		tagPost: postTable(srcPost),
	}
	for i, t := range layout {
		if t != nil {
			tables[layoutTables[i]] = t
		}
	}
	tags := make([]ot.Tag, 0, len(tables))
	for tag := range tables {
		tags = append(tags, tag)
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i] < tags[j] })
	contents := make([][]byte, len(tags))
	headAt := 0
	for i, tag := range tags {
		contents[i] = tables[tag]
		if tag == tagHead {
			headAt = i
		}
	}
	out := fonts.WriteSFNT(ot.TrueType, tags, contents)
	// checkSumAdjustment makes the whole file sum to 0xB1B0AFBA.
	off := int(be.Uint32(out[12+16*headAt+8:]))
	be.PutUint32(out[off+8:], 0xB1B0AFBA-checksum(out))
	return out, nil
}

func anyOutline(gs []glyph) bool {
	for _, g := range gs {
		if g.data != nil {
			return true
		}
	}
	return false
}

// glyfLoca lays glyphs end to end (each padded to an even length) and
// indexes them; the short loca format when offsets fit it.
func glyfLoca(gs []glyph) (glyf, loca []byte, long bool) {
	offs := make([]int, len(gs)+1)
	for i, g := range gs {
		glyf = append(glyf, g.data...)
		if len(glyf)%2 != 0 {
			glyf = append(glyf, 0)
		}
		offs[i+1] = len(glyf)
	}
	long = len(glyf) > 2*math.MaxUint16
	for _, o := range offs {
		if long {
			loca = be.AppendUint32(loca, uint32(o))
		} else {
			loca = be.AppendUint16(loca, uint16(o/2))
		}
	}
	return glyf, loca, long
}

func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i+4 <= len(b); i += 4 {
		sum += be.Uint32(b[i:])
	}
	return sum
}
