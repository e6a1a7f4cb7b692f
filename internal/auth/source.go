package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/gongload/gongload/internal/secret"
)

// Options configure Open.
type Options struct {
	// Path is the token file (see DefaultTokenFile).
	Path string
	// ClientID is the OAuth app's client ID (GONG_CLIENT_ID), used when the
	// token file names none; the file's wins, as its tokens belong to it.
	ClientID string
	// ClientSecret is the app's client secret (GONG_CLIENT_SECRET): needed
	// to refresh. Without it an expired token cannot be renewed.
	ClientSecret secret.String
	// TokenURL is used when the token file names none (default
	// DefaultTokenURL).
	TokenURL string
	// HTTPClient sends the refresh requests (default: see App.HTTPClient).
	HTTPClient *http.Client
	// Logger gets a line per refresh, never a token (nil discards).
	Logger *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Source is the token of a token file, kept fresh. It is an
// oauth2.TokenSource and, through Transport, the auth layer of an API
// client. It is safe for concurrent use:
//
//   - Token hands out the current access token while it is fresh, and
//     refreshes it a little before it expires;
//   - at most one refresh runs at a time; callers that need one while it
//     runs wait for it and then use its result instead of refreshing
//     again (a refresh token is single use);
//   - before a refresh, the token file is locked (flock, where available)
//     and re-read: a pair another process rotated is adopted, not refreshed
//     again;
//   - the new pair is written to the token file before Token returns it;
//     if it cannot be written, it is not used and the source fails;
//   - a refresh Gong refuses, a missing client secret or a token without a
//     refresh token make the source fail from then on with the same error
//     (matching ErrLoginAgain where a new login is the cure).
type Source struct {
	path string
	app  App
	log  *slog.Logger
	now  func() time.Time

	slot chan struct{} // one refresh at a time; taken with a context

	mu     sync.Mutex
	tok    *Token
	broken *finalError

	refreshes atomic.Int64
}

var _ oauth2.TokenSource = (*Source)(nil)

// Open reads the token file and returns its Source. It does not contact
// Gong.
func Open(o Options) (*Source, error) {
	tok, err := ReadFile(o.Path)
	if err != nil {
		return nil, err
	}
	s := &Source{path: o.Path, log: o.Logger, now: o.Now, tok: tok, slot: make(chan struct{}, 1)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.app = App{
		ClientID:     tok.ClientID,
		ClientSecret: o.ClientSecret,
		TokenURL:     tok.TokenURL,
		HTTPClient:   o.HTTPClient,
		Now:          s.now,
	}
	if s.app.ClientID == "" {
		s.app.ClientID = o.ClientID
	} else if o.ClientID != "" && o.ClientID != tok.ClientID {
		s.log.Warn("GONG_CLIENT_ID differs from the client_id of the OAuth token file; using the file's, which its tokens belong to",
			"token_file", o.Path, "client_id", tok.ClientID)
	}
	if s.app.TokenURL == "" {
		s.app.TokenURL = o.TokenURL
	}
	return s, nil
}

// Path returns the token file's path.
func (s *Source) Path() string { return s.path }

// Current returns a copy of the token held now (its tokens are
// secret.String: printing it shows none).
func (s *Source) Current() Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.tok
}

// BaseURL returns the token's api_base_url_for_customer ("" when Gong gave
// none).
func (s *Source) BaseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tok.BaseURL
}

// Refreshes returns how many refreshes this source made.
func (s *Source) Refreshes() int64 { return s.refreshes.Load() }

// Token implements oauth2.TokenSource: TokenContext without a deadline
// other than the token endpoint's timeout.
func (s *Source) Token() (*oauth2.Token, error) { return s.TokenContext(context.Background()) }

// TokenContext returns a fresh access token, refreshing it first when it
// is about to expire. ctx bounds the wait, not a refresh once sent.
func (s *Source) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	t, err := s.token(ctx)
	if err != nil {
		return nil, err
	}
	return t.OAuth2(), nil
}

// token is TokenContext with the package's Token.
func (s *Source) token(ctx context.Context) (*Token, error) {
	s.mu.Lock()
	t, broken := s.tok, s.broken
	s.mu.Unlock()
	if broken != nil {
		return nil, broken
	}
	if t.fresh(s.now()) {
		return t, nil
	}
	return s.refresh(ctx, "")
}

// ForceRefresh refreshes the token even though it looks fresh, because
// Gong refused stale (the access token a request was sent with), unless
// the token was refreshed since stale was handed out: then that newer
// token is returned without asking Gong.
func (s *Source) ForceRefresh(ctx context.Context, stale secret.String) (*oauth2.Token, error) {
	t, err := s.refresh(ctx, stale)
	if err != nil {
		return nil, err
	}
	return t.OAuth2(), nil
}

// refresh waits for the refresh slot and refreshes unless, meanwhile, the
// token became fresh (stale == "") or replaced stale (stale != "").
func (s *Source) refresh(ctx context.Context, stale secret.String) (*Token, error) {
	select {
	case s.slot <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s.mu.Lock()
	t, broken := s.tok, s.broken
	s.mu.Unlock()
	switch {
	case broken != nil:
		<-s.slot
		return nil, broken
	case s.needless(t, stale):
		<-s.slot
		return t, nil
	}
	// The refresh runs to its end even if ctx ends: once Gong answers, the
	// old refresh token is spent, and the new pair must reach the file.
	type result struct {
		t   *Token
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-s.slot }()
		t, err := s.rotate(stale)
		done <- result{t, err}
	}()
	select {
	case r := <-done:
		return r.t, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// needless reports whether t makes a refresh pointless: it is fresh and,
// for a forced refresh, not the token that was refused.
func (s *Source) needless(t *Token, stale secret.String) bool {
	if !t.fresh(s.now()) {
		return false
	}
	return stale.IsZero() || t.AccessToken != stale
}

// rotate refreshes the token, holding the refresh slot.
func (s *Source) rotate(stale secret.String) (*Token, error) {
	unlock, err := lockFile(s.path + ".lock")
	if err != nil {
		s.log.Warn("cannot lock the OAuth token file; refreshing without the lock", "lock_file", s.path+".lock", "error", err.Error())
	}
	defer unlock()

	s.mu.Lock()
	cur := s.tok
	s.mu.Unlock()
	// Another process may have rotated the pair since this one read it.
	if ft, err := ReadFile(s.path); err == nil && ft.RefreshToken != cur.RefreshToken && !ft.RefreshToken.IsZero() {
		s.log.Info("OAuth token file was refreshed by another process; using its token", "token_file", s.path)
		s.setToken(ft)
		cur = ft
		if s.needless(ft, stale) {
			return ft, nil
		}
	}
	if cur.RefreshToken.IsZero() {
		return nil, s.fail(fmt.Errorf("the OAuth access token in %s has expired and the file holds no refresh token: %w", s.path, ErrLoginAgain),
			"the OAuth access token has expired and cannot be refreshed: run gongload auth login again")
	}
	if s.app.ClientSecret.IsZero() {
		return nil, s.fail(errors.New("the OAuth access token has expired, and refreshing it needs the app's client secret: set GONG_CLIENT_SECRET"),
			"the OAuth access token has expired; set GONG_CLIENT_SECRET so that gongload can refresh it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*DefaultHTTPTimeout)
	defer cancel()
	started := s.now()
	nt, err := s.app.Refresh(ctx, cur.RefreshToken)
	if err != nil {
		var te *transientError
		if errors.As(err, &te) {
			s.log.Warn("OAuth token refresh failed; it will be tried again", "error", err.Error())
			return nil, err
		}
		var ge *GrantError
		short := "the OAuth token could not be refreshed: " + err.Error()
		if errors.As(err, &ge) && ge.Code == "invalid_grant" {
			short = fmt.Sprintf("the OAuth refresh token was refused (%s: %s): run gongload auth login again", ge.Code, ge.Description)
		}
		return nil, s.fail(err, short)
	}
	// Keep what Gong did not repeat.
	if len(nt.Scopes) == 0 {
		nt.Scopes = cur.Scopes
	}
	if nt.BaseURL == "" {
		nt.BaseURL = cur.BaseURL
	}
	if nt.RefreshToken.IsZero() {
		nt.RefreshToken = cur.RefreshToken // not rotated: the old one stays valid
	}
	if err := WriteFile(s.path, nt); err != nil {
		return nil, s.fail(fmt.Errorf("the refreshed OAuth token could not be saved, so it is not used (the old refresh token is spent: Gong's are single use): %v: fix that, then %w", err, ErrLoginAgain),
			"the refreshed OAuth token could not be saved to the token file: run gongload auth login again")
	}
	s.setToken(nt)
	n := s.refreshes.Add(1)
	s.log.Info("OAuth token refreshed", "token_file", s.path, "expires", nt.Expiry.Format(time.RFC3339), "took", s.now().Sub(started).Round(time.Millisecond), "refreshes", n)
	return nt, nil
}

func (s *Source) setToken(t *Token) {
	s.mu.Lock()
	s.tok = t
	s.mu.Unlock()
}

// fail makes the source fail from now on with err; short is the message an
// API answer made up for the client carries (see Transport).
func (s *Source) fail(err error, short string) error {
	fe := &finalError{err: err, short: short}
	s.mu.Lock()
	if s.broken == nil {
		s.broken = fe
	}
	s.mu.Unlock()
	return fe
}

// finalError is a refresh failure that asking again will not cure.
type finalError struct {
	err   error
	short string
}

func (e *finalError) Error() string { return e.err.Error() }
func (e *finalError) Unwrap() error { return e.err }

// Transport returns the auth layer of an API client (the signature of
// extract.Options.Auth): like golang.org/x/oauth2's Transport, it sends each
// request, cloned, with "Authorization: Bearer <access token>" from the
// source, and:
//
//   - on a 401 that is not a missing scope ("You don't have permission to
//     use '<scope>'", which is handed back as is), it refreshes once
//     (ForceRefresh) and sends the request again, if its body can be
//     replayed (GetBody);
//   - when the token cannot be refreshed for good (ErrLoginAgain, a missing
//     client secret), it answers the request itself with a 401 in Gong's
//     error format whose message says so, so that the client fails at once
//     instead of retrying; transient refresh failures are returned as
//     errors, for the client's retries.
func (s *Source) Transport(next http.RoundTripper) http.RoundTripper {
	return &transport{src: s, next: next}
}

// APITransport is Transport for the requests to the API at baseURL only
// (same scheme and host, a path under its /v2/); every other request,
// such as a signed media URL, goes to next untouched, without the token.
//
// It is meant to be the base transport of an API client whose rate
// limiter and Retry-After gate come before it, so that the token is taken
// (and refreshed) when the request actually leaves, not before a wait
// that may outlast a short-lived token. Its one retry after a 401 is then
// not paced by that limiter.
func (s *Source) APITransport(baseURL string, next http.RoundTripper) (http.RoundTripper, error) {
	u, err := checkEndpoint("API base URL", baseURL)
	if err != nil {
		return nil, err
	}
	prefix := strings.TrimSuffix(strings.TrimSuffix(u.EscapedPath(), "/"), "/v2") + "/v2/"
	return &transport{src: s, next: next, scheme: u.Scheme, host: strings.ToLower(u.Host), prefix: prefix}, nil
}

type transport struct {
	src  *Source
	next http.RoundTripper
	// The API's origin and path prefix, for APITransport; "" = every request.
	scheme, host, prefix string
}

// CloseIdleConnections closes the idle connections of the transport
// below, when it pools connections.
func (t *transport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// ours reports whether req is to be authenticated.
func (t *transport) ours(req *http.Request) bool {
	if t.host == "" {
		return true
	}
	return req.URL.Scheme == t.scheme && strings.ToLower(req.URL.Host) == t.host && strings.HasPrefix(req.URL.EscapedPath(), t.prefix)
}

// scopeRe matches Gong's missing-scope message.
var scopeRe = regexp.MustCompile(`(?i)don't have permission to use '`)

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !t.ours(req) {
		return t.next.RoundTrip(req)
	}
	tok, err := t.src.token(req.Context())
	if err != nil {
		closeBody(req)
		return t.failed(req, err)
	}
	resp, err := t.send(req, req.Body, tok)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	// A 401: a missing scope goes back as is; anything else gets one
	// refresh and one more try.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if scopeRe.Match(head) || (req.Body != nil && req.Body != http.NoBody && req.GetBody == nil) {
		resp.Body = &replayBody{Reader: io.MultiReader(bytes.NewReader(head), resp.Body), c: resp.Body}
		return resp, nil
	}
	resp.Body.Close()
	t.src.log.Debug("OAuth: Gong answered 401; refreshing the token and trying again", "method", req.Method, "path", req.URL.Path)
	tok, err = t.src.refresh(req.Context(), tok.AccessToken)
	if err != nil {
		return t.failed(req, err)
	}
	body := req.Body
	if req.GetBody != nil {
		if body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	return t.send(req, body, tok)
}

func (t *transport) send(req *http.Request, body io.ReadCloser, tok *Token) (*http.Response, error) {
	r2 := req.Clone(req.Context())
	r2.Body = body
	r2.Header.Set("Authorization", tok.tokenType()+" "+tok.AccessToken.Reveal())
	return t.next.RoundTrip(r2)
}

// failed turns a refresh failure into the round trip's outcome: an answer
// made up here for a final one, the error for a transient one.
func (t *transport) failed(req *http.Request, err error) (*http.Response, error) {
	var fe *finalError
	if !errors.As(err, &fe) {
		return nil, err
	}
	b, _ := json.Marshal(struct {
		RequestID string   `json:"requestId"`
		Errors    []string `json:"errors"`
	}{"", []string{fe.short}})
	return &http.Response{
		Status:        "401 Unauthorized",
		StatusCode:    http.StatusUnauthorized,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}, "X-Gongload-Auth": {"token refresh failed"}},
		Body:          io.NopCloser(bytes.NewReader(b)),
		ContentLength: int64(len(b)),
		Request:       req,
	}, nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

type replayBody struct {
	io.Reader
	c io.Closer
}

func (b *replayBody) Close() error { return b.c.Close() }
