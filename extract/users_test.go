package extract

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gongload/gongload/models"
)

func TestUsersStream(t *testing.T) {
	page1, page2 := gongFile(t, "users-page1.json"), gongFile(t, "users-page2.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "GET" || req.Path != "/v2/users" {
			t.Errorf("request %s %s", req.Method, req.Path)
		}
		switch n {
		case 0:
			writeJSON(w, 200, page1)
		default:
			writeJSON(w, 200, page2)
		}
	})
	mem := checkedMem(t)
	sink := newRowSink(t)
	if err := (&UsersStream{Mem: mem}).Fetch(context.Background(), srv.client(t), Unit{}, sink); err != nil {
		t.Fatal(err)
	}
	reqs := srv.reqs()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if c := reqs[0].Query["cursor"]; c != nil {
		t.Errorf("first page sent cursor %q", c)
	}
	if c := reqs[1].Query.Get("cursor"); !strings.HasPrefix(c, "eyJhbGciOiJIUzI1NiJ9.") {
		t.Errorf("second page sent cursor %q", c)
	}

	raws := append(envelopeRecords(t, page1, "users"), envelopeRecords(t, page2, "users")...)
	f, tr := false, true
	want := []row{
		{
			"id": "413440499764841252", "email_address": "ada@example.com", "created": ts("2026-06-10T19:50:07.428Z"),
			"active": true, "email_aliases": []string{}, "trusted_email_address": nil, "first_name": "Ada", "last_name": "Lovelace",
			"title": nil, "phone_number": nil, "extension": nil, "personal_meeting_urls": []string{},
			"settings_web_conferences_recorded": f, "settings_prevent_web_conference_recording": f,
			"settings_telephony_calls_imported": f, "settings_emails_imported": f, "settings_prevent_email_import": f,
			"settings_non_recorded_meetings_imported": f, "settings_gong_connect_enabled": f,
			"manager_id": nil, "meeting_consent_page_url": nil, "spoken_languages": []string{}, "primary_spoken_language": nil,
			"conferencing_providers": nil, "default_conferencing_provider": nil, "_raw": raws[0],
		},
		{
			"id": "9223372036854775806", "email_address": "grace@example.com", "created": ts("2024-01-31T08:00:00Z"),
			"active": false, "email_aliases": []string{"g.hopper@example.com", "grace.h@example.com"},
			"trusted_email_address": "grace@example.com", "first_name": "Grace", "last_name": "Hopper",
			"title": "VP Sales", "phone_number": "+1 555 0100", "extension": "42", "personal_meeting_urls": []string{"https://zoom.us/j/123"},
			"settings_web_conferences_recorded": tr, "settings_prevent_web_conference_recording": f,
			"settings_telephony_calls_imported": tr, "settings_emails_imported": tr, "settings_prevent_email_import": f,
			"settings_non_recorded_meetings_imported": tr, "settings_gong_connect_enabled": tr,
			"manager_id": "413440499764841252", "meeting_consent_page_url": "https://us-12100.join.gong.io/acme/grace",
			"spoken_languages": []string{"en-US", "es-ES"}, "primary_spoken_language": "en-US",
			"conferencing_providers": []string{"teams", "zoom"}, "default_conferencing_provider": "zoom", "_raw": raws[1],
		},
		{
			"id": "5554443332221110009", "email_address": nil, "created": nil, "active": nil, "email_aliases": nil,
			"trusted_email_address": nil, "first_name": nil, "last_name": nil, "title": nil, "phone_number": nil, "extension": nil,
			"personal_meeting_urls": nil, "manager_id": "9223372036854775806",
			"settings_web_conferences_recorded": nil, "settings_prevent_web_conference_recording": nil,
			"settings_telephony_calls_imported": nil, "settings_emails_imported": nil, "settings_prevent_email_import": nil,
			"settings_non_recorded_meetings_imported": nil, "settings_gong_connect_enabled": nil,
			"meeting_consent_page_url": nil, "spoken_languages": nil, "primary_spoken_language": nil,
			"conferencing_providers": []string{}, "default_conferencing_provider": nil, "_raw": raws[2],
		},
	}
	if d := diffRows(want, sink.rows["users"]); d != "" {
		t.Errorf("users rows:\n%s", d)
	}
	if sink.writes["users"] != 2 {
		t.Errorf("%d users batches, want one per page (2)", sink.writes["users"])
	}
	if want := []string{"users"}; !reflect.DeepEqual(sink.completes, want) {
		t.Errorf("Complete calls %v, want %v", sink.completes, want)
	}
}

// A page cut short is fetched again: its rows are discarded first, and its
// users are not taken for duplicates the second time.
func TestUsersRetriedPageNoDuplicates(t *testing.T) {
	page1, page2 := gongFile(t, "users-page1.json"), gongFile(t, "users-page2.json")
	cut := strings.Index(string(page1), `{"id":9223372036854775806`) // after the first user
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		switch n {
		case 0:
			writeCut(w, page1, cut)
		case 1:
			writeJSON(w, 200, page1)
		default:
			writeJSON(w, 200, page2)
		}
	})
	mem := checkedMem(t)
	sink := newRowSink(t)
	if err := (&UsersStream{Mem: mem}).Fetch(context.Background(), srv.client(t), Unit{}, sink); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range sink.rows["users"] {
		ids = append(ids, r["id"].(string))
	}
	want := []string{"413440499764841252", "9223372036854775806", "5554443332221110009"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("user ids %v, want %v", ids, want)
	}
	if len(srv.reqs()) != 3 {
		t.Errorf("%d requests, want 3", len(srv.reqs()))
	}
}

// A user that comes again on a later page (pages shift) is staged once; an
// incomplete listing is never declared complete.
func TestUsersDuplicateAndFailure(t *testing.T) {
	page1 := gongFile(t, "users-page1.json")
	again := strings.Replace(string(gongFile(t, "users-page2.json")), `"5554443332221110009"`, `"413440499764841252"`, 1)
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if n == 0 {
			writeJSON(w, 200, page1)
		} else {
			writeJSON(w, 200, []byte(again))
		}
	})
	sink := newRowSink(t)
	if err := (&UsersStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink); err != nil {
		t.Fatal(err)
	}
	if n := len(sink.rows["users"]); n != 2 {
		t.Errorf("%d users rows, want 2", n)
	}

	bad := strings.Replace(string(page1), `"title":"VP Sales"`, `"title":{"text":"VP Sales"}`, 1)
	srv = newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 200, []byte(bad)) })
	sink = newRowSink(t)
	err := (&UsersStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink)
	if err == nil || !strings.Contains(err.Error(), "users: field title at /users/1/title: want a string, got an object") {
		t.Errorf("error %v, want one naming users field title at /users/1/title", err)
	}
	if len(sink.completes) != 0 {
		t.Errorf("a failed listing was declared complete: %v", sink.completes)
	}
}

func TestWorkspacesStream(t *testing.T) {
	body := gongFile(t, "workspaces.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "GET" || req.Path != "/v2/workspaces" || len(req.Query) != 0 {
			t.Errorf("request %s %s %v", req.Method, req.Path, req.Query)
		}
		writeJSON(w, 200, body)
	})
	sink := newRowSink(t)
	if err := (&WorkspacesStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), Unit{}, sink); err != nil {
		t.Fatal(err)
	}
	raws := envelopeRecords(t, body, "workspaces")
	want := []row{
		{"id": "7273476131570014205", "name": "Initial workspace", "description": "The built-in workspace", "_raw": raws[0]},
		{"id": "1234567890123456789", "name": "EMEA", "description": nil, "_raw": raws[1]},
	}
	if d := diffRows(want, sink.rows["workspaces"]); d != "" {
		t.Errorf("workspaces rows:\n%s", d)
	}
	if want := []string{"workspaces"}; !reflect.DeepEqual(sink.completes, want) {
		t.Errorf("Complete calls %v, want %v", sink.completes, want)
	}
	if len(srv.reqs()) != 1 {
		t.Errorf("%d requests, want 1", len(srv.reqs()))
	}
}

// FuzzUsersPage decodes arbitrary /v2/users answers: it must never panic
// and never send inconsistent batches or a key twice.
func FuzzUsersPage(f *testing.F) {
	f.Add(gongFile(f, "users-page1.json"))
	f.Add(gongFile(f, "users-page2.json"))
	f.Fuzz(func(t *testing.T, page []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		sink := newRowSink(t)
		h := newEntityPage(context.Background(), mem, sink, models.Users, "users", userKey, appendUser)
		for range 2 { // the second time every user is a duplicate
			if err := drivePage(page, "users", h); err != nil {
				h.Discard()
			}
		}
		h.release()
		mem.AssertSize(t, 0)
	})
}
