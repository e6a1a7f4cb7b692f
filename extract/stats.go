package extract

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// The stats streams (activity_aggregate, activity_daily, interaction_stats)
// share one filter: {"fromDate", "toDate"}, plain dates that Gong reads in
// the company's time zone, fromDate inclusive, toDate exclusive and never
// after the company's today. A window's dates are its UTC dates: fromDate
// the day of its start, toDate the day of its end, so only whole days that
// ended by the window's end are asked for (a window ending now stops at
// today, which is also Gong's rule), and toDate is clamped to today; a
// window that starts today or later fetches nothing: the stream's lookback
// reads it again once the days are over.

// statsPeriod is the dates of a unit of a stats stream.
type statsPeriod struct {
	from time.Time // fromDate
	to   time.Time // toDate, clamped to today
	end  time.Time // the day of the window's end, not clamped
}

// statsDates returns the dates of unit u at now, given the company's time
// zone (nil: unknown), and whether anything is left to fetch.
func statsDates(stream string, u Unit, now time.Time, loc *time.Location) (statsPeriod, bool, error) {
	if u.From.IsZero() || u.To.IsZero() {
		return statsPeriod{}, false, fmt.Errorf("%s: a unit needs a window (From and To): the stats endpoints require fromDate and toDate", stream)
	}
	p := statsPeriod{from: dayFloor(u.From), end: dayFloor(u.To)}
	p.to = p.end
	if today := gongToday(now, loc); today.Before(p.to) {
		p.to = today
	}
	return p, p.from.Before(p.to), nil
}

// statsRequest is the listing of a stats endpoint over p (paginated, cursor
// in the body).
func statsRequest(path, envelope string, p statsPeriod) Request {
	return Request{Method: "POST", Path: path, Envelope: envelope, Body: map[string]any{
		"filter": map[string]any{"fromDate": dateText(p.from), "toDate": dateText(p.to)},
	}}
}

// nowOr returns now(), or time.Now() when now is nil.
func nowOr(now func() time.Time) time.Time {
	if now == nil {
		return time.Now()
	}
	return now()
}

// ActivityAggregateStream is the activity_aggregate stream: POST
// /v2/stats/activity/aggregate (paginated, cursor in the body) into
// models.UserActivityAggregate, incrementally in calendar-month windows:
// one row per user with activity and period requested.
type ActivityAggregateStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
	// Location is the company's time zone (Gong's stats answers name it in
	// timeZone), which decides Gong's "today". nil, when it is not known,
	// takes the earliest date on Earth (UTC−12): toDate is then never after
	// the company's today, at the cost of reading the last day up to a day
	// later.
	Location *time.Location
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

var _ Stream = (*ActivityAggregateStream)(nil)

// Name returns "activity_aggregate".
func (s *ActivityAggregateStream) Name() string { return "activity_aggregate" }

// Tables returns models.UserActivityAggregate.
func (s *ActivityAggregateStream) Tables() []*models.Table {
	return []*models.Table{models.UserActivityAggregate}
}

// Mode returns Incremental.
func (s *ActivityAggregateStream) Mode() Mode { return Incremental }

// Window returns Month: calendar months.
func (s *ActivityAggregateStream) Window() WindowKind { return Month }

// DefaultWindow returns 0: month windows have no length to set.
func (s *ActivityAggregateStream) DefaultWindow() time.Duration { return 0 }

// Fetch lists the users' activity over the unit's dates (see statsDates):
// from_date and to_date are the dates requested, so the month in progress
// gets a new row each day. The listing is then declared complete on
// from_date over the window, which deletes the rows of earlier, shorter
// requests of the window and of users no longer active in it. The endpoint
// has no workspace filter: u.WorkspaceID does not apply.
func (s *ActivityAggregateStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	p, ok, err := statsDates(s.Name(), u, nowOr(s.Now), s.Location)
	if err != nil || !ok {
		return err
	}
	add := func(r *rowSet, a *models.UserAggregateActivity, raw jsontext.Value, at jsontext.Pointer) error {
		return appendAggregate(r, a, raw, at, p)
	}
	h := newRecordPage(ctx, orDefault(s.Mem), sink, s.Name(), add, models.UserActivityAggregate)
	defer h.release()
	if err := c.List(ctx, statsRequest("/v2/stats/activity/aggregate", "usersAggregateActivityStats", p), h); err != nil {
		return err
	}
	return sink.Complete(ctx, models.UserActivityAggregate, models.Range{Column: "from_date", From: p.from, To: p.end})
}

// appendAggregate appends one user's row: a column per counter of
// models.ActivityCounters (NULL when Gong does not send it).
func appendAggregate(r *rowSet, a *models.UserAggregateActivity, raw jsontext.Value, at jsontext.Pointer, p statsPeriod) error {
	id := string(a.UserID)
	if id == "" {
		return recordError("activity_aggregate", at, "it has no userId")
	}
	if !r.newKey(models.UserActivityAggregate, id) {
		return nil
	}
	vals := make([]any, 0, 5+len(models.ActivityCounters))
	vals = append(vals, id, p.from, p.to, a.UserEmailAddress)
	for _, name := range models.ActivityCounters {
		vals = append(vals, intOf(a.Stats[name]))
	}
	vals = append(vals, []byte(raw))
	r.builder(models.UserActivityAggregate).Append(vals...)
	return nil
}

// ActivityDailyStream is the activity_daily stream: POST
// /v2/stats/activity/day-by-day (paginated, cursor in the body) into
// models.UserActivityDaily and models.UserActivityDailyCalls, incrementally
// in day windows.
type ActivityDailyStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
	// Location is the company's time zone; see ActivityAggregateStream.
	Location *time.Location
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

var _ Stream = (*ActivityDailyStream)(nil)

// Name returns "activity_daily".
func (s *ActivityDailyStream) Name() string { return "activity_daily" }

// Tables returns models.UserActivityDaily and models.UserActivityDailyCalls.
func (s *ActivityDailyStream) Tables() []*models.Table {
	return []*models.Table{models.UserActivityDaily, models.UserActivityDailyCalls}
}

// Mode returns Incremental.
func (s *ActivityDailyStream) Mode() Mode { return Incremental }

// Window returns Day: calendar days.
func (s *ActivityDailyStream) Window() WindowKind { return Day }

// DefaultWindow returns 0: day windows have no length to set.
func (s *ActivityDailyStream) DefaultWindow() time.Duration { return 0 }

// Fetch lists the users' daily activity over the unit's dates (see
// statsDates). Each user-day gives a user_activity_daily row (day = the date
// of its fromDate as Gong writes it, in the company's time zone; a count
// per counter = the number of distinct call IDs in its list) and a
// user_activity_daily_calls row per call ID (activity = the counter's
// snake_case name; an array-valued member Gong adds later is kept there
// too). user_activity_daily_calls is scoped to the page's user-days, and the
// listing of user_activity_daily is declared complete on day over the dates
// requested, so a user no longer active on a day loses the day's rows.
func (s *ActivityDailyStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	p, ok, err := statsDates(s.Name(), u, nowOr(s.Now), s.Location)
	if err != nil || !ok {
		return err
	}
	h := newRecordPage(ctx, orDefault(s.Mem), sink, s.Name(), appendDaily, s.Tables()...)
	defer h.release()
	if err := c.List(ctx, statsRequest("/v2/stats/activity/day-by-day", "usersDetailedActivities", p), h); err != nil {
		return err
	}
	return sink.Complete(ctx, models.UserActivityDaily, models.Range{Column: "day", From: p.from, To: p.to})
}

// dailyRecord is one user's record of the day-by-day answer. The days are
// decoded member by member (parseDay) rather than as
// models.DailyActivity, so that a member Gong adds that is no list of call
// IDs is ignored instead of failing the page.
type dailyRecord struct {
	UserID           models.ID                   `json:"userId"`
	UserEmailAddress *string                     `json:"userEmailAddress"`
	Days             []map[string]jsontext.Value `json:"userDailyActivityStats"`
}

// activityDay is one day of a user, checked.
type activityDay struct {
	day    time.Time
	counts []*int64 // per models.ActivityCounters
	calls  []activityCalls
}

// activityCalls are the call IDs behind one counter.
type activityCalls struct {
	activity string // snake_case
	ids      []string
}

// appendDaily appends a user's rows: one per day (a day already staged by
// the unit is skipped with its calls).
func appendDaily(r *rowSet, rec *dailyRecord, raw jsontext.Value, at jsontext.Pointer) error {
	id := string(rec.UserID)
	if id == "" {
		return recordError("activity_daily", at, "it has no userId")
	}
	days := make([]activityDay, 0, len(rec.Days))
	for i, m := range rec.Days {
		if m == nil {
			continue
		}
		d, err := parseDay(m, at+jsontext.Pointer("/userDailyActivityStats/"+strconv.Itoa(i)))
		if err != nil {
			return err
		}
		days = append(days, d)
	}
	db := r.builder(models.UserActivityDaily)
	cb := r.builder(models.UserActivityDailyCalls)
	for _, d := range days {
		day := dateText(d.day)
		if !r.newKey(models.UserActivityDaily, id, day) {
			continue
		}
		vals := make([]any, 0, 4+len(d.counts))
		vals = append(vals, id, d.day, rec.UserEmailAddress)
		for _, n := range d.counts {
			vals = append(vals, n)
		}
		vals = append(vals, []byte(raw))
		db.Append(vals...)
		r.scope(id, d.day)
		for _, ac := range d.calls {
			for _, call := range ac.ids {
				if r.newKey(models.UserActivityDailyCalls, id, day, ac.activity, call) {
					cb.Append(id, d.day, ac.activity, call)
				}
			}
		}
	}
	return nil
}

// parseDay checks one day of a user (at is its JSON pointer): fromDate
// (whose date is the day) and each counter: a list of call IDs (strings or
// numbers), null (NULL count), or a bare count.
func parseDay(m map[string]jsontext.Value, at jsontext.Pointer) (activityDay, error) {
	const stream, field = "activity_daily", "userDailyActivityStats"
	d := activityDay{counts: make([]*int64, len(models.ActivityCounters))}
	v, ok := m["fromDate"]
	if !ok || v.Kind() == 'n' {
		return d, recordError(stream, at, "a day without fromDate (the day it counts)")
	}
	if v.Kind() != '"' {
		return d, fieldErrorf(stream, field+".fromDate", at+"/fromDate", "want a string, got %s", kindName(v.Kind()))
	}
	s, _ := unquote(v, nil)
	day, err := time.Parse(time.DateOnly, string(s[:min(len(s), len(time.DateOnly))]))
	if err != nil {
		return d, fieldErrorf(stream, field+".fromDate", at+"/fromDate", "%q does not start with a date (YYYY-MM-DD)", clip(string(s)))
	}
	d.day = day
	for i, name := range models.ActivityCounters {
		v, ok := m[name]
		if !ok {
			continue
		}
		where := at + jsontext.Pointer("/"+name)
		switch v.Kind() {
		case 'n':
		case '[':
			ids, n, err := callIDList(v)
			if err != nil {
				return d, fieldErrorf(stream, field+"."+name, where+jsontext.Pointer("/"+strconv.Itoa(n)), "%v", err)
			}
			count := int64(len(ids))
			d.counts[i] = &count
			if len(ids) > 0 {
				d.calls = append(d.calls, activityCalls{models.SnakeCase(name), ids})
			}
		case '0', '"':
			var text string
			if v.Kind() == '0' {
				text = string(v)
			} else {
				t, _ := unquote(v, nil)
				text = string(t)
			}
			count, ok := parseInt(text)
			if !ok {
				return d, fieldErrorf(stream, field+"."+name, where, "want a list of call IDs or a count, got %s", clip(string(v)))
			}
			d.counts[i] = &count
		default:
			return d, fieldErrorf(stream, field+"."+name, where, "want a list of call IDs, got %s", kindName(v.Kind()))
		}
	}
	// Array-valued members Gong may add: their call IDs are kept under
	// their snake_case name; anything else is left to _raw.
	var extra []string
	for name, v := range m {
		if v.Kind() == '[' && name != "fromDate" && name != "toDate" && !slices.Contains(models.ActivityCounters, name) {
			extra = append(extra, name)
		}
	}
	slices.Sort(extra)
	for _, name := range extra {
		if ids, _, err := callIDList(m[name]); err == nil && len(ids) > 0 {
			d.calls = append(d.calls, activityCalls{models.SnakeCase(name), ids})
		}
	}
	return d, nil
}

// callIDList reads a JSON array of call IDs (strings or integers; null
// elements skipped), each once. On error, n is the position of the bad
// element.
func callIDList(v jsontext.Value) (ids []string, n int, err error) {
	dec := jsontext.NewDecoder(bytes.NewReader(v), decodeOptions...)
	if _, err := dec.ReadToken(); err != nil {
		return nil, 0, err
	}
	ids = []string{}
	seen := map[string]bool{}
	var scratch []byte
	for n = 0; dec.PeekKind() != ']'; n++ {
		e, err := dec.ReadValue()
		if err != nil {
			return nil, n, err
		}
		id, null, grown, err := idText(e, scratch)
		scratch = grown
		if err != nil {
			return nil, n, err
		}
		if s := string(id); !null && s != "" && !seen[s] {
			seen[s] = true
			ids = append(ids, s)
		}
	}
	return ids, n, nil
}

// InteractionStatsStream is the interaction_stats stream: POST
// /v2/stats/interaction (paginated, cursor in the body) into
// models.UserInteractionStats, incrementally in calendar-month windows: one
// row per user, period requested and statistic.
type InteractionStatsStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
	// Location is the company's time zone; see ActivityAggregateStream.
	Location *time.Location
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

var _ Stream = (*InteractionStatsStream)(nil)

// Name returns "interaction_stats".
func (s *InteractionStatsStream) Name() string { return "interaction_stats" }

// Tables returns models.UserInteractionStats.
func (s *InteractionStatsStream) Tables() []*models.Table {
	return []*models.Table{models.UserInteractionStats}
}

// Mode returns Incremental.
func (s *InteractionStatsStream) Mode() Mode { return Incremental }

// Window returns Month: calendar months.
func (s *InteractionStatsStream) Window() WindowKind { return Month }

// DefaultWindow returns 0: month windows have no length to set.
func (s *InteractionStatsStream) DefaultWindow() time.Duration { return 0 }

// Fetch lists the users' interaction statistics over the unit's dates (see
// statsDates); a value is a double whether Gong sends an integer or not.
// As for activity_aggregate, the listing is declared complete on from_date
// over the window, so the rows of earlier, shorter requests of the month in
// progress are replaced rather than kept beside the new ones.
func (s *InteractionStatsStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	p, ok, err := statsDates(s.Name(), u, nowOr(s.Now), s.Location)
	if err != nil || !ok {
		return err
	}
	add := func(r *rowSet, rec *models.UserInteractionStatsRecord, raw jsontext.Value, at jsontext.Pointer) error {
		return appendInteraction(r, rec, raw, at, p)
	}
	h := newRecordPage(ctx, orDefault(s.Mem), sink, s.Name(), add, models.UserInteractionStats)
	defer h.release()
	if err := c.List(ctx, statsRequest("/v2/stats/interaction", "peopleInteractionStats", p), h); err != nil {
		return err
	}
	return sink.Complete(ctx, models.UserInteractionStats, models.Range{Column: "from_date", From: p.from, To: p.end})
}

// appendInteraction appends a row per statistic of one user (a statistic
// without a name has no key and is left out; a name given twice keeps its
// first value). _raw is the user's record.
func appendInteraction(r *rowSet, rec *models.UserInteractionStatsRecord, raw jsontext.Value, at jsontext.Pointer, p statsPeriod) error {
	id := string(rec.UserID)
	if id == "" {
		return recordError("interaction_stats", at, "it has no userId")
	}
	if !r.newKey(models.UserInteractionStats, id) {
		return nil
	}
	b := r.builder(models.UserInteractionStats)
	names := map[string]bool{}
	for _, st := range rec.Stats {
		if st.Name == "" || names[st.Name] {
			continue
		}
		names[st.Name] = true
		b.Append(id, p.from, p.to, st.Name, st.Value, rec.UserEmailAddress, []byte(raw))
	}
	return nil
}
