// Package export turns a board snapshot into the files people download —
// JSON (Easel's own, re-importable), SVG, PNG and PDF — and reads files
// people upload (Easel JSON, Excalidraw scenes) back into elements.
//
// Every renderer is deterministic: the same snapshot, title and options
// always give the same bytes, so a download's SHA-256 is a property of the
// board at a seq, whichever node or route (socket or HTTP) produced it.
// All formats share one layout (scene.go): defaults, bounds, text lines;
// and one set of drawing rules with the board client (layout.go, mirrored
// by static/shapes.js and checked against one fixture): outlines with
// rounded corners, dash patterns, arrowheads, labels, line breaking (the
// Unicode rules, UAX #14, by go-text's segmenter: linebreak.go). Every
// format but JSON takes a background (Options.Background): white by
// default, another colour, or transparent.
// The PNG and the PDF draw text with the server's font set (UseFonts;
// shaped, with per-glyph fallback and bidi, by go-text: shaping.go), whose
// shaped widths wrap lines in every format. The PNG puts glyphs and
// samples emoji where and as Chromium's canvas does (png.go onGrid,
// colorglyph.go), so that a canvas screenshot and the PNG agree pixel for
// pixel. The PDF is written by hand (pdfwriter.go): its text is real text
// in Type 3 fonts made of the very glyphs the PNG fills (pdftype3.go),
// with ToUnicode maps and, on left-to-right lines, ActualText. An SVG
// names the set's families, or with Options.EmbedFonts carries TrueType
// subsets of them (fonts/subset) and the emoji bitmaps, within
// MaxEmbedBytes (svgfonts.go). The PNG is capped at a
// pixel budget (MaxPNGSide, MaxPNGPixels) and the PDF page at MaxPDFSide,
// both by lowering the scale, never by cutting the board. A PNG's drawing
// costs what its shapes cover, not their bounding boxes (regions.go), and
// its estimated work is held to MaxRenderWork (budget.go): the scale is
// lowered to fit, down to MinBudgetSide pixels, beyond which the render is
// refused with too_large. RenderContext stops a render (PNG inside the
// rasterizer, PDF between shapes) once its context is done.
// Image elements show blobs of their board, which a render reads through
// a BlobSource (images.go): each blob's info once before drawing, its bytes
// once when first drawn; the PNG and the PDF decode each at most once, the
// SVG inlines it once, the JSON carries it in its files; a blob that is
// missing or does not decode is a placeholder, a failing source fails the
// render. docs/exports.md describes the formats, the Excalidraw mapping and
// the limits.
//
// Every import is checked element by element with board.DecodeOps, the
// server's own validation of a client's ops. An import's image files
// (importfiles.go) are stored through the caller's BlobPut, with an
// upload's limits, before its elements are committed (StoreFiles). Imported.Place
// (importplace.go, importz.go) then makes an import add rather than
// overwrite: fresh ids, bindings and groups renamed within it, z keys
// above the board's top, optionally centred on a point.
//
// It does no I/O of its own (a render's images come from the BlobSource
// it is given, an import's go to the BlobPut) and holds little state: the font set of UseFonts (parsed
// fonts and the faces' files, shared read-only; each render wraps them in its own go-text
// Faces and shaper), a bounded, locked cache of shaped lines and colour
// glyphs, pooled line segmenters; Place reads crypto/rand for ids. Every
// function is safe for concurrent use.
package export
