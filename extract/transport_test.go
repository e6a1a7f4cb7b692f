package extract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongload/gongload/internal/secret"
)

func TestBasicAuthClonesRequest(t *testing.T) {
	var seen http.Header
	rt := BasicAuth(secret.String(clientTestKey), secret.String(clientTestSecret))(clientRTFunc(func(r *http.Request) (*http.Response, error) {
		seen = r.Header
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
	}))
	req, _ := http.NewRequest("GET", "https://api.gong.io/v2/users", nil)
	if _, err := rt.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if seen.Get("Authorization") != wantBasicAuth {
		t.Errorf("Authorization = %q", seen.Get("Authorization"))
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("the caller's request was modified")
	}
	if s := fmt.Sprintf("%+v %#v", rt, rt); strings.Contains(s, clientTestSecret) || strings.Contains(s, wantBasicAuth[6:]) {
		t.Errorf("printing the transport leaks the secret: %s", s)
	}
}

type clientRTFunc func(*http.Request) (*http.Response, error)

func (f clientRTFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRateLimiterSpacesRequests checks that concurrent requests share one
// limiter: at 20 requests/s with a burst of 1, 6 requests take at least 250 ms.
func TestRateLimiterSpacesRequests(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"requestId":"r","workspaces":[{"id":"1"}]}`)
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, func(o *Options) { o.RateLimit = 20; o.Burst = 1 })
	const n = 6
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if err := c.Get(t.Context(), Request{Method: "GET", Path: "/v2/workspaces", Envelope: "workspaces"}, &pageCollector{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if el, min := time.Since(start), time.Duration(n-1)*time.Second/20; el < min-10*time.Millisecond {
		t.Errorf("%d requests at 20/s took %v, want at least %v", n, el, min)
	}
	if got := c.Stats().Requests; got != n {
		t.Errorf("Stats().Requests = %d, want %d", got, n)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"1":                             time.Second,
		" 30 ":                          30 * time.Second,
		"0.25":                          250 * time.Millisecond,
		"Fri, 01 May 2026 12:00:07 GMT": 7 * time.Second,
		"Fri, 01 May 2026 11:00:00 GMT": 0,
	} {
		got, ok := parseRetryAfter(in, now)
		if !ok || got != want {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "soon", "-3", "NaN", "Inf"} {
		if _, ok := parseRetryAfter(in, now); ok {
			t.Errorf("parseRetryAfter(%q) ok, want not", in)
		}
	}
}

func TestBackoffCappedWithJitter(t *testing.T) {
	for attempt := 1; attempt < 70; attempt++ {
		ceil := min(time.Second<<min(attempt-1, 20), time.Minute)
		for range 20 {
			if d := backoff(time.Second, time.Minute, attempt); d < 0 || d >= ceil {
				t.Fatalf("backoff(attempt %d) = %v, want in [0, %v)", attempt, d, ceil)
			}
		}
	}
}

// TestRetryAfterPausesAllRequests checks that a 429's Retry-After holds back
// every request of the client, not only the one that got it.
func TestRetryAfterPausesAllRequests(t *testing.T) {
	var (
		mu       sync.Mutex
		got429At time.Time
		arrivals = map[string][]time.Time{}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		arrivals[r.URL.Path] = append(arrivals[r.URL.Path], time.Now())
		first := r.URL.Path == "/v2/users" && len(arrivals[r.URL.Path]) == 1
		if first {
			got429At = time.Now()
		}
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"requestId":"r1","errors":["Too many requests"]}`)
			return
		}
		fmt.Fprint(w, `{"requestId":"r2","users":[{"id":"1"}],"workspaces":[{"id":"2"}]}`)
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, nil)
	ctx := t.Context()

	errA := make(chan error, 1)
	go func() {
		errA <- c.List(ctx, Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{})
	}()
	// Once the client has seen the 429, a second, unrelated request starts.
	deadline := time.Now().Add(5 * time.Second)
	for c.th.gate().IsZero() {
		if time.Now().After(deadline) {
			t.Fatal("the client never closed its gate after a 429")
		}
		time.Sleep(time.Millisecond)
	}
	if err := c.Get(ctx, Request{Method: "GET", Path: "/v2/workspaces", Envelope: "workspaces"}, &pageCollector{}); err != nil {
		t.Fatal(err)
	}
	if err := <-errA; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	const slack = 50 * time.Millisecond
	if d := arrivals["/v2/workspaces"][0].Sub(got429At); d < time.Second-slack {
		t.Errorf("the other request was sent %v after the 429, want >= 1s (Retry-After)", d)
	}
	if len(arrivals["/v2/users"]) != 2 {
		t.Fatalf("users requests = %d, want 2", len(arrivals["/v2/users"]))
	}
	if d := arrivals["/v2/users"][1].Sub(got429At); d < time.Second-slack {
		t.Errorf("the retry was sent %v after the 429, want >= 1s", d)
	}
	st := c.Stats()
	if st.RateLimited != 1 || st.Retries != 1 || st.Requests != 3 {
		t.Errorf("Stats = %+v, want RateLimited 1, Retries 1, Requests 3", st)
	}
}

// TestLongRetryAfterIsRateLimitError checks that a Retry-After beyond MaxWait
// ends the request at once, and that the next request fails fast too.
func TestLongRetryAfterIsRateLimitError(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"requestId":"r","errors":["daily quota exceeded"]}`)
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, func(o *Options) { o.MaxWait = 10 * time.Minute })
	start := time.Now()
	for i := range 2 {
		err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{})
		var rl *RateLimitError
		if !errors.As(err, &rl) {
			t.Fatalf("call %d: error %v, want *RateLimitError", i, err)
		}
		if rl.RetryAfter < 59*time.Minute || rl.RetryAfter > time.Hour || time.Until(rl.Until) < 59*time.Minute {
			t.Errorf("call %d: RateLimitError = %+v, want about 1h", i, rl)
		}
		if !strings.Contains(rl.Error(), "resume after") {
			t.Errorf("message %q does not say when to resume", rl.Error())
		}
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v: a long Retry-After must fail at once", time.Since(start))
	}
	if hits.Load() != 1 {
		t.Errorf("server hit %d times, want 1 (the second request must not be sent)", hits.Load())
	}
}

func TestTimeoutRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch hits.Add(1) {
		case 1: // no headers in time
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			return
		case 2: // headers, then the body stalls
			fmt.Fprint(w, `{"requestId":"r","users":[`)
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			return
		}
		fmt.Fprint(w, `{"requestId":"r","users":[{"id":"1"}]}`)
	}))
	defer srv.Close()
	var logs bytes.Buffer
	c := newClientForTest(t, srv, func(o *Options) {
		o.Timeout = 150 * time.Millisecond
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	start := time.Now()
	if err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{}); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 3 {
		t.Errorf("attempts = %d, want 3", hits.Load())
	}
	if el := time.Since(start); el > 1500*time.Millisecond {
		t.Errorf("took %v: the timeout was not applied", el)
	}
	for _, want := range []string{"no answer within 150ms", "no body bytes within 150ms"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
}

// TestSlowConsumerIsNoTimeout checks that time spent in the handler does not
// count against Options.Timeout.
func TestSlowConsumerIsNoTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"requestId":"r","users":[{"id":"1"},{"id":"2"}]}`)
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, func(o *Options) { o.Timeout = 50 * time.Millisecond; o.MaxRetries = -1 })
	col := &pageCollector{onRecord: func(int) { time.Sleep(120 * time.Millisecond) }}
	if err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, col); err != nil {
		t.Fatal(err)
	}
}
