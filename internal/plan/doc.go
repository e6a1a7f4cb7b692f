// Package plan decides what an apply will do: the schema changes from the
// models diffed against the destination, and per stream the windows to
// fetch, with their estimated cost; and it saves and reads plan files.
//
// Windows of a Span stream lie on a fixed grid that restarts each calendar
// month (UTC): the month's first day plus multiples of the window length,
// the last cell cut at the next month. Every run cuts history the same way
// whatever its --from, and no window straddles two months, so a window's
// calls all share one start month (the Parquet partition). Day and Month
// windows follow calendar days and months in UTC.
//
// A window is fetched when it is new history (its part before the lookback
// period is not covered by committed windows, or nothing of it was ever
// committed), or when it reaches into the lookback period before now: the
// routine re-read that catches calls and transcripts Gong processes late.
package plan
