package extract

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/go-json-experiment/json/jsontext"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gongload/gongload/internal/gongsim"
	"github.com/gongload/gongload/models"
)

const (
	callA = "7782342274025937895"
	callB = "9007199254740993" // 2^53+1: wrong if it went through float64
	callC = "1000000000000000001"
)

var (
	window = Unit{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)}
	// wantSelector is the content selector of /v2/calls/extensive, written
	// out from gong-api.md §2.5.
	wantSelector = `{
	  "context": "Extended",
	  "contextTiming": ["Now", "TimeOfCall"],
	  "exposedFields": {
	    "parties": true,
	    "content": {"structure": true, "topics": true, "trackers": true, "trackerOccurrences": true,
	                "brief": true, "outline": true, "highlights": true, "callOutcome": true, "keyPoints": true},
	    "interaction": {"speakers": true, "video": true, "personInteractionStats": true, "questions": true},
	    "collaboration": {"publicComments": true},
	    "media": true}}`
)

// jsonMap decodes a JSON object for comparisons.
func jsonMap(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// callsAnswer builds a /v2/calls/extensive answer from records.
func callsAnswer(cursor string, recs ...string) []byte {
	c := ""
	if cursor != "" {
		c = fmt.Sprintf(`,"cursor":%q`, cursor)
	}
	return []byte(fmt.Sprintf(`{"requestId":"r1","records":{"totalRecords":9,"currentPageSize":%d,"currentPageNumber":0%s},"calls":[%s]}`,
		len(recs), c, strings.Join(recs, ",")))
}

func TestCallsStream(t *testing.T) {
	page := gongFile(t, "calls-extensive.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "POST" || req.Path != "/v2/calls/extensive" {
			t.Errorf("request %s %s", req.Method, req.Path)
		}
		writeJSON(w, 200, page)
	})
	sink := newRowSink(t)
	if err := (&CallsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), window, sink); err != nil {
		t.Fatal(err)
	}

	body := srv.reqs()[0].Body
	if want := jsonMap(t, wantSelector); !reflect.DeepEqual(body["contentSelector"], want) {
		t.Errorf("contentSelector %v\nwant %v", body["contentSelector"], want)
	}
	if want := map[string]any{"fromDateTime": "2026-03-01T00:00:00Z", "toDateTime": "2026-03-08T00:00:00Z"}; !reflect.DeepEqual(body["filter"], want) {
		t.Errorf("filter %v, want %v", body["filter"], want)
	}
	if len(body) != 2 {
		t.Errorf("body members %v, want filter and contentSelector", body)
	}

	raws := envelopeRecords(t, page, "calls")
	for i, r := range raws { // _raw keeps the record but its signed media URLs
		raws[i] = string(withoutMember(jsontext.Value(r), "media"))
		if strings.Contains(raws[i], "sig=") {
			t.Fatalf("a signed media URL is left in _raw: %s", raws[i])
		}
	}
	const a, b, c = callA, callB, callC
	want := map[string][]row{
		"calls": {
			{"id": a, "url": "https://app.gong.io/call?id=7782342274025937895", "title": "Acme / Initech — Discovery",
				"scheduled": ts("2026-03-02T15:00:00Z"), "started": ts("2026-03-02T15:01:37.041977Z"), "duration_s": int64(3187),
				"primary_user_id": "413440499764841252", "direction": "Conference", "system": "Zoom", "scope": "External",
				"media": "Video", "language": "eng", "workspace_id": "7273476131570014205", "sdr_disposition": nil,
				"client_unique_id": "zoom-881", "custom_data": nil, "purpose": "Discovery", "meeting_url": "https://zoom.us/j/881",
				"is_private": false, "calendar_event_id": "cal-99", "brief": "Bob wants a pilot.",
				"call_outcome_id": "MEETING_BOOKED", "call_outcome_category": "Answered", "call_outcome_name": "Meeting booked",
				"questions_company_count": int64(14), "questions_non_company_count": int64(9),
				"has_audio": true, "has_video": true, "_raw": raws[0]},
			{"id": b, "url": nil, "title": nil, "scheduled": nil, "started": ts("2026-03-03T09:00:00Z"), "duration_s": nil,
				"primary_user_id": nil, "direction": nil, "system": nil, "scope": nil, "media": nil, "language": nil,
				"workspace_id": nil, "sdr_disposition": nil, "client_unique_id": nil, "custom_data": nil, "purpose": nil,
				"meeting_url": nil, "is_private": nil, "calendar_event_id": nil, "brief": nil, "call_outcome_id": nil,
				"call_outcome_category": nil, "call_outcome_name": nil, "questions_company_count": nil,
				"questions_non_company_count": nil, "has_audio": false, "has_video": false, "_raw": raws[1]},
			{"id": c, "url": nil, "title": nil, "scheduled": nil, "started": ts("2026-03-04T03:00:00Z"), "duration_s": nil,
				"primary_user_id": nil, "direction": nil, "system": nil, "scope": nil, "media": nil, "language": nil,
				"workspace_id": nil, "sdr_disposition": nil, "client_unique_id": nil, "custom_data": nil, "purpose": nil,
				"meeting_url": nil, "is_private": true, "calendar_event_id": nil, "brief": nil, "call_outcome_id": nil,
				"call_outcome_category": nil, "call_outcome_name": nil, "questions_company_count": nil,
				"questions_non_company_count": nil, "has_audio": true, "has_video": false, "_raw": raws[2]},
		},
		"call_parties": {
			{"call_id": a, "party_id": "5501", "email_address": "ada@example.com", "name": "Ada Lovelace", "title": "AE",
				"user_id": "413440499764841252", "speaker_id": "6432345678555530067", "affiliation": "Internal",
				"phone_number": nil, "methods": []string{"Invitee", "Attendee"}, "context": "[]"},
			{"call_id": a, "party_id": "5502", "email_address": "bob@initech.com", "name": "Bob", "title": nil,
				"user_id": nil, "speaker_id": "6432345678555530068", "affiliation": "External",
				"phone_number": "+1 555 0199", "methods": []string{"Attendee"},
				"context": `[{"system":"Salesforce","objects":[{"objectType":"Contact","objectId":"0035g0000","fields":[{"name":"Title","value":"CTO"}],"timing":"Now"}]}]`},
			{"call_id": c, "party_id": "1", "email_address": nil, "name": "Dup", "title": nil, "user_id": nil,
				"speaker_id": nil, "affiliation": nil, "phone_number": nil, "methods": nil, "context": nil},
		},
		"call_speakers": {
			{"call_id": a, "party_id": "5501", "user_id": "413440499764841252", "talk_time_s": 1500.5},
			{"call_id": a, "party_id": "5502", "user_id": nil, "talk_time_s": 1200.0},
		},
		"call_interaction_stats": {
			{"call_id": a, "name": "Talk Ratio", "value": 0.49},
			{"call_id": a, "name": "Longest Monologue", "value": 125.0},
			{"call_id": a, "name": "Interactivity", "value": 6.2},
			{"call_id": a, "name": "Patience", "value": nil},
		},
		"call_video_stats": {
			{"call_id": a, "name": "Browser", "duration_s": 300.0},
			{"call_id": a, "name": "WebcamPrimaryUser", "duration_s": 2800.5},
		},
		"call_topics": {
			{"call_id": a, "name": "Pricing", "duration_s": 420.0},
			{"call_id": a, "name": "Small talk", "duration_s": 60.5},
			{"call_id": c, "name": "Pricing", "duration_s": 1.0},
		},
		"call_structure": {
			{"call_id": a, "ordinal": int32(0), "name": "Intro", "duration_s": 120.0},
			{"call_id": a, "ordinal": int32(1), "name": "Demo", "duration_s": 1800.0},
		},
		"call_trackers": {
			{"call_id": a, "tracker_key": "7686842637000665959", "tracker_id": "7686842637000665959", "name": "Budget",
				"count": int64(3), "type": "KEYWORD"},
			{"call_id": a, "tracker_key": "Competitors", "tracker_id": nil, "name": "Competitors", "count": int64(1), "type": nil},
		},
		"call_tracker_occurrences": {
			{"call_id": a, "tracker_key": "7686842637000665959", "ordinal": int32(0), "phrase": nil, "start_time_s": 12.5, "speaker_id": "6432345678555530068"},
			{"call_id": a, "tracker_key": "7686842637000665959", "ordinal": int32(1), "phrase": "budget", "start_time_s": 100.25, "speaker_id": "6432345678555530067"},
			{"call_id": a, "tracker_key": "7686842637000665959", "ordinal": int32(2), "phrase": "budget", "start_time_s": 200.0, "speaker_id": "6432345678555530068"},
			{"call_id": a, "tracker_key": "Competitors", "ordinal": int32(0), "phrase": nil, "start_time_s": 300.0, "speaker_id": "6432345678555530068"},
		},
		"call_outline_items": {
			{"call_id": a, "section_ordinal": int32(0), "item_ordinal": int32(0), "section": "Introductions",
				"section_start_time_s": 0.0, "section_duration_s": 120.5, "text": "Ada presents Acme", "start_time_s": 10.0},
			{"call_id": a, "section_ordinal": int32(0), "item_ordinal": int32(1), "section": "Introductions",
				"section_start_time_s": 0.0, "section_duration_s": 120.5, "text": "Bob shares goals", "start_time_s": 60.5},
			{"call_id": a, "section_ordinal": int32(1), "item_ordinal": int32(-1), "section": "Wrap-up",
				"section_start_time_s": 3000.0, "section_duration_s": 187.0, "text": nil, "start_time_s": nil},
		},
		"call_highlights": {
			{"call_id": a, "highlight_ordinal": int32(0), "item_ordinal": int32(0), "title": "Next steps", "text": "Send proposal",
				"start_times_s": []float64{3050.5, 3100}},
			{"call_id": a, "highlight_ordinal": int32(1), "item_ordinal": int32(-1), "title": "Empty", "text": nil, "start_times_s": nil},
		},
		"call_key_points": {
			{"call_id": a, "ordinal": int32(0), "text": "Budget approved"},
			{"call_id": a, "ordinal": int32(1), "text": "Pilot in Q2"},
		},
		"call_comments": {
			{"call_id": a, "comment_id": "c-1", "audio_start_time_s": 100.0, "audio_end_time_s": 110.5,
				"commenter_user_id": "413440499764841252", "comment": "Great @[Grace](9223372036854775806)",
				"posted": ts("2026-03-02T17:00:00.5Z"), "in_reply_to": nil, "during_call": false},
			{"call_id": a, "comment_id": "c-2", "audio_start_time_s": nil, "audio_end_time_s": nil,
				"commenter_user_id": "9223372036854775806", "comment": "Thanks",
				"posted": ts("2026-03-03T09:00:00Z"), "in_reply_to": "c-1", "during_call": true},
		},
		"call_context_fields": {
			{"call_id": a, "system": "Salesforce", "object_type": "Opportunity", "object_id": "0065g00000AbCdE", "timing": "Now", "field_name": "Amount", "value": "85000"},
			{"call_id": a, "system": "Salesforce", "object_type": "Opportunity", "object_id": "0065g00000AbCdE", "timing": "Now", "field_name": "StageName", "value": "Negotiation"},
			{"call_id": a, "system": "Salesforce", "object_type": "Opportunity", "object_id": "0065g00000AbCdE", "timing": "Now", "field_name": "IsClosed", "value": "false"},
			{"call_id": a, "system": "Salesforce", "object_type": "Opportunity", "object_id": "0065g00000AbCdE", "timing": "Now", "field_name": "Extra", "value": `{"a":[1,"x"]}`},
			{"call_id": a, "system": "Salesforce", "object_type": "Opportunity", "object_id": "0065g00000AbCdE", "timing": "Now", "field_name": "CloseDate", "value": nil},
			{"call_id": a, "system": "Salesforce", "object_type": "Opportunity", "object_id": "0065g00000AbCdE", "timing": "TimeOfCall", "field_name": "Amount", "value": "80000"},
			{"call_id": a, "system": "Salesforce", "object_type": "Account", "object_id": "0015g00000XyZ", "timing": "Now", "field_name": "", "value": nil},
			{"call_id": c, "system": "HubSpot", "object_type": "Account", "object_id": "77", "timing": "TimeOfCall", "field_name": "", "value": nil},
		},
	}
	for _, tb := range append([]*models.Table{models.Calls}, models.CallChildren...) {
		if d := diffRows(want[tb.Name], sink.rows[tb.Name]); d != "" {
			t.Errorf("%s rows:\n%s", tb.Name, d)
		}
		if w := sink.writes[tb.Name]; w != 1 {
			t.Errorf("%s: %d batches, want 1", tb.Name, w)
		}
	}
	var wantScopes []scopeCall
	for _, tb := range models.CallChildren {
		wantScopes = append(wantScopes, scopeCall{tb.Name, []string{a, b, c}})
	}
	if !reflect.DeepEqual(sink.scopes, wantScopes) {
		t.Errorf("scopes %v\nwant %v", sink.scopes, wantScopes)
	}
	if want := []string{"calls started [2026-03-01T00:00:00Z, 2026-03-08T00:00:00Z)"}; !reflect.DeepEqual(sink.completes, want) {
		t.Errorf("Complete calls %v, want %v", sink.completes, want)
	}
}

// Pages shift while Gong processes calls: a call seen on an earlier page is
// skipped. A page cut short is discarded and fetched again, without its
// calls being taken for duplicates.
func TestCallsPagingDuplicatesAndRetry(t *testing.T) {
	recs := envelopeRecords(t, gongFile(t, "calls-extensive.json"), "calls")
	recD := strings.Replace(recs[2], callC, "1000000000000000002", 1)
	page1 := callsAnswer("cursor-2", recs[0], recs[1])
	page2 := callsAnswer("", recs[1], recs[2], recD)
	cut := strings.Index(string(page2), `"1000000000000000002"`)
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		switch n {
		case 0:
			if _, ok := req.Body["cursor"]; ok {
				t.Errorf("first page sent a cursor")
			}
			writeJSON(w, 200, page1)
		case 1:
			writeCut(w, page2, cut)
		default:
			if req.Body["cursor"] != "cursor-2" {
				t.Errorf("page 2 sent cursor %v", req.Body["cursor"])
			}
			writeJSON(w, 200, page2)
		}
	})
	sink := newRowSink(t)
	if err := (&CallsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), window, sink); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range sink.rows["calls"] {
		ids = append(ids, r["id"].(string))
	}
	if want := []string{callA, callB, callC, "1000000000000000002"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("calls %v, want %v", ids, want)
	}
	if got, want := sink.scopedKeys("call_topics"), []string{callA, callB, callC, "1000000000000000002"}; !reflect.DeepEqual(got, want) {
		t.Errorf("call_topics scoped %v, want %v", got, want)
	}
	if n := len(sink.rows["call_parties"]); n != 4 { // 2 of A, 1 of C, 1 of D
		t.Errorf("%d call_parties rows, want 4", n)
	}
	if w := sink.writes["calls"]; w != 2 {
		t.Errorf("%d calls batches, want one per page (2)", w)
	}
	if len(srv.reqs()) != 3 {
		t.Errorf("%d requests, want 3", len(srv.reqs()))
	}
}

func TestCallsUnits(t *testing.T) {
	recs := envelopeRecords(t, gongFile(t, "calls-extensive.json"), "calls")
	tests := map[string]struct {
		unit      Unit
		answer    []byte
		status    int
		filter    map[string]any
		completes []string
		calls     int
	}{
		"targeted": {
			unit:   Unit{From: window.From, To: window.To, CallIDs: []string{callA}},
			answer: callsAnswer("", recs[0]), status: 200,
			filter: map[string]any{"callIds": []any{callA}},
			calls:  1,
		},
		"workspace": {
			unit:   Unit{From: window.From, To: window.To, WorkspaceID: "7273476131570014205"},
			answer: callsAnswer("", recs[0]), status: 200,
			filter: map[string]any{"fromDateTime": "2026-03-01T00:00:00Z", "toDateTime": "2026-03-08T00:00:00Z", "workspaceId": "7273476131570014205"},
			calls:  1,
		},
		"empty window": {
			unit: window, answer: notFound, status: 404,
			filter:    map[string]any{"fromDateTime": "2026-03-01T00:00:00Z", "toDateTime": "2026-03-08T00:00:00Z"},
			completes: []string{"calls started [2026-03-01T00:00:00Z, 2026-03-08T00:00:00Z)"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, tc.status, tc.answer) })
			sink := newRowSink(t)
			if err := (&CallsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), tc.unit, sink); err != nil {
				t.Fatal(err)
			}
			if got := srv.reqs()[0].Body["filter"]; !reflect.DeepEqual(got, tc.filter) {
				t.Errorf("filter %v, want %v", got, tc.filter)
			}
			if !reflect.DeepEqual(sink.completes, tc.completes) {
				t.Errorf("Complete calls %v, want %v", sink.completes, tc.completes)
			}
			if n := len(sink.rows["calls"]); n != tc.calls {
				t.Errorf("%d calls, want %d", n, tc.calls)
			}
		})
	}
}

// A targeted unit with more call IDs than one request takes is listed in
// several requests, in one unit: a call both listings return is staged once.
func TestCallsTargetedInChunks(t *testing.T) {
	recs := envelopeRecords(t, gongFile(t, "calls-extensive.json"), "calls")
	ids := make([]string, MaxCallIDs+50)
	for i := range ids {
		ids[i] = fmt.Sprint(1000 + i)
	}
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if n == 0 {
			writeJSON(w, 200, callsAnswer("", recs[0]))
		} else {
			writeJSON(w, 200, callsAnswer("", recs[0], recs[2]))
		}
	})
	sink := newRowSink(t)
	if err := (&CallsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{CallIDs: ids}, sink); err != nil {
		t.Fatal(err)
	}
	reqs := srv.reqs()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	for i, want := range []int{MaxCallIDs, 50} {
		f := reqs[i].Body["filter"].(map[string]any)
		if got := len(f["callIds"].([]any)); got != want || len(f) != 1 {
			t.Errorf("request %d: filter %v, want %d callIds only", i, f, want)
		}
	}
	if got := sink.scopedKeys("call_parties"); !reflect.DeepEqual(got, []string{callA, callC}) {
		t.Errorf("scoped %v, want [%s %s]", got, callA, callC)
	}
	if len(sink.completes) != 0 {
		t.Errorf("a targeted unit declared %v complete", sink.completes)
	}
}

// A field of the wrong type fails the unit with an error naming the field
// and where it is in the answer; nothing is declared complete.
func TestCallsWrongTypes(t *testing.T) {
	recs := envelopeRecords(t, gongFile(t, "calls-extensive.json"), "calls")
	tests := map[string]struct{ old, new, want, old2, new2 string }{
		"number for string": {`"title":"Acme / Initech \u2014 Discovery"`, `"title":42`,
			"calls: field metaData.title at /calls/1/metaData/title: want a string, got a number", "", ""},
		"object for list": {`"parties":[`, `"parties":{"x":[`,
			"calls: field parties at /calls/1/parties: want an array, got an object",
			`"methods":["Attendee"]}],`, `"methods":["Attendee"]}]},`},
		"object for ID": {`"primaryUserId":"413440499764841252"`, `"primaryUserId":{"id":1}`,
			"calls: field metaData.primaryUserId at /calls/1/metaData/primaryUserId: got an object: ID must be a string or a number", "", ""},
		"bad timestamp": {`"posted":"2026-03-02T18:00:00.5+01:00"`, `"posted":"yesterday"`,
			`calls: field collaboration.publicComments.posted at /calls/1/collaboration/publicComments/0/posted: got a string: "yesterday" is not an ISO-8601 timestamp`, "", ""},
		"string for bool": {`"isPrivate":false`, `"isPrivate":"no"`,
			"calls: field metaData.isPrivate at /calls/1/metaData/isPrivate: want true or false, got a string", "", ""},
		"record not object": {recs[0], `[1,2]`, "calls: record at /calls/1: want a JSON object, got an array", "", ""},
		"no id":             {`"id":"7782342274025937895",`, ``, "calls: record at /calls/1: it has no metaData.id", "", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			bad := strings.Replace(recs[0], tc.old, tc.new, 1)
			if tc.old2 != "" {
				bad = strings.Replace(bad, tc.old2, tc.new2, 1)
			}
			if bad == recs[0] {
				t.Fatalf("the test did not change the record")
			}
			srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
				writeJSON(w, 200, callsAnswer("", recs[1], bad))
			})
			sink := newRowSink(t)
			err := (&CallsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), window, sink)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant one containing %q", err, tc.want)
			}
			if len(sink.completes) != 0 || len(sink.rows) != 0 {
				t.Errorf("a failed page sent rows %v or completes %v", sink.rows, sink.completes)
			}
		})
	}
}

// A sink that fails ends the unit with its error and leaks nothing.
func TestCallsSinkError(t *testing.T) {
	page := gongFile(t, "calls-extensive.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 200, page) })
	sink := newRowSink(t)
	sink.failOn = "call_topics"
	err := (&CallsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), window, sink)
	if err == nil || !strings.Contains(err.Error(), "sink refuses call_topics") {
		t.Fatalf("error %v, want the sink's", err)
	}
	if len(sink.completes) != 0 {
		t.Errorf("completes %v after a failure", sink.completes)
	}
}

// FuzzCallsPage decodes arbitrary /v2/calls/extensive answers: it must
// never panic and never send inconsistent batches or a key twice.
func FuzzCallsPage(f *testing.F) {
	f.Add(gongFile(f, "calls-extensive.json"))
	f.Add(callsAnswer("", `{"metaData":{"id":1},"content":{"trackers":[{"name":"a"},{"name":"a"},{}]}}`))
	f.Fuzz(func(t *testing.T, page []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		sink := newRowSink(t)
		h := newCallsPage(context.Background(), mem, sink)
		for range 2 { // the second time every call is a duplicate
			if err := drivePage(page, "calls", h); err != nil {
				h.Discard()
			}
		}
		h.release()
		mem.AssertSize(t, 0)
	})
}

func TestWithoutMember(t *testing.T) {
	for in, want := range map[string]string{
		`{"metaData":{"id":"1"},"media":{"audioUrl":"https://x/a?sig=s"},"parties":[]}`: `{"metaData":{"id":"1"},"parties":[]}`,
		`{"media":null}`:                `{}`,
		`{"a":1,"b":{"media":2}}`:       `{"a":1,"b":{"media":2}}`,
		`{ "a" : 1 , "media" : [1,2] }`: `{"a":1}`,
	} {
		if got := string(withoutMember(jsontext.Value(in), "media")); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}

// simCallsPage is a /v2/calls/extensive answer of 100 calls with every
// content selector, from the simulator.
func simCallsPage(tb testing.TB) []byte {
	tb.Helper()
	sim, err := gongsim.New(gongsim.Config{Calls: 100, Sentences: 250})
	if err != nil {
		tb.Fatal(err)
	}
	body := `{"filter":{},"contentSelector":` + wantSelector + `}`
	req := httptest.NewRequest(http.MethodPost, "/v2/calls/extensive", strings.NewReader(body))
	req.SetBasicAuth("demo", "demo")
	w := httptest.NewRecorder()
	sim.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		tb.Fatalf("simulator: %d %s", w.Code, w.Body.String())
	}
	return w.Body.Bytes()
}

// BenchmarkCallsDecode walks one page of 100 calls with every content
// selector into the batches of calls and its 13 child tables (what a page
// costs the calls stream, without the network).
func BenchmarkCallsDecode(b *testing.B) {
	page := simCallsPage(b)
	sink := &discardSink{}
	h := newCallsPage(context.Background(), memory.DefaultAllocator, sink)
	defer h.release()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		h.seen = seenSet{} // a new unit each time
		if err := drivePage(page, "calls", h); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(100*float64(b.N)/b.Elapsed().Seconds(), "calls/s")
}
