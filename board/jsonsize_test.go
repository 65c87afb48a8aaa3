package board

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// The limit counts exactly what encoding/json writes, for every kind of
// string and number a client can send (escaped HTML, control and invalid
// bytes, line separators, long decimals, exponents, negative zero).
func TestEncodedSizeMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "<", ">", "&", "\"", "\\", "\n", "\t", "\b", "\f", "\x00", "\x1f", "\x7f", "é", "€", "😀", "\u2028", "\u2029", "\xff", "\xe2\x82"}
	str := func() string {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1.0 / 3, -2.0 / 3, 1e-7, -1.5e-9, 1e21, 123456789.123, 1e15, 1e14 + 0.5, -9999999, 1e20, 5e-324}
	num := func() float64 {
		if rng.IntN(2) == 0 {
			return floats[rng.IntN(len(floats))]
		}
		return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(30)-10))
	}
	for i := range 5000 {
		e := &Element{ID: str(), Kind: Kind(str()), X: num(), Y: num(), W: num(), H: num(), Rot: num(), Stroke: str(), Text: str(), Z: str()}
		if rng.IntN(2) == 0 {
			f := str()
			e.Fill = &f
		}
		if rng.IntN(2) == 0 {
			e.Width, e.Font = num(), num()
		}
		if rng.IntN(2) == 0 {
			e.Dash, e.Group = str(), str()
			e.Round, e.Locked = rng.IntN(2) == 0, rng.IntN(2) == 0
		}
		if rng.IntN(2) == 0 {
			e.Start = &Binding{ID: str()}
		}
		if rng.IntN(2) == 0 {
			e.End = &Binding{ID: str()}
		}
		for range rng.IntN(4) {
			e.Points = append(e.Points, [2]float64{num(), num()})
		}
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if got := encodedLen(e); got != len(data) {
			t.Fatalf("case %d: counted %d bytes, encoding/json wrote %d: %s", i, got, len(data), data)
		}
	}
}

// Fault 2 of issue 10: 250 notes of 4 000 '<' are 1 MB typed but 6 MB as
// JSON; a 2 MiB board must refuse them.
func TestByteLimitCountsEscapedText(t *testing.T) {
	s := NewSnapshot("")
	var ops []Op
	for i := range 250 {
		ops = append(ops, put(&Element{ID: string(rune('a'+i%26)) + strings.Repeat("x", i/26), Kind: KindSticky, Text: strings.Repeat("<", MaxText)}))
	}
	if err := s.CheckLimits(ops, Limits{MaxElements: 1000, MaxBytes: 2 << 20}); !tooLarge(err) {
		t.Fatalf("250 notes of %d '<' (about 6 MB of JSON) against a 2 MiB limit: %v, want too_large", MaxText, err)
	}
}
