package extract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// pageCollector is a PageHandler that keeps the raw records of completed pages.
type pageCollector struct {
	pending  []string
	records  []string
	pages    []PageInfo
	calls    int // Record calls, including records later discarded
	discards int
	onRecord func(calls int)
}

func (c *pageCollector) Record(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	c.pending = append(c.pending, string(v))
	c.calls++
	if c.onRecord != nil {
		c.onRecord(c.calls)
	}
	return nil
}

func (c *pageCollector) Discard() { c.pending = nil; c.discards++ }

func (c *pageCollector) EndPage(info PageInfo) error {
	c.records = append(c.records, c.pending...)
	c.pending = nil
	c.pages = append(c.pages, info)
	return nil
}

// ids returns the "id" member of every committed record.
func (c *pageCollector) ids() []string {
	out := []string{}
	for _, r := range c.records {
		var v struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(r), &v); err != nil {
			panic(err)
		}
		out = append(out, v.ID)
	}
	return out
}

func sameStrings(a, b []string) bool { return slices.Equal(a, b) }

func usersPageJSON(cursor string, total int, ids ...string) string {
	recs := make([]string, len(ids))
	for i, id := range ids {
		recs[i] = fmt.Sprintf(`{"id":%q,"emailAddress":"u%s@example.com","settings":{"x":[1,{"y":null}]}}`, id, id)
	}
	c := ""
	if cursor != "" {
		c = fmt.Sprintf(`,"cursor":%q`, cursor)
	}
	return fmt.Sprintf(`{"requestId":"req-%s","records":{"totalRecords":%d,"currentPageSize":%d,"currentPageNumber":0%s},"users":[%s]}`,
		strings.Join(ids, ""), total, len(ids), c, strings.Join(recs, ","))
}

func TestListGETFollowsCursorInQuery(t *testing.T) {
	pages := map[string]string{
		"":   usersPageJSON("c1", 5, "1", "2"),
		"c1": usersPageJSON("c2", 5, "3", "4"),
		"c2": usersPageJSON("", 5, "5"),
	}
	var cursors []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		checkAPIRequest(t, r, "GET", "/v2/users")
		q := r.URL.Query()
		if q.Get("includeAvatars") != "true" {
			t.Errorf("query %v lost includeAvatars", q)
		}
		if _, ok := q["cursor"]; ok != (len(cursors) > 0) {
			t.Errorf("page %d: cursor present = %v", len(cursors), ok)
		}
		cursors = append(cursors, q.Get("cursor"))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprint(w, pages[q.Get("cursor")])
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, nil)
	col := &pageCollector{}
	query := map[string][]string{"includeAvatars": {"true"}}
	if err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Query: query, Envelope: "users"}, col); err != nil {
		t.Fatal(err)
	}
	if !sameStrings(col.ids(), []string{"1", "2", "3", "4", "5"}) {
		t.Errorf("ids %v", col.ids())
	}
	if !sameStrings(cursors, []string{"", "c1", "c2"}) {
		t.Errorf("cursors sent %v", cursors)
	}
	want := []PageInfo{{0, 5, 2, true}, {1, 5, 2, true}, {2, 5, 1, false}}
	if !reflect.DeepEqual(col.pages, want) {
		t.Errorf("pages %+v, want %+v", col.pages, want)
	}
	if len(query) != 1 || len(query["cursor"]) != 0 {
		t.Errorf("the caller's query was modified: %v", query)
	}
}

func TestListPOSTPutsCursorAtTopLevelOfBody(t *testing.T) {
	body := map[string]any{
		"filter": map[string]any{
			"fromDateTime": "2026-01-01T00:00:00Z",
			"toDateTime":   "2026-01-08T00:00:00Z",
			"callIds":      []string{"1", "2"},
		},
		"contentSelector": map[string]any{"context": "Extended", "exposedFields": map[string]any{"parties": true}},
	}
	want0, _ := json.Marshal(body, json.Deterministic(true))
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		checkAPIRequest(t, r, "POST", "/v2/calls/extensive")
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Content-Type %q", ct)
		}
		if r.URL.RawQuery != "" {
			t.Errorf("POST with query %q", r.URL.RawQuery)
		}
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, m)
		switch m["cursor"] {
		case nil:
			if !bytes.Equal(b, want0) {
				t.Errorf("first body %s, want %s", b, want0)
			}
			fmt.Fprint(w, `{"requestId":"a","records":{"totalRecords":3,"currentPageSize":2,"currentPageNumber":0,"cursor":"c1"},"calls":[{"id":"1"},{"id":"2"}]}`)
		case "c1":
			fmt.Fprint(w, `{"requestId":"b","calls":[{"id":"3"}],"records":{"totalRecords":3,"currentPageSize":1,"currentPageNumber":1}}`)
		default:
			t.Errorf("unexpected cursor %v", m["cursor"])
		}
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, nil)
	col := &pageCollector{}
	if err := c.List(t.Context(), Request{Method: "POST", Path: "/v2/calls/extensive", Body: body, Envelope: "calls"}, col); err != nil {
		t.Fatal(err)
	}
	if !sameStrings(col.ids(), []string{"1", "2", "3"}) {
		t.Errorf("ids %v", col.ids())
	}
	if len(bodies) != 2 {
		t.Fatalf("%d requests", len(bodies))
	}
	second := bodies[1]
	if second["cursor"] != "c1" {
		t.Errorf("second body cursor %v", second["cursor"])
	}
	delete(second, "cursor")
	if !reflect.DeepEqual(bodies[0], second) {
		t.Errorf("the second page's body changed besides the cursor:\n%v\n%v", bodies[0], second)
	}
	if _, ok := body["cursor"]; ok {
		t.Error("the caller's body was modified")
	}
}

func TestEnvelopeAnywhereAmongMembers(t *testing.T) {
	for name, tc := range map[string]struct {
		answer   string
		envelope string
		ids      []string
		total    int
	}{
		"records first": {
			answer:   `{"requestId":"r","records":{"totalRecords":2,"currentPageSize":2,"currentPageNumber":0},"calls":[{"id":"1"},{"id":"2"}]}`,
			envelope: "calls", ids: []string{"1", "2"}, total: 2,
		},
		"records last, unknown members around": {
			answer: `{"unknown":{"calls":[{"id":"x"}],"deep":[[[{}]]]},"requestId":"r","calls":[{"id":"1","calls":[{"id":"nested"}]}],` +
				`"timeZone":"US/Pacific","records":{"totalRecords":1,"currentPageSize":1,"currentPageNumber":0,"extra":true},"more":"x"}`,
			envelope: "calls", ids: []string{"1"}, total: 1,
		},
		"no records member (not paginated)": {
			answer:   `{"requestId":"r","workspaces":[{"id":"7"},{"id":"8"}]}`,
			envelope: "workspaces", ids: []string{"7", "8"}, total: 2,
		},
		"empty array": {
			answer:   `{"requestId":"r","keywordTrackers":[]}`,
			envelope: "keywordTrackers", ids: []string{}, total: 0,
		},
		"null envelope": {
			answer:   `{"requestId":"r","folders":null}`,
			envelope: "folders", ids: []string{}, total: 0,
		},
		"single object envelope": {
			answer:   `{"requestId":"r","user":{"id":"42","managerId":null}}`,
			envelope: "user", ids: []string{"42"}, total: 1,
		},
		"whole object": {
			answer:   `{"requestId":"r","id":"3492543238968030478","name":"Public Folders","calls":[]}`,
			envelope: "", ids: []string{"3492543238968030478"}, total: 1,
		},
		"white space and BOM-free pretty print": {
			answer:   "\n{\n  \"users\" : [ {\"id\" : \"1\"} ] ,\n  \"requestId\" : \"r\"\n}\n",
			envelope: "users", ids: []string{"1"}, total: 1,
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, tc.answer)
			}))
			defer srv.Close()
			c := newClientForTest(t, srv, nil)
			col := &pageCollector{}
			if err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/x", Envelope: tc.envelope}, col); err != nil {
				t.Fatal(err)
			}
			if !sameStrings(col.ids(), tc.ids) {
				t.Errorf("ids %v, want %v", col.ids(), tc.ids)
			}
			want := []PageInfo{{Number: 0, TotalRecords: tc.total, Records: len(tc.ids)}}
			if !reflect.DeepEqual(col.pages, want) {
				t.Errorf("pages %+v, want %+v", col.pages, want)
			}
		})
	}
}

func TestNotFoundAnswers(t *testing.T) {
	for _, tc := range []struct {
		method, path, message string
		empty                 bool
	}{
		{"GET", "/v2/calls", "No calls found corresponding to the provided filters", true},
		{"POST", "/v2/calls/extensive", "No calls found corresponding to the provided filters", true},
		{"POST", "/v2/calls/transcript", "No calls found corresponding to the provided filters", true},
		{"POST", "/v2/calls/transcript", "No calls found for the specified period", true},
		{"POST", "/v2/users/extensive", "No users found corresponding to the provided filters", true},
		{"POST", "/v2/stats/interaction", "No stats found for the specified period", true},
		{"POST", "/v2/stats/activity/aggregate", "User not found", true},
		{"POST", "/v2/stats/activity/day-by-day", "User not found", true},
		{"POST", "/v2/stats/activity/scorecards", "Answered scorecards not found", true},
		{"GET", "/v2/settings/scorecards", "Scorecards not found", true},
		{"GET", "/v2/settings/trackers", "Workspace not found", true},
		{"GET", "/v2/library/folders", "No folders found for the specified period", true},
		{"GET", "/v2/library/folder-content", "No folders found for the specified period", true},
		// Real 404s that are errors.
		{"GET", "/v2/calls/894411314421502864", "Call ID 894411314421502864 was not found", false},
		{"GET", "/v2/users/1", "User not found", false},
		{"GET", "/v2/coaching", "No calls found corresponding to the provided filters", false},
		{"GET", "/v2/users", "Not found", false},
		{"GET", "/v2/calls", "Route not found", false},
	} {
		t.Run(tc.path+" "+tc.message, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(http.StatusNotFound)
				fmt.Fprintf(w, `{"requestId":"6z1ptav6gtwfkdnwqai","errors":[%q]}`, tc.message)
			}))
			defer srv.Close()
			c := newClientForTest(t, srv, nil)
			col := &pageCollector{}
			req := Request{Method: tc.method, Path: tc.path, Envelope: "calls"}
			if tc.method == "POST" {
				req.Body = map[string]any{"filter": map[string]any{}}
			}
			err := c.List(t.Context(), req, col)
			if hits.Load() != 1 {
				t.Errorf("%d attempts, want 1", hits.Load())
			}
			if tc.empty {
				if err != nil || col.calls != 0 || !reflect.DeepEqual(col.pages, []PageInfo{{}}) {
					t.Errorf("err %v, %d records, pages %+v; want one empty page", err, col.calls, col.pages)
				}
				return
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Status != 404 || !strings.Contains(err.Error(), tc.message) ||
				apiErr.RequestID != "6z1ptav6gtwfkdnwqai" {
				t.Errorf("error %v (%+v), want a 404 *APIError quoting Gong", err, apiErr)
			}
		})
	}
}

func TestErrorAnswers(t *testing.T) {
	htmlPage := "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head>\n<body>" + strings.Repeat("lorem ipsum ", 100) + "</body></html>"
	for name, tc := range map[string]struct {
		status      int
		contentType string
		location    string
		body        string
		retried     bool
		check       func(t *testing.T, err error)
		msgHas      []string
	}{
		"401": {
			status: 401, body: `{"requestId":"r1","errors":["Unauthorized"]}`,
			msgHas: []string{"GET /v2/users: Gong rejected the credentials (401): check GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET, or run `gongload auth login`", "r1"},
		},
		"401 missing scope": {
			status: 401, body: `{"requestId":"r2","errors":["You don't have permission to use 'api:stats:interaction' in your app."]}`,
			check: func(t *testing.T, err error) {
				var se *ScopeError
				if !errors.As(err, &se) || se.Scope != "api:stats:interaction" {
					t.Errorf("want *ScopeError for api:stats:interaction, got %#v", err)
				}
				var ae *APIError
				if !errors.As(err, &ae) || ae.Status != 401 {
					t.Errorf("ScopeError does not unwrap to the 401")
				}
			},
			msgHas: []string{"lacks the scope \"api:stats:interaction\"", "gongload auth login"},
		},
		"403": {
			status: 403, body: `{"requestId":"r3","errors":["Access denied"]}`,
			msgHas: []string{"denied access (403)", "Access denied"},
		},
		"400 with Gong's messages": {
			status: 400, body: `{"requestId":"r4","errors":["filter.fromDateTime: must be before toDateTime","second"]}`,
			msgHas: []string{"Gong rejected the request (400)", `"filter.fromDateTime: must be before toDateTime", "second"`},
		},
		"cursor expired": {
			status: 400, body: `{"requestId":"r5","errors":["cursor has expired"]}`,
			check: func(t *testing.T, err error) {
				if !errors.Is(err, ErrCursorExpired) {
					t.Errorf("errors.Is(%v, ErrCursorExpired) = false", err)
				}
			},
			msgHas: []string{"cursor has expired", "restart"},
		},
		"HTML 404 from a wrong host": {
			status: 404, contentType: "text/html", body: htmlPage,
			msgHas: []string{"HTTP 404", "base URL", "probably wrong", "Welcome to nginx!"},
		},
		"HTML 200 from a wrong host": {
			status: 200, contentType: "text/html; charset=utf-8", body: htmlPage,
			msgHas: []string{"HTTP 200", "text/html", "base URL", "probably wrong", "<!DOCTYPE html> <html>"},
		},
		"HTML 200 labelled JSON": {
			status: 200, contentType: "application/json", body: htmlPage,
			msgHas: []string{"HTTP 200", "probably wrong"},
		},
		"JSON of the wrong shape": {
			status: 200, body: `{"requestId":"r9","users":"nope"}`,
			check:  wantDecodeError,
			msgHas: []string{"GET /v2/users page 0: the API answer did not match the expected shape (request id r9)", `"users" is a JSON string`},
		},
		"redirect": {
			status: 301, location: "https://app.gong.io/welcome?session=abc",
			msgHas: []string{"HTTP 301", "probably wrong", "a redirect to https://app.gong.io/welcome"},
		},
		"empty 404": {
			status: 404,
			msgHas: []string{"HTTP 404", "probably wrong", "the answer was empty"},
		},
		"empty 503": {
			status: 503, retried: true,
			msgHas: []string{"giving up after 2 attempts: last error: Gong server error (503)"},
		},
		"proxy error page": {
			status: 502, contentType: "text/html", body: "<html><body>502 Bad Gateway</body></html>",
			msgHas:  []string{"Gong server error (502)", "502 Bad Gateway"},
			retried: true,
		},
		"no envelope": {
			status: 200, body: `{"requestId":"r","records":{"totalRecords":3},"people":[]}`,
			check:  wantDecodeError,
			msgHas: []string{`no "users" member`},
		},
		"top-level array": {
			status: 200, body: `[{"id":"1"}]`,
			check:  wantDecodeError,
			msgHas: []string{"want an object"},
		},
		"syntax error that is no truncation": { // retried, like a garbled byte
			status: 200, body: `{"requestId":"r","users":[{"id":"1"} {"id":"2"}]}`,
			retried: true,
			msgHas:  []string{"GET /v2/users: giving up after 2 attempts: last error: page 0: the answer is not valid JSON (request id r)"},
			check: func(t *testing.T, err error) {
				var re *RetryError
				var de *DecodeError
				if !errors.As(err, &re) || errors.As(err, &de) {
					t.Errorf("want *RetryError and no *DecodeError, got %T %v", err, err)
				}
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				ct := tc.contentType
				if ct == "" {
					ct = "application/json; charset=utf-8"
				}
				w.Header().Set("Content-Type", ct)
				if tc.location != "" {
					w.Header().Set("Location", tc.location)
				}
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			c := newClientForTest(t, srv, func(o *Options) { o.MaxRetries = 1 })
			err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{})
			if err == nil {
				t.Fatal("no error")
			}
			if want := map[bool]int32{false: 1, true: 2}[tc.retried]; hits.Load() != want {
				t.Errorf("%d attempts, want %d", hits.Load(), want)
			}
			for _, s := range tc.msgHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q lacks %q", err.Error(), s)
				}
			}
			if len(err.Error()) > 1000 {
				t.Errorf("message is %d bytes long", len(err.Error()))
			}
			if tc.check != nil {
				tc.check(t, err)
			}
		})
	}
}

func wantDecodeError(t *testing.T, err error) {
	t.Helper()
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Errorf("want *DecodeError, got %T %v", err, err)
	}
}

func TestHandlerErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"requestId":"r","users":[{"id":"1","active":"yes"}]}`)
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, nil)
	req := Request{Method: "GET", Path: "/v2/users", Envelope: "users"}

	type user struct {
		ID     string `json:"id"`
		Active bool   `json:"active"`
	}
	err := c.List(t.Context(), req, recordFunc(func(dec *jsontext.Decoder) error {
		var u user
		return json.UnmarshalDecode(dec, &u)
	}))
	wantDecodeError(t, err)
	if err != nil && !strings.Contains(err.Error(), "active") {
		t.Errorf("message %q does not name the field", err)
	}

	sentinel := errors.New("sink full")
	if err := c.List(t.Context(), req, recordFunc(func(dec *jsontext.Decoder) error { return sentinel })); !errors.Is(err, sentinel) {
		t.Errorf("handler error %v, want the sentinel", err)
	}
	if err := c.List(t.Context(), req, recordFunc(func(dec *jsontext.Decoder) error { return nil })); err == nil ||
		!strings.Contains(err.Error(), "exactly one JSON value") {
		t.Errorf("a handler that reads nothing: %v", err)
	}
}

type recordFunc func(dec *jsontext.Decoder) error

func (f recordFunc) Record(dec *jsontext.Decoder) error { return f(dec) }
func (recordFunc) Discard()                             {}
func (recordFunc) EndPage(PageInfo) error               { return nil }

func TestSameCursorTwiceStops(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, usersPageJSON("same", 10, "1"))
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, nil)
	err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{})
	if err == nil || !strings.Contains(err.Error(), "same cursor") {
		t.Errorf("error %v", err)
	}
}

// TestTruncatedBodyRetried cuts page 2 of a POST listing in the middle of a
// record, in three ways; the page is discarded and fetched again with the
// same cursor, and no record is delivered twice.
func TestTruncatedBodyRetried(t *testing.T) {
	const (
		page1 = `{"requestId":"a","records":{"totalRecords":5,"cursor":"c1"},"calls":[{"id":"1"},{"id":"2"}]}`
		page2 = `{"requestId":"b","calls":[{"id":"3"},{"id":"4"},{"id":"5","parties":[{"id":"p"}]}],"records":{"totalRecords":5}}`
	)
	cut := strings.Index(page2, `"parties"`) // inside record 5
	for name, truncate := range map[string]func(w http.ResponseWriter){
		"short Content-Length": func(w http.ResponseWriter) {
			conn, buf := hijackConn(w)
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(page2), page2[:cut])
			buf.Flush()
			conn.Close()
		},
		"chunked stream aborted": func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, page2[:cut])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		},
		"connection closed cleanly mid-JSON": func(w http.ResponseWriter) {
			conn, buf := hijackConn(w)
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n%s", page2[:cut])
			buf.Flush()
			conn.Close()
		},
	} {
		t.Run(name, func(t *testing.T) {
			var (
				mu     sync.Mutex
				bodies []string
			)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				checkAPIRequest(t, r, "POST", "/v2/calls/transcript")
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				bodies = append(bodies, string(b))
				n := len(bodies)
				mu.Unlock()
				switch n {
				case 1:
					io.WriteString(w, page1)
				case 2:
					truncate(w)
				default:
					io.WriteString(w, page2)
				}
			}))
			defer srv.Close()
			c := newClientForTest(t, srv, nil)
			col := &pageCollector{}
			req := Request{Method: "POST", Path: "/v2/calls/transcript", Envelope: "calls",
				Body: map[string]any{"filter": map[string]any{"callIds": []string{"1", "2", "3", "4", "5"}}}}
			if err := c.List(t.Context(), req, col); err != nil {
				t.Fatal(err)
			}
			if !sameStrings(col.ids(), []string{"1", "2", "3", "4", "5"}) {
				t.Errorf("ids %v", col.ids())
			}
			if col.discards != 1 || col.calls != 2+2+3 {
				t.Errorf("discards %d, Record calls %d; want 1 and 7", col.discards, col.calls)
			}
			if len(bodies) != 3 || bodies[1] != bodies[2] || !strings.Contains(bodies[2], `"cursor":"c1"`) {
				t.Errorf("the page was not fetched again with the same cursor: %q", bodies)
			}
			if st := c.Stats(); st.Retries != 1 || st.Requests != 3 {
				t.Errorf("Stats %+v", st)
			}
		})
	}
}

func hijackConn(w http.ResponseWriter) (io.Closer, *bufio.ReadWriter) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	return conn, buf
}

// TestRecordsHandedOverWhileBodyIsWritten proves streaming: the server stops
// in the middle of the page until the handler has received the first record.
// A client that read the whole body before decoding would never see it.
func TestRecordsHandedOverWhileBodyIsWritten(t *testing.T) {
	first := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"requestId":"r","users":[{"id":"1"},`)
		w.(http.Flusher).Flush()
		select {
		case <-first:
		case <-time.After(5 * time.Second):
			t.Error("no record was handed over while the body was still being written")
		}
		io.WriteString(w, `{"id":"2"}],"records":{"totalRecords":2}}`)
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, nil)
	col := &pageCollector{onRecord: func(n int) {
		if n == 1 {
			close(first)
		}
	}}
	if err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, col); err != nil {
		t.Fatal(err)
	}
	if !sameStrings(col.ids(), []string{"1", "2"}) {
		t.Errorf("ids %v", col.ids())
	}
}

// TestLargePageStreamsInBoundedMemory reads a ~20 MB page and checks that the
// client allocated far less than the page: it never holds the body.
func TestLargePageStreamsInBoundedMemory(t *testing.T) {
	rec := []byte(`{"id":"123456789012345678","text":"` + strings.Repeat("x", 1000) + `"},`)
	const n = 20000
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"requestId":"r","calls":[`)
		for range n - 1 {
			w.Write(rec)
		}
		w.Write(rec[:len(rec)-1])
		io.WriteString(w, `],"records":{"totalRecords":20000}}`)
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, nil)
	records := 0
	h := recordFunc(func(dec *jsontext.Decoder) error { records++; return dec.SkipValue() })

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/calls", Envelope: "calls"}, h); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	pageBytes := c.Stats().BytesRead
	if records != n || pageBytes < 20e6 {
		t.Fatalf("records %d, bytes %d", records, pageBytes)
	}
	alloc := int64(after.TotalAlloc - before.TotalAlloc)
	t.Logf("page %d bytes, allocated %d bytes (server and client)", pageBytes, alloc)
	if alloc > pageBytes/4 {
		t.Errorf("allocated %d bytes for a %d-byte page: the body is being buffered", alloc, pageBytes)
	}
}

func TestMaxPageBytes(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprintf(w, `{"requestId":"r","users":[{"id":"1","pad":%q}]}`, strings.Repeat("p", 5000))
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, func(o *Options) { o.MaxPageBytes = 1024 })
	err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{})
	var tl *BodyTooLargeError
	if !errors.As(err, &tl) || tl.Limit != 1024 || !strings.Contains(err.Error(), "GET /v2/users: the answer is larger than 1024 bytes (Options.MaxPageBytes)") {
		t.Errorf("error %v", err)
	}
	if hits.Load() != 1 {
		t.Errorf("%d attempts, want 1", hits.Load())
	}
}
