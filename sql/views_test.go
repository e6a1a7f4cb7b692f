package sql

// The tests of the analysis views run them on a real in-memory DuckDB whose
// tables are made from models.All(), the tables every gongload destination
// has. This file is the only one of the package that links DuckDB, so the
// package keeps one cgo test binary.

import (
	"context"
	dbsql "database/sql"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/models"
)

// openWarehouse opens an in-memory DuckDB with every table of models.All(),
// empty, with their meta columns, the way a loader creates them.
func openWarehouse(t *testing.T) *dbsql.DB {
	t.Helper()
	db, err := dbsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one in-memory database, one connection
	t.Cleanup(func() { db.Close() })
	for _, tbl := range models.All() {
		var cols []string
		for _, c := range tbl.AllColumns() {
			typ, err := DuckType(c.Type)
			if err != nil {
				t.Fatalf("%s.%s: %v", tbl.Name, c.Name, err)
			}
			cols = append(cols, Ident(c.Name)+" "+typ)
		}
		exec(t, db, "CREATE TABLE "+Ident(tbl.Name)+" ("+strings.Join(cols, ", ")+")")
	}
	return db
}

// createViews creates every view, in the order of Views.
func createViews(t *testing.T, db *dbsql.DB) {
	t.Helper()
	for _, v := range Views() {
		if _, err := db.ExecContext(context.Background(), v.SQL); err != nil {
			t.Fatalf("create view %s: %v", v.Name, err)
		}
	}
}

// fixtureWarehouse is openWarehouse with testdata/views_fixture.sql loaded
// and the views created.
func fixtureWarehouse(t *testing.T) *dbsql.DB {
	t.Helper()
	db := openWarehouse(t)
	b, err := os.ReadFile("testdata/views_fixture.sql")
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db, string(b))
	createViews(t, db)
	return db
}

func exec(t *testing.T, db *dbsql.DB, q string) {
	t.Helper()
	if _, err := db.ExecContext(context.Background(), q); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
}

// row is one result row by column name.
type row map[string]any

// query runs q and returns its rows and column names, in order.
func query(t *testing.T, db *dbsql.DB, q string) ([]row, []string) {
	t.Helper()
	rs, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []row
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := row{}
		for i, c := range cols {
			r[c] = vals[i]
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return out, cols
}

// checkView selects every column of the view in the view's own order and
// compares the rows, and the column names and their order, with want.
func checkView(t *testing.T, db *dbsql.DB, view string, wantCols []string, want []row) {
	t.Helper()
	got, cols := query(t, db, "SELECT * FROM "+Ident(view))
	if diff := cmp.Diff(wantCols, cols); diff != "" {
		t.Errorf("%s columns (-want +got):\n%s", view, diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s rows (-want +got):\n%s", view, diff)
	}
}

// at parses an RFC 3339 time; day parses a date as DuckDB returns a DATE.
func at(s string) time.Time {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return v
}

func day(s string) time.Time { return at(s + "T00:00:00Z") }

// list is a DuckDB list as the driver scans it.
func list(s ...any) []any {
	if s == nil {
		return []any{}
	}
	return s
}

func TestViewFiles(t *testing.T) {
	vs := Views()
	var names []string
	for _, v := range vs {
		names = append(names, v.Name)
		if v.Doc == "" || strings.Contains(v.Doc, "\n") {
			t.Errorf("%s: Doc %q is not one line", v.Name, v.Doc)
		}
		if !strings.HasPrefix(v.SQL, "-- "+v.Name+": ") {
			t.Errorf("%s: SQL does not start with its header", v.Name)
		}
	}
	want := []string{"call_facts", "scorecard_answers_labeled", "tracker_mentions",
		"transcript_labeled", "user_activity_daily_long"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("Views() names (-want +got):\n%s", diff)
	}
	vs[0].Name = "changed"
	if Views()[0].Name == "changed" {
		t.Error("Views returns the package's own slice")
	}
}

func TestParseView(t *testing.T) {
	good := "-- v: a view\nCREATE OR REPLACE VIEW v AS\nSELECT 1;\n"
	v, err := parseView("v", good)
	if err != nil || v.Name != "v" || v.Doc != "a view" || v.SQL != good {
		t.Errorf("parseView = %+v, %v", v, err)
	}
	for _, bad := range []string{
		"CREATE OR REPLACE VIEW v AS\nSELECT 1;",              // no header
		"-- w: a view\nCREATE OR REPLACE VIEW v AS\nSELECT 1", // header of another name
		"-- v:\nCREATE OR REPLACE VIEW v AS\nSELECT 1",        // no description
		"-- v: a view\nCREATE OR REPLACE VIEW w AS\nSELECT 1", // creates another view
		"-- v: a view\nCREATE VIEW v AS\nSELECT 1",            // not OR REPLACE
	} {
		if _, err := parseView("v", bad); err == nil {
			t.Errorf("parseView accepted %q", bad)
		}
	}
}

func TestOrderViews(t *testing.T) {
	mk := func(name, body string) View {
		return View{Name: name, SQL: "-- " + name + ": mentions a_base in a comment\n" + body}
	}
	got, err := orderViews([]View{
		mk("a_top", "SELECT * FROM b_mid JOIN c_base USING (id)"),
		mk("b_mid", "SELECT * FROM c_base -- not a_top\n"),
		mk("c_base", "SELECT * FROM calls"),
		mk("a_base", "SELECT * FROM users"),
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range got {
		names = append(names, v.Name)
	}
	if diff := cmp.Diff([]string{"a_base", "c_base", "b_mid", "a_top"}, names); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if _, err := orderViews([]View{mk("x", "SELECT * FROM y"), mk("y", "SELECT * FROM x")}); err == nil {
		t.Error("a cycle was ordered")
	}
}

// TestViewsOnEmptyTables creates every view on the empty tables of a new
// destination: each one binds and returns no rows.
func TestViewsOnEmptyTables(t *testing.T) {
	db := openWarehouse(t)
	createViews(t, db)
	for _, v := range Views() {
		var n int64
		if err := db.QueryRow("SELECT count(*) FROM " + Ident(v.Name)).Scan(&n); err != nil {
			t.Errorf("%s: %v", v.Name, err)
		} else if n != 0 {
			t.Errorf("%s: %d rows on empty tables", v.Name, n)
		}
	}
	// creating them again replaces them
	createViews(t, db)
}

// TestViewsUseOnlyModelTables checks that each view reads only tables of
// models.All() and views created before it (a table a destination may lack
// would break apply).
func TestViewsUseOnlyModelTables(t *testing.T) {
	known := map[string]bool{}
	for _, tbl := range models.All() {
		known[tbl.Name] = true
	}
	for _, v := range Views() {
		body := lineComment.ReplaceAllString(v.SQL, "")
		ctes := map[string]bool{}
		for _, m := range regexp.MustCompile(`(?i)\b([a-z_][a-z0-9_]*)\s+AS\s*\(`).FindAllStringSubmatch(body, -1) {
			ctes[m[1]] = true
		}
		for _, name := range relations(v.SQL) {
			if !known[name] && !ctes[name] {
				t.Errorf("%s reads %s, which is neither a table, an earlier view nor one of its CTEs", v.Name, name)
			}
		}
		known[v.Name] = true
	}
}

func TestTranscriptLabeled(t *testing.T) {
	db := fixtureWarehouse(t)
	started := at("2025-03-03T10:00:00Z")
	ann := row{"party_id": "p1", "party_name": "Ann Lee", "party_email_address": "ann@acme.test",
		"party_title": "AE", "affiliation": "Internal", "user_id": "u1", "user_name": "Ann Lee",
		"user_email_address": "ann@acme.test", "user_title": "Account Executive", "speaker": "Ann Lee"}
	// s3 is two parties (p3, p5): the first by party_id labels the sentence,
	// which appears once.
	eve := row{"party_id": "p3", "party_name": "Eve Buyer", "party_email_address": "eve@beta.test",
		"party_title": "CFO", "affiliation": "External", "user_id": nil, "user_name": nil,
		"user_email_address": nil, "user_title": nil, "speaker": "Eve Buyer"}
	// s9 matches no party: NULL labels, the speaker_id as display label.
	nobody := row{"party_id": nil, "party_name": nil, "party_email_address": nil,
		"party_title": nil, "affiliation": nil, "user_id": nil, "user_name": nil,
		"user_email_address": nil, "user_title": nil, "speaker": "s9"}
	// Bob's party has no email or title: the user's are separate columns.
	bob := row{"party_id": "p2", "party_name": "Bob S.", "party_email_address": nil,
		"party_title": nil, "affiliation": "Internal", "user_id": "u2", "user_name": "Bob Stone",
		"user_email_address": "bob@acme.test", "user_title": "Sales Engineer", "speaker": "Bob S."}
	sentence := func(i int32, speakerID string, who row, topic any, from, to int64, text string) row {
		r := row{"call_id": "c1", "call_title": "Acme discovery", "call_started": started,
			"sentence_index": i, "monologue_index": i, "speaker_id": speakerID, "topic": topic,
			"start_ms": from, "end_ms": to, "duration_ms": to - from,
			"sentence_time": started.Add(time.Duration(from) * time.Millisecond), "text": text}
		for k, v := range who {
			r[k] = v
		}
		return r
	}
	checkView(t, db, "transcript_labeled",
		[]string{"call_id", "call_title", "call_started", "sentence_index", "monologue_index",
			"speaker_id", "speaker", "party_id", "party_name", "party_email_address", "party_title",
			"affiliation", "user_id", "user_name", "user_email_address", "user_title", "topic",
			"start_ms", "end_ms", "duration_ms", "sentence_time", "text"},
		[]row{
			sentence(0, "s1", ann, "Intro", 0, 4000, "Hi all."),
			sentence(1, "s3", eve, "Intro", 4500, 9000, "Hello."),
			sentence(2, "s1", ann, "Pricing", 10000, 15500, "Let's talk price."),
			sentence(3, "s9", nobody, nil, 16000, 17000, "Who is this?"),
			sentence(4, "s2", bob, "Pricing", 17500, 20000, "Bob here."),
		})
	if got := rowAt(t, db, "SELECT sentence_time FROM transcript_labeled WHERE sentence_index = 4"); !got.(time.Time).Equal(at("2025-03-03T10:00:17.5Z")) {
		t.Errorf("sentence_time of sentence 4 = %v", got)
	}
}

// rowAt returns the single value q selects.
func rowAt(t *testing.T, db *dbsql.DB, q string) any {
	t.Helper()
	var v any
	if err := db.QueryRow(q).Scan(&v); err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	return v
}

func TestCallFacts(t *testing.T) {
	db := fixtureWarehouse(t)
	checkView(t, db, "call_facts",
		[]string{"id", "title", "url", "started", "duration_s", "direction", "scope", "system",
			"media", "language", "host_user_id", "host_name", "host_email_address", "workspace_id",
			"workspace_name", "participants", "participants_internal", "participants_external",
			"participants_unknown", "host_talk_time_s", "talk_time_s", "host_talk_ratio",
			"gong_talk_ratio", "questions_company_count", "questions_non_company_count", "topics",
			"trackers", "tracker_mentions", "call_outcome_name", "call_outcome_category",
			"sentence_count", "transcript_speakers", "has_transcript"},
		[]row{{
			"id": "c1", "title": "Acme discovery", "url": nil, "started": at("2025-03-03T10:00:00Z"),
			"duration_s": int64(1800), "direction": nil, "scope": nil, "system": nil, "media": nil,
			"language": nil, "host_user_id": "u1", "host_name": "Ann Lee",
			"host_email_address": "ann@acme.test", "workspace_id": "w1", "workspace_name": "Sales",
			// p1, p2 Internal; p3, p5 External; p4 Unknown: each party once
			"participants": int64(5), "participants_internal": int64(2),
			"participants_external": int64(2), "participants_unknown": int64(1),
			// Ann (found through her party p1) 600 s of 600 + 150 + 450
			"host_talk_time_s": 600.0, "talk_time_s": 1200.0, "host_talk_ratio": 0.5,
			"gong_talk_ratio":         0.52,
			"questions_company_count": int64(4), "questions_non_company_count": int64(2),
			"topics":   list("Pricing", "Intro"),
			"trackers": list("Competitors", "Budget"), "tracker_mentions": int64(3),
			"call_outcome_name": "Qualified", "call_outcome_category": "Positive",
			"sentence_count": int64(5), "transcript_speakers": int64(4), "has_transcript": true,
		}, {
			"id": "c2", "title": "Beta intro", "url": nil, "started": at("2025-03-04T15:00:00Z"),
			"duration_s": int64(600), "direction": nil, "scope": nil, "system": nil, "media": nil,
			"language": nil, "host_user_id": "u2", "host_name": "Bob Stone",
			"host_email_address": "bob@acme.test", "workspace_id": "w2", "workspace_name": "Support",
			"participants": int64(0), "participants_internal": int64(0),
			"participants_external": int64(0), "participants_unknown": int64(0),
			"host_talk_time_s": 0.0, "talk_time_s": 0.0, "host_talk_ratio": nil,
			"gong_talk_ratio":         nil,
			"questions_company_count": int64(0), "questions_non_company_count": int64(0),
			"topics": list(), "trackers": list(), "tracker_mentions": int64(0),
			"call_outcome_name": nil, "call_outcome_category": nil,
			"sentence_count": int64(0), "transcript_speakers": int64(0), "has_transcript": false,
		}})
}

func TestScorecardAnswersLabeled(t *testing.T) {
	db := fixtureWarehouse(t)
	c1 := row{"call_id": "c1", "call_title": "Acme discovery", "call_started": at("2025-03-03T10:00:00Z")}
	annByCat := row{"reviewed_user_id": "u1", "reviewed_user_name": "Ann Lee",
		"reviewed_user_email_address": "ann@acme.test", "reviewer_user_id": "u3",
		"reviewer_user_name": "Cat Wu", "reviewer_user_email_address": "cat@acme.test"}
	merge := func(rs ...row) row {
		out := row{}
		for _, r := range rs {
			for k, v := range r {
				out[k] = v
			}
		}
		return out
	}
	as1 := row{"answered_scorecard_id": "as1", "scorecard_id": "sc1", "scorecard_name": "Discovery",
		"review_method": "MANUAL", "review_time": at("2025-03-05T09:00:00Z")}
	checkView(t, db, "scorecard_answers_labeled",
		[]string{"answered_scorecard_id", "scorecard_id", "scorecard_name", "review_method",
			"review_time", "call_id", "call_title", "call_started", "reviewed_user_id",
			"reviewed_user_name", "reviewed_user_email_address", "reviewer_user_id",
			"reviewer_user_name", "reviewer_user_email_address", "question_id",
			"question_revision_id", "question_ordinal", "question_text", "question_type",
			"is_overall", "score", "min_range", "max_range", "answer_text", "not_applicable",
			"selected_options", "selected_option_texts"},
		[]row{
			merge(as1, c1, annByCat, row{
				"question_id": "q1", "question_revision_id": "r1", "question_ordinal": int32(0),
				"question_text": "Overall", "question_type": "RANGE", "is_overall": true,
				"score": int64(4), "min_range": int64(1), "max_range": int64(5),
				"answer_text": "Good call", "not_applicable": false,
				"selected_options": nil, "selected_option_texts": nil,
			}),
			// q2 of sc1, not of sc0; options in the order selected
			merge(as1, c1, annByCat, row{
				"question_id": "q2", "question_revision_id": "r2", "question_ordinal": int32(1),
				"question_text": "Next steps agreed?", "question_type": "SELECT", "is_overall": false,
				"score": nil, "min_range": nil, "max_range": nil,
				"answer_text": nil, "not_applicable": false,
				"selected_options": list("o3", "o1"), "selected_option_texts": list("Partly", "Yes"),
			}),
			// scorecard sc9 is gone: its name from the answered scorecard, no question
			{
				"answered_scorecard_id": "as2", "scorecard_id": "sc9", "scorecard_name": "Legacy card",
				"review_method": "AUTOMATIC", "review_time": at("2025-03-06T12:00:00Z"),
				"call_id": "c2", "call_title": "Beta intro", "call_started": at("2025-03-04T15:00:00Z"),
				"reviewed_user_id": "u2", "reviewed_user_name": "Bob Stone",
				"reviewed_user_email_address": "bob@acme.test", "reviewer_user_id": nil,
				"reviewer_user_name": nil, "reviewer_user_email_address": nil,
				"question_id": "q7", "question_revision_id": nil, "question_ordinal": nil,
				"question_text": nil, "question_type": nil, "is_overall": nil,
				"score": int64(3), "min_range": nil, "max_range": nil,
				"answer_text": nil, "not_applicable": false,
				"selected_options": nil, "selected_option_texts": nil,
			},
			// no scorecard_id: q2 of the same revision (sc0's); is_overall from
			// the question
			merge(c1, annByCat, row{
				"answered_scorecard_id": "as3", "scorecard_id": nil, "scorecard_name": "Discovery (2024)",
				"review_method": "MANUAL", "review_time": at("2025-03-07T08:00:00Z"),
				"question_id": "q2", "question_revision_id": "r-old", "question_ordinal": int32(0),
				"question_text": "Next steps? (old)", "question_type": "SELECT", "is_overall": false,
				"score": nil, "min_range": nil, "max_range": nil,
				"answer_text": nil, "not_applicable": true,
				"selected_options": list(), "selected_option_texts": list(),
			}),
		})
}

func TestTrackerMentions(t *testing.T) {
	db := fixtureWarehouse(t)
	started := at("2025-03-03T10:00:00Z")
	call := row{"call_id": "c1", "call_title": "Acme discovery", "call_started": started}
	with := func(r row) row {
		for k, v := range call {
			r[k] = v
		}
		return r
	}
	checkView(t, db, "tracker_mentions",
		[]string{"call_id", "call_title", "call_started", "tracker_key", "tracker_id",
			"tracker_name", "tracker_type", "settings_tracker_id", "tracker_workspace_id",
			"ordinal", "phrase", "start_time_s", "mention_time", "speaker_id", "speaker_party_id",
			"speaker_name", "speaker_affiliation", "speaker_user_id"},
		[]row{
			with(row{"tracker_key": "t1", "tracker_id": "t1", "tracker_name": "Competitors",
				"tracker_type": "KEYWORD", "settings_tracker_id": "t1", "tracker_workspace_id": "w1",
				"ordinal": int32(0), "phrase": nil, "start_time_s": 12.5,
				"mention_time": started.Add(12500 * time.Millisecond), "speaker_id": "s3",
				"speaker_party_id": "p3", "speaker_name": "Eve Buyer",
				"speaker_affiliation": "External", "speaker_user_id": nil}),
			with(row{"tracker_key": "t1", "tracker_id": "t1", "tracker_name": "Competitors",
				"tracker_type": "KEYWORD", "settings_tracker_id": "t1", "tracker_workspace_id": "w1",
				"ordinal": int32(1), "phrase": "rival", "start_time_s": 65.0,
				"mention_time": started.Add(65 * time.Second), "speaker_id": "s1",
				"speaker_party_id": "p1", "speaker_name": "Ann Lee",
				"speaker_affiliation": "Internal", "speaker_user_id": "u1"}),
			// a smart tracker without ID and settings, said by nobody known
			with(row{"tracker_key": "Budget", "tracker_id": nil, "tracker_name": "Budget",
				"tracker_type": "SMART", "settings_tracker_id": nil, "tracker_workspace_id": nil,
				"ordinal": int32(0), "phrase": nil, "start_time_s": 100.25,
				"mention_time": started.Add(100250 * time.Millisecond), "speaker_id": "s9",
				"speaker_party_id": nil, "speaker_name": nil,
				"speaker_affiliation": nil, "speaker_user_id": nil}),
		})
}

func TestUserActivityDailyLong(t *testing.T) {
	db := fixtureWarehouse(t)
	ann := row{"user_id": "u1", "user_name": "Ann Lee", "user_email_address": "ann@acme.test", "day": day("2025-03-03")}
	with := func(who row, r row) row {
		for k, v := range who {
			r[k] = v
		}
		return r
	}
	// zero and NULL counts are dropped; u9 is not a known user
	checkView(t, db, "user_activity_daily_long",
		[]string{"user_id", "user_name", "user_email_address", "day", "activity", "count", "call_ids"},
		[]row{
			with(ann, row{"activity": "calls_as_host", "count": int64(1), "call_ids": list("c1")}),
			with(ann, row{"activity": "calls_attended", "count": int64(2), "call_ids": list("c1", "c2")}),
			{"user_id": "u2", "user_name": "Bob Stone", "user_email_address": "bob@acme.test",
				"day": day("2025-03-04"), "activity": "calls_as_host", "count": int64(1), "call_ids": list("c2")},
			{"user_id": "u9", "user_name": nil, "user_email_address": "gone@acme.test",
				"day": day("2025-03-04"), "activity": "calls_attended", "count": int64(1), "call_ids": list()},
		})
}

// TestUserActivityDailyLongEveryCounter checks that the view unpivots every
// counter column of user_activity_daily, under its column name.
func TestUserActivityDailyLongEveryCounter(t *testing.T) {
	db := openWarehouse(t)
	var cols, ones, want []string
	for _, n := range models.ActivityCounters {
		cols = append(cols, Ident(models.SnakeCase(n)))
		ones = append(ones, "1")
		want = append(want, models.SnakeCase(n))
	}
	exec(t, db, "INSERT INTO user_activity_daily (user_id, day, "+strings.Join(cols, ", ")+
		") VALUES ('u1', DATE '2025-03-03', "+strings.Join(ones, ", ")+")")
	createViews(t, db)
	rows, _ := query(t, db, "SELECT activity, count FROM user_activity_daily_long")
	var got []string
	for _, r := range rows {
		got = append(got, r["activity"].(string))
		if r["count"] != int64(1) {
			t.Errorf("%s: count %v", r["activity"], r["count"])
		}
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("activities (-want +got):\n%s", diff)
	}
}
