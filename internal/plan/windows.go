package plan

import (
	"slices"
	"time"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/load"
)

// Reason says why a window is fetched.
type Reason string

// The reasons a window is fetched.
const (
	New      Reason = "new"      // never committed before: a change
	Lookback Reason = "lookback" // committed, re-read for late data: routine
	Refresh  Reason = "refresh"  // a full-refresh stream's listing
	Targeted Reason = "targeted" // apply --call-id
)

// Window is one unit of work a plan schedules.
type Window struct {
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Reason Reason    `json:"reason"`
}

// Interval is a half-open time interval.
type Interval struct{ From, To time.Time }

// Committed merges the committed windows of stream into disjoint intervals,
// oldest first.
func Committed(st load.State, stream string) []Interval {
	var iv []Interval
	for _, w := range st.Windows {
		if w.Stream == stream && !w.From.IsZero() && w.To.After(w.From) {
			iv = append(iv, Interval{w.From, w.To})
		}
	}
	return Merge(iv)
}

// Merge sorts intervals and joins those that overlap or touch.
func Merge(iv []Interval) []Interval {
	slices.SortFunc(iv, func(a, b Interval) int { return a.From.Compare(b.From) })
	var out []Interval
	for _, x := range iv {
		if n := len(out); n > 0 && !x.From.After(out[n-1].To) {
			if x.To.After(out[n-1].To) {
				out[n-1].To = x.To
			}
			continue
		}
		out = append(out, x)
	}
	return out
}

// Watermark returns the end of the contiguous prefix of committed windows
// (the first merged interval) and the intervals committed beyond it.
func Watermark(iv []Interval) (time.Time, []Interval) {
	if len(iv) == 0 {
		return time.Time{}, nil
	}
	return iv[0].To, iv[1:]
}

// covered reports whether [from, to) lies inside one of the merged intervals.
func covered(iv []Interval, from, to time.Time) bool {
	for _, x := range iv {
		if !x.From.After(from) && !x.To.Before(to) {
			return true
		}
	}
	return false
}

// Cells cuts [from, to) on the grid of kind (Span of length size, Day or
// Month), clipping the first and last cell.
func Cells(kind extract.WindowKind, size time.Duration, from, to time.Time) []Interval {
	from, to = from.UTC(), to.UTC()
	var out []Interval
	for start := cellStart(kind, size, from); start.Before(to); {
		end := cellEnd(kind, size, start)
		out = append(out, Interval{maxTime(start, from), minTime(end, to)})
		start = end
	}
	return out
}

func cellStart(kind extract.WindowKind, size time.Duration, t time.Time) time.Time {
	switch kind {
	case extract.Day:
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	case extract.Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	default:
		// Span cells restart at each month's first day: month start + k·size.
		m := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return m.Add(t.Sub(m) / size * size)
	}
}

func cellEnd(kind extract.WindowKind, size time.Duration, start time.Time) time.Time {
	switch kind {
	case extract.Day:
		return start.AddDate(0, 0, 1)
	case extract.Month:
		return start.AddDate(0, 1, 0)
	default:
		next := time.Date(start.Year(), start.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		return minTime(start.Add(size), next)
	}
}

// overlaps reports whether [from, to) meets one of the merged intervals.
func overlaps(iv []Interval, from, to time.Time) bool {
	for _, x := range iv {
		if x.From.Before(to) && x.To.After(from) {
			return true
		}
	}
	return false
}

// Windows returns the windows of an incremental stream to fetch for history
// [from, to), given what is committed and the lookback before now.
//
// A window is new when its part before the lookback period is not covered
// by committed windows, or when nothing of it was ever committed. A window
// reaching into the lookback period that is otherwise covered is the routine
// re-read: time that passed since the last run lies inside the lookback and
// is read by that re-read, so a plan right after an apply shows no change.
func Windows(kind extract.WindowKind, size time.Duration, committed []Interval, from, to, now time.Time, lookback time.Duration) []Window {
	reread := now.Add(-lookback)
	var out []Window
	for _, cell := range Cells(kind, size, from, to) {
		head := minTime(cell.To, maxTime(reread, cell.From)) // the part before the lookback period
		switch {
		case head.After(cell.From) && !covered(committed, cell.From, head),
			!overlaps(committed, cell.From, cell.To):
			out = append(out, Window{cell.From, cell.To, New})
		case lookback > 0 && cell.To.After(reread):
			out = append(out, Window{cell.From, cell.To, Lookback})
		}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
