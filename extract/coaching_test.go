package extract

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// coachingServer serves the workspaces, the users (two pages) and each
// manager's coaching data from testdata; coaching answers the coaching
// requests instead when set.
func coachingServer(t *testing.T, coaching func(w http.ResponseWriter, req gongRequest)) *gongServer {
	workspaces := gongFile(t, "workspaces.json")
	users1, users2 := gongFile(t, "users-page1.json"), gongFile(t, "users-page2.json")
	byManager := map[string][]byte{userAda: gongFile(t, "coaching-ada.json"), userGrace: gongFile(t, "coaching-grace.json")}
	return newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "GET" {
			t.Errorf("request %s %s", req.Method, req.Path)
		}
		switch req.Path {
		case "/v2/workspaces":
			writeJSON(w, 200, workspaces)
		case "/v2/users":
			if req.Query.Get("cursor") == "" {
				writeJSON(w, 200, users1)
			} else {
				writeJSON(w, 200, users2)
			}
		case "/v2/coaching":
			if coaching != nil {
				coaching(w, req)
				return
			}
			writeJSON(w, 200, byManager[req.Query.Get("manager-id")])
		default:
			t.Errorf("request %s %s", req.Method, req.Path)
			writeJSON(w, 400, gongError("unexpected"))
		}
	})
}

func TestCoachingStream(t *testing.T) {
	srv := coachingServer(t, nil)
	sink := newRowSink(t)
	u := Unit{From: dt("2026-03-01"), To: dt("2026-04-01")}
	if err := (&CoachingStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), u, sink); err != nil {
		t.Fatal(err)
	}
	coach := func(ws, mgr string) string {
		return "/v2/coaching?from=2026-03-01T00%3A00%3A00Z&manager-id=" + mgr + "&to=2026-04-01T00%3A00%3A00Z&workspace-id=" + ws
	}
	wantReqs := []string{
		"/v2/workspaces", "/v2/users",
		"/v2/users?cursor=eyJhbGciOiJIUzI1NiJ9.eyJwYWdlU2l6ZSI6MiwidG90YWwiOjMsInBhZ2VOdW1iZXIiOjB9.c2lnbmF0dXJl",
		coach(wsMain, userAda), coach(wsMain, userGrace), coach(wsEMEA, userAda), coach(wsEMEA, userGrace),
	}
	if got := requestLines(srv.reqs()); !reflect.DeepEqual(got, wantReqs) {
		t.Errorf("requests\n%q\nwant\n%q", got, wantReqs)
	}
	rawAda := envelopeRecords(t, gongFile(t, "coaching-ada.json"), "coachingData")[0]
	rawGrace := envelopeRecords(t, gongFile(t, "coaching-grace.json"), "coachingData")[0]
	from, to := dt("2026-03-01"), dt("2026-04-01")
	var want []row
	for _, ws := range []string{wsMain, wsEMEA} {
		grace := func(metric string, values any) row {
			return row{"workspace_id": ws, "manager_id": userAda, "report_user_id": userGrace, "from_date": from, "to_date": to,
				"metric": metric, "metric_values": values, "manager_email_address": "ada@example.com",
				"report_email_address": "grace@example.com", "report_first_name": "Grace", "report_last_name": "Hopper",
				"report_title": "VP Sales", "_raw": rawAda}
		}
		linus := func(metric string, values any) row {
			return row{"workspace_id": ws, "manager_id": userGrace, "report_user_id": userLinus, "from_date": from, "to_date": to,
				"metric": metric, "metric_values": values, "manager_email_address": "grace@example.com",
				"report_email_address": nil, "report_first_name": nil, "report_last_name": nil, "report_title": nil,
				"_raw": rawGrace}
		}
		want = append(want,
			grace("callsListened", []string{"3", "4"}),
			grace("callsReviewed", []string{"12"}),
			grace("feedbackGiven", []string{}),
			// numbers and booleans as their JSON text, null elements left
			// out, a bare value as a list of one, null as NULL; the report
			// without an ID has no rows
			linus("callsReviewed", []string{"2", "true"}),
			linus("nothing", nil),
			linus("scorecardsFilled", []string{"1"}),
		)
	}
	if d := diffRows(want, sink.rows["coaching_metrics"]); d != "" {
		t.Errorf("coaching_metrics rows:\n%s", d)
	}
	if sink.writes["coaching_metrics"] != 4 {
		t.Errorf("%d batches, want one per workspace × manager (4)", sink.writes["coaching_metrics"])
	}
	checkCompletes(t, sink, "coaching_metrics from_date [2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z)")
}

// Coaching is plan-gated: the 404 of an account without it fails the
// stream, whatever its text, and nothing is declared complete.
func TestCoachingPlanGated(t *testing.T) {
	srv := coachingServer(t, func(w http.ResponseWriter, req gongRequest) {
		writeJSON(w, 404, gongError("No coaching data found corresponding to the provided filters"))
	})
	sink := newRowSink(t)
	err := (&CoachingStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{From: dt("2026-03-01"), To: dt("2026-04-01")}, sink)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 404 || apiErr.Path != "/v2/coaching" {
		t.Fatalf("error %v, want the 404 of /v2/coaching", err)
	}
	if len(sink.rows) != 0 || len(sink.completes) != 0 {
		t.Errorf("rows %v, completes %v", sink.rows, sink.completes)
	}
}

// A unit restricted to a workspace does not list the workspaces and is not
// complete; a unit without a window is refused.
func TestCoachingWorkspaceAndWindow(t *testing.T) {
	srv := coachingServer(t, nil)
	sink := newRowSink(t)
	u := Unit{From: ts("2026-03-01T00:00:00Z"), To: ts("2026-03-15T13:45:00Z"), WorkspaceID: wsEMEA}
	if err := (&CoachingStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), u, sink); err != nil {
		t.Fatal(err)
	}
	var coaching []gongRequest
	for _, r := range srv.reqs() {
		if r.Path == "/v2/workspaces" {
			t.Errorf("a restricted unit listed the workspaces")
		}
		if r.Path == "/v2/coaching" {
			coaching = append(coaching, r)
		}
	}
	if len(coaching) != 2 || coaching[0].Query.Get("workspace-id") != wsEMEA || coaching[0].Query.Get("to") != "2026-03-15T13:45:00Z" {
		t.Errorf("coaching requests %v", coaching)
	}
	for _, r := range sink.rows["coaching_metrics"] {
		if r["workspace_id"] != wsEMEA || r["to_date"] != dt("2026-03-16") {
			t.Errorf("row %v, want workspace %s, to_date 2026-03-16 (the partial day included)", r, wsEMEA)
		}
	}
	checkCompletes(t, sink)

	err := (&CoachingStream{}).Fetch(context.Background(), srv.client(t), Unit{}, sink)
	if err == nil || !strings.Contains(err.Error(), "needs a window") {
		t.Errorf("error %v for a unit without window", err)
	}
	if lb := (&CoachingStream{}).DefaultLookback(); lb != 90*24*time.Hour {
		t.Errorf("DefaultLookback = %v, want 2160h", lb)
	}
}

// The managers are the users some user (themself included) names as
// managerId, each once, in the order of the listing; a managerId that is no
// user is not asked for.
func TestCoachingManagers(t *testing.T) {
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		writeJSON(w, 200, []byte(`{"users":[{"id":"1","managerId":"1"},{"id":2,"managerId":1},{"id":"3","managerId":"2"},
			{"id":"1","managerId":null},{"id":"4","managerId":"99"},{"id":"5","managerId":null,"title":{"unexpected":true}},
			{"id":"6","managerId":"6"}]}`))
	})
	got, err := managerIDs(context.Background(), srv.client(t), "coaching")
	if err != nil || !reflect.DeepEqual(got, []string{"1", "2", "6"}) {
		t.Errorf("managerIDs = %v, %v; want [1 2 6]", got, err)
	}
}

// FuzzCoachingPage decodes arbitrary /v2/coaching answers.
func FuzzCoachingPage(f *testing.F) {
	f.Add(gongFile(f, "coaching-ada.json"))
	f.Add(gongFile(f, "coaching-grace.json"))
	f.Fuzz(func(t *testing.T, page []byte) {
		add := func(r *rowSet, rec *coachingRecord, raw jsontext.Value, at jsontext.Pointer) error {
			appendCoaching(r, rec, raw, "w1", "m1", dt("2026-03-01"), dt("2026-04-01"))
			return nil
		}
		fuzzRecordPage(t, page, "coachingData", "coaching", add, models.CoachingMetrics)
	})
}
