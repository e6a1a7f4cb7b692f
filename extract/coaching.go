package extract

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// DefaultCoachingLookback is the coaching stream's default lookback (SPEC
// §4): three months, re-read on every run.
const DefaultCoachingLookback = 2160 * time.Hour

// CoachingStream is the coaching stream: GET /v2/coaching (not paginated)
// for every workspace × manager into models.CoachingMetrics, incrementally
// in calendar-month windows. It is plan-gated: an account without it
// answers 404, which fails this stream.
type CoachingStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

var (
	_ Stream     = (*CoachingStream)(nil)
	_ Lookbacker = (*CoachingStream)(nil)
)

// Name returns "coaching".
func (s *CoachingStream) Name() string { return "coaching" }

// Tables returns models.CoachingMetrics.
func (s *CoachingStream) Tables() []*models.Table {
	return []*models.Table{models.CoachingMetrics}
}

// Mode returns Incremental.
func (s *CoachingStream) Mode() Mode { return Incremental }

// Window returns Month: calendar months.
func (s *CoachingStream) Window() WindowKind { return Month }

// DefaultWindow returns 0: month windows have no length to set.
func (s *CoachingStream) DefaultWindow() time.Duration { return 0 }

// DefaultLookback returns DefaultCoachingLookback (3 months).
func (s *CoachingStream) DefaultLookback() time.Duration { return DefaultCoachingLookback }

// Fetch lists, for the unit's window, the workspaces (GET /v2/workspaces,
// or u.WorkspaceID alone) and the users (GET /v2/users, every page); the
// managers are the users some user names as managerId. Then it makes one
// request per workspace × manager, with workspace-id, manager-id, and from
// and to the window's bounds (YYYY-MM-DDTHH:MM:SSZ): one batch each, a row
// per metric of each direct report. from_date and to_date are the window's
// UTC dates (to widened to a whole day). A 404 (Gong's answer to an
// account without coaching) is returned as it is. When every request
// succeeded and the unit covers every workspace, the listing is declared
// complete on from_date over the window.
func (s *CoachingStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	if u.From.IsZero() || u.To.IsZero() {
		return fmt.Errorf("%s: a unit needs a window (From and To): GET /v2/coaching requires from and to", s.Name())
	}
	workspaces, err := workspaceIDs(ctx, c, u, s.Name())
	if err != nil {
		return err
	}
	managers, err := managerIDs(ctx, c, s.Name())
	if err != nil {
		return err
	}
	from, to := dayFloor(u.From), dayCeil(u.To)
	var ws, mgr string
	add := func(r *rowSet, rec *coachingRecord, raw jsontext.Value, at jsontext.Pointer) error {
		appendCoaching(r, rec, raw, ws, mgr, from, to)
		return nil
	}
	h := newRecordPage(ctx, orDefault(s.Mem), sink, s.Name(), add, models.CoachingMetrics)
	defer h.release()
	for _, ws = range workspaces {
		for _, mgr = range managers {
			req := Request{Method: "GET", Path: "/v2/coaching", Envelope: "coachingData", Query: url.Values{
				"workspace-id": {ws}, "manager-id": {mgr}, "from": {filterTime(u.From)}, "to": {filterTime(u.To)},
			}}
			if err := c.Get(ctx, req, h); err != nil {
				return err
			}
		}
	}
	if u.WorkspaceID != "" {
		return nil
	}
	return sink.Complete(ctx, models.CoachingMetrics, models.Range{Column: "from_date", From: from, To: to})
}

// userManager is the part of a user the coaching stream needs.
type userManager struct {
	ID        models.ID `json:"id"`
	ManagerID models.ID `json:"managerId"`
}

// managerIDs lists every user (GET /v2/users, all pages) and returns those
// that are some user's manager, in the order of the listing.
func managerIDs(ctx context.Context, c *Client, stream string) ([]string, error) {
	h := &collectPage[userManager]{stream: stream}
	if err := c.List(ctx, Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, h); err != nil {
		return nil, err
	}
	manages := map[string]bool{}
	for _, u := range h.all {
		if m := string(u.ManagerID); m != "" {
			manages[m] = true
		}
	}
	var out []string
	for _, u := range h.all {
		if id := string(u.ID); manages[id] {
			out = append(out, id)
			delete(manages, id) // a user listed twice is one manager
		}
	}
	return out, nil
}

// coachingRecord is one record of GET /v2/coaching. The metrics are kept as
// received (models.CoachingRep types them []string; Gong documents no
// metric, and a number there must not fail the page).
type coachingRecord struct {
	Manager              models.CoachingUser `json:"manager"`
	DirectReportsMetrics []struct {
		Report  models.CoachingUser       `json:"report"`
		Metrics map[string]jsontext.Value `json:"metrics"`
	} `json:"directReportsMetrics"`
}

// appendCoaching appends a row per metric of each direct report, metrics in
// name order. The manager is the record's (the one requested when the
// record has none); a report without an ID has no key and is left out, as
// is a row the unit already staged. _raw is the manager's record.
func appendCoaching(r *rowSet, rec *coachingRecord, raw jsontext.Value, ws, mgr string, from, to time.Time) {
	if id := string(rec.Manager.ID); id != "" {
		mgr = id
	}
	b := r.builder(models.CoachingMetrics)
	for _, rep := range rec.DirectReportsMetrics {
		rid := string(rep.Report.ID)
		if rid == "" {
			continue
		}
		names := make([]string, 0, len(rep.Metrics))
		for name := range rep.Metrics {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			if !r.newKey(models.CoachingMetrics, ws, mgr, rid, name) {
				continue
			}
			b.Append(ws, mgr, rid, from, to, name, metricValues(rep.Metrics[name]),
				rec.Manager.EmailAddress, rep.Report.EmailAddress, rep.Report.FirstName,
				rep.Report.LastName, rep.Report.Title, []byte(raw))
		}
	}
}

// metricValues renders a metric's values as a list of strings: strings as
// they are, other values as their JSON text (null elements left out); a
// single value not in a list is a list of one, null is NULL.
func metricValues(v jsontext.Value) []string {
	text := func(e jsontext.Value) string {
		if e.Kind() == '"' {
			s, _ := unquote(e, nil)
			return string(s)
		}
		return string(validUTF8(e))
	}
	switch v.Kind() {
	case 'n', 0:
		return nil
	case '[':
	default:
		return []string{text(v)}
	}
	out := []string{}
	dec := jsontext.NewDecoder(bytes.NewReader(v), decodeOptions...)
	if _, err := dec.ReadToken(); err != nil {
		return out
	}
	for dec.PeekKind() != ']' {
		e, err := dec.ReadValue()
		if err != nil {
			break
		}
		if e.Kind() != 'n' {
			out = append(out, text(e))
		}
	}
	return out
}
