package plan

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/load"
)

func d(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

const week = 7 * 24 * time.Hour

func TestCellsSpanRestartEachMonth(t *testing.T) {
	// 7-day cells start on the 1st, 8th, 15th, 22nd and 29th of each month,
	// whatever the range's start, and never cross into the next month.
	got := Cells(extract.Span, week, d("2026-01-20T10:00:00Z"), d("2026-02-10T00:00:00Z"))
	want := []Interval{
		{d("2026-01-20T10:00:00Z"), d("2026-01-22T00:00:00Z")},
		{d("2026-01-22T00:00:00Z"), d("2026-01-29T00:00:00Z")},
		{d("2026-01-29T00:00:00Z"), d("2026-02-01T00:00:00Z")},
		{d("2026-02-01T00:00:00Z"), d("2026-02-08T00:00:00Z")},
		{d("2026-02-08T00:00:00Z"), d("2026-02-10T00:00:00Z")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("cells (-want +got):\n%s", diff)
	}
	// A 90-day window is cut at each month.
	long := Cells(extract.Span, 90*24*time.Hour, d("2026-01-01T00:00:00Z"), d("2026-04-01T00:00:00Z"))
	if len(long) != 3 || !long[1].From.Equal(d("2026-02-01T00:00:00Z")) {
		t.Fatalf("long windows: %v", long)
	}
	for _, c := range append(got, long...) {
		if c.From.Month() != c.To.Add(-time.Nanosecond).Month() {
			t.Errorf("cell %v straddles two months", c)
		}
	}
}

func TestCellsCalendar(t *testing.T) {
	months := Cells(extract.Month, 0, d("2026-01-15T00:00:00Z"), d("2026-03-02T00:00:00Z"))
	want := []Interval{
		{d("2026-01-15T00:00:00Z"), d("2026-02-01T00:00:00Z")},
		{d("2026-02-01T00:00:00Z"), d("2026-03-01T00:00:00Z")},
		{d("2026-03-01T00:00:00Z"), d("2026-03-02T00:00:00Z")},
	}
	if diff := cmp.Diff(want, months); diff != "" {
		t.Fatalf("months (-want +got):\n%s", diff)
	}
	days := Cells(extract.Day, 0, d("2026-01-30T12:00:00Z"), d("2026-02-01T00:00:00Z"))
	if len(days) != 2 || !days[1].From.Equal(d("2026-01-31T00:00:00Z")) {
		t.Fatalf("days: %v", days)
	}
}

func TestWindowsNewLookbackAndDone(t *testing.T) {
	now := d("2026-03-20T12:00:00Z")
	from := d("2026-02-22T00:00:00Z")
	// Empty state: everything is new.
	got := Windows(extract.Span, week, nil, from, now, now, week)
	if len(got) != 4 { // from 02-22, 03-01, 03-08, 03-15
		t.Fatalf("want 4 windows, got %v", got)
	}
	for _, w := range got {
		if w.Reason != New {
			t.Fatalf("empty state: %v is %s, want new", w, w.Reason)
		}
	}
	// Everything committed up to now: only the windows reaching into the
	// lookback (after now-7d = 03-13 12:00) are re-read.
	st := load.State{Windows: []load.Window{
		{Stream: "calls", From: from, To: d("2026-03-08T00:00:00Z")},
		{Stream: "calls", From: d("2026-03-08T00:00:00Z"), To: now},
		{Stream: "transcripts", From: from, To: now},
	}}
	committed := Committed(st, "calls")
	if len(committed) != 1 {
		t.Fatalf("adjacent windows must merge: %v", committed)
	}
	got = Windows(extract.Span, week, committed, from, now, now, week)
	want := []Window{
		{d("2026-03-08T00:00:00Z"), d("2026-03-15T00:00:00Z"), Lookback},
		{d("2026-03-15T00:00:00Z"), now, Lookback},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	// An hour later, the time that passed lies inside the lookback: still
	// only the routine re-read, no new window (a plan shows no change).
	later := now.Add(time.Hour)
	got = Windows(extract.Span, week, committed, from, later, later, week)
	for _, w := range got {
		if w.Reason != Lookback {
			t.Fatalf("an hour later: %v is %s, want lookback", w, w.Reason)
		}
	}
	// Without a lookback, the grown last window is new history.
	got = Windows(extract.Span, week, committed, from, later, later, 0)
	want = []Window{{d("2026-03-15T00:00:00Z"), later, New}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	// A stream never loaded: windows inside the lookback are new too.
	got = Windows(extract.Span, week, nil, d("2026-03-15T00:00:00Z"), now, now, week)
	if len(got) != 1 || got[0].Reason != New {
		t.Fatalf("never loaded: %v", got)
	}
}

func TestWatermarkWithGap(t *testing.T) {
	iv := Merge([]Interval{
		{d("2026-01-08T00:00:00Z"), d("2026-01-15T00:00:00Z")},
		{d("2026-01-01T00:00:00Z"), d("2026-01-08T00:00:00Z")},
		{d("2026-01-22T00:00:00Z"), d("2026-01-29T00:00:00Z")},
	})
	wm, beyond := Watermark(iv)
	if !wm.Equal(d("2026-01-15T00:00:00Z")) || len(beyond) != 1 {
		t.Fatalf("watermark %s beyond %v", wm, beyond)
	}
	// The gap is fetched as new history, the rest is done.
	got := Windows(extract.Span, week, iv, d("2026-01-01T00:00:00Z"), d("2026-01-29T00:00:00Z"), d("2026-06-01T00:00:00Z"), week)
	want := []Window{{d("2026-01-15T00:00:00Z"), d("2026-01-22T00:00:00Z"), New}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
