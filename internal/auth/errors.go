package auth

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// This file holds the errors of the package. None of them holds a token,
// a code, the client secret or the token endpoint's query string.

// ErrLoginAgain is matched (errors.Is) by every error that only a new
// `gongload auth login` can cure: a refresh token Gong refused
// (invalid_grant), a token file without a refresh token whose access token
// expired, a missing token file.
var ErrLoginAgain = errors.New("run gongload auth login again")

// ErrNoToken is matched (errors.Is) by the error of a missing token file.
var ErrNoToken = errors.New("no OAuth token file")

// noTokenError is a missing token file.
type noTokenError struct{ path string }

func (e *noTokenError) Error() string {
	return fmt.Sprintf("no OAuth token file at %s: run `gongload auth login` first (or give --token-file)", e.path)
}

func (e *noTokenError) Is(target error) bool {
	return target == fs.ErrNotExist || target == ErrNoToken || target == ErrLoginAgain
}

// GrantError is the token endpoint's refusal of a grant: an HTTP error with
// RFC 6749's {"error", "error_description"} (or another body, summarised).
type GrantError struct {
	Grant       string // "authorization_code" or "refresh_token"
	Status      int    // HTTP status
	Code        string // RFC 6749 error code, e.g. "invalid_grant"; "" when the body had none
	Description string // error_description, or a sanitized snippet of another body
	TokenURL    string // scheme, host and path of the endpoint (no query)
}

// Error implements error.
func (e *GrantError) Error() string {
	what := "the OAuth authorization code"
	if e.Grant == "refresh_token" {
		what = "the OAuth refresh token"
	}
	said := e.Code
	if e.Description != "" {
		if said != "" {
			said += ": "
		}
		said += e.Description
	}
	if said == "" {
		said = "no reason given"
	}
	switch {
	case e.Code == "invalid_grant" && e.Grant == "refresh_token":
		return fmt.Sprintf("%s was refused by %s (HTTP %d, %s): Gong's refresh tokens are single use, so another gongload "+
			"(or a copy of the token file) may have used it already, or the app's access was revoked: %s",
			what, e.TokenURL, e.Status, said, ErrLoginAgain)
	case e.Code == "invalid_grant":
		return fmt.Sprintf("%s was refused by %s (HTTP %d, %s): codes are single use and short-lived: %s",
			what, e.TokenURL, e.Status, said, ErrLoginAgain)
	case e.Code == "invalid_client" || e.Status == 401:
		return fmt.Sprintf("%s was refused by %s (HTTP %d, %s): the client credentials are wrong: check GONG_CLIENT_ID and GONG_CLIENT_SECRET "+
			"(Gong shows them with the OAuth app under Company settings → Ecosystem → API)", what, e.TokenURL, e.Status, said)
	}
	return fmt.Sprintf("%s was refused by %s (HTTP %d, %s)", what, e.TokenURL, e.Status, said)
}

// Is makes errors.Is(err, ErrLoginAgain) true for a refused grant.
func (e *GrantError) Is(target error) bool {
	return target == ErrLoginAgain && e.Code == "invalid_grant"
}

// LoginError is a failed `auth login`: consent denied, a wrong state, no
// redirect in time.
type LoginError struct {
	Reason string // what happened, for a person
}

// Error implements error.
func (e *LoginError) Error() string { return "login failed: " + e.Reason }

// sanitize makes at most max bytes of an untrusted answer printable, with
// the given secrets blotted out.
func sanitize(b []byte, max int, secrets ...string) string {
	s := string(b)
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "**redacted**")
		}
	}
	var sb strings.Builder
	space := false
	for _, r := range s {
		if sb.Len() >= max {
			sb.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f || r == ' ' || r == '\u00a0' || r == '\ufffd' {
			if !space && sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		sb.WriteRune(r)
	}
	return strings.TrimSpace(sb.String())
}
