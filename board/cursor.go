package board

import "math"

// MaxCoordinate bounds cursor coordinates: |x|, |y| ≤ 1e7 board units.
const MaxCoordinate = 1e7

// Cursor is one peer's latest pointer position in board coordinates.
type Cursor struct {
	Peer string  `json:"p"`
	X    float64 `json:"x"`
	Y    float64 `json:"y"`
}

// ValidCoordinate reports whether v is finite and within MaxCoordinate.
func ValidCoordinate(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && math.Abs(v) <= MaxCoordinate
}
