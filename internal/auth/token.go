package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/gongload/gongload/internal/secret"
)

// Gong's OAuth endpoints (gong-api.md §1.3).
const (
	DefaultAuthURL  = "https://app.gong.io/oauth2/authorize"
	DefaultTokenURL = "https://app.gong.io/oauth2/generate-customer-token"
)

// DefaultScopes are the read scopes gongload's streams, `gongload api` and
// `gongload media download` need (gong-api.md §1.3), sorted.
var DefaultScopes = []string{
	"api:calls:read:basic",      // GET /v2/calls (plan's probes, api calls list/get)
	"api:calls:read:extensive",  // calls
	"api:calls:read:media-url",  // media URLs of calls, media download
	"api:calls:read:transcript", // transcripts
	"api:coaching:read",         // coaching
	"api:library:read",          // library_folders, library_folder_content
	"api:settings:scorecards:read",
	"api:settings:trackers:read",
	"api:stats:interaction",           // interaction_stats
	"api:stats:scorecards",            // answered_scorecards
	"api:stats:user-actions",          // activity_aggregate
	"api:stats:user-actions:detailed", // activity_daily
	"api:users:read",                  // users
	"api:workspaces:read",             // workspaces
}

// Token is what the token file holds: an access token, the single-use
// refresh token that replaces it, and what Gong said about them. The tokens
// are secret.String: printing a Token never shows them.
type Token struct {
	AccessToken  secret.String
	RefreshToken secret.String // empty: the token cannot be refreshed
	TokenType    string        // "Bearer"
	Expiry       time.Time     // when the access token expires; zero when Gong did not say
	Obtained     time.Time     // when it was issued: with Expiry, its lifetime
	Scopes       []string      // the scopes granted
	BaseURL      string        // api_base_url_for_customer: where API calls go
	ClientID     string        // the OAuth app that holds it
	TokenURL     string        // the token endpoint that issued it, and refreshes it
}

// OAuth2 returns the token as golang.org/x/oauth2 has it, with
// api_base_url_for_customer and scope as extras. Its AccessToken field is a
// plain string: hand it to the wire, never to a printer.
func (t *Token) OAuth2() *oauth2.Token {
	return (&oauth2.Token{
		AccessToken:  t.AccessToken.Reveal(),
		TokenType:    t.tokenType(),
		RefreshToken: t.RefreshToken.Reveal(),
		Expiry:       t.Expiry,
	}).WithExtra(map[string]any{
		"api_base_url_for_customer": t.BaseURL,
		"scope":                     strings.Join(t.Scopes, " "),
	})
}

func (t *Token) tokenType() string {
	if t.TokenType == "" || strings.EqualFold(t.TokenType, "bearer") {
		return "Bearer"
	}
	return t.TokenType
}

// Lifetime is the access token's validity as issued (Expiry − Obtained),
// 0 when unknown.
func (t *Token) Lifetime() time.Duration {
	if t.Expiry.IsZero() || t.Obtained.IsZero() || !t.Expiry.After(t.Obtained) {
		return 0
	}
	return t.Expiry.Sub(t.Obtained)
}

// fresh reports whether the access token can still be sent at now: it is
// refreshed a little before it expires, a tenth of its lifetime but at most
// a minute (10 s when the lifetime is unknown), so that a request does not
// reach Gong just after the expiry.
func (t *Token) fresh(now time.Time) bool {
	if t.AccessToken.IsZero() {
		return false
	}
	if t.Expiry.IsZero() {
		return true // Gong did not say: rely on a 401
	}
	early := 10 * time.Second
	if l := t.Lifetime(); l > 0 {
		early = min(l/10, time.Minute)
	}
	return now.Add(early).Before(t.Expiry)
}

// HasScope reports whether the token was granted scope.
func (t *Token) HasScope(scope string) bool { return slices.Contains(t.Scopes, scope) }

// fileJSON is the token file's format.
type fileJSON struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	Obtained     time.Time `json:"obtained,omitzero"`
	Scopes       []string  `json:"scopes"`
	BaseURL      string    `json:"api_base_url_for_customer,omitempty"`
	ClientID     string    `json:"client_id,omitempty"`
	TokenURL     string    `json:"token_url,omitempty"`
}

// DefaultTokenFile is where the token file lives unless --token-file or
// token_file says otherwise: $XDG_CONFIG_HOME/gongload/token.json, else
// ~/.config/gongload/token.json ("" when neither is known).
func DefaultTokenFile() string {
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "gongload", "token.json")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".config", "gongload", "token.json")
}

// ReadFile reads the token file at path. A missing file is an error that
// says to log in, and matches fs.ErrNotExist (and ErrNoToken).
func ReadFile(path string) (*Token, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &noTokenError{path: path}
	}
	if err != nil {
		return nil, fmt.Errorf("OAuth token file: %w", err)
	}
	var f fileJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&f); err != nil {
		// encoding/json's messages quote at most a character or a field
		// name, never a value.
		return nil, fmt.Errorf("OAuth token file %s is not a gongload token file (%v): run `gongload auth login` again", path, err)
	}
	if f.AccessToken == "" {
		return nil, fmt.Errorf("OAuth token file %s holds no access_token: run `gongload auth login` again", path)
	}
	return &Token{
		AccessToken:  secret.String(f.AccessToken),
		RefreshToken: secret.String(f.RefreshToken),
		TokenType:    f.TokenType,
		Expiry:       f.Expiry,
		Obtained:     f.Obtained,
		Scopes:       f.Scopes,
		BaseURL:      f.BaseURL,
		ClientID:     f.ClientID,
		TokenURL:     f.TokenURL,
	}, nil
}

// WriteFile writes t to path atomically, mode 0600, creating its directory
// (mode 0700) when missing: the bytes go to a temporary file in the same
// directory, which is synced, then renamed over path, and the directory is
// synced; a reader or a crash sees the old file or the new one.
func WriteFile(path string, t *Token) error {
	f := fileJSON{
		AccessToken:  t.AccessToken.Reveal(),
		RefreshToken: t.RefreshToken.Reveal(),
		TokenType:    t.TokenType,
		Expiry:       t.Expiry.UTC(),
		Obtained:     t.Obtained.UTC(),
		Scopes:       t.Scopes,
		BaseURL:      t.BaseURL,
		ClientID:     t.ClientID,
		TokenURL:     t.TokenURL,
	}
	if f.Scopes == nil {
		f.Scopes = []string{}
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("OAuth token file %s: encoding: %w", path, err)
	}
	return replaceFile(path, append(b, '\n'))
}

// replaceFile is terraform's replacefile: temporary file beside the target,
// fsync, rename, fsync of the directory.
func replaceFile(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("OAuth token file: creating its directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("OAuth token file %s: %w", path, err)
	}
	name := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("OAuth token file %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("OAuth token file %s: writing: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("OAuth token file %s: syncing: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("OAuth token file %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("OAuth token file %s: replacing: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not every OS and file system can sync a directory
		d.Close()
	}
	return nil
}

// RemoveFile deletes the token file at path (and its lock file). It reports
// whether there was one to delete.
func RemoveFile(path string) (bool, error) {
	err := os.Remove(path)
	_ = os.Remove(path + ".lock")
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("OAuth token file: %w", err)
	}
	return true, nil
}
