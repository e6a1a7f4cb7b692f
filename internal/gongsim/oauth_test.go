package gongsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// oauthClient drives the simulator's OAuth endpoints over HTTP.
type oauthClient struct {
	t    *testing.T
	base string
}

// authorize GETs the authorize URL without following the redirect and
// returns the redirect's query.
func (c *oauthClient) authorize(clientID, scope, redirect, state string) (int, url.Values) {
	c.t.Helper()
	q := url.Values{"client_id": {clientID}, "response_type": {"code"}, "redirect_uri": {redirect}, "state": {state}}
	if scope != "" {
		q.Set("scope", scope)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(c.base + "/oauth2/authorize?" + q.Encode())
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return resp.StatusCode, nil
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), redirect) {
		c.t.Fatalf("Location %q does not go to %s", resp.Header.Get("Location"), redirect)
	}
	return resp.StatusCode, loc.Query()
}

type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	Scope        string `json:"scope"`
	BaseURL      string `json:"api_base_url_for_customer"`
	Error        string `json:"error"`
	ErrorDesc    string `json:"error_description"`
}

// token POSTs a grant, in the query string (inQuery) or a form body.
func (c *oauthClient) token(user, pass string, params url.Values, inQuery bool) (int, tokenAnswer, string) {
	c.t.Helper()
	u := c.base + "/oauth2/generate-customer-token"
	var body io.Reader
	if inQuery {
		u += "?" + params.Encode()
	} else {
		body = strings.NewReader(params.Encode())
	}
	req, _ := http.NewRequest(http.MethodPost, u, body)
	if !inQuery {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var a tokenAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		c.t.Fatalf("token answer %s: %v", b, err)
	}
	return resp.StatusCode, a, string(b)
}

// bearerGet calls the API with a Bearer token.
func bearerGet(t *testing.T, base, method, path, token string) (int, string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(`{"filter":{"fromDateTime":"2026-01-01T00:00:00Z","toDateTime":"2026-07-01T00:00:00Z"}}`)
	}
	req, _ := http.NewRequest(method, base+path, body)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestOAuthFlow(t *testing.T) {
	s, c := newSim(t, Config{Users: 5, Calls: 20, Days: 10, Sentences: 5, OAuthClientID: "app", OAuthClientSecret: "app-secret", TokenTTL: time.Hour})
	oc := &oauthClient{t: t, base: c.base}
	const redirect = "http://127.0.0.1:9/callback"

	// Authorize: approved at once, code and state back on the redirect.
	st, q := oc.authorize("app", "api:users:read api:calls:read:extensive", redirect, "xyz")
	if st != http.StatusFound || q.Get("state") != "xyz" || !strings.HasPrefix(q.Get("code"), "gsac_") {
		t.Fatalf("authorize = %d %v", st, q)
	}
	if st, _ := oc.authorize("other-app", "", redirect, "xyz"); st != http.StatusBadRequest {
		t.Errorf("authorize with an unknown client_id = %d, want 400", st)
	}
	if _, q := oc.authorize("app", "calls:read", redirect, "s"); q.Get("error") != "invalid_scope" || q.Get("state") != "s" {
		t.Errorf("authorize with a bad scope redirects with %v", q)
	}

	// Exchange: Basic client credentials, grant in the query string.
	code := q.Get("code")
	grant := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {"app"}, "redirect_uri": {redirect}}
	if st, a, _ := oc.token("app", "wrong", grant, true); st != http.StatusUnauthorized || a.Error != "invalid_client" {
		t.Errorf("exchange with a wrong secret = %d %+v", st, a)
	}
	st, tok, _ := oc.token("app", "app-secret", grant, true)
	if st != http.StatusOK || !strings.HasPrefix(tok.AccessToken, "gsat_") || !strings.HasPrefix(tok.RefreshToken, "gsrt_") ||
		tok.TokenType != "Bearer" || tok.ExpiresIn != 3600 || tok.Scope != "api:calls:read:extensive api:users:read" || tok.BaseURL != c.base {
		t.Fatalf("exchange = %d %+v", st, tok)
	}
	if st, a, _ := oc.token("app", "app-secret", grant, true); st != http.StatusBadRequest || a.Error != "invalid_grant" {
		t.Errorf("second exchange of a code = %d %+v, want invalid_grant", st, a)
	}

	// Bearer: scopes are enforced per endpoint; Basic keeps working.
	if st, body := bearerGet(t, c.base, "GET", "/v2/users", tok.AccessToken); st != 200 {
		t.Errorf("GET /v2/users with the token = %d %s", st, body)
	}
	if st, body := bearerGet(t, c.base, "POST", "/v2/calls/extensive", tok.AccessToken); st != 200 {
		t.Errorf("POST /v2/calls/extensive with the token = %d %s", st, body)
	}
	st, body := bearerGet(t, c.base, "POST", "/v2/calls/transcript", tok.AccessToken)
	var eb errorBody
	_ = json.Unmarshal([]byte(body), &eb)
	if st != 401 || eb.RequestID == "" || len(eb.Errors) != 1 || eb.Errors[0] != "You don't have permission to use 'api:calls:read:transcript' in your app." {
		t.Errorf("POST /v2/calls/transcript without its scope = %d %s", st, body)
	}
	if st, _ := bearerGet(t, c.base, "GET", "/v2/users", "gsat_not-a-token"); st != 401 {
		t.Errorf("unknown token = %d", st)
	}
	if r := c.do("GET", "/v2/users", ""); r.status != 200 {
		t.Errorf("Basic = %d", r.status)
	}

	// Refresh: a new pair, same scopes; the refresh token is single use.
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}
	st, tok2, _ := oc.token("app", "app-secret", refresh, false) // a form body is accepted too
	if st != 200 || tok2.AccessToken == tok.AccessToken || tok2.RefreshToken == tok.RefreshToken || tok2.Scope != tok.Scope {
		t.Fatalf("refresh = %d %+v", st, tok2)
	}
	st, _, raw := oc.token("app", "app-secret", refresh, true)
	if st != 400 || raw != `{"error":"invalid_grant","error_description":"Token has been expired or revoked."}` {
		t.Errorf("reused refresh token = %d %s", st, raw)
	}
	if st, body := bearerGet(t, c.base, "GET", "/v2/users", tok2.AccessToken); st != 200 {
		t.Errorf("refreshed token = %d %s", st, body)
	}

	// Expiry injected: every access token is refused until refreshed.
	s.ExpireAccessTokens()
	if st, body := bearerGet(t, c.base, "GET", "/v2/users", tok2.AccessToken); st != 401 || !strings.Contains(body, "expired") {
		t.Errorf("expired token = %d %s", st, body)
	}
	if st, tok3, _ := oc.token("app", "app-secret", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok2.RefreshToken}}, true); st != 200 {
		t.Errorf("refresh after expiry = %d", st)
	} else if st, _ := bearerGet(t, c.base, "GET", "/v2/users", tok3.AccessToken); st != 200 {
		t.Errorf("token after expiry and refresh = %d", st)
	}

	want := OAuthStats{Authorizations: 1, TokenRequests: 6, CodeExchanges: 1, Refreshes: 2, InvalidGrants: 2, ReusedRefresh: 1, BadClient: 1, ExpiredTokens: 1, ScopeDenied: 1}
	if got := s.OAuthStats(); got != want {
		t.Errorf("OAuthStats = %+v, want %+v", got, want)
	}
	if n := len(s.IssuedTokens()); n != 6 {
		t.Errorf("IssuedTokens has %d tokens, want 6", n)
	}
}

func TestOAuthTokenTTL(t *testing.T) {
	_, c := newSim(t, Config{Users: 3, Calls: 5, Days: 5, Sentences: 5, TokenTTL: 300 * time.Millisecond})
	oc := &oauthClient{t: t, base: c.base}
	const redirect = "http://localhost:9/cb"
	_, q := oc.authorize("demo", "", redirect, "s")
	st, tok, _ := oc.token("demo", "demo", url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {redirect}}, true)
	if st != 200 || tok.ExpiresIn != 1 || !strings.Contains(tok.Scope, "api:coaching:read") || !strings.Contains(tok.Scope, "api:calls:read:media-url") {
		t.Fatalf("exchange = %d %+v (no scope asked: every scope)", st, tok)
	}
	if st, _ := bearerGet(t, c.base, "GET", "/v2/workspaces", tok.AccessToken); st != 200 {
		t.Errorf("fresh token = %d", st)
	}
	time.Sleep(400 * time.Millisecond)
	if st, _ := bearerGet(t, c.base, "GET", "/v2/workspaces", tok.AccessToken); st != 401 {
		t.Errorf("token past its TTL = %d, want 401", st)
	}
	// A redirect_uri other than the authorize request's is refused.
	_, q = oc.authorize("demo", "", redirect, "s")
	if st, a, _ := oc.token("demo", "demo", url.Values{"grant_type": {"authorization_code"}, "code": {q.Get("code")}, "redirect_uri": {"http://localhost:9/other"}}, true); st != 400 || a.Error != "invalid_grant" {
		t.Errorf("exchange with another redirect_uri = %d %+v", st, a)
	}
}

func TestEndpointScopesCoverRoutes(t *testing.T) {
	for pattern := range EndpointScopes {
		if !strings.HasPrefix(pattern, "GET /v2/") && !strings.HasPrefix(pattern, "POST /v2/") {
			t.Errorf("EndpointScopes pattern %q is not a /v2 route", pattern)
		}
	}
	// Every /v2 route the simulator serves has a scope.
	for _, p := range []string{"GET /v2/users", "GET /v2/users/{id}", "GET /v2/workspaces", "GET /v2/calls", "GET /v2/calls/{id}",
		"POST /v2/calls/extensive", "POST /v2/calls/transcript", "GET /v2/settings/scorecards", "GET /v2/settings/trackers",
		"GET /v2/call-outcomes", "GET /v2/library/folders", "GET /v2/library/folder-content", "POST /v2/stats/activity/scorecards",
		"POST /v2/stats/activity/aggregate", "POST /v2/stats/activity/day-by-day", "POST /v2/stats/interaction", "GET /v2/coaching"} {
		if EndpointScopes[p] == "" {
			t.Errorf("route %s has no scope", p)
		}
	}
}
