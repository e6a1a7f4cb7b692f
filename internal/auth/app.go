package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/gongload/gongload/internal/secret"
)

// DefaultHTTPTimeout bounds one request to the token endpoint.
const DefaultHTTPTimeout = 30 * time.Second

// App is a Gong OAuth app: its client credentials and Gong's endpoints.
type App struct {
	ClientID     string
	ClientSecret secret.String
	AuthURL      string   // default DefaultAuthURL
	TokenURL     string   // default DefaultTokenURL
	Scopes       []string // asked for at login; default DefaultScopes
	// HTTPClient sends the token requests (default: a client with
	// DefaultHTTPTimeout). It should not follow redirects with the
	// credentials; the default does not follow any.
	HTTPClient *http.Client
	// Now is the clock that turns expires_in into an expiry (default
	// time.Now).
	Now func() time.Time
}

func (a *App) authURL() string {
	if a.AuthURL == "" {
		return DefaultAuthURL
	}
	return a.AuthURL
}

func (a *App) tokenURL() string {
	if a.TokenURL == "" {
		return DefaultTokenURL
	}
	return a.TokenURL
}

func (a *App) scopes() []string {
	if len(a.Scopes) == 0 {
		return DefaultScopes
	}
	return a.Scopes
}

func (a *App) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

func (a *App) client() *http.Client {
	if a.HTTPClient != nil {
		return a.HTTPClient
	}
	return &http.Client{
		Timeout:       DefaultHTTPTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Config returns the app as golang.org/x/oauth2 sees it, for the authorize
// URL. It carries no client secret: the token requests are App's own.
func (a *App) Config(redirectURL string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: a.ClientID,
		Endpoint: oauth2.Endpoint{
			AuthURL:   a.authURL(),
			TokenURL:  a.tokenURL(),
			AuthStyle: oauth2.AuthStyleInHeader,
		},
		RedirectURL: redirectURL,
		Scopes:      a.scopes(),
	}
}

// AuthCodeURL is the URL that asks Gong for consent:
// authorize?client_id&response_type=code&scope&redirect_uri&state.
func (a *App) AuthCodeURL(state, redirectURL string) string {
	return a.Config(redirectURL).AuthCodeURL(state)
}

// Check refuses an app whose endpoints are not absolute http(s) URLs, or
// would send the client secret over plain http to a host that is not
// loopback.
func (a *App) Check() error {
	if a.ClientID == "" {
		return errors.New("no OAuth client ID: give --client-id or set GONG_CLIENT_ID (Gong shows it with the OAuth app under Company settings → Ecosystem → API)")
	}
	if a.ClientSecret.IsZero() {
		return errors.New("no OAuth client secret: set GONG_CLIENT_SECRET (secrets come only from the environment)")
	}
	for _, e := range []struct{ what, u string }{{"authorize URL", a.authURL()}, {"token URL", a.tokenURL()}} {
		if _, err := checkEndpoint(e.what, e.u); err != nil {
			return err
		}
	}
	return nil
}

// checkEndpoint parses an endpoint URL: absolute http(s), plain http only
// for loopback hosts, no credentials in it.
func checkEndpoint(what, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("OAuth %s %q is not an absolute http(s) URL, like %s", what, cut(raw), DefaultTokenURL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("OAuth %s %s://%s%s holds credentials: give them through GONG_CLIENT_ID and GONG_CLIENT_SECRET", what, u.Scheme, u.Host, u.EscapedPath())
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("OAuth %s %s uses plain http, allowed only for loopback hosts: use https://%s%s", what, safeURL(u), u.Host, u.EscapedPath())
	}
	return u, nil
}

func cut(raw string) string {
	if i := strings.IndexAny(raw, "?#@"); i >= 0 {
		return raw[:i] + "…"
	}
	return raw
}

// safeURL is scheme, host and path: no user info, no query.
func safeURL(u *url.URL) string { return u.Scheme + "://" + u.Host + u.EscapedPath() }

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Exchange trades an authorization code for a token (grant_type
// authorization_code).
func (a *App) Exchange(ctx context.Context, code, redirectURL string) (*Token, error) {
	return a.grant(ctx, url.Values{
		"grant_type":   {"authorization_code"},
		"code":         {code},
		"client_id":    {a.ClientID},
		"redirect_uri": {redirectURL},
	}, code)
}

// Refresh trades a refresh token for a new pair (grant_type
// refresh_token). The refresh token is spent once Gong has answered: the
// caller must keep the new pair before anything else.
func (a *App) Refresh(ctx context.Context, refreshToken secret.String) (*Token, error) {
	return a.grant(ctx, url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refreshToken.Reveal()},
	}, refreshToken.Reveal())
}

// tokenResponse is the token endpoint's answer.
type tokenResponse struct {
	AccessToken  string          `json:"access_token"`
	RefreshToken string          `json:"refresh_token"`
	TokenType    string          `json:"token_type"`
	ExpiresIn    json.RawMessage `json:"expires_in"` // a number, or a number in a string
	Scope        json.RawMessage `json:"scope"`      // "a b c", or ["a", "b"]
	BaseURL      string          `json:"api_base_url_for_customer"`
	Error        string          `json:"error"`
	ErrorDesc    string          `json:"error_description"`
}

// grant makes one token request as Gong documents it: POST to the token
// URL with the grant parameters in the query string, the client
// credentials as HTTP Basic, an empty body. sent is the secret the query
// holds (code or refresh token), blotted out of any answer quoted in an
// error.
func (a *App) grant(ctx context.Context, params url.Values, sent string) (*Token, error) {
	grant := params.Get("grant_type")
	u, err := checkEndpoint("token URL", a.tokenURL())
	if err != nil {
		return nil, err
	}
	safe := safeURL(u)
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), http.NoBody)
	if err != nil {
		return nil, fmt.Errorf("OAuth token request to %s: cannot build it", safe)
	}
	req.SetBasicAuth(a.ClientID, a.ClientSecret.Reveal())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "gongload")
	resp, err := a.client().Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // its message holds the URL, and so the query
			err = ue.Err
		}
		return nil, &transientError{fmt.Errorf("OAuth token request to %s failed: %w", safe, err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, &transientError{fmt.Errorf("OAuth token request to %s: reading the answer: %w", safe, err)}
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(body, &tr)
	if resp.StatusCode != http.StatusOK || tr.Error != "" {
		ge := &GrantError{Grant: grant, Status: resp.StatusCode, TokenURL: safe}
		if jsonErr == nil && tr.Error != "" {
			ge.Code, ge.Description = tr.Error, sanitize([]byte(tr.ErrorDesc), 200, sent, a.ClientSecret.Reveal())
		} else {
			ge.Description = sanitize(body, 200, sent, a.ClientSecret.Reveal())
		}
		if resp.StatusCode >= 500 || resp.StatusCode == 429 || resp.StatusCode == 408 {
			return nil, &transientError{ge}
		}
		return nil, ge
	}
	if jsonErr != nil || tr.AccessToken == "" {
		return nil, &transientError{fmt.Errorf("OAuth token request to %s: the answer holds no access_token (HTTP %d, %s)",
			safe, resp.StatusCode, ctOf(resp))}
	}
	now := a.now()
	t := &Token{
		AccessToken:  secret.String(tr.AccessToken),
		RefreshToken: secret.String(tr.RefreshToken),
		TokenType:    tr.TokenType,
		Obtained:     now.UTC(),
		Scopes:       parseScopes(tr.Scope),
		BaseURL:      strings.TrimRight(tr.BaseURL, "/"),
		ClientID:     a.ClientID,
		TokenURL:     a.tokenURL(),
	}
	if secs, ok := parseExpiresIn(tr.ExpiresIn); ok {
		t.Expiry = now.Add(time.Duration(secs) * time.Second).UTC()
	}
	if t.BaseURL != "" {
		if _, err := checkEndpoint("api_base_url_for_customer", t.BaseURL); err != nil {
			return nil, fmt.Errorf("OAuth token request to %s: Gong's api_base_url_for_customer is unusable: %w", safe, err)
		}
	}
	return t, nil
}

func ctOf(resp *http.Response) string {
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		return ct
	}
	return "no content type"
}

func parseExpiresIn(raw json.RawMessage) (int64, bool) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || s == "null" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 {
		return 0, false
	}
	return int64(f), true
}

func parseScopes(raw json.RawMessage) []string {
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		return list
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
	}
	return nil
}

// transientError is a token request that may succeed if tried again: no
// answer, a 5xx, a 429.
type transientError struct{ err error }

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }
