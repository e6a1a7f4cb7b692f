package extract

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	clientTestKey    = "test-access-key"
	clientTestSecret = "s3cr3t-value-never-shown"
)

var wantBasicAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(clientTestKey+":"+clientTestSecret))

// newClientForTest returns a client of srv with fast backoff and no rate limit
// unless mod says otherwise.
func newClientForTest(t *testing.T, srv *httptest.Server, mod func(*Options)) *Client {
	t.Helper()
	opts := Options{
		BaseURL:    srv.URL,
		Auth:       BasicAuth(clientTestKey, clientTestSecret),
		RateLimit:  math.Inf(1),
		Backoff:    time.Millisecond,
		MaxBackoff: 5 * time.Millisecond,
		Transport:  srv.Client().Transport,
	}
	if mod != nil {
		mod(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkAPIRequest asserts what every API request carries.
func checkAPIRequest(t *testing.T, r *http.Request, method, path string) {
	t.Helper()
	if r.Method != method || r.URL.Path != path {
		t.Errorf("request %s %s, want %s %s", r.Method, r.URL.Path, method, path)
	}
	if got := r.Header.Get("Authorization"); got != wantBasicAuth {
		t.Errorf("Authorization = %q, want %q", got, wantBasicAuth)
	}
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if got := r.Header.Get("User-Agent"); got == "" {
		t.Error("no User-Agent")
	}
}

func TestNewBaseURL(t *testing.T) {
	for _, tc := range []struct {
		in, want, errHas, errHasNot string
	}{
		{in: "", want: "https://api.gong.io"},
		{in: "https://api.gong.io/", want: "https://api.gong.io"},
		{in: "https://company-17.api.gong.io", want: "https://company-17.api.gong.io"},
		{in: "https://api.gong.io/v2/", want: "https://api.gong.io"},
		{in: "http://127.0.0.1:9/prefix/", want: "http://127.0.0.1:9/prefix"},
		{in: "http://127.0.0.1:8089", want: "http://127.0.0.1:8089"},
		{in: "http://127.3.4.5:8089/", want: "http://127.3.4.5:8089"},
		{in: "http://[::1]:8089", want: "http://[::1]:8089"},
		{in: "http://localhost:8089", want: "http://localhost:8089"},
		{in: "http://api.gong.io", errHas: "use https://api.gong.io"},
		{in: "http://10.0.0.1:8089", errHas: "only for loopback hosts"},
		{in: "http://127.0.0.1.nip.io", errHas: "only for loopback hosts"},
		{in: "https://key:topsecret@api.gong.io", errHas: "holds credentials", errHasNot: "topsecret"},
		{in: "ftp://api.gong.io", errHas: "not an absolute http(s) URL"},
		{in: "api.gong.io", errHas: "not an absolute http(s) URL"},
		{in: "https://api.gong.io?x=1", errHas: "no query"},
	} {
		c, err := New(Options{BaseURL: tc.in})
		if tc.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Errorf("New(%q) error = %v, want one containing %q", tc.in, err, tc.errHas)
			}
			if err != nil && tc.errHasNot != "" && strings.Contains(err.Error(), tc.errHasNot) {
				t.Errorf("New(%q) error leaks %q: %v", tc.in, tc.errHasNot, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("New(%q): %v", tc.in, err)
			continue
		}
		if c.BaseURL() != tc.want {
			t.Errorf("New(%q).BaseURL() = %q, want %q", tc.in, c.BaseURL(), tc.want)
		}
	}
}

func TestServerErrorsRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		checkAPIRequest(t, r, "GET", "/v2/users")
		switch hits.Add(1) {
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `<html>upstream unavailable</html>`)
		case 2:
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, `{"requestId":"r","errors":["Unexpected error"]}`)
		default:
			fmt.Fprint(w, `{"requestId":"r","records":{"totalRecords":1},"users":[{"id":"1"}]}`)
		}
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, nil)
	col := &pageCollector{}
	if err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, col); err != nil {
		t.Fatal(err)
	}
	if got := col.ids(); !sameStrings(got, []string{"1"}) {
		t.Errorf("records %v", got)
	}
	st := c.Stats()
	if st.Requests != 3 || st.Retries != 2 || st.ServerErrors != 2 {
		t.Errorf("Stats = %+v", st)
	}
}

func TestGivingUpAfterMaxRetries(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, `{"requestId":"abc","errors":["bad gateway"]}`)
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, func(o *Options) { o.MaxRetries = 2 })
	err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{})
	want := `GET /v2/users: giving up after 3 attempts: last error: Gong server error (502): Gong says "bad gateway" (request id abc)`
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n got %v\nwant %s", err, want)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 502 {
		t.Errorf("errors.As *APIError: %+v", apiErr)
	}
	if hits.Load() != 3 {
		t.Errorf("attempts = %d, want 3", hits.Load())
	}
}

func TestNetworkErrorsRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 { // drop the connection without an answer
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		fmt.Fprint(w, `{"requestId":"r","users":[{"id":"1"}]}`)
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, nil)
	if err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{}); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 2 {
		t.Errorf("attempts = %d, want 2", hits.Load())
	}
}

func TestContextCancelled(t *testing.T) {
	t.Run("waiting for headers", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}))
		defer srv.Close()
		c := newClientForTest(t, srv, nil)
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := c.List(ctx, Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{})
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
			t.Errorf("error %v after %v, want DeadlineExceeded at once", err, time.Since(start))
		}
	})
	t.Run("waiting out a Retry-After", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
		}))
		defer srv.Close()
		c := newClientForTest(t, srv, nil)
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		err := c.List(ctx, Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{})
		if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
			t.Errorf("error %v after %v, want Canceled at once", err, time.Since(start))
		}
	})
	t.Run("reading a body", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"requestId":"r","users":[{"id":"1"},`)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}))
		defer srv.Close()
		c := newClientForTest(t, srv, nil)
		ctx, cancel := context.WithCancel(t.Context())
		col := &pageCollector{onRecord: func(int) { cancel() }}
		start := time.Now()
		err := c.List(ctx, Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, col)
		if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
			t.Errorf("error %v after %v, want Canceled at once", err, time.Since(start))
		}
		if col.discards != 0 {
			t.Error("a cancelled listing must not be retried")
		}
	})
	t.Run("rate limiter wait", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"requestId":"r","users":[]}`)
		}))
		defer srv.Close()
		c := newClientForTest(t, srv, func(o *Options) { o.RateLimit = 0.2 })
		req := Request{Method: "GET", Path: "/v2/users", Envelope: "users"}
		if err := c.Get(t.Context(), req, &pageCollector{}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		if err := c.Get(ctx, req, &pageCollector{}); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
			t.Errorf("error %v after %v, want Canceled at once", err, time.Since(start))
		}
	})
}

// TestLogsAndErrorsHoldNoSecrets runs a paginated listing with a retry and an
// error, logging at debug level, and checks that neither the logs nor the
// errors show the secret, the auth header or a cursor.
func TestLogsAndErrorsHoldNoSecrets(t *testing.T) {
	const cursor = "eyJhbGciOiJIUzI1NiJ9.CURSOR-SECRET"
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		switch {
		case n == 1:
			fmt.Fprintf(w, `{"requestId":"r","records":{"totalRecords":2,"cursor":%q},"users":[{"id":"1"}]}`, cursor)
		case n == 2:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"requestId":"r","errors":["invalid cursor"]}`)
		}
	}))
	defer srv.Close()
	var logs bytes.Buffer
	c := newClientForTest(t, srv, func(o *Options) {
		o.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	err := c.List(t.Context(), Request{Method: "GET", Path: "/v2/users", Envelope: "users"}, &pageCollector{})
	if err == nil {
		t.Fatal("want an error")
	}
	all := logs.String() + "\n" + err.Error() + fmt.Sprintf("%+v %#v", err, c)
	for _, leak := range []string{cursor, "CURSOR-SECRET", clientTestSecret, wantBasicAuth, wantBasicAuth[6:]} {
		if strings.Contains(all, leak) {
			t.Errorf("logs or errors show %q:\n%s", leak, all)
		}
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Errorf("no retry logged:\n%s", logs.String())
	}
}

func TestDownload(t *testing.T) {
	content := make([]byte, 100_000)
	for i := range content {
		content[i] = byte(i * 7)
	}
	var (
		mu     sync.Mutex
		ranges []string
		mode   string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("a media download sent Authorization")
		}
		if r.URL.Query().Get("X-Amz-Signature") != "SIGSECRET" {
			t.Errorf("the signed query was not sent: %q", r.URL.RawQuery)
		}
		mu.Lock()
		ranges = append(ranges, r.Header.Get("Range"))
		n := len(ranges)
		m := mode
		mu.Unlock()
		switch {
		case m == "expired":
			w.WriteHeader(http.StatusForbidden)
			return
		case m == "ignore range":
			w.Header().Set("Content-Length", strconv.Itoa(len(content)))
			w.Write(content)
			return
		case m == "cut" && n == 1:
			w.Header().Set("Content-Length", strconv.Itoa(len(content)))
			w.Write(content[:30_000])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		case m == "503" && n == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		http.ServeContent(w, r, "call.mp3", time.Time{}, bytes.NewReader(content))
	}))
	defer srv.Close()
	c := newClientForTest(t, srv, func(o *Options) { o.RateLimit = 0.01 }) // the API limiter must not apply
	url := srv.URL + "/media/call.mp3?X-Amz-Signature=SIGSECRET"

	for _, tc := range []struct {
		mode      string
		from      int64
		wantRange []string
	}{
		{mode: "", from: 0, wantRange: []string{""}},
		{mode: "", from: 40_000, wantRange: []string{"bytes=40000-"}},
		{mode: "", from: int64(len(content)), wantRange: []string{"bytes=100000-"}},
		{mode: "ignore range", from: 40_000, wantRange: []string{"bytes=40000-"}},
		{mode: "cut", from: 0, wantRange: []string{"", "bytes=30000-"}},
		{mode: "503", from: 10, wantRange: []string{"bytes=10-", "bytes=10-"}},
	} {
		mu.Lock()
		mode, ranges = tc.mode, nil
		mu.Unlock()
		var buf bytes.Buffer
		n, total, err := c.Download(t.Context(), url, tc.from, &buf)
		if err != nil {
			t.Errorf("%s from %d: %v", tc.mode, tc.from, err)
			continue
		}
		if !bytes.Equal(buf.Bytes(), content[tc.from:]) || n != int64(len(content))-tc.from || total != int64(len(content)) {
			t.Errorf("%s from %d: n %d total %d, %d bytes; want the rest of %d bytes", tc.mode, tc.from, n, total, buf.Len(), len(content))
		}
		if !sameStrings(ranges, tc.wantRange) {
			t.Errorf("%s from %d: Range headers %q, want %q", tc.mode, tc.from, ranges, tc.wantRange)
		}
	}
	if c.Stats().Requests != 0 {
		t.Errorf("downloads counted as API requests: %+v", c.Stats())
	}

	mu.Lock()
	mode = "expired"
	mu.Unlock()
	_, _, err := c.Download(t.Context(), url, 0, io.Discard)
	var de *DownloadError
	if !errors.As(err, &de) || de.Status != 403 || !strings.Contains(err.Error(), "expired") || strings.Contains(err.Error(), "SIGSECRET") {
		t.Errorf("expired URL: %v", err)
	}
	if _, _, err := c.Download(t.Context(), "http://media.gong.io/x.mp3?sig=SIGSECRET", 0, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "plain http") || strings.Contains(err.Error(), "SIGSECRET") {
		t.Errorf("plain http media URL: %v", err)
	}
}
