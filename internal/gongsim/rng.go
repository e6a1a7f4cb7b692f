package gongsim

import (
	"math"
	"strconv"
)

// The simulator uses its own tiny generator (SplitMix64) rather than
// math/rand so that the data it serves for a seed can never change with the
// Go version. Every record draws from its own stream, keyed by
// (seed, stream, record key), so records are independent of each other and
// of the order they are generated in.

// Stream identifiers: one per kind of derived data.
const (
	stUsers uint64 = iota + 1
	stWorkspaces
	stCalls
	stCallMeta
	stParties
	stSkeleton
	stText
	stContent
	stAccount
	stContact
	stAdded
	stRequest
	stSecret
	stTrackers
	// Streams of the settings, library, scorecard, stats and media data
	// (appended: the values above must never change).
	stScorecards
	stAnswered
	stTrackerSettings
	stLibrary
	stActivity
	stMedia
	stFaults // the faults of faults.go (FailRate and TruncateRate draw from stRequest)
)

const golden = 0x9e3779b97f4a7c15

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// hashKey folds parts into one well-mixed 64-bit value.
func hashKey(parts ...uint64) uint64 {
	h := uint64(0x6a09e667f3bcc908)
	for _, p := range parts {
		h = mix64(h ^ (p + golden))
	}
	return h
}

type rng struct{ s uint64 }

func newRNG(parts ...uint64) rng { return rng{s: hashKey(parts...)} }

func (r *rng) next() uint64 {
	r.s += golden
	return mix64(r.s)
}

// intn returns a value in [0, n); n must be > 0.
func (r *rng) intn(n int) int {
	return int((r.next() >> 32) * uint64(n) >> 32)
}

// between returns a value in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

// float returns a value in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// uniform returns a value in [lo, hi).
func (r *rng) uniform(lo, hi float64) float64 { return lo + (hi-lo)*r.float() }

func (r *rng) chance(p float64) bool { return r.float() < p }

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// weighted returns an index drawn with the given weights.
func (r *rng) weighted(w []float64) int {
	var sum float64
	for _, x := range w {
		sum += x
	}
	x := r.float() * sum
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// Gong IDs: 19 decimal digits, first digit 1-9, below 2^63 so that a
// client parsing them as int64 does not overflow.
const (
	idMin  = 1_000_000_000_000_000_000
	idSpan = 8_200_000_000_000_000_000
)

func (r *rng) id() (string, uint64) {
	v := idMin + r.next()%idSpan
	return strconv.FormatUint(v, 10), v
}

func (r *rng) idString() string { s, _ := r.id(); return s }

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (r *rng) token(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.intn(len(alphabet))]
	}
	return string(b)
}

func (r *rng) digits(n int) string { return r.token(n, "0123456789") }

// round rounds x to d decimals.
func round(x float64, d int) float64 {
	p := math.Pow10(d)
	return math.Round(x*p) / p
}
