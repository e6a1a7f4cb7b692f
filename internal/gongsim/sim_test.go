package gongsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testNow is the fixed clock of most tests (a Wednesday evening UTC).
var testNow = time.Date(2026, 6, 10, 21, 50, 7, 428000000, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newSim(t *testing.T, cfg Config) (*Sim, *client) {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, &client{t: t, base: base, user: "demo", pass: "demo"}
}

type client struct {
	t          *testing.T
	base       string
	user, pass string
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (c *client) do(method, path, body string) response {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// ok asserts a 200 and decodes the body into v.
func (r response) ok(t *testing.T, v any) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			t.Fatalf("decoding %s: %v", r.body[:min(len(r.body), 300)], err)
		}
	}
}

// wantError asserts Gong's error shape, the status and the message.
func (r response) wantError(t *testing.T, status int, msgPart string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var e struct {
		RequestID string   `json:"requestId"`
		Errors    []string `json:"errors"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	if e.RequestID == "" || r.header.Get("x-traceid") != e.RequestID {
		t.Fatalf("requestId %q, x-traceid %q", e.RequestID, r.header.Get("x-traceid"))
	}
	if len(e.Errors) == 0 || !strings.Contains(e.Errors[0], msgPart) {
		t.Fatalf("errors %q, want one containing %q", e.Errors, msgPart)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
}

type page[T any] struct {
	RequestID string  `json:"requestId"`
	Records   Records `json:"records"`
	Users     []T     `json:"users"`
	Calls     []T     `json:"calls"`
	Tr        []T     `json:"callTranscripts"`
}

// postAll follows body cursors of a POST endpoint and returns every page.
func postAll[T any](t *testing.T, c *client, path, filterAndSelector string) []page[T] {
	t.Helper()
	var pages []page[T]
	cursor := ""
	for {
		body := "{" + filterAndSelector + "}"
		if cursor != "" {
			body = `{"cursor":"` + cursor + `",` + filterAndSelector + "}"
		}
		var p page[T]
		c.do("POST", path, body).ok(t, &p)
		pages = append(pages, p)
		if p.Records.Cursor == "" {
			return pages
		}
		cursor = p.Records.Cursor
		if len(pages) > 1000 {
			t.Fatal("pagination does not end")
		}
	}
}

func getAll[T any](t *testing.T, c *client, path string) []page[T] {
	t.Helper()
	var pages []page[T]
	cursor := ""
	for {
		p := path
		if cursor != "" {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			p += sep + "cursor=" + cursor
		}
		var pg page[T]
		c.do("GET", p, "").ok(t, &pg)
		pages = append(pages, pg)
		if pg.Records.Cursor == "" {
			return pages
		}
		cursor = pg.Records.Cursor
	}
}

func TestUsersPagination(t *testing.T) {
	s, c := newSim(t, Config{Users: 250, Calls: 10})
	pages := getAll[User](t, c, "/v2/users")
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	var got []User
	for i, p := range pages {
		want := Records{TotalRecords: 250, CurrentPageSize: []int{100, 100, 50}[i], CurrentPageNumber: i, Cursor: p.Records.Cursor}
		if p.Records != want {
			t.Errorf("page %d records %+v, want %+v", i, p.Records, want)
		}
		if (p.Records.Cursor == "") != (i == 2) {
			t.Errorf("page %d: cursor %q", i, p.Records.Cursor)
		}
		got = append(got, p.Users...)
	}
	wantJSON, _ := json.Marshal(s.Users())
	gotJSON, _ := json.Marshal(got)
	if !bytes.Equal(wantJSON, gotJSON) {
		t.Error("paged users differ from Sim.Users()")
	}
	// The last page has no "cursor" key at all; cursors look like JWTs.
	last := c.do("GET", "/v2/users?cursor="+pages[1].Records.Cursor, "")
	if bytes.Contains(last.body, []byte(`"cursor"`)) {
		t.Error("last page carries a cursor key")
	}
	if parts := strings.Split(pages[0].Records.Cursor, "."); len(parts) != 3 || !strings.HasPrefix(parts[0], "eyJ") {
		t.Errorf("cursor %q does not look like a JWT", pages[0].Records.Cursor)
	}
}

func TestUserShapeAndHierarchy(t *testing.T) {
	s, c := newSim(t, Config{Users: 30, Calls: 1})
	var raw map[string]json.RawMessage
	c.do("GET", "/v2/users", "").ok(t, &raw)
	var users []map[string]any
	json.Unmarshal(raw["users"], &users)
	wantKeys := []string{"active", "conferencingProviders", "created", "emailAddress", "emailAliases", "extension",
		"firstName", "id", "lastName", "managerId", "meetingConsentPageUrl", "personalMeetingUrls", "phoneNumber",
		"settings", "spokenLanguages", "title", "trustedEmailAddress"}
	for _, u := range users {
		var keys []string
		for k := range u {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, wantKeys) {
			t.Fatalf("user keys %v", keys)
		}
	}
	byID := map[string]User{}
	for _, u := range s.Users() {
		byID[u.ID] = u
	}
	tops := 0
	for _, u := range s.Users() {
		if u.ManagerID == nil {
			tops++
			continue
		}
		m, ok := byID[*u.ManagerID]
		if !ok {
			t.Fatalf("user %s: manager %s is not a user", u.ID, *u.ManagerID)
		}
		if m.ManagerID != nil && byID[*m.ManagerID].ManagerID != nil {
			t.Errorf("hierarchy deeper than 3 levels at %s", u.ID)
		}
	}
	if tops != 1 {
		t.Errorf("%d users without manager, want 1", tops)
	}

	u := s.Users()[3]
	var one struct {
		RequestID string `json:"requestId"`
		User      User   `json:"user"`
	}
	c.do("GET", "/v2/users/"+u.ID, "").ok(t, &one)
	if one.User.ID != u.ID || one.User.EmailAddress != u.EmailAddress {
		t.Errorf("GET /v2/users/{id}: %+v", one.User)
	}
	c.do("GET", "/v2/users/1234567890123456789", "").wantError(t, 404, "User not found")
}

func TestWorkspaces(t *testing.T) {
	s, c := newSim(t, Config{Calls: 5})
	r := c.do("GET", "/v2/workspaces", "")
	var w struct {
		RequestID  string      `json:"requestId"`
		Workspaces []Workspace `json:"workspaces"`
	}
	r.ok(t, &w)
	if bytes.Contains(r.body, []byte(`"records"`)) {
		t.Error("workspaces must not be paginated")
	}
	if len(w.Workspaces) < 1 || len(w.Workspaces) > 2 || !slices.Equal(w.Workspaces, s.Workspaces()) {
		t.Errorf("workspaces %+v", w.Workspaces)
	}
}

const allParts = `"contentSelector":{"context":"Extended","contextTiming":["Now","TimeOfCall"],"exposedFields":{"parties":true,"content":{"structure":true,"topics":true,"trackers":true,"trackerOccurrences":true,"brief":true,"outline":true,"highlights":true,"callOutcome":true,"keyPoints":true},"interaction":{"speakers":true,"video":true,"personInteractionStats":true,"questions":true},"collaboration":{"publicComments":true},"media":true}}`

func TestExtensivePaginationAndCalls(t *testing.T) {
	s, c := newSim(t, Config{Calls: 250})
	pages := postAll[Call](t, c, "/v2/calls/extensive", `"filter":{},`+allParts)
	if len(pages) != 3 {
		t.Fatalf("%d pages", len(pages))
	}
	var got []Call
	for i, p := range pages {
		if p.Records.CurrentPageNumber != i || p.Records.TotalRecords != 250 {
			t.Errorf("page %d: %+v", i, p.Records)
		}
		got = append(got, p.Calls...)
	}
	want := s.Calls()
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(gotJSON, wantJSON) {
		t.Error("paged extensive calls differ from Sim.Calls()")
	}
	for i := 1; i < len(want); i++ {
		a, _ := time.Parse(time.RFC3339Nano, want[i-1].MetaData.Started)
		b, _ := time.Parse(time.RFC3339Nano, want[i].MetaData.Started)
		if b.Before(a) {
			t.Fatal("calls not sorted by started")
		}
	}

	// POST ignores query parameters: a cursor there yields the first page.
	var p page[Call]
	c.do("POST", "/v2/calls/extensive?cursor="+pages[0].Records.Cursor, `{"filter":{}}`).ok(t, &p)
	if p.Records.CurrentPageNumber != 0 || p.Calls[0].MetaData.ID != want[0].MetaData.ID {
		t.Errorf("cursor in query of a POST was not ignored: %+v", p.Records)
	}
	// A cursor inside filter is not the top-level cursor either.
	c.do("POST", "/v2/calls/extensive", `{"filter":{"cursor":"`+pages[0].Records.Cursor+`"}}`).ok(t, &p)
	if p.Records.CurrentPageNumber != 0 {
		t.Errorf("cursor inside filter was honoured")
	}
	// Without a contentSelector only metaData comes back.
	var raw struct {
		Calls []map[string]json.RawMessage `json:"calls"`
	}
	c.do("POST", "/v2/calls/extensive", `{"filter":{}}`).ok(t, &raw)
	for _, call := range raw.Calls {
		if len(call) != 1 || call["metaData"] == nil {
			t.Fatalf("call keys without selector: %v", call)
		}
	}

	// GET /v2/calls pages with the cursor in the query and serves metaData.
	gpages := getAll[CallBasicData](t, c, "/v2/calls")
	var ids []string
	for _, p := range gpages {
		for _, m := range p.Calls {
			ids = append(ids, m.ID)
		}
	}
	if !slices.Equal(ids, s.CallIDs()) {
		t.Error("GET /v2/calls ids differ from CallIDs()")
	}
	var one struct {
		Call CallBasicData `json:"call"`
	}
	c.do("GET", "/v2/calls/"+want[7].MetaData.ID, "").ok(t, &one)
	if a, b := mustJSON(one.Call), mustJSON(want[7].MetaData); a != b {
		t.Errorf("GET /v2/calls/{id}: %+v", one.Call)
	}
	c.do("GET", "/v2/calls/894411314421502864", "").wantError(t, 404, "Call ID 894411314421502864 was not found")
}

func TestContentSelector(t *testing.T) {
	_, c := newSim(t, Config{Calls: 30})
	keys := func(m map[string]json.RawMessage) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	type rawCall map[string]json.RawMessage
	get := func(sel string) []rawCall {
		var out struct {
			Calls []rawCall `json:"calls"`
		}
		c.do("POST", "/v2/calls/extensive", `{"filter":{},"contentSelector":`+sel+`}`).ok(t, &out)
		return out.Calls
	}
	for _, call := range get(`{"exposedFields":{"parties":true}}`) {
		if got := keys(call); !slices.Equal(got, []string{"metaData", "parties"}) {
			t.Fatalf("parties only: keys %v", got)
		}
	}
	for _, call := range get(`{"exposedFields":{"interaction":{"personInteractionStats":true}}}`) {
		var in map[string]json.RawMessage
		json.Unmarshal(call["interaction"], &in)
		if got := keys(in); !slices.Equal(got, []string{"interactionStats"}) {
			t.Fatalf("personInteractionStats: interaction keys %v", got)
		}
		var stats []InteractionStat
		json.Unmarshal(in["interactionStats"], &stats)
		var names []string
		for _, st := range stats {
			names = append(names, st.Name)
		}
		if !slices.Equal(names, []string{"Talk Ratio", "Longest Monologue", "Longest Customer Story", "Interactivity", "Patience"}) {
			t.Fatalf("stat names %v", names)
		}
	}
	// trackerOccurrences only together with trackers.
	for _, call := range get(`{"exposedFields":{"content":{"trackers":true}}}`) {
		if bytes.Contains(call["content"], []byte("occurrences")) {
			t.Fatal("occurrences without trackerOccurrences")
		}
	}
	for _, call := range get(`{"exposedFields":{"content":{"trackerOccurrences":true,"brief":true}}}`) {
		if bytes.Contains(call["content"], []byte("trackers")) {
			t.Fatal("trackers without trackers selected")
		}
	}
	// context Basic: objects without fields; Extended: fields with timing.
	for _, call := range get(`{"context":"Basic"}`) {
		if call["context"] == nil || bytes.Contains(call["context"], []byte("fields")) {
			t.Fatalf("Basic context: %s", call["context"])
		}
	}
	sawNumber, sawString := false, false
	for _, call := range get(`{"context":"Extended"}`) {
		var ctx []CallContext
		json.Unmarshal(call["context"], &ctx)
		for _, cc := range ctx {
			for _, o := range cc.Objects {
				if o.Timing != "Now" || len(o.Fields) == 0 {
					t.Fatalf("Extended context object %+v", o)
				}
				for _, f := range o.Fields {
					switch f.Value.(type) {
					case float64:
						sawNumber = true
					case string:
						sawString = true
					}
				}
			}
		}
	}
	if !sawNumber || !sawString {
		t.Error("CRM field values should mix strings and numbers")
	}
	c.do("POST", "/v2/calls/extensive", `{"filter":{},"contentSelector":{"context":"Full"}}`).wantError(t, 400, "context")
	c.do("POST", "/v2/calls/extensive", `{"filter":{},"contentSelector":{"context":"Extended","contextTiming":["Later"]}}`).wantError(t, 400, "contextTiming")
}

func startedOf(t *testing.T, c Call) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, c.MetaData.Started)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestDateFilters(t *testing.T) {
	s, c := newSim(t, Config{Calls: 120})
	calls := s.Calls()
	mid := calls[60]
	at := startedOf(t, mid)
	// Written in other offsets than the company's, with and without fractions.
	asUTC := at.UTC().Format(time.RFC3339Nano)
	asIST := at.In(time.FixedZone("IST", 5*3600+1800)).Format(time.RFC3339Nano)
	countBefore, countFrom := 0, 0
	for _, cl := range calls {
		if startedOf(t, cl).Before(at) {
			countBefore++
		} else {
			countFrom++
		}
	}
	for _, f := range []struct{ from string }{{asUTC}, {asIST}} {
		var p page[Call]
		c.do("POST", "/v2/calls/extensive", `{"filter":{"fromDateTime":"`+f.from+`"}}`).ok(t, &p)
		if p.Records.TotalRecords != countFrom {
			t.Errorf("from %s: total %d want %d", f.from, p.Records.TotalRecords, countFrom)
		}
		found := false
		for _, cl := range p.Calls {
			found = found || cl.MetaData.ID == mid.MetaData.ID
		}
		if !found {
			t.Errorf("fromDateTime is not inclusive")
		}
	}
	var p page[Call]
	c.do("POST", "/v2/calls/extensive", `{"filter":{"toDateTime":"`+asIST+`"}}`).ok(t, &p)
	if p.Records.TotalRecords != countBefore {
		t.Errorf("to: total %d want %d", p.Records.TotalRecords, countBefore)
	}
	for _, pg := range postAll[Call](t, c, "/v2/calls/extensive", `"filter":{"toDateTime":"`+asUTC+`"}`) {
		for _, cl := range pg.Calls {
			if cl.MetaData.ID == mid.MetaData.ID {
				t.Error("toDateTime is not exclusive")
			}
		}
	}
	// GET /v2/calls, one-nanosecond window around the call.
	q := "/v2/calls?fromDateTime=" + strings.ReplaceAll(asIST, "+", "%2B") + "&toDateTime=" + at.Add(time.Nanosecond).UTC().Format(time.RFC3339Nano)
	var gp page[CallBasicData]
	c.do("GET", q, "").ok(t, &gp)
	if len(gp.Calls) < 1 || gp.Calls[0].ID != mid.MetaData.ID {
		t.Errorf("GET window: %+v", gp.Calls)
	}
	// Transcripts filter the same way.
	var tp page[CallTranscript]
	if _, ok := s.Transcript(mid.MetaData.ID); ok {
		c.do("POST", "/v2/calls/transcript", `{"filter":{"fromDateTime":"`+asUTC+`","toDateTime":"`+at.Add(time.Microsecond).Format(time.RFC3339Nano)+`"}}`).ok(t, &tp)
		if len(tp.Tr) != 1 || tp.Tr[0].CallID != mid.MetaData.ID {
			t.Errorf("transcript window: %d records", len(tp.Tr))
		}
	}
	// callIds with and without dates.
	ids := `"callIds":["` + calls[3].MetaData.ID + `","` + calls[100].MetaData.ID + `"]`
	c.do("POST", "/v2/calls/extensive", `{"filter":{`+ids+`}}`).ok(t, &p)
	if len(p.Calls) != 2 {
		t.Errorf("callIds only: %d calls", len(p.Calls))
	}
	c.do("POST", "/v2/calls/extensive", `{"filter":{`+ids+`,"fromDateTime":"`+asUTC+`"}}`).ok(t, &p)
	if len(p.Calls) != 1 || p.Calls[0].MetaData.ID != calls[100].MetaData.ID {
		t.Errorf("callIds and dates: %d calls", len(p.Calls))
	}
	// IDs sent as JSON numbers are accepted.
	c.do("POST", "/v2/calls/extensive", `{"filter":{"callIds":[`+calls[3].MetaData.ID+`]}}`).ok(t, &p)
	if len(p.Calls) != 1 {
		t.Errorf("numeric callIds: %d calls", len(p.Calls))
	}
}

func TestWorkspaceAndHostFilters(t *testing.T) {
	s, c := newSim(t, Config{Calls: 150})
	calls := s.Calls()
	ws := s.Workspaces()
	if len(ws) != 2 {
		t.Fatalf("want 2 workspaces with 20 users, got %d", len(ws))
	}
	for _, w := range ws {
		want := 0
		for _, cl := range calls {
			if cl.MetaData.WorkspaceID == w.ID {
				want++
			}
		}
		var p page[CallBasicData]
		c.do("GET", "/v2/calls?workspaceId="+w.ID, "").ok(t, &p)
		if p.Records.TotalRecords != want || want == 0 {
			t.Errorf("workspace %s: %d calls, want %d", w.Name, p.Records.TotalRecords, want)
		}
	}
	host := calls[0].MetaData.PrimaryUserID
	want := 0
	for _, cl := range calls {
		if cl.MetaData.PrimaryUserID == host {
			want++
		}
	}
	var p page[Call]
	c.do("POST", "/v2/calls/extensive", `{"filter":{"primaryUserIds":["`+host+`"]}}`).ok(t, &p)
	if p.Records.TotalRecords != want {
		t.Errorf("primaryUserIds: %d, want %d", p.Records.TotalRecords, want)
	}
	c.do("GET", "/v2/calls?workspaceId=42", "").wantError(t, 404, "No calls found corresponding to the provided filters")
}

func TestEmptyResultsAre404(t *testing.T) {
	_, c := newSim(t, Config{Calls: 20})
	future := `"fromDateTime":"2030-01-01T00:00:00Z","toDateTime":"2030-02-01T00:00:00-05:00"`
	const msg = "No calls found corresponding to the provided filters"
	check := func(r response) {
		t.Helper()
		r.wantError(t, 404, msg)
		var e map[string]any
		json.Unmarshal(r.body, &e)
		if len(e) != 2 {
			t.Errorf("404 body has extra keys: %s", r.body)
		}
	}
	check(c.do("GET", "/v2/calls?fromDateTime=2030-01-01T00:00:00Z&toDateTime=2030-02-01T00:00:00Z", ""))
	check(c.do("POST", "/v2/calls/extensive", `{"filter":{`+future+`}}`))
	check(c.do("POST", "/v2/calls/transcript", `{"filter":{`+future+`}}`))
	check(c.do("POST", "/v2/calls/extensive", `{"filter":{"callIds":["1234567890123456789"]}}`))
	check(c.do("POST", "/v2/calls/transcript", `{"filter":{"callIds":["1234567890123456789"]}}`))
}

func TestBadRequests(t *testing.T) {
	_, c := newSim(t, Config{Calls: 5})
	c.do("POST", "/v2/calls/extensive", `{"filter":`).wantError(t, 400, "Malformed")
	c.do("POST", "/v2/calls/extensive", `{}`).wantError(t, 400, "filter")
	c.do("POST", "/v2/calls/transcript", ``).wantError(t, 400, "body")
	c.do("POST", "/v2/calls/extensive", `{"filter":{"fromDateTime":"2026-01-01"}}`).wantError(t, 400, "filter.fromDateTime")
	c.do("POST", "/v2/calls/extensive", `{"filter":{"fromDateTime":"2026-02-01T00:00:00Z","toDateTime":"2026-01-01T00:00:00Z"}}`).wantError(t, 400, "must be before toDateTime")
	c.do("GET", "/v2/calls?fromDateTime=yesterday", "").wantError(t, 400, "fromDateTime")
	c.do("POST", "/v2/calls/extensive", `{"filter":{},"cursor":"garbage"}`).wantError(t, 400, "cursor")
	c.do("GET", "/v2/nothing", "").wantError(t, 404, "not found")
	c.do("DELETE", "/v2/users", "").wantError(t, 405, "not supported")
}

func TestAuth(t *testing.T) {
	_, c := newSim(t, Config{Calls: 5, AccessKey: "key", AccessKeySecret: "s3cret"})
	c.do("GET", "/v2/users", "").wantError(t, 401, "Access denied") // demo:demo is wrong here
	c.user = ""
	c.do("GET", "/v2/workspaces", "").wantError(t, 401, "Access denied")
	c.do("GET", "/_sim/stats", "").wantError(t, 401, "Access denied")
	req, _ := http.NewRequest("GET", c.base+"/v2/users", nil)
	req.Header.Set("Authorization", "Bearer abc")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("Bearer: %d", resp.StatusCode)
	}
	c.user, c.pass = "key", "s3cret"
	c.do("GET", "/v2/users", "").ok(t, nil)
}

func TestRateLimit(t *testing.T) {
	s, c := newSim(t, Config{Calls: 5, RateLimit: 2})
	var limited int
	for range 12 {
		r := c.do("GET", "/v2/workspaces", "")
		if r.status == 429 {
			limited++
			r.wantError(t, 429, "limit")
			ra, err := strconv.Atoi(r.header.Get("Retry-After"))
			if err != nil || ra < 1 {
				t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
			}
		} else if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
	}
	if limited == 0 {
		t.Fatal("no 429 at 12 back-to-back requests with RateLimit 2")
	}
	if st := s.Stats(); st.RateLimited != int64(limited) || st.ByStatus["429"] != int64(limited) {
		t.Errorf("stats %+v, want %d 429s", st, limited)
	}
	// Admin endpoints are not rate limited.
	for range 5 {
		c.do("GET", "/_sim/stats", "").ok(t, nil)
	}
}

func TestDailyQuota(t *testing.T) {
	clk := &clock{t: time.Date(2026, 6, 10, 21, 50, 0, 0, time.UTC)}
	s, c := newSim(t, Config{Calls: 5, DailyQuota: 3, Now: clk.Now})
	for range 3 {
		c.do("GET", "/v2/workspaces", "").ok(t, nil)
	}
	r := c.do("GET", "/v2/workspaces", "")
	r.wantError(t, 429, "Daily")
	if ra := r.header.Get("Retry-After"); ra != strconv.Itoa(2*3600+10*60) {
		t.Errorf("Retry-After %s, want seconds until midnight UTC", ra)
	}
	clk.Advance(2*time.Hour + 10*time.Minute)
	c.do("GET", "/v2/workspaces", "").ok(t, nil)
	if st := s.Stats(); st.QuotaExceeded != 1 || st.RateLimited != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestCursorExpiryAndReuse(t *testing.T) {
	clk := &clock{t: testNow}
	s, c := newSim(t, Config{Users: 250, Calls: 250, Now: clk.Now, CursorTTL: time.Hour})
	var p0, p1, p1again page[User]
	c.do("GET", "/v2/users", "").ok(t, &p0)
	clk.Advance(30 * time.Minute)
	r1 := c.do("GET", "/v2/users?cursor="+p0.Records.Cursor, "")
	r1.ok(t, &p1)
	// The same cursor again (a retry) gives the same page.
	r1again := c.do("GET", "/v2/users?cursor="+p0.Records.Cursor, "")
	r1again.ok(t, &p1again)
	if p1again.Records != p1.Records || p1again.Users[0].ID != p1.Users[0].ID {
		t.Error("re-requesting a cursor gave another page")
	}
	// The TTL counts from the first request of the sequence, not the last.
	clk.Advance(31 * time.Minute)
	c.do("GET", "/v2/users?cursor="+p1.Records.Cursor, "").wantError(t, 400, "cursor has expired")

	var e0 page[Call]
	c.do("POST", "/v2/calls/extensive", `{"filter":{"fromDateTime":"2026-01-01T00:00:00Z"}}`).ok(t, &e0)
	// Another filter with this cursor is refused.
	c.do("POST", "/v2/calls/extensive", `{"cursor":"`+e0.Records.Cursor+`","filter":{"fromDateTime":"2026-01-02T00:00:00Z"}}`).wantError(t, 400, "cursor")
	// The same instant written differently is the same filter.
	c.do("POST", "/v2/calls/extensive", `{"cursor":"`+e0.Records.Cursor+`","filter":{"fromDateTime":"2025-12-31T19:00:00-05:00"}}`).ok(t, nil)
	// A cursor of one endpoint is refused by another.
	c.do("POST", "/v2/calls/transcript", `{"cursor":"`+e0.Records.Cursor+`","filter":{"fromDateTime":"2026-01-01T00:00:00Z"}}`).wantError(t, 400, "cursor")
	clk.Advance(time.Hour)
	c.do("POST", "/v2/calls/extensive", `{"cursor":"`+e0.Records.Cursor+`","filter":{"fromDateTime":"2026-01-01T00:00:00Z"}}`).wantError(t, 400, "cursor has expired")
	if st := s.Stats(); st.CursorsExpired != 2 {
		t.Errorf("CursorsExpired %d", st.CursorsExpired)
	}
}

func TestDeterminism(t *testing.T) {
	mk := func(seed int64) *Sim {
		s, err := New(Config{Seed: seed, Calls: 150, Now: func() time.Time { return testNow }})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	script := []struct{ method, path, body string }{
		{"GET", "/v2/users", ""},
		{"GET", "/v2/workspaces", ""},
		{"GET", "/v2/calls", ""},
		{"POST", "/v2/calls/extensive", `{"filter":{},` + allParts + `}`},
		{"POST", "/v2/calls/transcript", `{"filter":{}}`},
	}
	run := func(s *Sim) [][]byte {
		var out [][]byte
		for _, st := range script {
			req := httptest.NewRequest(st.method, "http://gong.test"+st.path, strings.NewReader(st.body))
			req.SetBasicAuth("demo", "demo")
			w := httptest.NewRecorder()
			s.ServeHTTP(w, req)
			if w.Code != 200 {
				t.Fatalf("%s: %d %s", st.path, w.Code, w.Body)
			}
			out = append(out, w.Body.Bytes())
		}
		return out
	}
	a, b, other := run(mk(7)), run(mk(7)), run(mk(8))
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Errorf("%s: same seed, different bytes", script[i].path)
		}
		if bytes.Equal(a[i], other[i]) {
			t.Errorf("%s: different seeds, same bytes", script[i].path)
		}
	}
	// Re-reading a transcript gives the same data.
	s := mk(7)
	id := s.CallIDs()[5]
	t1, ok1 := s.Transcript(id)
	t2, ok2 := s.Transcript(id)
	j1, _ := json.Marshal(t1)
	j2, _ := json.Marshal(t2)
	if ok1 != ok2 || !bytes.Equal(j1, j2) {
		t.Error("transcript differs between reads")
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

var idRE = regexp.MustCompile(`^[1-9][0-9]{18}$`)

func TestIDsAndTimestamps(t *testing.T) {
	s, _ := newSim(t, Config{Calls: 300})
	seen := map[string]bool{}
	id := func(v string) {
		t.Helper()
		if !idRE.MatchString(v) {
			t.Fatalf("id %q is not 19 digits", v)
		}
		if seen[v] {
			t.Fatalf("duplicate id %s", v)
		}
		seen[v] = true
	}
	digits := map[int]bool{}
	ts := func(v string) {
		t.Helper()
		tt, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			t.Fatalf("timestamp %q: %v", v, err)
		}
		if !strings.HasSuffix(v, "-04:00") && !strings.HasSuffix(v, "-05:00") {
			t.Fatalf("timestamp %q is not in America/New_York", v)
		}
		_ = tt
		d := 0
		if i := strings.IndexByte(v, '.'); i >= 0 {
			d = len(v) - i - 1 - len("-04:00")
		}
		if d > 6 {
			t.Fatalf("timestamp %q has %d fractional digits", v, d)
		}
		digits[d] = true
	}
	for _, u := range s.Users() {
		id(u.ID)
		ts(u.Created)
	}
	for _, w := range s.Workspaces() {
		id(w.ID)
	}
	from, to := testNow.Add(-30*24*time.Hour), testNow
	for _, c := range s.Calls() {
		id(c.MetaData.ID)
		ts(c.MetaData.Started)
		ts(c.MetaData.Scheduled)
		if st := startedOf(t, c); st.Before(from) || !st.Before(to) {
			t.Errorf("started %s outside [Now-30d, Now)", c.MetaData.Started)
		}
		for _, p := range c.Parties {
			id(p.ID)
			id(p.SpeakerID)
		}
		for _, cm := range c.Collaboration.PublicComments {
			id(cm.ID)
			ts(cm.Posted)
		}
	}
	if len(digits) < 4 {
		t.Errorf("fractional digit counts seen: %v, want variety", digits)
	}
}

var wordRE = map[string]*regexp.Regexp{}

func mentions(text, phrase string) bool {
	re, ok := wordRE[phrase]
	if !ok {
		re = regexp.MustCompile(`(?i)\b` + regexp.QuoteMeta(phrase) + `\b`)
		wordRE[phrase] = re
	}
	return re.MatchString(text)
}

func TestConsistency(t *testing.T) {
	s, c := newSim(t, Config{Calls: 300, Sentences: 60})
	users := map[string]User{}
	for _, u := range s.Users() {
		users[u.ID] = u
	}
	wss := map[string]bool{}
	for _, w := range s.Workspaces() {
		wss[w.ID] = true
	}
	pending := 0
	for _, call := range s.Calls() {
		m := call.MetaData
		if _, ok := users[m.PrimaryUserID]; !ok {
			t.Fatalf("call %s: primaryUserId is not a user", m.ID)
		}
		if !wss[m.WorkspaceID] {
			t.Fatalf("call %s: unknown workspace", m.ID)
		}
		if n := len(call.Parties); n < 2 || n > 6 {
			t.Errorf("call %s: %d parties", m.ID, n)
		}
		bySpeaker := map[string]Party{}
		byParty := map[string]Party{}
		hostIsParty := false
		for _, p := range call.Parties {
			bySpeaker[p.SpeakerID] = p
			byParty[p.ID] = p
			switch p.Affiliation {
			case "Internal":
				if _, ok := users[p.UserID]; !ok {
					t.Fatalf("internal party %s: userId %q is not a user", p.ID, p.UserID)
				}
				hostIsParty = hostIsParty || p.UserID == m.PrimaryUserID
			case "External":
				if p.UserID != "" {
					t.Fatalf("external party with userId")
				}
			default:
				t.Fatalf("affiliation %q", p.Affiliation)
			}
		}
		if !hostIsParty {
			t.Fatalf("call %s: host is not a party", m.ID)
		}
		if (m.Scope == "Internal") != (len(call.Context) == 0) {
			t.Errorf("call %s: scope %s with %d CRM contexts", m.ID, m.Scope, len(call.Context))
		}
		talk := map[string]float64{}
		for _, sp := range call.Interaction.Speakers {
			p, ok := byParty[sp.ID]
			if !ok {
				t.Fatalf("speaker %s is not a party id", sp.ID)
			}
			if (sp.UserID == nil) != (p.UserID == "") {
				t.Fatalf("speaker userId mismatch")
			}
			talk[p.SpeakerID] = sp.TalkTime
		}
		for _, tr := range call.Content.Trackers {
			for _, o := range tr.Occurrences {
				if _, ok := bySpeaker[o.SpeakerID]; !ok {
					t.Fatalf("tracker occurrence speaker %s is not a party", o.SpeakerID)
				}
			}
		}
		if m.Media == "Video" && call.Media.VideoURL == "" || call.Media.AudioURL == "" {
			t.Fatalf("media %+v for %s", call.Media, m.Media)
		}

		tr, ok := s.Transcript(m.ID)
		if !ok {
			pending++
			if call.Content.Brief != "" || call.Content.Trackers != nil {
				t.Errorf("call %s without transcript has transcript-derived content", m.ID)
			}
			continue
		}
		if tr.CallID != m.ID {
			t.Fatal("transcript callId")
		}
		var prevStart int64 = -1
		gotTalk := map[string]int64{}
		companyQ, otherQ := 0, 0
		phraseCount := map[string]int{}
		for _, mono := range tr.Transcript {
			p, ok := bySpeaker[mono.SpeakerID]
			if !ok {
				t.Fatalf("call %s: transcript speaker %s is not a party", m.ID, mono.SpeakerID)
			}
			if len(mono.Sentences) == 0 {
				t.Fatal("empty monologue")
			}
			for _, se := range mono.Sentences {
				if se.Start <= prevStart || se.End <= se.Start || se.End > m.Duration*1000 {
					t.Fatalf("call %s: sentence %+v (previous start %d, duration %ds)", m.ID, se, prevStart, m.Duration)
				}
				prevStart = se.Start
				gotTalk[mono.SpeakerID] += se.End - se.Start
				if strings.HasSuffix(se.Text, "?") {
					if p.Affiliation == "Internal" {
						companyQ++
					} else {
						otherQ++
					}
				}
				for _, kt := range keywordTrackers {
					for _, ph := range kt.phrases {
						if mentions(se.Text, ph) {
							phraseCount[kt.name+"/"+ph]++
						}
					}
				}
			}
		}
		for sp, ms := range gotTalk {
			if talk[sp] != round(float64(ms)/1000, 2) {
				t.Fatalf("call %s: talkTime %v, transcript says %d ms", m.ID, talk[sp], ms)
			}
		}
		if q := call.Interaction.Questions; q.CompanyCount != companyQ || q.NonCompanyCount != otherQ {
			t.Fatalf("call %s: questions %+v, transcript has %d/%d", m.ID, q, companyQ, otherQ)
		}
		want := map[string]int{}
		for _, trk := range call.Content.Trackers {
			for _, ph := range trk.Phrases {
				want[trk.Name+"/"+ph.Phrase] = ph.Count
			}
		}
		for k, n := range phraseCount {
			if want[k] != n {
				t.Fatalf("call %s: %s said %d times, tracker says %d", m.ID, k, n, want[k])
			}
		}
		for k, n := range want {
			if phraseCount[k] != n {
				t.Fatalf("call %s: tracker %s count %d, transcript %d", m.ID, k, n, phraseCount[k])
			}
		}
	}
	if pending == 0 || pending > 40 {
		t.Errorf("%d of 300 calls without transcript, want about 5%%", pending)
	}
	// The transcript endpoint serves exactly the ready transcripts.
	var served []string
	for _, p := range postAll[CallTranscript](t, c, "/v2/calls/transcript", `"filter":{}`) {
		for _, tr := range p.Tr {
			served = append(served, tr.CallID)
			want, _ := s.Transcript(tr.CallID)
			a, _ := json.Marshal(tr)
			b, _ := json.Marshal(want)
			if !bytes.Equal(a, b) {
				t.Fatalf("served transcript of %s differs from Sim.Transcript", tr.CallID)
			}
		}
	}
	if len(served) != 300-pending {
		t.Errorf("%d transcripts served, want %d", len(served), 300-pending)
	}
}

func TestSentenceVolume(t *testing.T) {
	s, _ := newSim(t, Config{Calls: 200, Sentences: 250})
	total, n := 0, 0
	for _, id := range s.CallIDs() {
		if tr, ok := s.Transcript(id); ok {
			n++
			for _, m := range tr.Transcript {
				total += len(m.Sentences)
			}
		}
	}
	mean := float64(total) / float64(n)
	if mean < 220 || mean > 280 {
		t.Errorf("mean %.0f sentences per call, want about 250", mean)
	}
}

func TestAdminEndpoints(t *testing.T) {
	s, c := newSim(t, Config{Calls: 20})
	started := "2026-06-09T14:00:00.5Z"
	var added struct {
		RequestID string   `json:"requestId"`
		CallIDs   []string `json:"callIds"`
	}
	c.do("POST", "/_sim/calls", `{"count":3,"started":"`+started+`","withTranscript":false}`).ok(t, &added)
	if len(added.CallIDs) != 3 || len(s.CallIDs()) != 23 {
		t.Fatalf("added %v", added.CallIDs)
	}
	var one struct {
		Call CallBasicData `json:"call"`
	}
	c.do("GET", "/v2/calls/"+added.CallIDs[0], "").ok(t, &one)
	if one.Call.Started != "2026-06-09T10:00:00.5-04:00" {
		t.Errorf("added call started %s", one.Call.Started)
	}
	tfilter := `{"filter":{"callIds":["` + strings.Join(added.CallIDs, `","`) + `"]}}`
	c.do("POST", "/v2/calls/transcript", tfilter).wantError(t, 404, "No calls found")
	if _, ok := s.Transcript(added.CallIDs[0]); ok {
		t.Error("transcript of a late call is available")
	}
	c.do("POST", "/_sim/transcripts", `{"callIds":["`+added.CallIDs[0]+`","`+added.CallIDs[1]+`"]}`).ok(t, nil)
	var tp page[CallTranscript]
	c.do("POST", "/v2/calls/transcript", tfilter).ok(t, &tp)
	if len(tp.Tr) != 2 {
		t.Errorf("%d transcripts after release", len(tp.Tr))
	}
	c.do("DELETE", "/_sim/calls/"+added.CallIDs[0], "").ok(t, nil)
	c.do("GET", "/v2/calls/"+added.CallIDs[0], "").wantError(t, 404, "was not found")
	c.do("DELETE", "/_sim/calls/"+added.CallIDs[0], "").wantError(t, 404, "was not found")
	c.do("POST", "/v2/calls/transcript", tfilter).ok(t, &tp)
	if len(tp.Tr) != 1 {
		t.Errorf("%d transcripts after delete", len(tp.Tr))
	}
	c.do("POST", "/_sim/calls", `{"count":0}`).wantError(t, 400, "count")

	// Go API: the same operations.
	ids := s.AddCalls(2, testNow.Add(-time.Hour), true)
	if _, ok := s.Transcript(ids[1]); !ok {
		t.Error("AddCalls withTranscript: no transcript")
	}
	if !s.DeleteCall(ids[0]) || s.DeleteCall(ids[0]) {
		t.Error("DeleteCall")
	}

	var st struct {
		RequestID string `json:"requestId"`
		Stats
	}
	c.do("GET", "/_sim/stats", "").ok(t, &st)
	if st.RequestID == "" || st.ByPath["POST /v2/calls/transcript"] != 3 || st.ByPath["DELETE /_sim/calls/{id}"] != 2 ||
		st.ByStatus["404"] != 3 || st.TranscriptsSent != 3 {
		t.Errorf("stats %+v", st)
	}
}

func TestFaults(t *testing.T) {
	s, c := newSim(t, Config{Calls: 20, FailRate: 1})
	codes := map[int]bool{}
	for range 30 {
		r := c.do("GET", "/v2/workspaces", "")
		codes[r.status] = true
		if r.status == 502 && !bytes.Contains(r.body, []byte("Bad Gateway")) {
			t.Error("502 body")
		}
	}
	if !codes[500] || !codes[502] || !codes[503] || len(codes) != 3 {
		t.Errorf("status codes %v", codes)
	}
	c.do("GET", "/_sim/stats", "").ok(t, nil) // admin is never faulted
	if st := s.Stats(); st.Faults5xx != 30 || st.Faults != 30 {
		t.Errorf("stats %+v", st)
	}

	s2, c2 := newSim(t, Config{Calls: 150, TruncateRate: 1})
	req, _ := http.NewRequest("POST", c2.base+"/v2/calls/extensive", strings.NewReader(`{"filter":{}}`))
	req.SetBasicAuth("demo", "demo")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated body: err %v, want io.ErrUnexpectedEOF", err)
	}
	// Errors are never truncated.
	r := c2.do("POST", "/v2/calls/transcript", `{"filter":{"callIds":["1"]}}`)
	r.wantError(t, 404, "No calls found")
	if st := s2.Stats(); st.Truncated != 1 {
		t.Errorf("truncated %d", st.Truncated)
	}
}

func TestLatency(t *testing.T) {
	_, c := newSim(t, Config{Calls: 5, Latency: 50 * time.Millisecond})
	t0 := time.Now()
	c.do("GET", "/v2/workspaces", "").ok(t, nil)
	if d := time.Since(t0); d < 50*time.Millisecond {
		t.Errorf("answered in %v with 50ms latency", d)
	}
}

func TestConcurrentUse(t *testing.T) {
	s, c := newSim(t, Config{Calls: 200, Sentences: 30})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for range 2 {
				postAll[Call](t, c, "/v2/calls/extensive", `"filter":{},`+allParts)
				postAll[CallTranscript](t, c, "/v2/calls/transcript", `"filter":{}`)
			}
		})
		wg.Go(func() {
			ids := s.AddCalls(5, testNow.Add(-time.Duration(i)*time.Hour), false)
			s.ReleaseTranscripts(ids[:2])
			s.DeleteCall(ids[4])
			_ = s.Calls()
			_ = s.Stats()
		})
	}
	wg.Wait()
	if n := len(s.CallIDs()); n != 200+4*4 {
		t.Errorf("%d calls", n)
	}
}

func TestConfigValidation(t *testing.T) {
	for _, cfg := range []Config{{Users: -1}, {FailRate: 2}, {TimeZone: "Mars/Olympus"}, {RateLimit: -1}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
	s, err := New(Config{Calls: -1, Users: 1, TimeZone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.CallIDs()) != 0 || len(s.Users()) != 1 || len(s.Workspaces()) != 1 {
		t.Errorf("negative Calls / single user: %d calls %d users", len(s.CallIDs()), len(s.Users()))
	}
	ids := s.AddCalls(1, time.Time{}, true)
	c, ok := s.Call(ids[0])
	if !ok || c.MetaData.PrimaryUserID != s.Users()[0].ID || len(c.Parties) < 2 {
		t.Errorf("single-user call %+v", c.MetaData)
	}
}
