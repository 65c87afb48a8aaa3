// Package subset builds small TrueType fonts out of the server's font
// files: the glyphs a document uses, under a family name of its own, for
// an SVG export to carry as @font-face data (export/svgfonts.go) so that it
// renders the same on a machine without those fonts.
//
// Why it is written here: the maintained Go subsetters either cannot be
// fetched through the Go module proxy (github.com/tdewolff/font,
// speedata/gootf; seehuhn.de/go/sfnt's dependencies fail the checksum
// database) or keep TrueType outlines only (github.com/unidoc/unitype), and
// the server's CJK faces are CFF. Rebuilding glyphs from the outlines
// go-text already decodes for drawing needs no CFF writer at all: every
// subset is a TrueType ('glyf') font, CFF cubics converted to quadratics
// within CubicTolerance.
//
// What a subset holds: head, hhea, maxp, OS/2, hmtx, cmap (formats 4 and
// 12), loca, glyf, name and post — what browsers' font sanitizer (OTS)
// requires — and, when Request.KeepIDs asks for it, the source's GDEF,
// GSUB and GPOS verbatim over the source's own glyph ids (glyphs not used
// are empty), because a viewer shapes the text itself: Arabic joining,
// Devanagari conjuncts and Hebrew marks need those tables, and copying them
// whole is the one way to keep them valid without rewriting them. Fonts
// with tens of thousands of glyphs (CJK) take compact ids and no layout
// tables; the outlines are unhinted. Colour bitmap glyphs (CBDT) have no
// outline and come out empty, with their advance: the SVG draws those
// bitmaps itself.
//
// Bounds: Request.MaxBytes caps a subset's size (runes are taken in the
// caller's order while it fits), Build checks its context every 64 glyphs,
// and a glyph is at most 65 535 points.
//
// Concurrency: a Source is immutable and safe for concurrent use; each
// Build has its own go-text Face.
package subset
