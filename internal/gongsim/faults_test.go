package gongsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestLatencyJitter(t *testing.T) {
	s, err := New(Config{Calls: 5, Latency: 20 * time.Millisecond, LatencyJitter: 15 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, sum := time.Hour, time.Duration(0), time.Duration(0)
	const n = 2000
	for seq := uint64(1); seq <= n; seq++ {
		d := s.delay(seq)
		if d != s.delay(seq) {
			t.Fatal("the delay of a request is not a function of its number")
		}
		lo, hi, sum = min(lo, d), max(hi, d), sum+d
	}
	if lo < 5*time.Millisecond || hi > 35*time.Millisecond || lo > 7*time.Millisecond || hi < 33*time.Millisecond {
		t.Errorf("delays within [%v, %v], want about [5ms, 35ms]", lo, hi)
	}
	if mean := sum / n; mean < 19*time.Millisecond || mean > 21*time.Millisecond {
		t.Errorf("mean delay %v, want about 20ms", mean)
	}
	// Never below zero, even when the jitter exceeds the latency.
	s2, _ := New(Config{Calls: 5, LatencyJitter: 10 * time.Millisecond})
	for seq := uint64(1); seq <= 100; seq++ {
		if d := s2.delay(seq); d < 0 || d > 10*time.Millisecond {
			t.Fatalf("delay %v with no latency and 10ms jitter", d)
		}
	}

	s3, c := newSim(t, Config{Calls: 5, Latency: 10 * time.Millisecond, LatencyJitter: 5 * time.Millisecond})
	for range 5 {
		c.do("GET", "/v2/workspaces", "").ok(t, nil)
	}
	c.do("GET", "/_sim/stats", "").ok(t, nil) // admin: no latency
	if st := s3.Stats(); st.Delayed != 5 || st.DelayMs < 20 || st.DelayMs > 80 || st.Faults != 0 {
		t.Errorf("stats %+v, want 5 delayed requests, 25-75 ms in all", st)
	}
}

func TestStorm(t *testing.T) {
	s, c := newSim(t, Config{Calls: 5, StormRate: 1})
	r := c.do("GET", "/v2/workspaces", "")
	r.wantError(t, 429, "limit")
	ra, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 2 {
		t.Fatalf("Retry-After %q, want 1 or 2 seconds", r.header.Get("Retry-After"))
	}
	// Every API request of the storm is refused; admin is never.
	for range 4 {
		r := c.do("POST", "/v2/calls/extensive", `{"filter":{}}`)
		r.wantError(t, 429, "limit")
		if got, _ := strconv.Atoi(r.header.Get("Retry-After")); got < 1 || got > ra {
			t.Errorf("Retry-After %d during a storm of %d s", got, ra)
		}
	}
	c.do("GET", "/_sim/stats", "").ok(t, nil)
	if st := s.Stats(); st.Storms != 1 || st.StormRejected != 5 || st.RateLimited != 5 || st.Faults != 5 || st.QuotaExceeded != 0 {
		t.Errorf("stats %+v, want one storm, 5 429s", st)
	}
	// After Retry-After the storm is over (and, at rate 1, the next request
	// starts another).
	time.Sleep(time.Duration(ra)*time.Second + 50*time.Millisecond)
	c.do("GET", "/v2/workspaces", "").wantError(t, 429, "limit")
	if st := s.Stats(); st.Storms != 2 {
		t.Errorf("storms %d after the first ended, want 2", st.Storms)
	}

	// At a low rate, storms are rare and end.
	s2, c2 := newSim(t, Config{Calls: 5, StormRate: 0.02})
	var ok, limited int
	for range 200 {
		switch c2.do("GET", "/v2/workspaces", "").status {
		case 200:
			ok++
		case 429:
			limited++
		}
	}
	if st := s2.Stats(); ok == 0 || st.Storms == 0 || st.Storms > 1 || int(st.StormRejected) != limited {
		// 200 quick requests fit in one storm once it started.
		t.Errorf("%d ok, %d limited, stats %+v", ok, limited, st)
	}
}

func TestMalformed(t *testing.T) {
	clean, cc := newSim(t, Config{Calls: 150})
	bad, bc := newSim(t, Config{Calls: 150, MalformedRate: 1})
	for _, rq := range []struct{ method, path, body string }{
		{"GET", "/v2/users", ""},
		{"POST", "/v2/calls/extensive", `{"filter":{}}`}, // no media: its URLs hold the port
		{"POST", "/v2/calls/transcript", `{"filter":{}}`},
		{"GET", "/v2/workspaces", ""},
	} {
		want := cc.do(rq.method, rq.path, rq.body)
		got := bc.do(rq.method, rq.path, rq.body)
		if got.status != 200 || len(got.body) != len(want.body) || got.header.Get("Content-Length") != strconv.Itoa(len(want.body)) {
			t.Fatalf("%s: status %d, %d bytes (Content-Length %s), want 200 with %d", rq.path, got.status, len(got.body), got.header.Get("Content-Length"), len(want.body))
		}
		if json.Valid(got.body) {
			t.Errorf("%s: the malformed body is valid JSON", rq.path)
		}
		diff := 0
		for i := range got.body {
			if got.body[i] != want.body[i] {
				diff++
				if got.body[i] >= 0x20 {
					t.Errorf("%s: byte %d became %q, want a control character", rq.path, i, got.body[i])
				}
			}
		}
		if diff != 1 {
			t.Errorf("%s: %d bytes differ from the clean answer, want 1", rq.path, diff)
		}
	}
	// Errors are never malformed.
	bc.do("POST", "/v2/calls/transcript", `{"filter":{"callIds":["1"]}}`).wantError(t, 404, "No calls found")
	if st := bad.Stats(); st.Malformed != 4 || st.Faults != 4 {
		t.Errorf("stats %+v, want 4 malformed", st)
	}
	if st := clean.Stats(); st.Faults != 0 {
		t.Errorf("clean stats %+v", st)
	}
}

func TestReset(t *testing.T) {
	s, c := newSim(t, Config{Calls: 5, ResetRate: 1})
	for _, method := range []string{"GET", "POST"} {
		var body io.Reader
		if method == "POST" {
			body = strings.NewReader(`{"filter":{}}`)
		}
		req, _ := http.NewRequest(method, c.base+map[string]string{"GET": "/v2/users", "POST": "/v2/calls/extensive"}[method], body)
		req.SetBasicAuth("demo", "demo")
		tr := &http.Transport{}
		resp, err := (&http.Client{Transport: tr}).Do(req)
		tr.CloseIdleConnections()
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s: answered %d, want a reset connection", method, resp.StatusCode)
		}
		if !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
			t.Errorf("%s: %v, want a connection reset", method, err)
		}
	}
	c.do("GET", "/_sim/stats", "").ok(t, nil) // admin is never reset
	if st := s.Stats(); st.Resets != 2 || st.Faults != 2 || st.APIRequests != 2 {
		t.Errorf("stats %+v, want 2 resets", st)
	}
}

// TestFaultDraws: with every fault on, which request gets which fault is a
// function of (Seed, request number): two simulators answer the same
// sequence of requests with the same statuses and bytes.
func TestFaultDraws(t *testing.T) {
	cfg := Config{Calls: 150, FailRate: 0.2, TruncateRate: 0.1, MalformedRate: 0.2, ResetRate: 0.1}
	seq := func() string {
		_, c := newSim(t, cfg)
		var b strings.Builder
		for range 40 {
			req, _ := http.NewRequest("GET", c.base+"/v2/users", nil)
			req.SetBasicAuth("demo", "demo")
			tr := &http.Transport{DisableKeepAlives: true}
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				b.WriteString("reset;")
				continue
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case err != nil:
				b.WriteString("cut;")
			case resp.StatusCode == 200 && !json.Valid(body):
				b.WriteString("malformed;")
			default:
				b.WriteString(strconv.Itoa(resp.StatusCode) + ";")
			}
		}
		return b.String()
	}
	a, b := seq(), seq()
	if a != b {
		t.Errorf("two simulators injected different faults:\n%s\n%s", a, b)
	}
	for _, kind := range []string{"reset;", "cut;", "malformed;", "200;", "50"} {
		if !strings.Contains(a, kind) {
			t.Errorf("no %q in 40 requests: %s", kind, a)
		}
	}
}

// TestCursorExpiresOnWallClock: with a clock that stands still, a
// pagination sequence that takes longer than CursorTTL in real time is
// answered 400 "cursor has expired" mid-way; starting it again works.
func TestCursorExpiresOnWallClock(t *testing.T) {
	s, c := newSim(t, Config{Users: 250, Calls: 5, CursorTTL: 300 * time.Millisecond})
	var p0, p1 page[User]
	c.do("GET", "/v2/users", "").ok(t, &p0)
	c.do("GET", "/v2/users?cursor="+url.QueryEscape(p0.Records.Cursor), "").ok(t, &p1)
	time.Sleep(350 * time.Millisecond)
	c.do("GET", "/v2/users?cursor="+url.QueryEscape(p1.Records.Cursor), "").wantError(t, 400, "cursor has expired")
	// The first page again starts the sequence again: the same cursors
	// (the clock stands still) are good for another CursorTTL.
	var q0 page[User]
	c.do("GET", "/v2/users", "").ok(t, &q0)
	if q0.Records.Cursor != p0.Records.Cursor {
		t.Error("the same first page with the clock standing still gave another cursor")
	}
	c.do("GET", "/v2/users?cursor="+url.QueryEscape(p1.Records.Cursor), "").ok(t, nil)

	// POST listings too (body cursor).
	var e0 page[Call]
	c.do("POST", "/v2/calls/extensive", `{"filter":{}}`).ok(t, &e0)
	if e0.Records.Cursor != "" {
		t.Fatal("5 calls came in more than one page")
	}
	if st := s.Stats(); st.CursorsExpired != 1 {
		t.Errorf("CursorsExpired %d, want 1", st.CursorsExpired)
	}
}

func TestTokenExpireRate(t *testing.T) {
	s, c := newSim(t, Config{Users: 3, Calls: 5, Days: 5, Sentences: 5, TokenTTL: 10 * time.Second, TokenExpireRate: 1})
	oc := &oauthClient{t: t, base: c.base}
	const redirect = "http://localhost:9/cb"
	_, q := oc.authorize("demo", "", redirect, "s")
	_, tok, _ := oc.token("demo", "demo", url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {redirect}}, true)
	// A token just issued is never revoked early: the retry after a
	// refresh gets through.
	if st, body := bearerGet(t, c.base, "GET", "/v2/workspaces", tok.AccessToken); st != 200 {
		t.Fatalf("fresh token = %d %s", st, body)
	}
	time.Sleep(tokenMinAge + 50*time.Millisecond)
	st, body := bearerGet(t, c.base, "GET", "/v2/workspaces", tok.AccessToken)
	if st != 401 || !strings.Contains(body, "the access token has expired") {
		t.Fatalf("token in use for a second at rate 1 = %d %s, want 401 expired", st, body)
	}
	// Revoked for good, like an expired token.
	if st, _ := bearerGet(t, c.base, "GET", "/v2/workspaces", tok.AccessToken); st != 401 {
		t.Errorf("revoked token = %d", st)
	}
	_, tok2, _ := oc.token("demo", "demo", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}, true)
	if st, body := bearerGet(t, c.base, "GET", "/v2/workspaces", tok2.AccessToken); st != 200 {
		t.Errorf("refreshed token = %d %s", st, body)
	}
	// Basic auth is not affected.
	c.do("GET", "/v2/workspaces", "").ok(t, nil)
	if st := s.Stats(); st.TokensExpired != 1 || st.Faults != 1 || st.Unauthorized != 2 {
		t.Errorf("stats %+v, want 1 token expired early", st)
	}
	if st := s.OAuthStats(); st.ExpiredTokens != 2 {
		t.Errorf("OAuth stats %+v, want 2 requests refused for an expired token", st)
	}
}

func TestFaultConfigValidation(t *testing.T) {
	for _, cfg := range []Config{{StormRate: 1.5}, {MalformedRate: -0.1}, {ResetRate: 2}, {TokenExpireRate: -1}, {LatencyJitter: -time.Second}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

// TestSimStatsEndpointHasFaults: /_sim/stats carries every fault counter.
func TestSimStatsEndpointHasFaults(t *testing.T) {
	_, c := newSim(t, Config{Calls: 5})
	r := c.do("GET", "/_sim/stats", "")
	for _, k := range []string{"faults5xx", "truncated", "malformed", "resets", "storms", "stormRejected", "tokensExpired", "cursorsExpired", "cursorFaults", "delayed"} {
		if !bytes.Contains(r.body, []byte(`"`+k+`":`)) {
			t.Errorf("/_sim/stats lacks %q: %s", k, r.body)
		}
	}
}

// TestCursorExpireRate: the first cursor of a listing drawn for it is
// refused once, "cursor has expired"; asked again, or after a restart from
// the first page, it works.
func TestCursorExpireRate(t *testing.T) {
	s, c := newSim(t, Config{Users: 250, Calls: 150, CursorExpireRate: 1})
	var p0, p1 page[User]
	c.do("GET", "/v2/users", "").ok(t, &p0)
	next := "/v2/users?cursor=" + url.QueryEscape(p0.Records.Cursor)
	c.do("GET", next, "").wantError(t, 400, "cursor has expired")
	c.do("GET", next, "").ok(t, &p1)
	c.do("GET", "/v2/users?cursor="+url.QueryEscape(p1.Records.Cursor), "").ok(t, nil) // only the first cursor
	c.do("GET", "/v2/users", "").ok(t, nil)
	c.do("GET", next, "").ok(t, nil)

	// Another listing (endpoint and filter) has its own.
	var e0 page[Call]
	c.do("POST", "/v2/calls/extensive", `{"filter":{}}`).ok(t, &e0)
	c.do("POST", "/v2/calls/extensive", `{"cursor":"`+e0.Records.Cursor+`","filter":{}}`).wantError(t, 400, "cursor has expired")
	c.do("POST", "/v2/calls/extensive", `{"cursor":"`+e0.Records.Cursor+`","filter":{}}`).ok(t, nil)
	if st := s.Stats(); st.CursorFaults != 2 || st.CursorsExpired != 2 || st.Faults != 2 {
		t.Errorf("stats %+v, want 2 cursor faults", st)
	}

	// At a lower rate, which listings are hit depends on the seed and the
	// listing only, not on the order of requests.
	hit := func(order []int) map[int]bool {
		_, c := newSim(t, Config{Users: 5, Calls: 400, Days: 30, CursorExpireRate: 0.5})
		out := map[int]bool{}
		for _, d := range order {
			f := fmt.Sprintf(`"filter":{"fromDateTime":"%s"}`, testNow.AddDate(0, 0, -30+d).Format(time.RFC3339))
			var p page[Call]
			c.do("POST", "/v2/calls/extensive", "{"+f+"}").ok(t, &p)
			r := c.do("POST", "/v2/calls/extensive", `{"cursor":"`+p.Records.Cursor+`",`+f+"}")
			out[d] = r.status == 400
		}
		return out
	}
	a, b := hit([]int{0, 1, 2, 3, 4, 5, 6, 7}), hit([]int{7, 6, 5, 4, 3, 2, 1, 0})
	if !maps.Equal(a, b) {
		t.Errorf("listings refused depend on the order: %v vs %v", a, b)
	}
	if n := len(slices.DeleteFunc(slices.Collect(maps.Values(a)), func(v bool) bool { return !v })); n == 0 || n == len(a) {
		t.Errorf("%d of %d listings refused at rate 0.5", n, len(a))
	}
}
