//go:build race

package extract

// raceEnabled is true under the race detector, which makes the large
// differential tests sample their cases rather than run them all.
const raceEnabled = true
