package extract

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gongload/gongload/models"
)

func TestAnsweredScorecardsStream(t *testing.T) {
	page1, page2 := gongFile(t, "stats-answered-scorecards-page1.json"), gongFile(t, "stats-answered-scorecards-page2.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "POST" || req.Path != "/v2/stats/activity/scorecards" {
			t.Errorf("request %s %s", req.Method, req.Path)
		}
		if n == 0 {
			writeJSON(w, 200, page1)
		} else {
			writeJSON(w, 200, page2)
		}
	})
	// A window not on day boundaries widens to whole days.
	u := Unit{From: time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 8, 6, 0, 0, 0, time.UTC)}
	sink := newRowSink(t)
	if err := (&AnsweredScorecardsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), u, sink); err != nil {
		t.Fatal(err)
	}
	reqs := srv.reqs()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	filter := map[string]any{"reviewFromDate": "2026-03-01", "reviewToDate": "2026-03-09", "reviewMethod": "BOTH"}
	if want := (map[string]any{"filter": filter}); !reflect.DeepEqual(reqs[0].Body, want) {
		t.Errorf("first body %v, want %v", reqs[0].Body, want)
	}
	want2 := map[string]any{"filter": filter, "cursor": "eyJhbGciOiJIUzI1NiJ9.eyJwYWdlU2l6ZSI6MiwidG90YWwiOjMsInBhZ2VOdW1iZXIiOjB9.YW5zd2VyZWQ"}
	if !reflect.DeepEqual(reqs[1].Body, want2) {
		t.Errorf("second body %v, want %v", reqs[1].Body, want2)
	}

	raws := append(envelopeRecords(t, page1, "answeredScorecards"), envelopeRecords(t, page2, "answeredScorecards")...)
	// The IDs are JSON numbers beyond 2^53: every digit survives.
	a1, a2, a3 := "9007199254740993", "9223372036854775807", "12345678901234567890"
	wantCards := []row{
		{"answered_scorecard_id": a1, "scorecard_id": scorecardA, "scorecard_name": "Discovery call",
			"call_id": "7782342274025937895", "call_start_time": ts("2026-03-02T14:00:00.123456Z"),
			"reviewed_user_id": userAda, "reviewer_user_id": userGrace, "review_method": "MANUAL", "editor_user_id": nil,
			"review_time": ts("2026-03-03T15:30:00Z"), "visibility_type": "PUBLIC", "_raw": raws[0]},
		{"answered_scorecard_id": a2, "scorecard_id": scorecardB, "scorecard_name": "Automatic QA",
			"call_id": "1234567890987654321", "call_start_time": ts("2026-03-01T23:59:59Z"),
			"reviewed_user_id": userLinus, "reviewer_user_id": nil, "review_method": "AUTOMATIC", "editor_user_id": userAda,
			"review_time": ts("2026-03-03T23:00:01.5Z"), "visibility_type": "MANAGERS_AND_REVIEWEE", "_raw": raws[1]},
		{"answered_scorecard_id": a3, "scorecard_id": nil, "scorecard_name": nil, "call_id": nil, "call_start_time": nil,
			"reviewed_user_id": nil, "reviewer_user_id": nil, "review_method": nil, "editor_user_id": nil,
			"review_time": nil, "visibility_type": nil, "_raw": raws[2]},
	}
	wantAnswers := []row{ // the question answered twice keeps its first answer
		{"answered_scorecard_id": a1, "question_id": "9013292953945730400", "question_revision_id": "3868116555550662381",
			"is_overall": false, "score": int64(4), "answer_text": nil, "not_applicable": false, "selected_options": nil},
		{"answered_scorecard_id": a1, "question_id": "9013292953945730401", "question_revision_id": "3868116555550662382",
			"is_overall": false, "score": nil, "answer_text": "Demo booked", "not_applicable": false, "selected_options": []string{"1", "3"}},
		{"answered_scorecard_id": a1, "question_id": "9013292953945730402", "question_revision_id": "3868116555550662383",
			"is_overall": true, "score": int64(7), "answer_text": nil, "not_applicable": true, "selected_options": []string{}},
	}
	if d := diffRows(wantCards, sink.rows["answered_scorecards"]); d != "" {
		t.Errorf("answered_scorecards rows:\n%s", d)
	}
	if d := diffRows(wantAnswers, sink.rows["scorecard_answers"]); d != "" {
		t.Errorf("scorecard_answers rows:\n%s", d)
	}
	if sink.writes["answered_scorecards"] != 2 {
		t.Errorf("%d answered_scorecards batches, want one per page (2)", sink.writes["answered_scorecards"])
	}
	// The record seen again on page 2 is not scoped again.
	if want := []scopeCall{{"scorecard_answers", []string{a1, a2}}, {"scorecard_answers", []string{a3}}}; !reflect.DeepEqual(sink.scopes, want) {
		t.Errorf("scopes %v, want %v", sink.scopes, want)
	}
	checkCompletes(t, sink) // review dates are company-time dates: never complete
}

// "Answered scorecards not found" is an empty window; an open unit sends
// no dates; Probe reads totalRecords with one request.
func TestAnsweredScorecardsEmptyOpenAndProbe(t *testing.T) {
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if want := (map[string]any{"filter": map[string]any{"reviewMethod": "BOTH"}}); !reflect.DeepEqual(req.Body, want) {
			t.Errorf("body %v, want %v", req.Body, want)
		}
		writeJSON(w, 404, gongError("Answered scorecards not found"))
	})
	sink := newRowSink(t)
	if err := (&AnsweredScorecardsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.rows) != 0 || len(sink.scopes) != 0 || len(sink.completes) != 0 {
		t.Errorf("an empty window sent rows %v, scopes %v, completes %v", sink.rows, sink.scopes, sink.completes)
	}

	page1 := gongFile(t, "stats-answered-scorecards-page1.json")
	srv = newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		f := req.Body["filter"].(map[string]any)
		if f["reviewFromDate"] != "2026-01-01" || f["reviewToDate"] != "2026-03-01" {
			t.Errorf("probe filter %v", f)
		}
		writeJSON(w, 200, page1)
	})
	n, err := (&AnsweredScorecardsStream{}).Probe(context.Background(), srv.client(t),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || n != 3 {
		t.Errorf("Probe = %d, %v; want 3", n, err)
	}
	if len(srv.reqs()) != 1 {
		t.Errorf("Probe made %d requests, want 1", len(srv.reqs()))
	}
}

func TestAnsweredScorecardsWrongTypes(t *testing.T) {
	tests := map[string]struct{ body, want string }{
		"score": {`{"answeredScorecards":[{"answeredScorecardId":1,"answers":[{"questionId":2,"score":"high"}]}]}`,
			`answered_scorecards: field answers.score at /answeredScorecards/0/answers/0/score: got a string: "high" is not a number`},
		"selected options": {`{"answeredScorecards":[{"answeredScorecardId":1,"answers":[{"questionId":2,"selectedOptions":[{"id":1}]}]}]}`,
			"answered_scorecards: field answers.selectedOptions at /answeredScorecards/0/answers/0/selectedOptions/0: got an object: ID must be a string or a number"},
		"review time": {`{"answeredScorecards":[{"answeredScorecardId":1,"reviewTime":1518863400.0}]}`,
			"answered_scorecards: field reviewTime at /answeredScorecards/0/reviewTime: got a number: timestamp must be a string"},
		"no id": {`{"answeredScorecards":[{"answeredScorecardId":null}]}`,
			"answered_scorecards: record at /answeredScorecards/0: it has no answeredScorecardId"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 200, []byte(tc.body)) })
			sink := newRowSink(t)
			err := (&AnsweredScorecardsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), window, sink)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant one containing %q", err, tc.want)
			}
			if len(sink.rows) != 0 {
				t.Errorf("a failed page sent rows %v", sink.rows)
			}
		})
	}
}

// FuzzAnsweredScorecardsPage decodes arbitrary
// /v2/stats/activity/scorecards answers.
func FuzzAnsweredScorecardsPage(f *testing.F) {
	f.Add(gongFile(f, "stats-answered-scorecards-page1.json"))
	f.Add(gongFile(f, "stats-answered-scorecards-page2.json"))
	f.Fuzz(func(t *testing.T, page []byte) {
		fuzzRecordPage(t, page, "answeredScorecards", "answered_scorecards", appendAnsweredScorecard,
			models.AnsweredScorecards, models.ScorecardAnswers)
	})
}
