package extract

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func TestErrorMessages(t *testing.T) {
	until := time.Date(2026, 5, 1, 13, 0, 0, 0, time.UTC)
	for want, err := range map[string]error{
		"GET /v2/users: Gong rejected the credentials (401): check GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET, or run `gongload auth login`: Gong says \"Unauthorized\" (request id r1)": &APIError{
			Status: 401, Method: "GET", Path: "/v2/users", RequestID: "r1", Messages: []string{"Unauthorized"}},
		"GET /v2/workspaces: Gong denied access (403): the credentials are valid but not allowed to use this endpoint; a Gong technical administrator can grant the API key or OAuth app access to it": &APIError{
			Status: 403, Method: "GET", Path: "/v2/workspaces"},
		"POST /v2/calls/extensive: Gong rejected the request (400): Gong says \"filter.fromDateTime: must be before toDateTime\" (request id r)": &APIError{
			Status: 400, Method: "POST", Path: "/v2/calls/extensive", RequestID: "r", Messages: []string{"filter.fromDateTime: must be before toDateTime"}},
		"GET /v2/calls/7: not found (404): Gong says \"Call ID 7 was not found\"": &APIError{
			Status: 404, Method: "GET", Path: "/v2/calls/7", Messages: []string{"Call ID 7 was not found"}},
		"POST /v2/calls/transcript: the pagination cursor has expired (400): Gong says \"cursor has expired\": restart the listing from its first page": &APIError{
			Status: 400, Method: "POST", Path: "/v2/calls/transcript", Messages: []string{"cursor has expired"}},
		"GET /v2/users: HTTP 404 with an answer that is not Gong's JSON (text/html): the base URL \"https://gong.example.com\" is probably wrong " +
			"(Gong's API is https://api.gong.io, or the api_base_url_for_customer of an OAuth token; see --base-url / GONG_BASE_URL); the answer began: \"<html> <body>Not Found</body>\"": &APIError{
			Status: 404, Method: "GET", Path: "/v2/users", NotJSON: true, ContentType: "text/html", BaseURL: "https://gong.example.com", Snippet: "<html> <body>Not Found</body>"},
		"GET /v2/coaching: the Gong OAuth app lacks the scope \"api:coaching:read\" (401): add it to the app's scopes in Gong, then run `gongload auth login` again (or leave this stream out with --streams)": &ScopeError{
			Scope: "api:coaching:read", Err: &APIError{Status: 401, Method: "GET", Path: "/v2/coaching"}},
		"gong: rate limit: Gong asks to wait 2h0m0s, longer than the maximum wait; resume after 2026-05-01T13:00:00Z": &RateLimitError{
			RetryAfter: 2 * time.Hour, Until: until},
		"GET /v2/users page 3: the API answer did not match the expected shape (request id q): boom": &DecodeError{
			Method: "GET", Path: "/v2/users", Page: 3, RequestID: "q", Err: errors.New("boom")},
		"GET /v2/users: Gong server error (502) (the answer was not JSON: \"<html>Bad gateway</html>\")": &APIError{
			Status: 502, Method: "GET", Path: "/v2/users", NotJSON: true, ContentType: "text/html", Snippet: "<html>Bad gateway</html>"},
		"GET /v2/users: giving up after 9 attempts: last error: the answer was cut short: unexpected EOF": &RetryError{
			Method: "GET", Path: "/v2/users", Attempts: 9, Last: &truncatedError{err: io.ErrUnexpectedEOF}},
		"download https://media.example.com/a.mp3: HTTP 403: the signed media URL has probably expired (Gong's are valid 8 hours); fetch a fresh one from /v2/calls/extensive": &DownloadError{
			Status: 403, URL: "https://media.example.com/a.mp3"},
	} {
		if got := err.Error(); got != want {
			t.Errorf("message:\n got %s\nwant %s", got, want)
		}
	}
}

func TestCursorExpiredIs(t *testing.T) {
	e := &APIError{Status: 400, Method: "POST", Path: "/v2/calls/extensive", Messages: []string{"The cursor has expired, please restart"}}
	wrapped := fmt.Errorf("window 2026-01: %w", e)
	if !errors.Is(wrapped, ErrCursorExpired) {
		t.Error("errors.Is(ErrCursorExpired) = false")
	}
	if errors.Is(&APIError{Status: 400, Messages: []string{"bad filter"}}, ErrCursorExpired) {
		t.Error("a plain 400 is not cursor expiry")
	}
	if errors.Is(&APIError{Status: 500, Messages: []string{"cursor has expired"}}, ErrCursorExpired) {
		t.Error("a 5xx is not cursor expiry")
	}
}

func TestIsEmptyAnswerTable(t *testing.T) {
	for _, tc := range []struct {
		path, msg string
		want      bool
	}{
		{"/v2/calls", "No calls found corresponding to the provided filters", true},
		{"/v2/calls/", "no calls found corresponding to the provided filters.", true},
		{"/v2/calls/123", "No calls found corresponding to the provided filters", false},
		{"/v2/stats/activity/aggregate-by-period", "User not found", true},
		{"/v2/users/123", "User not found", false},
		{"/v2/settings/trackers", "Workspace not found", true},
		{"/v2/workspaces", "Workspace not found", false},
		{"/v2/settings/scorecards", "Answered scorecards not found", false},
		{"/v2/stats/activity/scorecards", "Answered scorecards not found", true},
		{"/v2/library/folder-content", "No folders found for the specified period", true},
		{"/v2/library/folders", "Folder 1 was not found", false},
	} {
		if got := isEmptyAnswer(tc.path, []string{tc.msg}); got != tc.want {
			t.Errorf("isEmptyAnswer(%q, %q) = %v, want %v", tc.path, tc.msg, got, tc.want)
		}
	}
}

func TestSanitize(t *testing.T) {
	in := []byte("<html>\r\n\t<title>x\x00y</title>\xff\xfe" + strings.Repeat("z", 300))
	got := sanitize(in, 40)
	if strings.ContainsAny(got, "\r\n\t\x00") || !strings.HasSuffix(got, "…") || len(got) > 44 {
		t.Errorf("sanitize = %q", got)
	}
	if !strings.HasPrefix(got, "<html> <title>x y</title>zz") {
		t.Errorf("sanitize = %q", got)
	}
}
