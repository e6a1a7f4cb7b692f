// Package plan decides what an apply will do: the schema changes from the
// models diffed against the destination, and per stream the windows to fetch.
//
// Windows of a Span stream lie on a fixed grid (multiples of the window
// length since Go's zero time, a Monday, in UTC: 7-day windows start on
// Mondays), so every run cuts history the same
// way whatever its --from. A window is fetched when it is not covered by the
// committed windows of the state (new history), or when it overlaps the
// lookback period before now (the routine re-read that catches calls and
// transcripts Gong processes late). Day and Month windows follow calendar
// days and months in UTC.
package plan
