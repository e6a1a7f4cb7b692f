package main

import (
	"slices"
	"time"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/internal/gongsim"
	"github.com/gongload/gongload/internal/plan"
)

// minimum is the fewest requests a run needs, from the simulator's data.
type minimum struct {
	backfill, incremental int
}

// pages is the requests one listing of n records needs: at least one.
func pages(n int) int { return max(1, (n+gongsim.PageSize-1)/gongsim.PageSize) }

// minimalRequests counts, for the streams users, workspaces, calls and
// transcripts over [from, to), the requests of a backfill and of an
// incremental run at now with the given lookback: the full-refresh
// listings' pages, and per window of the calls' grid (the 7-day cells the
// plan cuts, restarting each month) the pages of the calls (and of the
// calls with a transcript) that started in it; the incremental run re-reads
// only the windows that reach into [now-lookback, to).
func minimalRequests(sim *gongsim.Sim, streams []string, from, to, now time.Time, lookback time.Duration) minimum {
	var started, transcribed []time.Time
	pending := map[string]bool{}
	for _, id := range sim.PendingTranscripts() {
		pending[id] = true
	}
	for _, c := range sim.Calls() {
		t, err := time.Parse(time.RFC3339Nano, c.MetaData.Started)
		if err != nil {
			continue
		}
		started = append(started, t)
		if !pending[c.MetaData.ID] {
			transcribed = append(transcribed, t)
		}
	}
	in := func(ts []time.Time, c plan.Interval) int {
		n := 0
		for _, t := range ts {
			if !t.Before(c.From) && t.Before(c.To) {
				n++
			}
		}
		return n
	}
	reread := now.Add(-lookback)
	var m minimum
	for _, s := range streams {
		switch s {
		case "users":
			n := pages(len(sim.Users()))
			m.backfill += n
			m.incremental += n
		case "workspaces":
			m.backfill++ // one answer, no pagination
			m.incremental++
		case "calls", "transcripts":
			ts := started
			if s == "transcripts" {
				ts = transcribed
			}
			for _, c := range plan.Cells(extract.Span, extract.DefaultCallWindow, from, to) {
				n := pages(in(ts, c))
				m.backfill += n
				if c.To.After(reread) {
					m.incremental += n
				}
			}
		}
	}
	return m
}

// knownStreams are the streams minimalRequests can count.
var knownStreams = []string{"users", "workspaces", "calls", "transcripts"}

func countable(streams []string) bool {
	for _, s := range streams {
		if !slices.Contains(knownStreams, s) {
			return false
		}
	}
	return true
}
