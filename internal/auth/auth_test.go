package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/internal/auth"
	"github.com/gongload/gongload/internal/gongsim"
)

const (
	clientID     = "client-for-tests"
	clientSecret = "client-s3cret-for-tests"
)

func newSim(t *testing.T, cfg gongsim.Config) (*gongsim.Sim, string) {
	t.Helper()
	cfg.Seed, cfg.Users, cfg.Calls, cfg.Days, cfg.Sentences = 3, 12, 30, 10, 5
	cfg.OAuthClientID, cfg.OAuthClientSecret = clientID, clientSecret
	sim, err := gongsim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim, base
}

func app(base string, scopes ...string) auth.App {
	return auth.App{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		AuthURL:      base + "/oauth2/authorize",
		TokenURL:     base + "/oauth2/generate-customer-token",
		Scopes:       scopes,
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// follow is the test's browser: it GETs the authorize URL and follows the
// simulator's redirect to the loopback listener.
func follow(t *testing.T) func(string) error {
	return func(u string) error {
		go func() {
			resp, err := http.Get(u)
			if err != nil {
				t.Errorf("browser: %v", err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
		return nil
	}
}

// login logs in against the simulator and writes the token file.
func login(t *testing.T, base, path string, scopes ...string) *auth.Token {
	t.Helper()
	var out syncBuffer
	tok, err := auth.Login(context.Background(), auth.LoginOptions{App: app(base, scopes...), Out: &out, OpenBrowser: follow(t), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("login: %v\n%s", err, out.String())
	}
	if err := auth.WriteFile(path, tok); err != nil {
		t.Fatal(err)
	}
	assertNoTokens(t, out.String(), tok.AccessToken.Reveal(), tok.RefreshToken.Reveal())
	return tok
}

func assertNoTokens(t *testing.T, text string, tokens ...string) {
	t.Helper()
	for _, tok := range tokens {
		if tok != "" && strings.Contains(text, tok) {
			t.Errorf("a token leaked into the output:\n%s", text)
		}
	}
}

// expireInFile makes the token file's access token look expired to the
// client (the simulator still accepts it).
func expireInFile(t *testing.T, path string) {
	t.Helper()
	tok, err := auth.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tok.Expiry = time.Now().Add(-time.Minute)
	tok.Obtained = tok.Expiry.Add(-time.Hour)
	if err := auth.WriteFile(path, tok); err != nil {
		t.Fatal(err)
	}
}

func open(t *testing.T, path string, logger *slog.Logger) *auth.Source {
	t.Helper()
	src, err := auth.Open(auth.Options{Path: path, ClientSecret: clientSecret, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Errorf("GET %s: %v", u, err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestTokenRequest checks the token request is as Gong documents it: POST,
// grant parameters in the query string, client credentials as Basic, an
// empty body; and that the answer's fields land in the Token.
func TestTokenRequest(t *testing.T) {
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		body, _ := io.ReadAll(r.Body)
		user, pass, ok := r.BasicAuth()
		got := map[string]any{
			"method": r.Method, "path": r.URL.Path, "query": r.URL.Query(), "basic": ok, "user": user, "pass": pass, "body": string(body),
		}
		want := map[string]any{
			"method": "POST", "path": "/oauth2/generate-customer-token", "basic": true, "user": clientID, "pass": clientSecret, "body": "",
			"query": url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"rt-1"}},
		}
		if calls == 1 {
			want["query"] = url.Values{"grant_type": {"authorization_code"}, "code": {"the-code"}, "client_id": {clientID}, "redirect_uri": {"http://127.0.0.1:1/callback"}}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("token request %d (-want +got):\n%s", calls, diff)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"at-%d","refresh_token":"rt-%d","token_type":"Bearer","expires_in":"3600","scope":"api:users:read api:calls:read:basic","api_base_url_for_customer":"https://company-17.api.gong.io/"}`, calls, calls)
	}))
	defer srv.Close()
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	a := auth.App{ClientID: clientID, ClientSecret: clientSecret, TokenURL: srv.URL + "/oauth2/generate-customer-token", Now: func() time.Time { return now }}
	tok, err := a.Exchange(context.Background(), "the-code", "http://127.0.0.1:1/callback")
	if err != nil {
		t.Fatal(err)
	}
	want := auth.Token{
		AccessToken: "at-1", RefreshToken: "rt-1", TokenType: "Bearer", Expiry: now.Add(time.Hour), Obtained: now,
		Scopes: []string{"api:users:read", "api:calls:read:basic"}, BaseURL: "https://company-17.api.gong.io",
		ClientID: clientID, TokenURL: a.TokenURL,
	}
	if diff := cmp.Diff(want, *tok); diff != "" {
		t.Errorf("token (-want +got):\n%s", diff)
	}
	if _, err := a.Refresh(context.Background(), tok.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if o := tok.OAuth2(); o.Extra("api_base_url_for_customer") != "https://company-17.api.gong.io" || o.AccessToken != "at-1" || o.Type() != "Bearer" {
		t.Errorf("OAuth2() = %v, %v", o.Extra("api_base_url_for_customer"), o.Type())
	}
}

// TestGrantErrors checks refusals are typed, say what to do, and never
// quote the refresh token, the code or the client secret, even when the
// endpoint echoes them.
func TestGrantErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		status     int
		body       string
		loginAgain bool
		want       []string
	}{
		"invalid_grant": {400, `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}`, true,
			[]string{"invalid_grant", "single use", "run gongload auth login again"}},
		"invalid_client": {401, `{"error":"invalid_client","error_description":"bad client ` + clientSecret + `"}`, false,
			[]string{"invalid_client", "GONG_CLIENT_SECRET"}},
		"echoing HTML": {403, `<html>refresh_token=old-refresh-token&client_secret=` + clientSecret + `</html>`, false,
			[]string{"HTTP 403", "**redacted**"}},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			a := auth.App{ClientID: clientID, ClientSecret: clientSecret, TokenURL: srv.URL + "/token"}
			_, err := a.Refresh(context.Background(), "old-refresh-token")
			var ge *auth.GrantError
			if !errors.As(err, &ge) {
				t.Fatalf("err = %v, want a *GrantError", err)
			}
			if errors.Is(err, auth.ErrLoginAgain) != tc.loginAgain {
				t.Errorf("errors.Is(ErrLoginAgain) = %v", !tc.loginAgain)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			assertNoTokens(t, err.Error(), "old-refresh-token", clientSecret)
		})
	}
	// No answer at all: the URL with its query must not show.
	a := auth.App{ClientID: clientID, ClientSecret: clientSecret, TokenURL: "http://127.0.0.1:1/token"}
	_, err := a.Refresh(context.Background(), "old-refresh-token")
	if err == nil || strings.Contains(err.Error(), "old-refresh-token") || strings.Contains(err.Error(), "grant_type") {
		t.Errorf("connection error = %v", err)
	}
}

// TestTokenFile checks the token file's mode (0600, in a 0700 directory it
// creates), the round trip, the atomic replace and removal.
func TestTokenFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "gongload")
	path := filepath.Join(dir, "token.json")
	if _, err := auth.ReadFile(path); !errors.Is(err, auth.ErrNoToken) || !strings.Contains(err.Error(), "gongload auth login") {
		t.Errorf("missing file: %v", err)
	}
	tok := &auth.Token{AccessToken: "at-x", RefreshToken: "rt-x", TokenType: "Bearer", Expiry: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Obtained: time.Date(2026, 1, 1, 3, 4, 5, 0, time.UTC), Scopes: []string{"api:users:read"}, BaseURL: "https://x.api.gong.io", ClientID: "c", TokenURL: "https://t"}
	for range 2 { // a new file, then a replacement
		if err := auth.WriteFile(path, tok); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("token file mode = %v, %v; want 0600", fi.Mode(), err)
		}
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("token directory mode = %v, %v; want 0700", fi.Mode(), err)
		}
		tok.AccessToken = "at-y"
	}
	got, err := auth.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tok, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	var raw map[string]any
	b, _ := os.ReadFile(path)
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"access_token", "refresh_token", "expiry", "scopes", "api_base_url_for_customer", "client_id", "token_url"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("token file lacks %q: %s", k, b)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only token.json (no temporary file left)", len(entries))
	}
	// Printing a Token shows no token.
	for _, s := range []string{fmt.Sprintf("%v", tok), fmt.Sprintf("%+v", tok), fmt.Sprintf("%#v", *tok), fmt.Sprint(*tok)} {
		assertNoTokens(t, s, "at-y", "rt-x")
	}
	if js, _ := json.Marshal(tok); bytes.Contains(js, []byte("at-y")) || bytes.Contains(js, []byte("rt-x")) {
		t.Errorf("json.Marshal(Token) shows a token: %s", js)
	}
	if removed, err := auth.RemoveFile(path); !removed || err != nil {
		t.Errorf("RemoveFile = %v, %v", removed, err)
	}
	if removed, err := auth.RemoveFile(path); removed || err != nil {
		t.Errorf("second RemoveFile = %v, %v", removed, err)
	}
}

// TestLogin runs the flow against the simulator: the test's "browser"
// follows the authorize URL's redirect to the loopback listener.
func TestLogin(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{})
	path := filepath.Join(t.TempDir(), "token.json")
	tok := login(t, base, path, "api:users:read", "api:workspaces:read")
	if tok.BaseURL != base || !slices.Equal(tok.Scopes, []string{"api:users:read", "api:workspaces:read"}) || tok.RefreshToken.IsZero() ||
		time.Until(tok.Expiry) < 23*time.Hour || tok.ClientID != clientID || tok.TokenURL != base+"/oauth2/generate-customer-token" {
		t.Errorf("token: base %q scopes %v expiry %v client %q token URL %q", tok.BaseURL, tok.Scopes, tok.Expiry, tok.ClientID, tok.TokenURL)
	}
	if st := sim.OAuthStats(); st.Authorizations != 1 || st.CodeExchanges != 1 {
		t.Errorf("sim OAuth stats = %+v", st)
	}
	// The token works, within its scopes.
	c := &http.Client{Transport: open(t, path, nil).Transport(http.DefaultTransport)}
	if code, body := get(t, c, base+"/v2/users"); code != 200 {
		t.Errorf("GET /v2/users = %d %s", code, body)
	}
	if code, body := get(t, c, base+"/v2/calls?fromDateTime=2020-01-01T00:00:00Z"); code != 401 || !strings.Contains(body, "api:calls:read:basic") {
		t.Errorf("GET /v2/calls without its scope = %d %s", code, body)
	}
}

// TestLoginFailures checks a denied consent, a wrong state and a timeout
// give errors that say what happened, and that no token is requested.
func TestLoginFailures(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{})
	// redirect makes the "browser" go straight to the redirect URI with
	// the query that f makes from the authorize URL's state.
	redirect := func(f func(state string) url.Values) func(string) error {
		return func(authURL string) error {
			u, _ := url.Parse(authURL)
			back := u.Query().Get("redirect_uri") + "?" + f(u.Query().Get("state")).Encode()
			go http.Get(back) //nolint:errcheck // the test checks Login's outcome
			return nil
		}
	}
	for name, tc := range map[string]struct {
		browser func(string) error
		timeout time.Duration
		want    []string
	}{
		"denied": {browser: redirect(func(st string) url.Values {
			return url.Values{"error": {"access_denied"}, "error_description": {"The user denied access"}, "state": {st}}
		}), want: []string{"consent was denied", "access_denied", "run gongload auth login again"}},
		"wrong state": {browser: redirect(func(string) url.Values {
			return url.Values{"code": {"some-code"}, "state": {"forged"}}
		}), want: []string{"state does not match", "run gongload auth login again"}},
		"timeout": {browser: func(string) error { return nil }, timeout: 200 * time.Millisecond,
			want: []string{"no redirect", "within 200ms", "--timeout"}},
	} {
		t.Run(name, func(t *testing.T) {
			var out syncBuffer
			_, err := auth.Login(context.Background(), auth.LoginOptions{App: app(base), Out: &out, OpenBrowser: tc.browser, Timeout: orDefault(tc.timeout, 10*time.Second)})
			var le *auth.LoginError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LoginError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	if st := sim.OAuthStats(); st.TokenRequests != 0 {
		t.Errorf("token requests = %d, want none", st.TokenRequests)
	}
}

// TestConcurrentRefresh has many goroutines ask for a token that has just
// expired: exactly one refresh reaches the simulator, everyone gets its
// token, the file holds the new pair, and no refresh token is reused.
func TestConcurrentRefresh(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{})
	path := filepath.Join(t.TempDir(), "token.json")
	first := login(t, base, path)
	expireInFile(t, path)
	src := open(t, path, nil)
	const n = 64
	got := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			tok, err := src.Token()
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = tok.AccessToken
		})
	}
	close(start)
	wg.Wait()
	if st := sim.OAuthStats(); st.Refreshes != 1 || st.InvalidGrants != 0 {
		t.Errorf("sim saw %d refreshes and %d invalid grants, want 1 and 0", st.Refreshes, st.InvalidGrants)
	}
	file, err := auth.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range got {
		if g != file.AccessToken.Reveal() {
			t.Fatalf("goroutine %d got another token than the file's", i)
		}
	}
	if file.RefreshToken == first.RefreshToken || file.AccessToken == first.AccessToken {
		t.Error("the token file was not rotated")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("rotated token file mode %v", fi.Mode())
	}
	if src.Refreshes() != 1 {
		t.Errorf("source refreshes = %d", src.Refreshes())
	}
}

// TestUnauthorizedRefreshesOnce: Gong expires the access tokens early; the
// requests in flight all get a 401, one refresh is made, and every request
// is sent again and succeeds.
func TestUnauthorizedRefreshesOnce(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{})
	path := filepath.Join(t.TempDir(), "token.json")
	login(t, base, path)
	src := open(t, path, nil)
	c := &http.Client{Transport: src.Transport(http.DefaultTransport)}
	if code, _ := get(t, c, base+"/v2/users"); code != 200 {
		t.Fatalf("first GET = %d", code)
	}
	sim.ExpireAccessTokens()
	var wg sync.WaitGroup
	for range 24 {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", base+"/v2/calls/extensive", strings.NewReader(`{"filter":{"fromDateTime":"2020-01-01T00:00:00Z"}}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("POST after expiry = %d %s", resp.StatusCode, b)
			}
		})
	}
	wg.Wait()
	if st := sim.OAuthStats(); st.Refreshes != 1 || st.ExpiredTokens == 0 || st.InvalidGrants != 0 {
		t.Errorf("sim OAuth stats = %+v, want one refresh after expired tokens", st)
	}
}

// TestMissingScopeIsNotRefreshed: a 401 for a missing scope goes back to
// the caller as is, without a refresh.
func TestMissingScopeIsNotRefreshed(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{})
	path := filepath.Join(t.TempDir(), "token.json")
	login(t, base, path, "api:users:read")
	c := &http.Client{Transport: open(t, path, nil).Transport(http.DefaultTransport)}
	req, _ := http.NewRequest("POST", base+"/v2/calls/transcript", strings.NewReader(`{"filter":{}}`))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(string(b), "You don't have permission to use 'api:calls:read:transcript' in your app.") {
		t.Errorf("POST /v2/calls/transcript = %d %s", resp.StatusCode, b)
	}
	if st := sim.OAuthStats(); st.Refreshes != 0 || st.ScopeDenied != 1 {
		t.Errorf("sim OAuth stats = %+v", st)
	}
}

// TestReusedRefreshToken: a token file put back to an older pair holds a
// spent refresh token; Gong refuses it (invalid_grant), the source says to
// log in again, asks Gong only once, and the transport answers API
// requests with a 401 that says so.
func TestReusedRefreshToken(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{})
	path := filepath.Join(t.TempDir(), "token.json")
	login(t, base, path)
	old, _ := os.ReadFile(path)
	expireInFile(t, path)
	if _, err := open(t, path, nil).Token(); err != nil { // rotates: the old refresh token is spent
		t.Fatal(err)
	}
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	expireInFile(t, path)
	src := open(t, path, nil)
	for range 3 {
		_, err := src.Token()
		if !errors.Is(err, auth.ErrLoginAgain) || !strings.HasSuffix(err.Error(), "run gongload auth login again") || !strings.Contains(err.Error(), "invalid_grant") {
			t.Fatalf("Token() = %v, want invalid_grant ending with \"run gongload auth login again\"", err)
		}
	}
	if st := sim.OAuthStats(); st.ReusedRefresh != 1 || st.Refreshes != 1 {
		t.Errorf("sim OAuth stats = %+v, want the reuse refused once", st)
	}
	c := &http.Client{Transport: src.Transport(http.DefaultTransport)}
	code, body := get(t, c, base+"/v2/users")
	if code != 401 || !strings.Contains(body, "run gongload auth login again") {
		t.Errorf("GET through a broken source = %d %s", code, body)
	}
	assertNoTokens(t, body, sim.IssuedTokens()...)
}

// TestOtherProcessRotated: two sources share a token file, as two
// gongload processes do; the second finds the pair the first rotated in
// the file and adopts it instead of reusing its spent refresh token.
func TestOtherProcessRotated(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{})
	path := filepath.Join(t.TempDir(), "token.json")
	login(t, base, path)
	expireInFile(t, path)
	a, b := open(t, path, nil), open(t, path, nil)
	ta, err := a.Token()
	if err != nil {
		t.Fatal(err)
	}
	tb, err := b.Token()
	if err != nil {
		t.Fatal(err)
	}
	if ta.AccessToken != tb.AccessToken {
		t.Error("the second source did not adopt the rotated token")
	}
	if st := sim.OAuthStats(); st.Refreshes != 1 || st.InvalidGrants != 0 {
		t.Errorf("sim OAuth stats = %+v", st)
	}
}

// TestOutlivesTokens: with access tokens valid one second, a stream of
// requests over several seconds always succeeds; the source refreshes
// ahead of expiry (and on the odd 401), rotating the pair each time.
func TestOutlivesTokens(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for a few seconds")
	}
	sim, base := newSim(t, gongsim.Config{TokenTTL: time.Second})
	path := filepath.Join(t.TempDir(), "token.json")
	login(t, base, path)
	var logs syncBuffer
	src := open(t, path, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	c := &http.Client{Transport: src.Transport(http.DefaultTransport)}
	var wg sync.WaitGroup
	deadline := time.Now().Add(3500 * time.Millisecond)
	for range 4 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if code, body := get(t, c, base+"/v2/workspaces"); code != 200 {
					t.Errorf("GET = %d %s", code, body)
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	st := sim.OAuthStats()
	if st.Refreshes < 3 || st.InvalidGrants != 0 {
		t.Errorf("sim OAuth stats = %+v, want several refreshes and no invalid grant", st)
	}
	if src.Refreshes() != st.Refreshes {
		t.Errorf("source made %d refreshes, the sim saw %d", src.Refreshes(), st.Refreshes)
	}
	assertNoTokens(t, logs.String(), sim.IssuedTokens()...)
	assertNoTokens(t, fmt.Sprintf("%+v %#v", src, src.Current()), sim.IssuedTokens()...)
}

// TestMissingClientSecret: an expired token without GONG_CLIENT_SECRET
// cannot be refreshed, and the error says so.
func TestMissingClientSecret(t *testing.T) {
	_, base := newSim(t, gongsim.Config{})
	path := filepath.Join(t.TempDir(), "token.json")
	login(t, base, path)
	expireInFile(t, path)
	src, err := auth.Open(auth.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Token(); err == nil || !strings.Contains(err.Error(), "GONG_CLIENT_SECRET") {
		t.Errorf("Token() = %v", err)
	}
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

// TestAPITransportOnlyAPI: APITransport sends the token to the API's /v2
// paths on its own origin only, never to another path or host (a signed
// media URL).
func TestAPITransportOnlyAPI(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	echo := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Host+r.URL.Path] = r.Header.Get("Authorization")
		mu.Unlock()
	}
	api := httptest.NewServer(http.HandlerFunc(echo))
	defer api.Close()
	media := httptest.NewServer(http.HandlerFunc(echo))
	defer media.Close()
	path := filepath.Join(t.TempDir(), "token.json")
	if err := auth.WriteFile(path, &auth.Token{AccessToken: "at-1", RefreshToken: "rt-1", Expiry: time.Now().Add(time.Hour), BaseURL: api.URL}); err != nil {
		t.Fatal(err)
	}
	src := open(t, path, nil)
	rt, err := src.APITransport(api.URL+"/v2", http.DefaultTransport)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: rt}
	for _, u := range []string{api.URL + "/v2/users", api.URL + "/_sim/media/x", media.URL + "/v2/users"} {
		get(t, c, u)
	}
	apiHost, mediaHost := strings.TrimPrefix(api.URL, "http://"), strings.TrimPrefix(media.URL, "http://")
	want := map[string]string{apiHost + "/v2/users": "Bearer at-1", apiHost + "/_sim/media/x": "", mediaHost + "/v2/users": ""}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("Authorization sent (-want +got):\n%s", diff)
	}
	if _, err := src.APITransport("http://gong.example.com", http.DefaultTransport); err == nil {
		t.Error("plain http to a host that is not loopback was accepted")
	}
}
