package extract

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file holds every error type of the package and the rules that turn a
// Gong error answer into one of them (including the "not found" answers that
// mean an empty page).

// ErrCursorExpired is reported (through errors.Is) when Gong refuses a
// pagination cursor because it has expired (about an hour after the first
// page). Cursors are never persisted: the caller restarts its window.
var ErrCursorExpired = errors.New("gong: the pagination cursor has expired")

// APIError is an answer of the Gong API that is not a success: an error
// status with Gong's {"requestId", "errors": [...]} body, or an answer that is
// not Gong JSON at all (NotJSON, for example an HTML page from a wrong host).
//
// Its message names the problem and the fix. It never holds the
// Authorization header, a secret or a cursor: Path has no query string.
type APIError struct {
	Status    int      // HTTP status code
	Method    string   // "GET" or "POST"
	Path      string   // API path without query, e.g. "/v2/users"
	RequestID string   // Gong's requestId, quote it to Gong support
	Messages  []string // Gong's errors[] texts

	// NotJSON is set when the answer was not a JSON object (whatever its
	// status); Snippet then holds its first ~200 bytes, sanitized (for a
	// redirect, where it points), and ContentType its media type.
	NotJSON     bool
	ContentType string
	Snippet     string
	BaseURL     string // the client's base URL, to name it in the message
}

// Error implements error.
func (e *APIError) Error() string { return e.Method + " " + e.Path + ": " + e.detail() }

// detail is the message without the "METHOD PATH: " prefix.
func (e *APIError) detail() string {
	says := ""
	if len(e.Messages) > 0 {
		says = ": Gong says " + quoteList(e.Messages)
	}
	rid := ""
	if e.RequestID != "" {
		rid = " (request id " + e.RequestID + ")"
	}
	if e.NotJSON && e.Status >= 400 && e.Status != http.StatusNotFound && e.Status != http.StatusMethodNotAllowed {
		// An error page of a proxy (say Cloudflare's 502) in front of Gong:
		// the status says what happened, the page is only a detail.
		says = fmt.Sprintf(" (the answer was not JSON: %q)", e.Snippet)
	} else if e.NotJSON {
		ct := e.ContentType
		if ct == "" {
			ct = "no content type"
		}
		began := "the answer was empty"
		if e.Snippet != "" {
			began = fmt.Sprintf("the answer began: %q", e.Snippet)
		}
		return fmt.Sprintf("HTTP %d with an answer that is not Gong's JSON (%s): the base URL %q is probably wrong "+
			"(Gong's API is https://api.gong.io, or the api_base_url_for_customer of an OAuth token; see --base-url / GONG_BASE_URL); %s",
			e.Status, ct, e.BaseURL, began)
	}
	if e.cursorExpired() {
		return fmt.Sprintf("the pagination cursor has expired (%d)%s%s: restart the listing from its first page", e.Status, says, rid)
	}
	switch {
	case e.Status == http.StatusUnauthorized:
		return fmt.Sprintf("Gong rejected the credentials (401): check GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET, "+
			"or run `gongload auth login`%s%s", says, rid)
	case e.Status == http.StatusForbidden:
		return fmt.Sprintf("Gong denied access (403): the credentials are valid but not allowed to use this endpoint; "+
			"a Gong technical administrator can grant the API key or OAuth app access to it%s%s", says, rid)
	case e.Status == http.StatusBadRequest:
		return fmt.Sprintf("Gong rejected the request (400)%s%s", says, rid)
	case e.Status == http.StatusNotFound:
		return fmt.Sprintf("not found (404)%s%s", says, rid)
	case e.Status == http.StatusTooManyRequests:
		return fmt.Sprintf("rate limited by Gong (429)%s%s: lower --rate-limit or ask Gong support for a higher limit", says, rid)
	case e.Status >= 500:
		return fmt.Sprintf("Gong server error (%d)%s%s", e.Status, says, rid)
	}
	return fmt.Sprintf("unexpected HTTP status %d%s%s", e.Status, says, rid)
}

// Is makes errors.Is(err, ErrCursorExpired) true for a cursor-expired answer.
func (e *APIError) Is(target error) bool { return target == ErrCursorExpired && e.cursorExpired() }

func (e *APIError) cursorExpired() bool {
	if e.Status < 400 || e.Status >= 500 {
		return false
	}
	for _, m := range e.Messages {
		if strings.Contains(strings.ToLower(m), "cursor has expired") {
			return true
		}
	}
	return false
}

// ScopeError is a 401 whose message says the OAuth app lacks a scope:
// "You don't have permission to use '<scope>' in your app."
type ScopeError struct {
	Scope string    // e.g. "api:stats:interaction"
	Err   *APIError // the answer it came from
}

// Error implements error.
func (e *ScopeError) Error() string {
	return fmt.Sprintf("%s %s: the Gong OAuth app lacks the scope %q (401): add it to the app's scopes in Gong, "+
		"then run `gongload auth login` again (or leave this stream out with --streams)", e.Err.Method, e.Err.Path, e.Scope)
}

// Unwrap returns the underlying *APIError.
func (e *ScopeError) Unwrap() error { return e.Err }

// RateLimitError reports that Gong asked to wait (Retry-After) longer than
// Options.MaxWait. Every request of the client fails with it until Until.
type RateLimitError struct {
	RetryAfter time.Duration // how long Gong asked to wait, from when it was checked
	Until      time.Time     // when requests may resume
}

// Error implements error.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("gong: rate limit: Gong asks to wait %s, longer than the maximum wait; resume after %s",
		e.RetryAfter.Round(time.Second), e.Until.UTC().Format(time.RFC3339))
}

// DecodeError reports an answer that is JSON but not of the expected shape
// (a missing envelope, a record of the wrong type). It is not retried. An
// answer that is not valid JSON at all (cut short, or a byte garbled) is
// retried instead, and ends as a *RetryError if every attempt fails.
type DecodeError struct {
	Method, Path string
	Page         int    // 0-based page of the listing
	RequestID    string // Gong's requestId, when it came before the problem
	Err          error
}

// Error implements error.
func (e *DecodeError) Error() string {
	rid := ""
	if e.RequestID != "" {
		rid = " (request id " + e.RequestID + ")"
	}
	return fmt.Sprintf("%s %s page %d: the API answer did not match the expected shape%s: %v", e.Method, e.Path, e.Page, rid, e.Err)
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// BodyTooLargeError reports an answer larger than Options.MaxPageBytes.
type BodyTooLargeError struct {
	Method, Path string
	Limit        int64
}

// Error implements error.
func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("%s %s: the answer is larger than %d bytes (Options.MaxPageBytes); raise the limit if the page is legitimately that large",
		e.Method, e.Path, e.Limit)
}

// RetryError is returned when a request failed on every attempt.
type RetryError struct {
	Method, Path string
	Attempts     int
	Last         error // the error of the last attempt
}

// Error implements error.
func (e *RetryError) Error() string {
	last := e.Last.Error()
	if d, ok := e.Last.(interface{ detail() string }); ok {
		last = d.detail()
	}
	return fmt.Sprintf("%s %s: giving up after %d attempts: last error: %s", e.Method, e.Path, e.Attempts, last)
}

// Unwrap returns the error of the last attempt.
func (e *RetryError) Unwrap() error { return e.Last }

// DownloadError is a media download answered with an error status.
type DownloadError struct {
	Status int
	URL    string // scheme, host and path only: the signature is left out
}

// Error implements error.
func (e *DownloadError) Error() string {
	fix := ""
	switch e.Status {
	case http.StatusForbidden, http.StatusUnauthorized, http.StatusGone:
		fix = ": the signed media URL has probably expired (Gong's are valid 8 hours); fetch a fresh one from /v2/calls/extensive"
	case http.StatusNotFound:
		fix = ": the recording does not exist (any more)"
	}
	return fmt.Sprintf("download %s: HTTP %d%s", e.URL, e.Status, fix)
}

// timeoutError is an attempt that got no answer (or no body bytes) within
// Options.Timeout. It is retried.
type timeoutError struct {
	what string
	d    time.Duration
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("%s within %s (Options.Timeout)", e.what, e.d)
}
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

// truncatedError is an answer whose body ended before the JSON did. It is
// retried.
type truncatedError struct{ err error }

func (e *truncatedError) Error() string { return "the answer was cut short: " + e.err.Error() }
func (e *truncatedError) Unwrap() error { return e.err }

// malformedError is a 2xx answer that began like JSON but is not valid JSON
// text, without being cut short: a byte garbled on the way. It is retried.
type malformedError struct {
	page      int
	requestID string // Gong's requestId, when it came before the problem
	err       error  // the *jsontext.SyntacticError
}

func (e *malformedError) Error() string {
	rid := ""
	if e.requestID != "" {
		rid = " (request id " + e.requestID + ")"
	}
	return fmt.Sprintf("page %d: the answer is not valid JSON%s: %v", e.page, rid, e.err)
}
func (e *malformedError) Unwrap() error { return e.err }

// scopeRe matches Gong's missing-scope message.
var scopeRe = regexp.MustCompile(`(?i)don't have permission to use '([^']+)'`)

// classifyAPIError turns a parsed error answer into the error to return:
// *ScopeError for a missing OAuth scope, else the *APIError itself.
func classifyAPIError(e *APIError) error {
	if e.Status == http.StatusUnauthorized {
		for _, m := range e.Messages {
			if sm := scopeRe.FindStringSubmatch(m); sm != nil {
				return &ScopeError{Scope: sm[1], Err: e}
			}
		}
	}
	return e
}

// emptyRule says that a 404 on Paths whose errors[] text matches Message is
// Gong's way of answering an empty page.
type emptyRule struct {
	Paths   []string // exact paths; a trailing "/*" matches any deeper path
	Message *regexp.Regexp
}

// emptyRules is the table of Gong's documented "nothing found" answers of list
// endpoints (gong-api.md §1.6). The message is matched, not the bare 404: a
// wrong base URL or a deleted object is a 404 too.
var emptyRules = []emptyRule{
	{ // real body: "No calls found corresponding to the provided filters"; spec: "No calls found for the specified period"
		Paths:   []string{"/v2/calls", "/v2/calls/extensive", "/v2/calls/transcript", "/v2/users/extensive"},
		Message: regexp.MustCompile(`(?i)^no \w+ found (corresponding to the provided filters|for the specified period)`),
	},
	{
		Paths:   []string{"/v2/stats/*"},
		Message: regexp.MustCompile(`(?i)^(no stats found for the specified period|user not found|no \w+ found corresponding to the provided filters)`),
	},
	{
		Paths:   []string{"/v2/stats/activity/scorecards"},
		Message: regexp.MustCompile(`(?i)^answered scorecards not found`),
	},
	{
		Paths:   []string{"/v2/settings/scorecards"},
		Message: regexp.MustCompile(`(?i)^scorecards not found`),
	},
	{
		Paths:   []string{"/v2/settings/trackers"},
		Message: regexp.MustCompile(`(?i)^workspace not found`),
	},
	{
		Paths:   []string{"/v2/library/folders", "/v2/library/folder-content"},
		Message: regexp.MustCompile(`(?i)^no folders found`),
	},
}

// isEmptyAnswer reports whether a 404 with these errors[] texts on path means
// "no records".
func isEmptyAnswer(path string, messages []string) bool {
	for _, r := range emptyRules {
		if !r.matchPath(path) {
			continue
		}
		for _, m := range messages {
			if r.Message.MatchString(strings.TrimSpace(m)) {
				return true
			}
		}
	}
	return false
}

func (r emptyRule) matchPath(path string) bool {
	path = strings.TrimSuffix(path, "/")
	for _, p := range r.Paths {
		if prefix, ok := strings.CutSuffix(p, "/*"); ok {
			if strings.HasPrefix(path, prefix+"/") {
				return true
			}
		} else if path == p {
			return true
		}
	}
	return false
}

// quoteList renders Gong's messages for an error text.
func quoteList(ms []string) string {
	q := make([]string, len(ms))
	for i, m := range ms {
		q[i] = fmt.Sprintf("%q", sanitize([]byte(m), 300))
	}
	return strings.Join(q, ", ")
}

// sanitize makes at most max bytes of an untrusted answer printable: control
// characters and runs of white space become one space, invalid UTF-8 is
// dropped, and an ellipsis marks a cut.
func sanitize(b []byte, max int) string {
	var sb strings.Builder
	space := false
	for len(b) > 0 && sb.Len() < max {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		switch {
		case r == utf8.RuneError && size <= 1:
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			if !space && sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		sb.WriteRune(r)
	}
	s := strings.TrimSpace(sb.String())
	if len(b) > 0 {
		s += "…"
	}
	return s
}

// retryable marks a transient failure of one attempt; the pager retries it.
type retryable struct {
	err   error
	wait  time.Duration // the least wait before the next attempt (a 503's Retry-After); 0 = backoff
	gated bool          // the shared gate already holds the wait (a 429)
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

// handlerError carries an error returned by a PageHandler method, or a
// misuse of the decoder by one.
type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }
func (e *handlerError) Unwrap() error { return e.err }

// shapeError is valid JSON of the wrong shape (no envelope, not an object).
type shapeError struct{ msg string }

func (e *shapeError) Error() string { return e.msg }
