package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Defaults of Options.
const (
	DefaultBaseURL      = "https://api.gong.io"
	DefaultRateLimit    = 3.0 // requests per second, Gong's default company limit
	DefaultBurst        = 1
	DefaultMaxRetries   = 8
	DefaultMaxWait      = 10 * time.Minute
	DefaultTimeout      = 60 * time.Second
	DefaultMaxPageBytes = 512 << 20
	DefaultBackoff      = time.Second
	DefaultMaxBackoff   = time.Minute
	DefaultUserAgent    = "gongload"
)

// Options configure a Client. The zero value of every field means its default.
type Options struct {
	// BaseURL is the API host, e.g. https://api.gong.io or an OAuth token's
	// api_base_url_for_customer. Plain http is accepted only for loopback
	// hosts (127.0.0.0/8, ::1, localhost), such as the simulator. A trailing
	// "/v2" is dropped: request paths carry it.
	BaseURL string
	// Auth wraps the transport to authenticate every API request, e.g.
	// BasicAuth(key, secret) or an OAuth token transport. nil sends no
	// credentials. Downloads of signed media URLs never go through it.
	Auth func(next http.RoundTripper) http.RoundTripper
	// RateLimit is the budget in requests per second shared by every request
	// of the client (default 3). rate.Inf disables the limiter.
	RateLimit float64
	// Burst is the limiter's bucket size (default 1).
	Burst int
	// MaxRetries is how many times one request (one page) is tried again
	// after a transient failure (default 8; a negative value means none).
	MaxRetries int
	// MaxWait bounds a 429's Retry-After: a longer one ends the request, and
	// every other request of the client, with *RateLimitError (default 10m).
	MaxWait time.Duration
	// Timeout bounds each attempt's wait for the response headers, and then
	// each read of its body, separately (default 60s). A slow consumer of the
	// records does not count against it.
	Timeout time.Duration
	// MaxPageBytes caps the bytes read from one answer (default 512 MiB).
	MaxPageBytes int64
	// Backoff is the base of the capped exponential backoff with full jitter
	// between retries (default 1s); MaxBackoff is its cap (default 1m).
	Backoff, MaxBackoff time.Duration
	// UserAgent is sent on every request (default "gongload").
	UserAgent string
	// Logger receives one debug line per attempt and a warning per retry.
	// Secrets, cursors, query strings and auth headers are never logged.
	// nil discards.
	Logger *slog.Logger
	// Transport is the base transport (default: a tuned clone of
	// http.DefaultTransport).
	Transport http.RoundTripper
}

// Client calls the Gong API v2: authentication, the client-wide rate limit
// and Retry-After gate, retries, cursor pagination, streaming decode of
// pages and Gong's 404-means-empty answers. It is safe for concurrent use;
// make one per Gong company so that the rate limit is shared.
type Client struct {
	base  string // scheme://host[/prefix], no trailing slash
	api   http.RoundTripper
	media *http.Client
	th    *throttle
	idle  interface{ CloseIdleConnections() } // the base transport, when it pools connections
	log   *slog.Logger

	maxRetries   int
	maxWait      time.Duration
	maxPageBytes int64
	backoff      time.Duration
	maxBackoff   time.Duration
	userAgent    string

	stats counters
}

type counters struct {
	requests, retries, rateLimited, serverErrors, bytesRead atomic.Int64
}

// Stats are the client's counters since New. They cover API requests only,
// not media downloads.
type Stats struct {
	Requests     int64 // HTTP attempts sent to the API (what Gong's quota counts)
	Retries      int64 // attempts that were repeated after a transient failure
	RateLimited  int64 // 429 answers
	ServerErrors int64 // 5xx answers
	BytesRead    int64 // bytes of answer bodies read (after decompression)
}

// Stats returns a snapshot of the counters.
func (c *Client) Stats() Stats {
	return Stats{
		Requests:     c.stats.requests.Load(),
		Retries:      c.stats.retries.Load(),
		RateLimited:  c.stats.rateLimited.Load(),
		ServerErrors: c.stats.serverErrors.Load(),
		BytesRead:    c.stats.bytesRead.Load(),
	}
}

// Close releases the client's idle connections (and their goroutines). The
// client stays usable; a later request opens new connections.
func (c *Client) Close() {
	if c.idle != nil {
		c.idle.CloseIdleConnections()
	}
}

// BaseURL returns the API base URL requests go to, without a trailing slash.
func (c *Client) BaseURL() string { return c.base }

// New checks opts and returns a Client.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	u, err := checkURL("base URL", opts.BaseURL)
	if err != nil {
		return nil, err
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q: a base URL has no query or fragment; use e.g. %s", u.Redacted(), DefaultBaseURL)
	}
	c := &Client{
		base:         u.Scheme + "://" + u.Host + strings.TrimSuffix(strings.TrimSuffix(u.EscapedPath(), "/"), "/v2"),
		log:          opts.Logger,
		maxRetries:   opts.MaxRetries,
		maxWait:      opts.MaxWait,
		maxPageBytes: opts.MaxPageBytes,
		backoff:      opts.Backoff,
		maxBackoff:   opts.MaxBackoff,
		userAgent:    opts.UserAgent,
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.maxWait <= 0 {
		c.maxWait = DefaultMaxWait
	}
	if c.maxPageBytes <= 0 {
		c.maxPageBytes = DefaultMaxPageBytes
	}
	if c.backoff <= 0 {
		c.backoff = DefaultBackoff
	}
	if c.maxBackoff <= 0 {
		c.maxBackoff = DefaultMaxBackoff
	}
	if c.maxBackoff < c.backoff {
		c.maxBackoff = c.backoff
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	limit := opts.RateLimit
	switch {
	case math.IsNaN(limit) || limit < 0:
		return nil, fmt.Errorf("rate limit %v: want a positive number of requests per second", limit)
	case limit == 0:
		limit = DefaultRateLimit
	}
	burst := opts.Burst
	if burst <= 0 {
		burst = DefaultBurst
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	base := opts.Transport
	if base == nil {
		base = defaultTransport()
	}
	c.th = &throttle{lim: rate.NewLimiter(rate.Limit(limit), burst), maxWait: c.maxWait}
	idle, _ := base.(interface{ CloseIdleConnections() })
	var api http.RoundTripper = &throttleTransport{
		next:     &timeoutTransport{next: base, d: timeout},
		th:       c.th,
		requests: &c.stats.requests,
	}
	if opts.Auth != nil {
		api = opts.Auth(api)
	}
	c.api = api
	c.idle = idle
	c.media = &http.Client{
		Transport: &timeoutTransport{next: base, d: timeout},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			_, err := checkURL("media redirect", req.URL.String())
			return err
		},
	}
	return c, nil
}

// checkURL parses an absolute URL and refuses plain http to a host that is
// not loopback. Errors never show a password or a query string.
func checkURL(what, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		shown := raw
		if err == nil {
			shown = safeURL(u)
		} else if i := strings.IndexAny(shown, "?#@"); i >= 0 {
			shown = shown[:i] + "…"
		}
		return nil, fmt.Errorf("%s %q is not an absolute http(s) URL; use e.g. %s", what, shown, DefaultBaseURL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s %q holds credentials; give them through GONG_ACCESS_KEY / GONG_ACCESS_KEY_SECRET or `gongload auth login` instead", what, safeURL(u))
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("%s %q uses plain http, which is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https://%s%s",
			what, safeURL(u), u.Host, u.EscapedPath())
	}
	return u, nil
}

// safeURL renders scheme, host and path only: no user info, no query (which
// holds cursors or a media URL's signature).
func safeURL(u *url.URL) string { return u.Scheme + "://" + u.Host + u.EscapedPath() }

// Request is one API call. The pager adds the cursor.
type Request struct {
	Method string // "GET" or "POST"
	Path   string // e.g. "/v2/calls/extensive"
	// Query is sent with a GET; the pager sets its "cursor" from page 2 on.
	Query url.Values
	// Body is a POST's JSON object; the pager adds a top-level "cursor" from
	// page 2 on and repeats every other member unchanged. It is not modified.
	Body map[string]any
	// Envelope is the top-level member holding the records, e.g. "calls". Its
	// value is an array of records (or one object, handed over as one
	// record, or null). "" hands the whole top-level object over as one record.
	Envelope string
}

// encode returns the query and body of one page's request.
func (r Request) encode(cursor string) (url.Values, []byte, error) {
	switch r.Method {
	case http.MethodGet:
		if r.Body != nil {
			return nil, nil, fmt.Errorf("%s %s: a GET request carries no body; put its parameters in Query", r.Method, r.Path)
		}
		q := url.Values{}
		for k, v := range r.Query {
			q[k] = append([]string(nil), v...)
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		return q, nil, nil
	case http.MethodPost:
		m := make(map[string]any, len(r.Body)+1)
		for k, v := range r.Body {
			m[k] = v
		}
		if cursor != "" {
			m["cursor"] = cursor
		}
		b, err := marshalBody(m)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: encoding the request body: %w", r.Method, r.Path, err)
		}
		return r.Query, b, nil
	}
	return nil, nil, fmt.Errorf("%s %s: method must be GET or POST", r.Method, r.Path)
}

func (r Request) check() error {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return fmt.Errorf("%s %s: method must be GET or POST", r.Method, r.Path)
	}
	if !strings.HasPrefix(r.Path, "/") || strings.ContainsAny(r.Path, "?#") {
		return fmt.Errorf("%s %q: the path must start with / and hold no query", r.Method, r.Path)
	}
	return nil
}

// send makes one API attempt through the auth → throttle → timeout → base
// stack. Errors hold no URL.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body []byte) (*http.Response, error) {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: cannot build the request", method, path)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.api.RoundTrip(req)
	if err != nil {
		return nil, stripURL(err)
	}
	return resp, nil
}

// stripURL drops the URL (with its query: cursors, signatures) that
// *url.Error adds to a transport error.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Download fetches a signed media URL (a call's audioUrl or videoUrl) into w.
// It sends no Authorization header and does not use the API rate limit (the
// media host is not the API), but retries transient failures, resuming with
// an HTTP Range from the bytes already written. rangeFrom > 0 asks for the
// bytes from that offset on (Range: bytes=rangeFrom-), to resume a .part file;
// a host that ignores Range is handled by skipping the bytes already held.
//
// It returns the bytes written to w by this call and the full size of the
// recording (-1 if the host did not say). A rangeFrom equal to the full size
// is an already complete download: n is 0 and err nil.
func (c *Client) Download(ctx context.Context, rawURL string, rangeFrom int64, w io.Writer) (n int64, total int64, err error) {
	u, err := checkURL("media URL", rawURL)
	if err != nil {
		return 0, -1, err
	}
	if rangeFrom < 0 {
		rangeFrom = 0
	}
	safe := safeURL(u)
	total = -1
	for attempt := 1; ; attempt++ {
		got, tot, err := c.downloadOnce(ctx, u.String(), safe, rangeFrom+n, w)
		n += got
		if tot >= 0 {
			total = tot
		}
		if err == nil {
			return n, total, nil
		}
		if ctx.Err() != nil {
			return n, total, fmt.Errorf("download %s: %w", safe, ctx.Err())
		}
		var r *retryable
		if !errors.As(err, &r) {
			return n, total, err
		}
		if attempt > c.maxRetries {
			return n, total, &RetryError{Method: http.MethodGet, Path: safe, Attempts: attempt, Last: r.err}
		}
		wait := r.wait
		if wait <= 0 {
			wait = backoff(c.backoff, c.maxBackoff, attempt)
		}
		c.log.Warn("gong media download failed, retrying", "url", safe, "attempt", attempt, "written", n, "wait", wait, "error", r.err.Error())
		if err := sleep(ctx, wait); err != nil {
			return n, total, fmt.Errorf("download %s: %w", safe, err)
		}
	}
}

func (c *Client) downloadOnce(ctx context.Context, rawURL, safe string, from int64, w io.Writer) (int64, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, -1, fmt.Errorf("download %s: cannot build the request", safe)
	}
	req.Header.Set("User-Agent", c.userAgent)
	if from > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(from, 10)+"-")
	}
	resp, err := c.media.Do(req)
	if err != nil {
		err = stripURL(err)
		if retryableNetError(err) {
			return 0, -1, &retryable{err: err}
		}
		return 0, -1, fmt.Errorf("download %s: %w", safe, err)
	}
	defer resp.Body.Close()
	total := int64(-1)
	switch st := resp.StatusCode; {
	case st == http.StatusOK:
		if resp.ContentLength >= 0 {
			total = resp.ContentLength
		}
		if from > 0 { // the host ignored Range: skip what is already held
			if _, err := io.CopyN(io.Discard, resp.Body, from); err != nil {
				return 0, total, &retryable{err: &truncatedError{err: err}}
			}
		}
	case st == http.StatusPartialContent:
		start, _, size, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != from {
			return 0, -1, fmt.Errorf("download %s: asked for bytes from %d, got Content-Range %q", safe, from, resp.Header.Get("Content-Range"))
		}
		total = size
	case st == http.StatusRequestedRangeNotSatisfiable:
		if _, _, size, ok := parseContentRange(resp.Header.Get("Content-Range")); ok && size == from {
			return 0, size, nil // already complete
		}
		return 0, -1, &DownloadError{Status: st, URL: safe}
	case st == http.StatusTooManyRequests || retryableStatus(st):
		d, _ := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if d > c.maxWait {
			return 0, -1, &RateLimitError{RetryAfter: d, Until: time.Now().Add(d)}
		}
		return 0, -1, &retryable{err: &DownloadError{Status: st, URL: safe}, wait: d}
	default:
		return 0, -1, &DownloadError{Status: st, URL: safe}
	}
	er := &errRecorder{r: resp.Body}
	n, err := io.Copy(w, er)
	if err != nil {
		if er.err != nil && (retryableNetError(er.err) || errors.Is(er.err, io.ErrUnexpectedEOF)) {
			return n, total, &retryable{err: &truncatedError{err: er.err}}
		}
		return n, total, fmt.Errorf("download %s: %w", safe, err)
	}
	if resp.ContentLength >= 0 && n < resp.ContentLength-skipped(resp.StatusCode, from) {
		return n, total, &retryable{err: &truncatedError{err: io.ErrUnexpectedEOF}}
	}
	return n, total, nil
}

// skipped is how many bytes of a 200 answer were discarded to honour a Range
// the host ignored.
func skipped(status int, from int64) int64 {
	if status == http.StatusOK {
		return from
	}
	return 0
}

// parseContentRange reads "bytes start-end/size" or "bytes */size"; size is
// -1 when given as "*".
func parseContentRange(h string) (start, end, size int64, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(h), "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	rng, sz, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, 0, false
	}
	size = -1
	if sz != "*" {
		v, err := strconv.ParseInt(sz, 10, 64)
		if err != nil {
			return 0, 0, 0, false
		}
		size = v
	}
	if rng == "*" {
		return -1, -1, size, true
	}
	a, b, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, 0, false
	}
	var err1, err2 error
	start, err1 = strconv.ParseInt(a, 10, 64)
	end, err2 = strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, 0, false
	}
	return start, end, size, true
}

// errRecorder remembers the first read error that is not io.EOF, so that a
// copy's read failure (retryable) can be told from a write failure.
type errRecorder struct {
	r   io.Reader
	err error
}

func (e *errRecorder) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// retryableStatus reports the HTTP statuses retried with backoff: Gong's 5xx
// that mean "try again", and the 52x codes of the Cloudflare edge in front of
// it.
func retryableStatus(st int) bool {
	switch st {
	case 500, 502, 503, 504, 520, 521, 522, 523, 524:
		return true
	}
	return false
}
