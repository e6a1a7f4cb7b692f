package extract

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

func TestStatsDates(t *testing.T) {
	d := func(s string) time.Time { return dt(s) }
	at := func(s string) time.Time { return ts(s) }
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tokyo := time.FixedZone("JST", 9*3600)
	tests := map[string]struct {
		u        Unit
		now      time.Time
		loc      *time.Location
		want     statsPeriod
		wantOK   bool
		wantErrs bool
	}{
		"past month": {Unit{From: d("2026-03-01"), To: d("2026-04-01")}, at("2026-05-10T15:00:00Z"), nil,
			statsPeriod{d("2026-03-01"), d("2026-04-01"), d("2026-04-01")}, true, false},
		"month in progress, company in New York": {Unit{From: d("2026-05-01"), To: d("2026-06-01")}, at("2026-05-10T15:00:00Z"), ny,
			statsPeriod{d("2026-05-01"), d("2026-05-10"), d("2026-06-01")}, true, false},
		"New York evening: still the 9th there": {Unit{From: d("2026-05-01"), To: d("2026-06-01")}, at("2026-05-10T02:00:00Z"), ny,
			statsPeriod{d("2026-05-01"), d("2026-05-09"), d("2026-06-01")}, true, false},
		"Tokyo morning: already the 11th there": {Unit{From: d("2026-05-01"), To: d("2026-06-01")}, at("2026-05-10T20:00:00Z"), tokyo,
			statsPeriod{d("2026-05-01"), d("2026-05-11"), d("2026-06-01")}, true, false},
		"unknown zone: the earliest date on Earth": {Unit{From: d("2026-05-01"), To: d("2026-06-01")}, at("2026-05-10T11:59:59Z"), nil,
			statsPeriod{d("2026-05-01"), d("2026-05-09"), d("2026-06-01")}, true, false},
		"unknown zone at noon UTC": {Unit{From: d("2026-05-01"), To: d("2026-06-01")}, at("2026-05-10T12:00:00Z"), nil,
			statsPeriod{d("2026-05-01"), d("2026-05-10"), d("2026-06-01")}, true, false},
		"day starting today": {Unit{From: d("2026-05-10"), To: d("2026-05-11")}, at("2026-05-10T23:00:00Z"), time.UTC,
			statsPeriod{d("2026-05-10"), d("2026-05-10"), d("2026-05-11")}, false, false},
		"future": {Unit{From: d("2026-06-01"), To: d("2026-07-01")}, at("2026-05-10T23:00:00Z"), time.UTC,
			statsPeriod{d("2026-06-01"), d("2026-05-10"), d("2026-07-01")}, false, false},
		"only whole days that ended by the window's end": {Unit{From: at("2026-03-01T06:00:00Z"), To: at("2026-03-03T06:00:00+02:00")}, at("2027-01-01T00:00:00Z"), nil,
			statsPeriod{d("2026-03-01"), d("2026-03-03"), d("2026-03-03")}, true, false},
		"a window ending now stops at today": {Unit{From: d("2026-05-01"), To: at("2026-05-10T15:00:00Z")}, at("2026-05-10T15:00:00Z"), time.UTC,
			statsPeriod{d("2026-05-01"), d("2026-05-10"), d("2026-05-10")}, true, false},
		"no window": {Unit{}, at("2026-05-10T12:00:00Z"), nil, statsPeriod{}, false, true},
	}
	for name, tc := range tests {
		p, ok, err := statsDates("s", tc.u, tc.now, tc.loc)
		if (err != nil) != tc.wantErrs || ok != tc.wantOK || p != tc.want {
			t.Errorf("%s: statsDates = %v, %v, %v; want %v, %v, error %v", name, p, ok, err, tc.want, tc.wantOK, tc.wantErrs)
		}
	}
}

// withCounters sets the activity count columns of a row: NULL unless set
// (by JSON name).
func withCounters(r row, set map[string]int64) row {
	for _, name := range models.ActivityCounters {
		r[models.SnakeCase(name)] = nil
		if v, ok := set[name]; ok {
			r[models.SnakeCase(name)] = v
		}
	}
	return r
}

// fixedNow returns a clock stopped at s.
func fixedNow(s string) func() time.Time { return func() time.Time { return ts(s) } }

func TestActivityAggregateStream(t *testing.T) {
	page1, page2 := gongFile(t, "stats-activity-aggregate-page1.json"), gongFile(t, "stats-activity-aggregate-page2.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "POST" || req.Path != "/v2/stats/activity/aggregate" {
			t.Errorf("request %s %s", req.Method, req.Path)
		}
		if n == 0 {
			writeJSON(w, 200, page1)
		} else {
			writeJSON(w, 200, page2)
		}
	})
	s := &ActivityAggregateStream{Mem: checkedMem(t), Location: time.UTC, Now: fixedNow("2026-03-15T12:00:00Z")}
	sink := newRowSink(t)
	u := Unit{From: dt("2026-03-01"), To: dt("2026-04-01")}
	if err := s.Fetch(context.Background(), srv.client(t), u, sink); err != nil {
		t.Fatal(err)
	}
	reqs := srv.reqs()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	// toDate is clamped to today.
	filter := map[string]any{"fromDate": "2026-03-01", "toDate": "2026-03-15"}
	if want := (map[string]any{"filter": filter}); !reflect.DeepEqual(reqs[0].Body, want) {
		t.Errorf("first body %v, want %v", reqs[0].Body, want)
	}
	want2 := map[string]any{"filter": filter, "cursor": "eyJhbGciOiJIUzI1NiJ9.eyJwYWdlU2l6ZSI6MiwidG90YWwiOjMsInBhZ2VOdW1iZXIiOjB9.YWdncmVnYXRl"}
	if !reflect.DeepEqual(reqs[1].Body, want2) {
		t.Errorf("second body %v, want %v", reqs[1].Body, want2)
	}
	raws := append(envelopeRecords(t, page1, "usersAggregateActivityStats"), envelopeRecords(t, page2, "usersAggregateActivityStats")...)
	from, to := dt("2026-03-01"), dt("2026-03-15")
	want := []row{
		{"user_id": userAda, "from_date": from, "to_date": to, "user_email_address": "ada@example.com",
			"calls_as_host": int64(12), "calls_gave_feedback": int64(1), "calls_requested_feedback": int64(0),
			"calls_received_feedback": int64(2), "own_calls_listened_to": int64(3), "others_calls_listened_to": int64(4),
			"calls_shared_internally": int64(5), "calls_shared_externally": int64(6), "calls_scorecards_filled": int64(7),
			"calls_scorecards_received": int64(8), "calls_attended": int64(20), "calls_comments_given": int64(9),
			"calls_comments_received": int64(10), "calls_marked_as_feedback_given": int64(11),
			"calls_marked_as_feedback_received": int64(13), "_raw": raws[0]},
		withCounters(row{"user_id": userGrace, "from_date": from, "to_date": to, "user_email_address": nil, "_raw": raws[1]},
			map[string]int64{"callsAsHost": 3, "callsCommentsGiven": 2}),
		withCounters(row{"user_id": userLinus, "from_date": from, "to_date": to, "user_email_address": "linus@example.com", "_raw": raws[2]}, nil),
	}
	if d := diffRows(want, sink.rows["user_activity_aggregate"]); d != "" {
		t.Errorf("user_activity_aggregate rows:\n%s", d)
	}
	checkCompletes(t, sink, "user_activity_aggregate from_date [2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z)")
}

// A window that starts on Gong's today or later fetches nothing and
// declares nothing; "No stats found" is an empty, complete window.
func TestStatsTodayAndNotFound(t *testing.T) {
	now := fixedNow("2026-03-15T12:00:00Z")
	streams := func() []Stream {
		return []Stream{
			&ActivityAggregateStream{Location: time.UTC, Now: now},
			&ActivityDailyStream{Location: time.UTC, Now: now},
			&InteractionStatsStream{Location: time.UTC, Now: now},
		}
	}
	for _, s := range streams() {
		srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 500, gongError("no")) })
		sink := newRowSink(t)
		if err := s.Fetch(context.Background(), srv.client(t), Unit{From: dt("2026-03-15"), To: dt("2026-04-01")}, sink); err != nil {
			t.Errorf("%s: %v", s.Name(), err)
		}
		if len(srv.reqs()) != 0 || len(sink.completes) != 0 {
			t.Errorf("%s: %d requests, completes %v for a window starting today", s.Name(), len(srv.reqs()), sink.completes)
		}
		if err := s.Fetch(context.Background(), srv.client(t), Unit{}, sink); err == nil || !strings.Contains(err.Error(), "needs a window") {
			t.Errorf("%s: a unit without window: %v", s.Name(), err)
		}
	}
	wantComplete := map[string]string{
		"activity_aggregate": "user_activity_aggregate from_date [2026-03-01T00:00:00Z, 2026-03-02T00:00:00Z)",
		"activity_daily":     "user_activity_daily day [2026-03-01T00:00:00Z, 2026-03-02T00:00:00Z)",
		"interaction_stats":  "user_interaction_stats from_date [2026-03-01T00:00:00Z, 2026-03-02T00:00:00Z)",
	}
	for _, s := range streams() {
		srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
			writeJSON(w, 404, gongError("No stats found for the specified period"))
		})
		sink := newRowSink(t)
		if err := s.Fetch(context.Background(), srv.client(t), Unit{From: dt("2026-03-01"), To: dt("2026-03-02")}, sink); err != nil {
			t.Errorf("%s: %v", s.Name(), err)
		}
		if len(sink.rows) != 0 {
			t.Errorf("%s: rows %v", s.Name(), sink.rows)
		}
		checkCompletes(t, sink, wantComplete[s.Name()])
	}
}

func TestActivityDailyStream(t *testing.T) {
	body := gongFile(t, "stats-activity-day-by-day.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "POST" || req.Path != "/v2/stats/activity/day-by-day" {
			t.Errorf("request %s %s", req.Method, req.Path)
		}
		writeJSON(w, 200, body)
	})
	s := &ActivityDailyStream{Mem: checkedMem(t), Now: fixedNow("2026-03-10T00:00:00Z")}
	sink := newRowSink(t)
	if err := s.Fetch(context.Background(), srv.client(t), Unit{From: dt("2026-03-01"), To: dt("2026-03-02")}, sink); err != nil {
		t.Fatal(err)
	}
	reqs := srv.reqs()
	if want := (map[string]any{"filter": map[string]any{"fromDate": "2026-03-01", "toDate": "2026-03-02"}}); len(reqs) != 1 || !reflect.DeepEqual(reqs[0].Body, want) {
		t.Errorf("requests %v, want one with body %v", reqs, want)
	}
	raws := envelopeRecords(t, body, "usersDetailedActivities")
	// fromDate 2026-03-01T00:00:00+09:00 is Feb 28 in UTC: the day is the
	// date as written.
	day := dt("2026-03-01")
	zero := map[string]int64{}
	for _, name := range models.ActivityCounters {
		zero[name] = 0
	}
	zero["callsAsHost"], zero["othersCallsListenedTo"], zero["callsAttended"] = 2, 1, 3
	want := []row{
		withCounters(row{"user_id": userAda, "day": day, "user_email_address": "ada@example.com", "_raw": raws[0]}, zero),
		withCounters(row{"user_id": userGrace, "day": day, "user_email_address": nil, "_raw": raws[1]},
			map[string]int64{"callsAttended": 1}),
	}
	if d := diffRows(want, sink.rows["user_activity_daily"]); d != "" {
		t.Errorf("user_activity_daily rows:\n%s", d)
	}
	call := func(user, activity, id string) row {
		return row{"user_id": user, "day": day, "activity": activity, "call_id": id}
	}
	wantCalls := []row{
		call(userAda, "calls_as_host", "7782342274025937895"),
		call(userAda, "calls_as_host", "1234567890987654321"),
		call(userAda, "others_calls_listened_to", "9007199254740993"),
		call(userAda, "calls_attended", "7782342274025937895"),
		call(userAda, "calls_attended", "1234567890987654321"),
		call(userAda, "calls_attended", "1111111111111111111"),
		call(userGrace, "calls_attended", "2222222222222222222"), // once, as a string and a number; null left out
		call(userGrace, "calls_coached_live", "3333333333333333333"),
	}
	if d := diffRows(wantCalls, sink.rows["user_activity_daily_calls"]); d != "" {
		t.Errorf("user_activity_daily_calls rows:\n%s", d)
	}
	checkScopes(t, sink, "user_activity_daily_calls", userAda+"|2026-03-01", userGrace+"|2026-03-01")
	checkCompletes(t, sink, "user_activity_daily day [2026-03-01T00:00:00Z, 2026-03-02T00:00:00Z)")
}

func TestActivityDailyWrongTypes(t *testing.T) {
	day := func(members string) string {
		return `{"usersDetailedActivities":[{"userId":"1","userDailyActivityStats":[{"fromDate":"2026-03-01T00:00:00-08:00"},{` + members + `}]}]}`
	}
	tests := map[string]struct{ body, want string }{
		"counter string": {day(`"fromDate":"2026-03-01","callsAsHost":"many"`),
			"activity_daily: field userDailyActivityStats.callsAsHost at /usersDetailedActivities/0/userDailyActivityStats/1/callsAsHost: want a list of call IDs or a count"},
		"counter object": {day(`"fromDate":"2026-03-01","callsAttended":{"ids":[]}`),
			"activity_daily: field userDailyActivityStats.callsAttended at /usersDetailedActivities/0/userDailyActivityStats/1/callsAttended: want a list of call IDs, got an object"},
		"call ID": {day(`"fromDate":"2026-03-01","callsAttended":["1",{"id":2}]`),
			"activity_daily: field userDailyActivityStats.callsAttended at /usersDetailedActivities/0/userDailyActivityStats/1/callsAttended/1: want a string or a number (an ID), got an object"},
		"no fromDate": {day(`"callsAttended":[]`),
			"activity_daily: record at /usersDetailedActivities/0/userDailyActivityStats/1: a day without fromDate"},
		"fromDate number": {day(`"fromDate":20260301`),
			"activity_daily: field userDailyActivityStats.fromDate at /usersDetailedActivities/0/userDailyActivityStats/1/fromDate: want a string, got a number"},
		"fromDate text": {day(`"fromDate":"yesterday"`),
			`activity_daily: field userDailyActivityStats.fromDate at /usersDetailedActivities/0/userDailyActivityStats/1/fromDate: "yesterday" does not start with a date`},
		"days object": {`{"usersDetailedActivities":[{"userId":"1","userDailyActivityStats":{}}]}`,
			"activity_daily: field userDailyActivityStats at /usersDetailedActivities/0/userDailyActivityStats: want an array, got an object"},
		"no user": {`{"usersDetailedActivities":[{"userDailyActivityStats":[]}]}`,
			"activity_daily: record at /usersDetailedActivities/0: it has no userId"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 200, []byte(tc.body)) })
			sink := newRowSink(t)
			s := &ActivityDailyStream{Mem: checkedMem(t), Now: fixedNow("2026-04-01T00:00:00Z")}
			err := s.Fetch(context.Background(), srv.client(t), Unit{From: dt("2026-03-01"), To: dt("2026-03-02")}, sink)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant one containing %q", err, tc.want)
			}
			if len(sink.rows) != 0 || len(sink.completes) != 0 {
				t.Errorf("a failed page sent rows %v, completes %v", sink.rows, sink.completes)
			}
		})
	}
}

// Lenient day members: a bare count, null, members Gong may add.
func TestActivityDailyLenient(t *testing.T) {
	body := `{"usersDetailedActivities":[{"userId":7,"userDailyActivityStats":[
		{"fromDate":"2026-03-01","toDate":"2026-03-02","callsAsHost":4,"callsAttended":"2","callsShared":null,"timeZone":"UTC",
		 "callsNew":["x",{"not":"an id"}],"callsMarkedAsFeedbackGiven":null}]}]}`
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 200, []byte(body)) })
	sink := newRowSink(t)
	s := &ActivityDailyStream{Mem: checkedMem(t), Now: fixedNow("2026-04-01T00:00:00Z")}
	if err := s.Fetch(context.Background(), srv.client(t), Unit{From: dt("2026-03-01"), To: dt("2026-03-02")}, sink); err != nil {
		t.Fatal(err)
	}
	got := sink.rows["user_activity_daily"]
	if len(got) != 1 || got[0]["calls_as_host"] != int64(4) || got[0]["calls_attended"] != int64(2) || got[0]["calls_marked_as_feedback_given"] != nil {
		t.Errorf("rows %v", got)
	}
	if n := len(sink.rows["user_activity_daily_calls"]); n != 0 {
		t.Errorf("%d call rows, want none", n)
	}
	checkScopes(t, sink, "user_activity_daily_calls", "7|2026-03-01")
}

func TestInteractionStatsStream(t *testing.T) {
	body := gongFile(t, "stats-interaction.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "POST" || req.Path != "/v2/stats/interaction" {
			t.Errorf("request %s %s", req.Method, req.Path)
		}
		writeJSON(w, 200, body)
	})
	// Without a company time zone, Gong's today is taken as the earliest
	// date on Earth: 2026-04-01 at 13:00 UTC.
	s := &InteractionStatsStream{Mem: checkedMem(t), Now: fixedNow("2026-04-02T01:00:00Z")}
	sink := newRowSink(t)
	if err := s.Fetch(context.Background(), srv.client(t), Unit{From: dt("2026-03-01"), To: dt("2026-04-01")}, sink); err != nil {
		t.Fatal(err)
	}
	reqs := srv.reqs()
	if want := (map[string]any{"filter": map[string]any{"fromDate": "2026-03-01", "toDate": "2026-04-01"}}); len(reqs) != 1 || !reflect.DeepEqual(reqs[0].Body, want) {
		t.Errorf("requests %v, want one with body %v", reqs, want)
	}
	raws := envelopeRecords(t, body, "peopleInteractionStats")
	from, to := dt("2026-03-01"), dt("2026-04-01")
	stat := func(user string, email any, name string, value any, raw string) row {
		return row{"user_id": user, "from_date": from, "to_date": to, "name": name, "value": value,
			"user_email_address": email, "_raw": raw}
	}
	want := []row{ // integers and strings become doubles; a name given twice keeps its first value
		stat(userAda, "ada@example.com", "Longest Monologue", 125.0, raws[0]),
		stat(userAda, "ada@example.com", "Interactivity", 6.2, raws[0]),
		stat(userAda, "ada@example.com", "Patience", 0.92, raws[0]),
		stat(userAda, "ada@example.com", "Question Rate", 14.5, raws[0]),
		stat(userAda, "ada@example.com", "Talk Ratio", nil, raws[0]),
		stat(userGrace, nil, "Longest Customer Story", 80.0, raws[1]),
	}
	if d := diffRows(want, sink.rows["user_interaction_stats"]); d != "" {
		t.Errorf("user_interaction_stats rows:\n%s", d)
	}
	checkCompletes(t, sink, "user_interaction_stats from_date [2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z)")
}

// A user that comes again on a later page is staged once.
func TestStatsUserOnTwoPages(t *testing.T) {
	page := func(cursor string) []byte {
		c := ""
		if cursor != "" {
			c = `,"cursor":"` + cursor + `"`
		}
		return []byte(`{"records":{"totalRecords":2` + c + `},"peopleInteractionStats":[{"userId":"1","personInteractionStats":[{"name":"Patience","value":1}]}]}`)
	}
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if n == 0 {
			writeJSON(w, 200, page("c1"))
		} else {
			writeJSON(w, 200, page(""))
		}
	})
	sink := newRowSink(t)
	s := &InteractionStatsStream{Mem: checkedMem(t), Now: fixedNow("2027-01-01T00:00:00Z")}
	if err := s.Fetch(context.Background(), srv.client(t), Unit{From: dt("2026-03-01"), To: dt("2026-04-01")}, sink); err != nil {
		t.Fatal(err)
	}
	if n := len(sink.rows["user_interaction_stats"]); n != 1 || len(srv.reqs()) != 2 {
		t.Errorf("%d rows from %d requests, want 1 from 2", n, len(srv.reqs()))
	}
}

func TestStatsWrongTypes(t *testing.T) {
	now := fixedNow("2027-01-01T00:00:00Z")
	tests := map[string]struct {
		stream Stream
		body   string
		want   string
	}{
		"aggregate counter": {&ActivityAggregateStream{Now: now},
			`{"usersAggregateActivityStats":[{"userId":"1","userAggregateActivityStats":{"callsAsHost":[1,2]}}]}`,
			"activity_aggregate: field userAggregateActivityStats.callsAsHost at /usersAggregateActivityStats/0/userAggregateActivityStats/callsAsHost: got an array"},
		"aggregate no user": {&ActivityAggregateStream{Now: now}, `{"usersAggregateActivityStats":[{"userId":""}]}`,
			"activity_aggregate: record at /usersAggregateActivityStats/0: it has no userId"},
		"interaction value": {&InteractionStatsStream{Now: now},
			`{"peopleInteractionStats":[{"userId":"1","personInteractionStats":[{"name":"Patience","value":{"v":1}}]}]}`,
			"interaction_stats: field personInteractionStats.value at /peopleInteractionStats/0/personInteractionStats/0/value: got an object"},
		"interaction name": {&InteractionStatsStream{Now: now},
			`{"peopleInteractionStats":[{"userId":"1","personInteractionStats":[{"name":5}]}]}`,
			"interaction_stats: field personInteractionStats.name at /peopleInteractionStats/0/personInteractionStats/0/name: want a string, got a number"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 200, []byte(tc.body)) })
			sink := newRowSink(t)
			err := tc.stream.Fetch(context.Background(), srv.client(t), Unit{From: dt("2026-03-01"), To: dt("2026-04-01")}, sink)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant one containing %q", err, tc.want)
			}
			if len(sink.rows) != 0 || len(sink.completes) != 0 {
				t.Errorf("a failed page sent rows %v, completes %v", sink.rows, sink.completes)
			}
		})
	}
}

var fuzzPeriod = statsPeriod{from: dt("2026-03-01"), to: dt("2026-03-15"), end: dt("2026-04-01")}

// FuzzAggregateActivityPage decodes arbitrary /v2/stats/activity/aggregate
// answers.
func FuzzAggregateActivityPage(f *testing.F) {
	f.Add(gongFile(f, "stats-activity-aggregate-page1.json"))
	f.Add(gongFile(f, "stats-activity-aggregate-page2.json"))
	f.Fuzz(func(t *testing.T, page []byte) {
		add := func(r *rowSet, a *models.UserAggregateActivity, raw jsontext.Value, at jsontext.Pointer) error {
			return appendAggregate(r, a, raw, at, fuzzPeriod)
		}
		fuzzRecordPage(t, page, "usersAggregateActivityStats", "activity_aggregate", add, models.UserActivityAggregate)
	})
}

// FuzzDailyActivityPage decodes arbitrary /v2/stats/activity/day-by-day
// answers.
func FuzzDailyActivityPage(f *testing.F) {
	f.Add(gongFile(f, "stats-activity-day-by-day.json"))
	f.Fuzz(func(t *testing.T, page []byte) {
		fuzzRecordPage(t, page, "usersDetailedActivities", "activity_daily", appendDaily,
			models.UserActivityDaily, models.UserActivityDailyCalls)
	})
}

// FuzzInteractionStatsPage decodes arbitrary /v2/stats/interaction answers.
func FuzzInteractionStatsPage(f *testing.F) {
	f.Add(gongFile(f, "stats-interaction.json"))
	f.Fuzz(func(t *testing.T, page []byte) {
		add := func(r *rowSet, rec *models.UserInteractionStatsRecord, raw jsontext.Value, at jsontext.Pointer) error {
			return appendInteraction(r, rec, raw, at, fuzzPeriod)
		}
		fuzzRecordPage(t, page, "peopleInteractionStats", "interaction_stats", add, models.UserInteractionStats)
	})
}
