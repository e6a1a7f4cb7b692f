package extract

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// dt parses a YYYY-MM-DD date as a DATE cell of batchRows.
func dt(s string) time.Time {
	v, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return v
}

// gongError is an error answer of Gong with one message.
func gongError(msg string) []byte {
	return []byte(`{"requestId":"4x9kq2m7zt1c8vb3n0p","errors":["` + msg + `"]}`)
}

// checkCompletes compares the Complete calls of a sink.
func checkCompletes(t *testing.T, sink *rowSink, want ...string) {
	t.Helper()
	if !slices.Equal(sink.completes, want) {
		t.Errorf("Complete calls %q, want %q", sink.completes, want)
	}
}

// checkScopes compares the keys scoped for table.
func checkScopes(t *testing.T, sink *rowSink, table string, want ...string) {
	t.Helper()
	if got := sink.scopedKeys(table); !slices.Equal(got, want) {
		t.Errorf("%s scoped to %q, want %q", table, got, want)
	}
}

const (
	scorecardA = "9067931441193858457"
	scorecardB = "8812345678901234567"
	wsMain     = "7273476131570014205"
	wsEMEA     = "1234567890123456789"
	userAda    = "413440499764841252"
	userGrace  = "9223372036854775806"
	userLinus  = "5554443332221110009"
)

func TestScorecardsStream(t *testing.T) {
	body := gongFile(t, "settings-scorecards.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "GET" || req.Path != "/v2/settings/scorecards" || len(req.Query) != 0 {
			t.Errorf("request %s %s %v", req.Method, req.Path, req.Query)
		}
		writeJSON(w, 200, body)
	})
	sink := newRowSink(t)
	if err := (&ScorecardsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.reqs()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	raws := envelopeRecords(t, body, "scorecards")
	wantCards := []row{
		{"scorecard_id": scorecardA, "scorecard_name": "Discovery call", "workspace_id": wsMain, "enabled": false,
			"updater_user_id": "-1", "created": ts("2023-10-17T19:21:31Z"), "updated": ts("2023-10-17T19:21:31Z"),
			"review_method": "MANUAL", "_raw": raws[0]},
		{"scorecard_id": scorecardB, "scorecard_name": "Automatic QA", "workspace_id": wsEMEA, "enabled": true,
			"updater_user_id": userGrace, "created": ts("2025-02-03T12:05:06.789Z"), "updated": nil,
			"review_method": "AUTOMATIC", "_raw": raws[1]},
	}
	wantQuestions := []row{
		{"scorecard_id": scorecardA, "question_id": "9013292953945730400", "ordinal": int32(0),
			"question_revision_id": "3868116555550662381", "question_text": "Did the rep set an agenda?", "is_overall": false,
			"question_type": "RANGE", "answer_guide": nil, "min_range": int64(1), "max_range": int64(5), "updater_user_id": "-1",
			"created": ts("2023-10-17T19:21:31Z"), "updated": ts("2023-10-17T19:21:31.5Z")},
		{"scorecard_id": scorecardA, "question_id": "9013292953945730401", "ordinal": int32(1),
			"question_revision_id": "3868116555550662382", "question_text": "Which next steps were agreed?", "is_overall": false,
			"question_type": "MULTIPLE_CHOICE", "answer_guide": "Pick all that apply", "min_range": nil, "max_range": nil,
			"updater_user_id": userAda, "created": ts("2024-01-02T10:00:00Z"), "updated": ts("2024-01-02T10:00:00.000001Z")},
		{"scorecard_id": scorecardA, "question_id": "9013292953945730402", "ordinal": int32(2),
			"question_revision_id": "3868116555550662383", "question_text": "Overall", "is_overall": true,
			"question_type": "RANGE", "answer_guide": nil, "min_range": int64(1), "max_range": int64(10),
			"updater_user_id": nil, "created": nil, "updated": nil},
	}
	q := "9013292953945730401"
	wantOptions := []row{ // the option listed twice keeps its first entry
		{"question_id": q, "option_id": "1", "scorecard_id": scorecardA, "ordinal": int32(0), "text": "Demo"},
		{"question_id": q, "option_id": "2", "scorecard_id": scorecardA, "ordinal": int32(1), "text": "Pricing"},
		{"question_id": q, "option_id": "3", "scorecard_id": scorecardA, "ordinal": int32(2), "text": nil},
	}
	for table, want := range map[string][]row{"scorecards": wantCards, "scorecard_questions": wantQuestions,
		"scorecard_question_options": wantOptions} {
		if d := diffRows(want, sink.rows[table]); d != "" {
			t.Errorf("%s rows:\n%s", table, d)
		}
		if sink.writes[table] != 1 {
			t.Errorf("%d %s batches, want 1", sink.writes[table], table)
		}
	}
	checkScopes(t, sink, "scorecard_questions", scorecardA, scorecardB)
	checkScopes(t, sink, "scorecard_question_options", scorecardA, scorecardB)
	checkCompletes(t, sink, "scorecards")
}

// A unit restricted to a workspace keeps its scorecards and is not
// complete; "Scorecards not found" is an empty, complete listing; any other
// 404 is an error.
func TestScorecardsWorkspaceAndNotFound(t *testing.T) {
	body := gongFile(t, "settings-scorecards.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 200, body) })
	sink := newRowSink(t)
	if err := (&ScorecardsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{WorkspaceID: wsEMEA}, sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.rows["scorecards"]) != 1 || sink.rows["scorecards"][0]["scorecard_id"] != scorecardB || len(sink.rows["scorecard_questions"]) != 0 {
		t.Errorf("rows %v, want scorecard %s alone", sink.rows, scorecardB)
	}
	checkScopes(t, sink, "scorecard_questions", scorecardB)
	checkCompletes(t, sink)

	srv = newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		writeJSON(w, 404, gongError("Scorecards not found"))
	})
	sink = newRowSink(t)
	if err := (&ScorecardsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.rows) != 0 || len(sink.scopes) != 0 {
		t.Errorf("an empty listing sent rows %v, scopes %v", sink.rows, sink.scopes)
	}
	checkCompletes(t, sink, "scorecards")

	srv = newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 404, gongError("No such endpoint")) })
	sink = newRowSink(t)
	err := (&ScorecardsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink)
	if err == nil || !strings.Contains(err.Error(), "No such endpoint") {
		t.Errorf("error %v, want the 404", err)
	}
	checkCompletes(t, sink)
}

func TestTrackersStream(t *testing.T) {
	body := gongFile(t, "settings-trackers.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "GET" || req.Path != "/v2/settings/trackers" || len(req.Query) != 0 {
			t.Errorf("request %s %s %v", req.Method, req.Path, req.Query)
		}
		writeJSON(w, 200, body)
	})
	sink := newRowSink(t)
	if err := (&TrackersStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink); err != nil {
		t.Fatal(err)
	}
	raws := envelopeRecords(t, body, "keywordTrackers")
	budget, comp := "7686842637000665959", "7686842637000665960"
	wantTrackers := []row{
		{"tracker_id": budget, "tracker_name": "Budget (tracker)", "workspace_id": wsMain, "affiliation": "Anyone",
			"part_of_question": false, "said_at": "Anytime", "said_at_interval": nil, "said_at_unit": nil,
			"said_in_topics": []string{}, "filter_query": "{}", "created": ts("2023-10-17T19:21:31.816562Z"),
			"creator_user_id": nil, "updated": ts("2023-10-17T19:21:31.816562Z"), "updater_user_id": nil, "_raw": raws[0]},
		{"tracker_id": comp, "tracker_name": "Competitors", "workspace_id": wsEMEA, "affiliation": "NonCompany",
			"part_of_question": true, "said_at": "First", "said_at_interval": int64(5), "said_at_unit": "minutes",
			"said_in_topics": []string{"Pricing", "Next Steps"}, "filter_query": `{"callScope":"External"}`,
			"created": ts("2024-05-06T07:08:09Z"), "creator_user_id": userAda, "updated": ts("2024-06-07T08:09:10.123Z"),
			"updater_user_id": userGrace, "_raw": raws[1]},
	}
	wantKeywords := []row{ // "budget" twice in eng: once; a null keyword: none
		{"tracker_id": budget, "language": "eng", "keyword": "budget", "include_related_forms": true},
		{"tracker_id": budget, "language": "eng", "keyword": "pricing", "include_related_forms": true},
		{"tracker_id": budget, "language": "spa", "keyword": "presupuesto", "include_related_forms": false},
		{"tracker_id": comp, "language": "mul", "keyword": "Initech", "include_related_forms": nil},
		{"tracker_id": comp, "language": "mul", "keyword": "Globex", "include_related_forms": nil},
	}
	if d := diffRows(wantTrackers, sink.rows["trackers"]); d != "" {
		t.Errorf("trackers rows:\n%s", d)
	}
	if d := diffRows(wantKeywords, sink.rows["tracker_keywords"]); d != "" {
		t.Errorf("tracker_keywords rows:\n%s", d)
	}
	checkScopes(t, sink, "tracker_keywords", budget, comp)
	checkCompletes(t, sink, "trackers")
}

// With --workspace the listing asks for that workspace and is not
// complete; "Workspace not found" is an empty answer.
func TestTrackersWorkspace(t *testing.T) {
	for _, status := range []int{200, 404} {
		srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
			if got := req.Query.Get("workspaceId"); got != wsMain || len(req.Query) != 1 {
				t.Errorf("query %v, want workspaceId=%s", req.Query, wsMain)
			}
			if status == 404 {
				writeJSON(w, 404, gongError("Workspace not found"))
				return
			}
			writeJSON(w, 200, []byte(`{"requestId":"r","keywordTrackers":[]}`))
		})
		sink := newRowSink(t)
		if err := (&TrackersStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{WorkspaceID: wsMain}, sink); err != nil {
			t.Fatalf("status %d: %v", status, err)
		}
		if len(sink.rows) != 0 {
			t.Errorf("status %d: rows %v", status, sink.rows)
		}
		checkCompletes(t, sink)
	}
}

// Wrong types fail the listing with an error naming the field and where it
// is; a record without its ID too.
func TestSettingsWrongTypes(t *testing.T) {
	tests := map[string]struct {
		stream Stream
		body   string
		want   string
	}{
		"scorecard range": {&ScorecardsStream{}, `{"scorecards":[{"scorecardId":"1","questions":[{"questionId":"2","minRange":"low"}]}]}`,
			`scorecards: field questions.minRange at /scorecards/0/questions/0/minRange: got a string: "low" is not a number`},
		"scorecard enabled": {&ScorecardsStream{}, `{"scorecards":[{"scorecardId":"1"},{"scorecardId":"2","enabled":"yes"}]}`,
			"scorecards: field enabled at /scorecards/1/enabled: want true or false, got a string"},
		"scorecard without id": {&ScorecardsStream{}, `{"scorecards":[{"scorecardName":"x"}]}`,
			"scorecards: record at /scorecards/0: it has no scorecardId"},
		"option id": {&ScorecardsStream{}, `{"scorecards":[{"scorecardId":"1","questions":[{"questionId":"2","answerOptions":[{"id":1.5}]}]}]}`,
			"scorecards: field questions.answerOptions.id at /scorecards/0/questions/0/answerOptions/0/id: got a number: ID 1.5 is not an integer"},
		"tracker keywords": {&TrackersStream{}, `{"keywordTrackers":[{"trackerId":"1","languageKeywords":[{"language":"eng","keywords":"budget"}]}]}`,
			"trackers: field languageKeywords.keywords at /keywordTrackers/0/languageKeywords/0/keywords: want an array, got a string"},
		"tracker interval": {&TrackersStream{}, `{"keywordTrackers":[{"trackerId":"1","saidAtInterval":true}]}`,
			`trackers: field saidAtInterval at /keywordTrackers/0/saidAtInterval: got a boolean: "true" is not a number`},
		"tracker without id": {&TrackersStream{}, `{"keywordTrackers":[{"trackerId":null}]}`,
			"trackers: record at /keywordTrackers/0: it has no trackerId"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 200, []byte(tc.body)) })
			sink := newRowSink(t)
			mem := checkedMem(t)
			switch s := tc.stream.(type) {
			case *ScorecardsStream:
				s.Mem = mem
			case *TrackersStream:
				s.Mem = mem
			}
			err := tc.stream.Fetch(context.Background(), srv.client(t), Unit{}, sink)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant one containing %q", err, tc.want)
			}
			if len(sink.rows) != 0 || len(sink.completes) != 0 {
				t.Errorf("a failed listing sent rows %v, completes %v", sink.rows, sink.completes)
			}
		})
	}
}

// fuzzRecordPage drives page through a recordPage twice (the second time
// every key is a duplicate): it must never panic, leak or stage a key twice.
func fuzzRecordPage[T any](t *testing.T, page []byte, envelope string, stream string,
	add func(*rowSet, *T, jsontext.Value, jsontext.Pointer) error, tables ...*models.Table) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	sink := newRowSink(t)
	h := newRecordPage(context.Background(), mem, sink, stream, add, tables...)
	for range 2 {
		if err := drivePage(page, envelope, h); err != nil {
			h.Discard()
		}
	}
	h.release()
	mem.AssertSize(t, 0)
}

// FuzzScorecardsPage decodes arbitrary /v2/settings/scorecards answers.
func FuzzScorecardsPage(f *testing.F) {
	f.Add(gongFile(f, "settings-scorecards.json"))
	f.Fuzz(func(t *testing.T, page []byte) {
		add := func(r *rowSet, sc *models.Scorecard, raw jsontext.Value, at jsontext.Pointer) error {
			return appendScorecard(r, sc, raw, at, "")
		}
		fuzzRecordPage(t, page, "scorecards", "scorecards", add,
			models.Scorecards, models.ScorecardQuestions, models.ScorecardQuestionOptions)
	})
}

// FuzzTrackersPage decodes arbitrary /v2/settings/trackers answers.
func FuzzTrackersPage(f *testing.F) {
	f.Add(gongFile(f, "settings-trackers.json"))
	f.Fuzz(func(t *testing.T, page []byte) {
		fuzzRecordPage(t, page, "keywordTrackers", "trackers", appendTracker, models.Trackers, models.TrackerKeywords)
	})
}
