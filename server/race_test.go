//go:build race

package server

// raceEnabled: the race detector makes rendering a 64-megapixel PNG take
// minutes, so tests that render one draw a smaller board instead.
const raceEnabled = true
