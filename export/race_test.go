//go:build race

package export

// raceEnabled: the race detector makes rasterizing and encoding a
// maximum-size PNG take tens of seconds, so those tests skip.
const raceEnabled = true
