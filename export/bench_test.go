package export

import (
	"testing"
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
