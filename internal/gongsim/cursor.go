package gongsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// Cursors look like Gong's: a JWT (HS256) whose payload carries the page
// position, a hash of the request filter, and the issue and expiry times of
// the pagination sequence (milliseconds since the epoch). They are signed
// with a key derived from the seed, so they are opaque to clients and the
// same position always yields the same cursor. A sequence also expires
// CursorTTL after its first page on the wall clock (faults.go), which the
// simulator remembers rather than writes into the cursor.

const cursorHeader = "eyJhbGciOiJIUzI1NiJ9" // {"alg":"HS256"}

type cursorClaims struct {
	Kind   string `json:"knd"`           // endpoint the cursor belongs to
	Page   int    `json:"pageNumber"`    // number of the page the cursor fetches
	Offset int    `json:"off,omitempty"` // users: index of the first record
	LastNs int64  `json:"lst,omitempty"` // calls: started (unix ns) of the last record served
	LastID string `json:"lid,omitempty"` // calls: id of the last record served
	Sub    int    `json:"sub,omitempty"` // answered scorecards: position of the last record served in its call
	Filter string `json:"flt"`           // hash of the request filter
	Total  int    `json:"total"`         // records when the sequence started (informative)
	Iat    int64  `json:"iat"`           // first request of the sequence, unix ms
	Exp    int64  `json:"exp"`           // expiry, unix ms
}

func (s *Sim) encodeCursor(c cursorClaims) string {
	if c.Page == 1 { // handed out by the first page: a sequence starts
		s.startSequence(c)
	}
	payload, _ := json.Marshal(c)
	msg := cursorHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	return msg + "." + base64.RawURLEncoding.EncodeToString(s.sign(msg))
}

// cursorError is a cursor the request cannot use: HTTP 400.
type cursorError struct {
	msg     string
	expired bool
}

func (s *Sim) decodeCursor(tok, kind, filter string, now time.Time) (cursorClaims, *cursorError) {
	var c cursorClaims
	invalid := &cursorError{msg: "cursor is invalid"}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] != cursorHeader {
		return c, invalid
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, s.sign(parts[0]+"."+parts[1])) {
		return c, invalid
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, &c) != nil {
		return c, invalid
	}
	if c.Kind != kind {
		return c, &cursorError{msg: "cursor is invalid for this endpoint"}
	}
	if c.Filter != filter {
		return c, &cursorError{msg: "cursor does not match the request filter; repeat the same filter on every page"}
	}
	if now.UnixMilli() >= c.Exp || s.sequenceExpired(c) || s.cursorFault(c) {
		return c, &cursorError{msg: "cursor has expired", expired: true}
	}
	return c, nil
}

// filterHash hashes the canonical form of a request filter.
func filterHash(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}
