package export

import (
	"fmt"
	"testing"

	"github.com/easel-app/easel/board"
)

// Benchmarks render a 2 000-element board of every kind, about 4 000 by
// 3 000 units (a 12-megapixel PNG at scale 1).
func benchmarkRender(b *testing.B, f Format, scale int) {
	s := snapshotOf("Bench", mixedElements(2000, 4000, 3000))
	b.ReportAllocs()
	var size int
	for b.Loop() {
		size = len(render(b, s, f, scale))
	}
	b.ReportMetric(float64(size), "bytes/file")
}

func BenchmarkRenderJSON(b *testing.B) { benchmarkRender(b, JSON, 1) }
func BenchmarkRenderSVG(b *testing.B)  { benchmarkRender(b, SVG, 1) }
func BenchmarkRenderPNG(b *testing.B)  { benchmarkRender(b, PNG, 1) }
func BenchmarkRenderPDF(b *testing.B)  { benchmarkRender(b, PDF, 1) }

func BenchmarkParseImport(b *testing.B) {
	data := render(b, snapshotOf("Bench", mixedElements(2000, 4000, 3000)), JSON, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseImport(data); err != nil {
			b.Fatal(err)
		}
	}
}

// mixedScriptElements is mixedElements with the texts and stickies in
// issue 12's scripts, round robin.
func mixedScriptElements(n int, w, h float64) []board.Element {
	els := mixedElements(n, w, h)
	for i := range els {
		c := scriptCases[i%len(scriptCases)]
		switch els[i].Kind {
		case board.KindText:
			els[i].Text = fmt.Sprintf("%s %d\n%s", c.a, i, c.b)
		case board.KindSticky:
			els[i].Text = fmt.Sprintf("%s %d %s %s", c.a, i, c.b, c.a)
		}
	}
	return els
}

// BenchmarkRenderPNGMixedScripts renders the same board as
// BenchmarkRenderPNG with text in every script, drawn with this machine's
// font set; shaped lines stay cached between iterations, as between two
// exports of one board.
func BenchmarkRenderPNGMixedScripts(b *testing.B) { benchmarkMixedScripts(b, PNG, false) }

// BenchmarkRenderPNGMixedScriptsCold empties the shaping cache before
// every render: each line is shaped afresh.
func BenchmarkRenderPNGMixedScriptsCold(b *testing.B) { benchmarkMixedScripts(b, PNG, true) }

// BenchmarkPDFMixedScript is BenchmarkRenderPDF's board with text in
// every script: Type 3 fonts of the glyphs used, colour emoji images
// included (compare with BenchmarkRenderPDF, Latin in the Go font).
func BenchmarkPDFMixedScript(b *testing.B) { benchmarkMixedScripts(b, PDF, false) }

func benchmarkMixedScripts(b *testing.B, f Format, cold bool) {
	ff := systemFaces()
	UseFonts(ff.set)
	defer UseFonts(nil)
	s := snapshotOf("Bench", mixedScriptElements(2000, 4000, 3000))
	b.ReportAllocs()
	var size int
	for b.Loop() {
		if cold {
			cur := currentFaces()
			cur.mu.Lock()
			clear(cur.lines)
			clear(cur.bmps)
			cur.mu.Unlock()
		}
		size = len(render(b, s, f, 1))
	}
	b.ReportMetric(float64(size), "bytes/file")
}
