package gongsim

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// OAuth 2.0, as Gong does it (gong-api.md §1.3), on the simulator's own base
// URL:
//
//   - GET /oauth2/authorize?client_id&response_type=code&scope&redirect_uri&state
//     approves at once and redirects (302) to redirect_uri?code=…&state=…. The
//     code is single use and valid one minute. Scopes are space-separated;
//     none means every scope of EndpointScopes; a scope not of the form
//     "api:…" redirects with error=invalid_scope.
//   - POST /oauth2/generate-customer-token with the client credentials as
//     HTTP Basic, grant parameters in the query string (as Gong documents) or
//     a form body: grant_type=authorization_code (code, redirect_uri) or
//     grant_type=refresh_token (refresh_token). It answers access_token,
//     refresh_token, token_type, expires_in (Config.TokenTTL), scope and
//     api_base_url_for_customer (the base URL the client addressed).
//     Refresh tokens are single use: a reused or unknown one is answered 400
//     {"error":"invalid_grant","error_description":"Token has been expired or revoked."}.
//   - A Bearer access token authenticates /v2 requests. It carries the
//     scopes granted at authorize time: an endpoint whose scope
//     (EndpointScopes) it lacks is answered 401 "You don't have permission
//     to use '<scope>' in your app."; an expired or unknown token 401.
//
// Token lifetimes run on the wall clock, not on Config.Now (clients compute
// expiry from expires_in and their own clock), like the rate limit.

// EndpointScopes maps the simulator's route patterns to the OAuth scope a
// Bearer token needs for them (gong-api.md §1.3). Routes not listed need no
// scope.
var EndpointScopes = map[string]string{
	"GET /v2/users":                               "api:users:read",
	"GET /v2/users/{id}":                          "api:users:read",
	"POST /v2/users/extensive":                    "api:users:read",
	"GET /v2/users/{id}/settings-history":         "api:users:read",
	"GET /v2/calls":                               "api:calls:read:basic",
	"GET /v2/calls/{id}":                          "api:calls:read:basic",
	"POST /v2/calls/extensive":                    "api:calls:read:extensive",
	"POST /v2/calls/transcript":                   "api:calls:read:transcript",
	"GET /v2/workspaces":                          "api:workspaces:read",
	"POST /v2/stats/activity/aggregate":           "api:stats:user-actions",
	"POST /v2/stats/activity/aggregate-by-period": "api:stats:user-actions",
	"POST /v2/stats/activity/day-by-day":          "api:stats:user-actions:detailed",
	"POST /v2/stats/interaction":                  "api:stats:interaction",
	"POST /v2/stats/activity/scorecards":          "api:stats:scorecards",
	"GET /v2/settings/scorecards":                 "api:settings:scorecards:read",
	"GET /v2/settings/trackers":                   "api:settings:trackers:read",
	"GET /v2/library/folders":                     "api:library:read",
	"GET /v2/library/folder-content":              "api:library:read",
	"GET /v2/coaching":                            "api:coaching:read",
	"GET /v2/call-outcomes":                       "api:call-outcomes:read",
}

// codeTTL is the validity of an authorization code.
const codeTTL = time.Minute

// OAuthStats are the counters of the OAuth endpoints and of Bearer
// authentication.
type OAuthStats struct {
	Authorizations int64 // GET /oauth2/authorize answered with a code
	TokenRequests  int64 // POSTs to the token endpoint, whatever their outcome
	CodeExchanges  int64 // authorization_code grants that issued tokens
	Refreshes      int64 // refresh_token grants that issued tokens
	InvalidGrants  int64 // grants refused with invalid_grant
	ReusedRefresh  int64 // of InvalidGrants: a refresh token that had been used already
	BadClient      int64 // token requests refused for wrong client credentials
	ExpiredTokens  int64 // API requests refused for an expired access token
	ScopeDenied    int64 // API requests refused for a missing scope
}

// oauthState is the simulator's authorization server. Its zero value is
// ready to use.
type oauthState struct {
	mu      sync.Mutex
	codes   map[string]*authCode
	access  map[string]*accessToken
	refresh map[string]*refreshToken
	issued  []string // every access and refresh token, in order (IssuedTokens)
	stats   OAuthStats
}

type authCode struct {
	clientID, redirectURI string
	scopes                []string
	expires               time.Time
}

type accessToken struct {
	scopes  []string
	issued  time.Time
	expires time.Time
}

type refreshToken struct {
	clientID string
	scopes   []string
	used     bool
}

// OAuthStats returns a copy of the OAuth counters.
func (s *Sim) OAuthStats() OAuthStats {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	return s.oauth.stats
}

// IssuedTokens returns every access and refresh token the simulator has
// issued, oldest first, so that tests can check none of them leaks into
// output.
func (s *Sim) IssuedTokens() []string {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	return slices.Clone(s.oauth.issued)
}

// ExpireAccessTokens makes every access token issued so far expired (token
// expiry injected as a fault): the next API request with one is answered
// 401. Refresh tokens are unaffected.
func (s *Sim) ExpireAccessTokens() {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	past := time.Now().Add(-time.Second)
	for _, a := range s.oauth.access {
		a.expires = past
	}
}

// bearer authenticates an API request carrying a Bearer access token and
// checks the scope of its route (r.Pattern).
func (s *Sim) bearer(r *http.Request) (ok bool, reason string) {
	_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	o := &s.oauth
	o.mu.Lock()
	defer o.mu.Unlock()
	a, found := o.access[tok]
	switch {
	case tok == "" || !found:
		return false, "Access denied: the access token is invalid or has been revoked"
	case !time.Now().Before(a.expires):
		o.stats.ExpiredTokens++
		return false, "Access denied: the access token has expired"
	}
	if scope := EndpointScopes[r.Pattern]; scope != "" && !slices.Contains(a.scopes, scope) {
		o.stats.ScopeDenied++
		return false, "You don't have permission to use '" + scope + "' in your app."
	}
	return true, ""
}

// hAuthorize is GET /oauth2/authorize: the consent screen, approving at once.
func (s *Sim) hAuthorize(r *http.Request, rq *request) *reply {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("client_id") != s.cfg.OAuthClientID:
		return oauthPage(http.StatusBadRequest, "Unknown client_id: this OAuth app is not installed")
	case err != nil || !redirect.IsAbs() || redirect.Host == "":
		return oauthPage(http.StatusBadRequest, "redirect_uri must be an absolute URL")
	}
	back := redirect.Query()
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	if q.Get("response_type") != "code" {
		back.Set("error", "unsupported_response_type")
		return redirectTo(redirect, back)
	}
	scopes := strings.Fields(q.Get("scope"))
	for _, sc := range scopes {
		if !strings.HasPrefix(sc, "api:") {
			back.Set("error", "invalid_scope")
			back.Set("error_description", "Unknown scope "+sc)
			return redirectTo(redirect, back)
		}
	}
	if len(scopes) == 0 {
		scopes = allScopes()
	}
	code := "gsac_" + randomToken()
	o := &s.oauth
	o.mu.Lock()
	if o.codes == nil {
		o.codes = map[string]*authCode{}
	}
	o.codes[code] = &authCode{clientID: s.cfg.OAuthClientID, redirectURI: q.Get("redirect_uri"), scopes: slices.Compact(slices.Sorted(slices.Values(scopes))), expires: time.Now().Add(codeTTL)}
	o.stats.Authorizations++
	o.mu.Unlock()
	back.Set("code", code)
	return redirectTo(redirect, back)
}

// hToken is POST /oauth2/generate-customer-token.
func (s *Sim) hToken(r *http.Request, rq *request) *reply {
	o := &s.oauth
	o.mu.Lock()
	defer o.mu.Unlock()
	o.stats.TokenRequests++
	user, pass, ok := r.BasicAuth()
	if !ok || !hmac.Equal([]byte(user), []byte(s.cfg.OAuthClientID)) || !hmac.Equal([]byte(pass), []byte(s.cfg.OAuthClientSecret)) {
		o.stats.BadClient++
		return oauthError(http.StatusUnauthorized, "invalid_client", "Client authentication failed")
	}
	if err := r.ParseForm(); err != nil {
		return oauthError(http.StatusBadRequest, "invalid_request", "Malformed parameters")
	}
	var scopes []string
	switch grant := r.Form.Get("grant_type"); grant {
	case "authorization_code":
		c, found := o.codes[r.Form.Get("code")]
		delete(o.codes, r.Form.Get("code")) // single use, whatever happens
		switch {
		case !found || !time.Now().Before(c.expires):
			o.stats.InvalidGrants++
			return oauthError(http.StatusBadRequest, "invalid_grant", "Authorization code is invalid or expired")
		case c.clientID != user:
			o.stats.InvalidGrants++
			return oauthError(http.StatusBadRequest, "invalid_grant", "Authorization code was issued to another client")
		case r.Form.Get("redirect_uri") != c.redirectURI:
			o.stats.InvalidGrants++
			return oauthError(http.StatusBadRequest, "invalid_grant", "redirect_uri does not match the authorization request")
		}
		scopes = c.scopes
		o.stats.CodeExchanges++
	case "refresh_token":
		rt, found := o.refresh[r.Form.Get("refresh_token")]
		switch {
		case !found || rt.clientID != user:
			o.stats.InvalidGrants++
			return oauthError(http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
		case rt.used:
			o.stats.InvalidGrants++
			o.stats.ReusedRefresh++
			return oauthError(http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
		}
		rt.used = true
		scopes = rt.scopes
		o.stats.Refreshes++
	case "":
		return oauthError(http.StatusBadRequest, "invalid_request", "Missing grant_type")
	default:
		return oauthError(http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type "+grant)
	}
	access, refresh := "gsat_"+randomToken(), "gsrt_"+randomToken()
	if o.access == nil {
		o.access = map[string]*accessToken{}
		o.refresh = map[string]*refreshToken{}
	}
	ttl := s.cfg.TokenTTL
	o.access[access] = &accessToken{scopes: scopes, issued: time.Now(), expires: time.Now().Add(ttl)}
	o.refresh[refresh] = &refreshToken{clientID: user, scopes: scopes}
	o.issued = append(o.issued, access, refresh)
	return okReply(map[string]any{
		"access_token":              access,
		"refresh_token":             refresh,
		"token_type":                "Bearer",
		"expires_in":                max(1, int64(ttl/time.Second)),
		"scope":                     strings.Join(scopes, " "),
		"api_base_url_for_customer": rq.base,
	})
}

// allScopes is every scope of EndpointScopes and api:calls:read:media-url
// (which Gong needs for media URLs; the simulator serves them without it),
// sorted.
func allScopes() []string {
	out := []string{"api:calls:read:media-url"}
	for _, sc := range EndpointScopes {
		out = append(out, sc)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func randomToken() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func redirectTo(u *url.URL, q url.Values) *reply {
	v := *u
	v.RawQuery = q.Encode()
	v.Fragment = ""
	return &reply{status: http.StatusFound, raw: true, contentType: "text/html; charset=utf-8",
		header: http.Header{"Location": {v.String()}, "Cache-Control": {"no-store"}},
		body:   []byte(`<a href="` + htmlEscape(v.String()) + `">Continue</a>`)}
}

func oauthPage(status int, msg string) *reply {
	return &reply{status: status, raw: true, contentType: "text/plain; charset=utf-8", body: []byte(msg + "\n")}
}

func oauthError(status int, code, desc string) *reply {
	rep := okReply(map[string]string{"error": code, "error_description": desc})
	rep.status = status
	rep.raw = true
	rep.header = http.Header{"Cache-Control": {"no-store"}}
	return rep
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
