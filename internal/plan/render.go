package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// RenderJSON writes the plan as indented JSON (plan --json).
func (p *Plan) RenderJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// RenderHuman writes the plan for people: table changes, then per stream the
// windows to fetch and their estimated cost, then a one-line total.
func (p *Plan) RenderHuman(w io.Writer) error {
	fmt.Fprintf(w, "gongload plan for %s (state serial %d)\n", p.Dest, p.Serial)
	fmt.Fprintf(w, "History %s → %s, lookback %s\n\n", day(p.From), day(p.To), time.Duration(p.Lookback))
	if len(p.Changes) == 0 {
		fmt.Fprintln(w, "Tables: up to date.")
	} else {
		fmt.Fprintln(w, "Tables:")
		for _, c := range p.Changes {
			if c.Column == "" {
				fmt.Fprintf(w, "  + %s\n", c.Table)
			} else {
				fmt.Fprintf(w, "  ~ %s: + %s (%s)\n", c.Table, c.Column, c.Type)
			}
		}
	}
	fmt.Fprintln(w, "\nStreams:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, s := range p.Streams {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", s.Name, s.describe(), records(s.Records), requests(s.Requests, p.Offline && s.Mode == "incremental"))
	}
	tw.Flush()
	fmt.Fprintln(w)
	var parts []string
	if p.Total.Tables > 0 {
		parts = append(parts, plural(p.Total.Tables, "table")+" to create")
	}
	if p.Total.Columns > 0 {
		parts = append(parts, plural(p.Total.Columns, "column")+" to add")
	}
	parts = append(parts, plural(p.Total.NewWindows, "new window"), plural(p.Total.Lookback, "lookback window"))
	quota := ""
	if p.DailyQuota > 0 {
		quota = fmt.Sprintf(", %.1f%% of the daily quota (%d used of %d today)", 100*p.Total.QuotaShare, p.Total.QuotaUsed, p.DailyQuota)
	}
	approx := "~"
	if p.Offline {
		approx = "≥"
	}
	fmt.Fprintf(w, "Plan: %s; %s%d API requests, %s at %g requests/s%s.\n",
		strings.Join(parts, ", "), approx, p.Total.Requests, seconds(p.Total.Seconds), p.RateLimit, quota)
	if !p.HasChanges() {
		fmt.Fprintln(w, "No changes: the destination is up to date (apply would only re-read the lookback).")
	}
	return nil
}

func (s StreamPlan) describe() string {
	switch s.Mode {
	case "targeted":
		return fmt.Sprintf("targeted: %s", plural(len(s.CallIDs), "call"))
	case "full refresh":
		return "full refresh"
	}
	if len(s.Windows) == 0 {
		return "up to date"
	}
	var parts []string
	if s.New > 0 {
		first, last := span(s.Windows, New)
		parts = append(parts, fmt.Sprintf("%d new (%s → %s)", s.New, day(first), day(last)))
	}
	if s.Lookback > 0 {
		first, last := span(s.Windows, Lookback)
		parts = append(parts, fmt.Sprintf("%d lookback (%s → %s)", s.Lookback, day(first), day(last)))
	}
	return plural(len(s.Windows), "window") + ": " + strings.Join(parts, ", ")
}

func span(ws []Window, r Reason) (first, last time.Time) {
	for _, w := range ws {
		if w.Reason != r {
			continue
		}
		if first.IsZero() || w.From.Before(first) {
			first = w.From
		}
		if w.To.After(last) {
			last = w.To
		}
	}
	return first, last
}

func day(t time.Time) string {
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return t.UTC().Format("2006-01-02")
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func records(n int) string {
	if n < 0 {
		return ""
	}
	return plural(n, "record")
}

func requests(n int, lowerBound bool) string {
	if lowerBound {
		return fmt.Sprintf("≥%s", plural(n, "request"))
	}
	return "~" + plural(n, "request")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func seconds(s float64) string {
	d := time.Duration(s * float64(time.Second)).Round(time.Second)
	if d < time.Second {
		return "under a second"
	}
	return d.String()
}
