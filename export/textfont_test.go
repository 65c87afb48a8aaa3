package export

import (
	"math"
	"testing"

	"github.com/easel-app/easel/fonts"
)

// TestLineMetricsAreTheClients: the exports' line ascent and descent are
// the board client's (textlayout.js fontMetrics): the Go font's, in whole
// pixels at 100 px, as Chromium reports them. A baseline half a pixel off
// draws every line a pixel row away from the canvas's.
func TestLineMetricsAreTheClients(t *testing.T) {
	ff := parseFaces(fonts.Embedded())
	face := newTextShaper(ff).faces[0]
	ext, ok := face.FontHExtents()
	if !ok {
		t.Fatal("the Go font has no horizontal extents")
	}
	upem := ff.upem[0]
	ascent := math.Round(100*float64(ext.Ascender)/upem) / 100
	descent := math.Round(-100*float64(ext.Descender)/upem) / 100
	if fontAscent != ascent || fontDescent != descent {
		t.Errorf("line metrics %v, %v; the client measures %v, %v", fontAscent, fontDescent, ascent, descent)
	}
}
