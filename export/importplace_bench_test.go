package export

import "testing"

// BenchmarkPlaceImport: placing the largest import (10 000 elements: ids,
// remapping, z keys, centring) costs little next to parsing it.
func BenchmarkPlaceImport(b *testing.B) {
	data := render(b, snapshotOf("Bench", mixedElements(MaxImportElements, 4000, 3000)), JSON, 1)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		im, err := ReadImport(data)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := im.Place(Placement{Top: "b0Zz", Center: &[2]float64{100, 100}}); err != nil {
			b.Fatal(err)
		}
	}
}
