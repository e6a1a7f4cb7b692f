package plan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/models"
)

// FormatVersion is the version of the saved plan format.
const FormatVersion = 1

// PageSize is the number of records a Gong list page holds.
const PageSize = 100

// Plan is what an apply will do, and what it will cost. It is saved with
// `plan --out` and run by `apply plan.json`.
type Plan struct {
	FormatVersion int       `json:"format_version"`
	CreatedAt     time.Time `json:"created_at"`
	Dest          string    `json:"destination"`
	Lineage       string    `json:"lineage,omitempty"`
	Serial        int64     `json:"serial"`
	From          time.Time `json:"from"`
	To            time.Time `json:"to"`
	Lookback      Duration  `json:"lookback"`
	RateLimit     float64   `json:"rate_limit"`
	DailyQuota    int64     `json:"daily_quota"`
	Offline       bool      `json:"offline"`

	Changes []TableChange `json:"table_changes"`
	Streams []StreamPlan  `json:"streams"`
	Total   Total         `json:"total"`
}

// TableChange is one schema change.
type TableChange struct {
	Action string `json:"action"` // "create table" or "add column"
	Table  string `json:"table"`
	Column string `json:"column,omitempty"`
	Type   string `json:"type,omitempty"`
}

// StreamPlan is what a stream will fetch.
type StreamPlan struct {
	Name     string   `json:"name"`
	Mode     string   `json:"mode"` // "full refresh" or "incremental"
	Windows  []Window `json:"windows,omitempty"`
	New      int      `json:"new_windows"`
	Lookback int      `json:"lookback_windows"`
	// Records is the probe's count of records over the stream's windows
	// (-1: not probed).
	Records    int      `json:"records"`
	Requests   int      `json:"estimated_requests"`
	Seconds    float64  `json:"estimated_seconds"`
	CallIDs    []string `json:"call_ids,omitempty"`
	Workspaces []string `json:"workspaces,omitempty"`
}

// Total sums the streams.
type Total struct {
	Tables     int     `json:"tables_to_create"`
	Columns    int     `json:"columns_to_add"`
	NewWindows int     `json:"new_windows"`
	Lookback   int     `json:"lookback_windows"`
	Requests   int     `json:"estimated_requests"`
	Seconds    float64 `json:"estimated_seconds"`
	QuotaShare float64 `json:"daily_quota_share"` // requests / daily quota
	QuotaUsed  int64   `json:"requests_used_today"`
}

// HasChanges reports whether the plan changes the destination: a table to
// create or alter, or a window never loaded before. The routine lookback
// re-read alone is not a change.
func (p *Plan) HasChanges() bool {
	return len(p.Changes) > 0 || p.Total.NewWindows > 0 || p.hasTargeted()
}

func (p *Plan) hasTargeted() bool {
	for _, s := range p.Streams {
		if len(s.CallIDs) > 0 {
			return true
		}
	}
	return false
}

// Input is what Build needs.
type Input struct {
	Dest     string
	From, To time.Time
	Now      time.Time
	Lookback time.Duration
	// StreamLookback overrides Lookback per stream; a stream implementing
	// extract.Lookbacker (coaching: 3 months) defaults to its own.
	StreamLookback map[string]time.Duration
	Streams        []extract.Stream
	Windows        map[string]time.Duration // per stream window length override
	CallIDs        []string
	Workspaces     []string
	// Reconcile re-reads the whole loaded history of the calls stream, so
	// every window's complete listing deletes the calls Gong dropped.
	Reconcile  bool
	RateLimit  float64
	DailyQuota int64
	State      load.State
	Changes    []models.Change
	// Probe counts the records of a stream over a range with one request;
	// nil plans offline (no request at all).
	Probe func(ctx context.Context, s extract.Stream, from, to time.Time) (int, error)
}

// Build makes the plan.
func Build(ctx context.Context, in Input) (*Plan, error) {
	p := &Plan{
		FormatVersion: FormatVersion, CreatedAt: in.Now.UTC().Truncate(time.Second),
		Dest: in.Dest, Lineage: in.State.Lineage, Serial: in.State.Serial,
		From: in.From.UTC(), To: in.To.UTC(), Lookback: Duration(in.Lookback),
		RateLimit: in.RateLimit, DailyQuota: in.DailyQuota, Offline: in.Probe == nil,
	}
	for _, c := range in.Changes {
		tc := TableChange{Action: c.Action.String(), Table: c.Table.Name}
		if c.Action == models.AddColumn {
			tc.Column, tc.Type = c.Column.Name, c.Column.Type.String()
			p.Total.Columns++
		} else {
			p.Total.Tables++
		}
		p.Changes = append(p.Changes, tc)
	}
	for _, s := range in.Streams {
		sp := StreamPlan{Name: s.Name(), Records: -1}
		switch {
		case len(in.CallIDs) > 0:
			if s.Name() != "calls" && s.Name() != "transcripts" {
				continue
			}
			sp.Mode = "targeted"
			sp.CallIDs = in.CallIDs
			sp.Requests = (len(in.CallIDs) + PageSize - 1) / PageSize
		case s.Mode() == extract.FullRefresh:
			sp.Mode = "full refresh"
			sp.Windows = []Window{{Reason: Refresh}}
			sp.Requests = 1
		default:
			sp.Mode = "incremental"
			size := s.DefaultWindow()
			if w, ok := in.Windows[s.Name()]; ok {
				size = w
			}
			lookback := in.Lookback
			if lb, ok := s.(extract.Lookbacker); ok {
				lookback = lb.DefaultLookback()
			}
			if lb, ok := in.StreamLookback[s.Name()]; ok {
				lookback = lb
			}
			if in.Reconcile && s.Name() == "calls" {
				lookback = in.Now.Sub(in.From) + time.Hour
			}
			sp.Windows = Windows(s.Window(), size, Committed(in.State, s.Name()), in.From, in.To, in.Now, lookback)
			for _, w := range sp.Windows {
				if w.Reason == New {
					sp.New++
				} else {
					sp.Lookback++
				}
			}
			sp.Requests = len(sp.Windows)
			if _, ok := s.(extract.Prober); ok && in.Probe != nil && len(sp.Windows) > 0 {
				n, err := in.Probe(ctx, s, sp.Windows[0].From, sp.Windows[len(sp.Windows)-1].To)
				if err != nil {
					return nil, fmt.Errorf("plan: probing %s: %w", s.Name(), err)
				}
				sp.Records = n
				sp.Requests = estimatePages(sp.Windows, n)
			}
		}
		sp.Workspaces = in.Workspaces
		if in.RateLimit > 0 {
			sp.Seconds = float64(sp.Requests) / in.RateLimit
		}
		p.Total.NewWindows += sp.New
		p.Total.Lookback += sp.Lookback
		p.Total.Requests += sp.Requests
		p.Streams = append(p.Streams, sp)
	}
	if in.RateLimit > 0 {
		p.Total.Seconds = float64(p.Total.Requests) / in.RateLimit
	}
	p.Total.QuotaUsed = in.State.Requests[in.Now.UTC().Format("2006-01-02")]
	if in.DailyQuota > 0 {
		p.Total.QuotaShare = float64(p.Total.Requests) / float64(in.DailyQuota)
	}
	return p, nil
}

// estimatePages spreads n records over the windows in proportion to their
// length and counts the pages: at least one request a window.
func estimatePages(ws []Window, n int) int {
	var span float64
	for _, w := range ws {
		span += w.To.Sub(w.From).Seconds()
	}
	pages := 0
	for _, w := range ws {
		share := 0.0
		if span > 0 {
			share = float64(n) * w.To.Sub(w.From).Seconds() / span
		}
		pages += max(1, int(math.Ceil(share/PageSize)))
	}
	return pages
}

// Duration is a time.Duration that encodes as a Go duration string.
type Duration time.Duration

// MarshalJSON writes "168h0m0s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// ErrStale is returned when a saved plan no longer matches the state.
var ErrStale = errors.New("plan is stale")

// CheckFresh refuses a saved plan whose destination, lineage or state serial
// differs from the destination's state now.
func (p *Plan) CheckFresh(dest string, st load.State) error {
	switch {
	case p.Dest != dest:
		return fmt.Errorf("%w: it was made for %s, not %s", ErrStale, p.Dest, dest)
	case p.Lineage != "" && st.Lineage != "" && p.Lineage != st.Lineage:
		return fmt.Errorf("%w: the destination was recreated since (lineage %s, plan has %s): run gongload plan again", ErrStale, st.Lineage, p.Lineage)
	case p.Serial != st.Serial:
		return fmt.Errorf("%w: the state changed since it was made (serial %d, plan has %d): run gongload plan again", ErrStale, st.Serial, p.Serial)
	}
	return nil
}

// Save writes the plan as JSON to path atomically (temp file + rename).
func (p *Plan) Save(path string) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the plan: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	return os.Rename(tmp.Name(), path)
}

// Read reads a saved plan.
func Read(path string) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	return Parse(b)
}

// Parse decodes a saved plan and checks its format.
func Parse(b []byte) (*Plan, error) {
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("not a gongload plan file: %w", err)
	}
	if p.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("plan format %d is not supported (this gongload writes %d): run gongload plan again", p.FormatVersion, FormatVersion)
	}
	if p.Dest == "" || len(p.Streams) == 0 {
		return nil, errors.New("not a gongload plan file: no destination or streams")
	}
	for _, s := range p.Streams {
		if _, ok := extract.Lookup(s.Name); !ok {
			return nil, fmt.Errorf("plan names unknown stream %q", s.Name)
		}
		for _, w := range s.Windows {
			if w.Reason != Refresh && !w.From.Before(w.To) {
				return nil, fmt.Errorf("plan has an empty window for %s", s.Name)
			}
		}
	}
	return &p, nil
}
