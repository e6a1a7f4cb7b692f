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

func TestCellsSpanAlignsOnMondays(t *testing.T) {
	// Go's zero time is a Monday, so 7-day cells start on Mondays 00:00 UTC
	// whatever the range's start.
	got := Cells(extract.Span, week, d("2026-03-04T10:00:00Z"), d("2026-03-20T00:00:00Z"))
	want := []Interval{
		{d("2026-03-04T10:00:00Z"), d("2026-03-09T00:00:00Z")},
		{d("2026-03-09T00:00:00Z"), d("2026-03-16T00:00:00Z")},
		{d("2026-03-16T00:00:00Z"), d("2026-03-20T00:00:00Z")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("cells (-want +got):\n%s", diff)
	}
	for _, c := range got[1:] {
		if c.From.Weekday() != time.Monday {
			t.Errorf("cell starts on %s", c.From.Weekday())
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
	from := d("2026-02-23T00:00:00Z") // a Monday
	// Empty state: everything is new.
	got := Windows(extract.Span, week, nil, from, now, now, week)
	if len(got) != 4 {
		t.Fatalf("want 4 windows, got %v", got)
	}
	for _, w := range got {
		if w.Reason != New {
			t.Fatalf("empty state: %v is %s, want new", w, w.Reason)
		}
	}
	// Everything committed up to now: only the windows overlapping the
	// lookback (after now-7d = 03-13 12:00) are re-read.
	st := load.State{Windows: []load.Window{
		{Stream: "calls", From: from, To: d("2026-03-09T00:00:00Z")},
		{Stream: "calls", From: d("2026-03-09T00:00:00Z"), To: now},
		{Stream: "transcripts", From: from, To: now},
	}}
	committed := Committed(st, "calls")
	if len(committed) != 1 {
		t.Fatalf("adjacent windows must merge: %v", committed)
	}
	got = Windows(extract.Span, week, committed, from, now, now, week)
	want := []Window{
		{d("2026-03-09T00:00:00Z"), d("2026-03-16T00:00:00Z"), Lookback},
		{d("2026-03-16T00:00:00Z"), now, Lookback},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	// An hour later: the last window grew past what was committed, so it is
	// new again (not fully covered); lookback 0 re-reads nothing else.
	later := now.Add(time.Hour)
	got = Windows(extract.Span, week, committed, from, later, later, 0)
	want = []Window{{d("2026-03-16T00:00:00Z"), later, New}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

func TestWatermarkWithGap(t *testing.T) {
	iv := Merge([]Interval{
		{d("2026-01-12T00:00:00Z"), d("2026-01-19T00:00:00Z")},
		{d("2026-01-05T00:00:00Z"), d("2026-01-12T00:00:00Z")},
		{d("2026-01-26T00:00:00Z"), d("2026-02-02T00:00:00Z")},
	})
	wm, beyond := Watermark(iv)
	if !wm.Equal(d("2026-01-19T00:00:00Z")) || len(beyond) != 1 {
		t.Fatalf("watermark %s beyond %v", wm, beyond)
	}
	// The gap is fetched as new history, the rest is done.
	got := Windows(extract.Span, week, iv, d("2026-01-05T00:00:00Z"), d("2026-02-02T00:00:00Z"), d("2026-06-01T00:00:00Z"), week)
	want := []Window{{d("2026-01-19T00:00:00Z"), d("2026-01-26T00:00:00Z"), New}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
