package subset

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/easel-app/easel/fonts"
	"github.com/easel-app/easel/fonts/subset/otscheck"
	"github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	ot "github.com/go-text/typesetting/font/opentype"
	"github.com/go-text/typesetting/language"
	"github.com/go-text/typesetting/shaping"
	"golang.org/x/image/math/fixed"
)

// systemSet is the font set of this machine: the Go font and Debian's
// Noto faces (scripts/test-deps.sh installs them).
var systemSet = sync.OnceValue(func() *fonts.Set { return fonts.Load(fonts.Options{System: fonts.SystemDirs()}) })

// source is the set's face for script, parsed.
func source(t *testing.T, script string) (*Source, []byte) {
	t.Helper()
	set := systemSet()
	family := set.FamilyOf(script)
	for _, f := range set.Faces {
		if f.Family == family && family != "" {
			s, err := NewSource(f.Data, nil)
			if err != nil {
				t.Fatal(err)
			}
			return s, f.Data
		}
	}
	t.Fatalf("no face for %s: install Debian's fonts-noto-core and fonts-noto-cjk (scripts/test-deps.sh)", script)
	return nil, nil
}

func parse(t *testing.T, data []byte) *font.Face {
	t.Helper()
	f, err := font.ParseTTF(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the subset does not parse: %v", err)
	}
	return f
}

// bounds of an outline: of its points, control points included, or with
// curve true of the curves themselves (sampled at 64 steps a segment).
func bounds(segs []font.Segment, curve bool) (b [4]float64, moves int) {
	b = [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	add := func(x, y float64) {
		b[0], b[1] = math.Min(b[0], x), math.Min(b[1], y)
		b[2], b[3] = math.Max(b[2], x), math.Max(b[3], y)
	}
	var pen ot.SegmentPoint
	for _, s := range segs {
		if s.Op == ot.SegmentOpMoveTo {
			moves++
		}
		args := s.ArgsSlice()
		if !curve || s.Op == ot.SegmentOpMoveTo || s.Op == ot.SegmentOpLineTo {
			for _, p := range args {
				add(float64(p.X), float64(p.Y))
			}
		} else {
			pts := append([]ot.SegmentPoint{pen}, args...)
			for k := 0; k <= 64; k++ {
				x, y := bezier(pts, float64(k)/64)
				add(x, y)
			}
		}
		pen = args[len(args)-1]
	}
	return b, moves
}

// bezier evaluates a Bézier curve of any degree at t (de Casteljau).
func bezier(pts []ot.SegmentPoint, t float64) (x, y float64) {
	xs, ys := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		xs[i], ys[i] = float64(p.X), float64(p.Y)
	}
	for n := len(pts) - 1; n > 0; n-- {
		for i := range n {
			xs[i], ys[i] = xs[i]+t*(xs[i+1]-xs[i]), ys[i]+t*(ys[i+1]-ys[i])
		}
	}
	return xs[0], ys[0]
}

// checkGlyphs asserts every rune maps, in the subset, to a glyph with the
// source's advance and outline: for a TrueType source the same segment
// count and bounds; for a CFF source (cubics made quadratic) the same
// contours, only lines and quadratics, and the curves' bounds within 1.25
// units (CubicTolerance and rounding) plus what sampling them misses.
func checkGlyphs(t *testing.T, src *Source, sub *font.Face, runes []rune, cff bool) {
	t.Helper()
	sf := font.NewFace(src.font)
	for _, r := range runes {
		g0, ok := src.font.NominalGlyph(r)
		if !ok {
			t.Fatalf("source lacks %q", r)
		}
		g1, ok := sub.NominalGlyph(r)
		if !ok || g1 == 0 {
			t.Fatalf("subset does not map %q (U+%04X)", r, r)
		}
		if a0, a1 := sf.HorizontalAdvance(g0), sub.HorizontalAdvance(g1); math.Abs(float64(a0-a1)) > 0.5 {
			t.Errorf("%q: advance %v, source %v", r, a1, a0)
		}
		o0, _ := sf.GlyphDataOutline(g0)
		o1, ok := sub.GlyphDataOutline(g1)
		if !ok {
			t.Fatalf("%q: subset glyph has no outline", r)
		}
		b0, m0 := bounds(o0.Segments, cff)
		b1, m1 := bounds(o1.Segments, cff)
		if m0 != m1 {
			t.Errorf("%q: %d contours, source %d", r, m1, m0)
		}
		tol := 0.0
		if cff {
			tol = 1.5
			for _, s := range o1.Segments {
				if s.Op == ot.SegmentOpCubeTo {
					t.Fatalf("%q: a cubic in a TrueType subset", r)
				}
			}
		} else if len(o0.Segments) != len(o1.Segments) {
			t.Errorf("%q: %d segments, source %d", r, len(o1.Segments), len(o0.Segments))
		}
		if len(o0.Segments) > 0 {
			for i := range b0 {
				if math.Abs(b0[i]-b1[i]) > tol+1e-9 {
					t.Errorf("%q: bounds %v, source %v", r, b1, b0)
					break
				}
			}
		}
	}
}

func TestLatinSubsetRoundTrips(t *testing.T) {
	src, _ := source(t, "Latin")
	runes := []rune("Hello, wörld! Ωμέγα Привет")
	res, err := Build(context.Background(), src, Request{Family: "Easel Test Latin", Runes: runes})
	if err != nil {
		t.Fatal(err)
	}
	if res.Kept != len(runes) {
		t.Fatalf("kept %d of %d runes", res.Kept, len(runes))
	}
	otscheck.Accepts(t, "the subset", res.Font)
	sub := parse(t, res.Font)
	checkGlyphs(t, src, sub, runes, false)
	if got := sub.Describe().Family; got != "Easel Test Latin" {
		t.Errorf("family %q", got)
	}
	if n := len(res.Font); n > 12000 {
		t.Errorf("a 20-glyph Latin subset is %d bytes", n)
	}
}

func TestCJKSubsetConvertsCubics(t *testing.T) {
	src, _ := source(t, "CJK")
	if src.font.Flavor != ot.MustNewTag("OTTO") {
		t.Skip("the CJK face is not CFF here") // Debian's Noto CJK is
	}
	runes := []rune("日本語のテキスト、漢字とかな。한국어 中文")
	res, err := Build(context.Background(), src, Request{Family: "Easel Test CJK", Runes: runes})
	if err != nil {
		t.Fatal(err)
	}
	otscheck.Accepts(t, "the subset", res.Font)
	sub := parse(t, res.Font)
	var plain []rune
	for _, r := range runes {
		if r != ' ' {
			plain = append(plain, r)
		}
	}
	checkGlyphs(t, src, sub, plain, true)
	if n := len(res.Font); n > 40000 {
		t.Errorf("a 26-glyph CJK subset is %d bytes", n)
	}
	t.Logf("%d CJK glyphs: %d bytes", len(res.Mapped), len(res.Font))
}

// TestArabicSubsetShapesLikeItsSource: with KeepIDs the subset carries the
// source's layout tables, so shaping a line with the subset gives the very
// glyphs and positions shaping with the source gives — what a viewer does
// with the SVG's text.
func TestArabicSubsetShapesLikeItsSource(t *testing.T) {
	for _, tc := range []struct {
		script, text string
		dir          di.Direction
		lang         language.Script
	}{
		{"Arabic", "مرحبا بالعالم، لا إله", di.DirectionRTL, language.Arabic},
		{"Devanagari", "नमस्ते दुनिया क्षत्रिय", di.DirectionLTR, language.Devanagari},
		{"Hebrew", "שָׁלוֹם עוֹלָם", di.DirectionRTL, language.Hebrew},
	} {
		t.Run(tc.script, func(t *testing.T) {
			src, _ := source(t, tc.script)
			text := []rune(tc.text)
			want := shape(font.NewFace(src.font), text, tc.dir, tc.lang)
			var used []font.GID
			for _, g := range want.Glyphs {
				used = append(used, g.GlyphID)
			}
			res, err := Build(context.Background(), src, Request{Family: "Easel Test " + tc.script, Runes: text, KeepIDs: true, Glyphs: used})
			if err != nil {
				t.Fatal(err)
			}
			otscheck.Accepts(t, "the subset", res.Font)
			sub := parse(t, res.Font)
			got := shape(sub, text, tc.dir, tc.lang)
			if len(got.Glyphs) != len(want.Glyphs) {
				t.Fatalf("%d glyphs, source %d", len(got.Glyphs), len(want.Glyphs))
			}
			sf := font.NewFace(src.font)
			for i := range want.Glyphs {
				w, g := want.Glyphs[i], got.Glyphs[i]
				if w.GlyphID != g.GlyphID || w.XAdvance != g.XAdvance || w.XOffset != g.XOffset || w.YOffset != g.YOffset {
					t.Fatalf("glyph %d: %+v, source %+v", i, g, w)
				}
				o0, _ := sf.GlyphDataOutline(w.GlyphID)
				o1, _ := sub.GlyphDataOutline(g.GlyphID)
				if len(o0.Segments) != len(o1.Segments) {
					t.Fatalf("glyph %d: %d segments, source %d", w.GlyphID, len(o1.Segments), len(o0.Segments))
				}
			}
			t.Logf("%s: %d bytes", tc.script, len(res.Font))
		})
	}
}

func shape(f *font.Face, text []rune, dir di.Direction, sc language.Script) shaping.Output {
	var hb shaping.HarfbuzzShaper
	return hb.Shape(shaping.Input{Text: text, RunEnd: len(text), Direction: dir, Face: f, Size: fixed.I(1000), Script: sc})
}

func TestMaxBytesKeepsAPrefix(t *testing.T) {
	src, _ := source(t, "CJK")
	var runes []rune
	for r := rune(0x4E00); r < 0x4E00+400; r++ {
		runes = append(runes, r)
	}
	const limit = 20000
	res, err := Build(context.Background(), src, Request{Family: "Easel Test Cap", Runes: runes, MaxBytes: limit})
	if err != nil {
		t.Fatal(err)
	}
	if res.Kept == 0 || res.Kept >= len(runes) {
		t.Fatalf("kept %d of %d runes under %d bytes", res.Kept, len(runes), limit)
	}
	if len(res.Font) > limit {
		t.Fatalf("the font is %d bytes, over its %d", len(res.Font), limit)
	}
	otscheck.Accepts(t, "the subset", res.Font)
	sub := parse(t, res.Font)
	checkGlyphs(t, src, sub, runes[:res.Kept], true)
	if _, ok := sub.NominalGlyph(runes[res.Kept]); ok {
		t.Errorf("a rune past the cap is mapped")
	}
	// Nothing fits: no font.
	res, err = Build(context.Background(), src, Request{Family: "x", Runes: runes, MaxBytes: 100})
	if err != nil || res.Font != nil || res.Kept != 0 {
		t.Fatalf("a 100-byte cap gave %d bytes, kept %d, %v", len(res.Font), res.Kept, err)
	}
}

func TestBuildStopsWhenCancelled(t *testing.T) {
	src, _ := source(t, "CJK")
	var runes []rune
	for r := rune(0x4E00); r < 0x4E00+1000; r++ {
		runes = append(runes, r)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, src, Request{Family: "x", Runes: runes}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

// TestCubicToQuadsStaysWithinTolerance measures, for random cubics, how
// far the quadratics stray from the cubic at the same parameter (an upper
// bound of the distance between the curves).
func TestCubicToQuadsStaysWithinTolerance(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pt := func() point { return point{rng.Float64()*2000 - 1000, rng.Float64()*2000 - 1000, true} }
	for range 500 {
		p0, c1, c2, p3 := pt(), pt(), pt(), pt()
		qs := cubicToQuads(nil, p0, c1, c2, p3)
		n := len(qs) / 2
		if n < maxQuadsPerCubic && worst(p0, c1, c2, p3, qs) > CubicTolerance+1e-9 {
			t.Fatalf("cubic %v %v %v %v: %d quadratics stray %.3f units", p0, c1, c2, p3, n, worst(p0, c1, c2, p3, qs))
		}
		if last := qs[len(qs)-1]; last != p3 {
			t.Fatalf("ends at %v, not %v", last, p3)
		}
	}
}

func worst(p0, c1, c2, p3 point, qs []point) float64 {
	n := len(qs) / 2
	e := 0.0
	start := p0
	for i := range n {
		c, end := qs[2*i], qs[2*i+1]
		for k := 0; k <= 32; k++ {
			s := float64(k) / 32
			t := (float64(i) + s) / float64(n)
			u, v := 1-t, 1-s
			cx := u*u*u*p0.x + 3*u*u*t*c1.x + 3*u*t*t*c2.x + t*t*t*p3.x
			cy := u*u*u*p0.y + 3*u*u*t*c1.y + 3*u*t*t*c2.y + t*t*t*p3.y
			qx := v*v*start.x + 2*v*s*c.x + s*s*end.x
			qy := v*v*start.y + 2*v*s*c.y + s*s*end.y
			e = math.Max(e, math.Hypot(cx-qx, cy-qy))
		}
		start = end
	}
	return e
}

// TestBitmapFontSubset: a colour emoji face has no outlines; its subset
// has empty glyphs at the emoji's advances, and OTS still accepts it
// (an empty glyf table alone it refuses).
func TestBitmapFontSubset(t *testing.T) {
	src, _ := source(t, "Emoji")
	for _, keep := range []bool{false, true} {
		res, err := Build(context.Background(), src, Request{Family: "Easel Test Emoji", Runes: []rune("😀👍"), KeepIDs: keep})
		if err != nil {
			t.Fatal(err)
		}
		otscheck.Accepts(t, "the emoji subset", res.Font)
		sub := parse(t, res.Font)
		sf := font.NewFace(src.font)
		for _, r := range "😀👍" {
			g0, _ := src.font.NominalGlyph(r)
			g1, ok := sub.NominalGlyph(r)
			if !ok {
				t.Fatalf("KeepIDs %v: %q not mapped", keep, r)
			}
			if o, _ := sub.GlyphDataOutline(g1); len(o.Segments) != 0 {
				t.Errorf("KeepIDs %v: %q has an outline", keep, r)
			}
			if a0, a1 := sf.HorizontalAdvance(g0), sub.HorizontalAdvance(g1); a0 != a1 {
				t.Errorf("KeepIDs %v: %q advance %v, source %v", keep, r, a1, a0)
			}
		}
	}
}
