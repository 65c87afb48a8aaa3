package board

import "math"

// MaxCoordinate bounds cursor coordinates: |x|, |y| ≤ 1e7 board units.
const MaxCoordinate = 1e7

// Cursor is one peer's latest pointer position in board coordinates.
// Laser marks a laser-pointer position, drawn by others as a fading trail.
type Cursor struct {
	Peer  string  `json:"p"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	Laser bool    `json:"l,omitempty"`
}

// ValidCoordinate reports whether v is finite and within MaxCoordinate.
func ValidCoordinate(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && math.Abs(v) <= MaxCoordinate
}
