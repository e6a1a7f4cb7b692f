package gongsim

import (
	"hash/fnv"
	"math"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Injected faults beyond FailRate and TruncateRate (server.go), all on API
// routes only, each drawn from its own stream keyed by (Seed, request
// number, fault kind), or (Seed, listing) for CursorExpireRate, so that
// turning one on does not move the draws of another:
//
//   - LatencyJitter: the delay of a request is Latency plus a uniform draw
//     in [-LatencyJitter, +LatencyJitter], never below zero.
//   - StormRate: a request may start a 429 storm of 1 or 2 seconds (wall
//     clock). The request that starts it, and every API request until it
//     ends, is answered 429 "API request limit exceeded" with a Retry-After
//     of the seconds left (at least 1), before the rate limit and the daily
//     quota (a storm spends no quota).
//   - ResetRate: the connection is hijacked and closed with SO_LINGER 0, so
//     the client reads a TCP reset and no answer at all.
//   - MalformedRate: a 200 answer with a JSON body (not already truncated)
//     has one byte replaced by a control character that is invalid
//     anywhere in JSON, inside a string or out of it; the length and the
//     Content-Length stay right, so only a JSON parser notices.
//   - TokenExpireRate: a request with a Bearer token that has been in use
//     for a while (a second, plus twice the latency) is answered 401 "the
//     access token has expired" and the token is revoked for every later
//     request, as if Gong had expired it early; a client that refreshes and
//     retries once gets through, because a fresh token is never revoked.
//   - CursorExpireRate: the first cursor of a listing (endpoint and filter)
//     drawn from (Seed, endpoint, filter) is answered 400 "cursor has
//     expired" once; the listing started again gets through.
//   - Cursors expire CursorTTL after the first request of their pagination
//     sequence on the simulator clock (Config.Now) or on the wall clock,
//     whichever comes first: with a clock that stands still (tests), a
//     sequence that takes longer than CursorTTL in real time is still
//     answered 400 "cursor has expired" mid-window.

// Fault kinds: the last key of each fault's random stream.
const (
	fkLatency uint64 = iota + 1
	fkStorm
	fkStormLength
	fkReset
	fkMalformed
	fkMalformedAt
	fkTokenExpire
	fkCursor
)

// tokenMinAge is how long an access token must have been in use before
// TokenExpireRate may revoke it, plus twice the longest latency: the retry
// right after a refresh always gets through, even when the refresh was made
// by a concurrent request whose own 401 was on its way meanwhile.
const tokenMinAge = time.Second

// faultState is the mutable state of the faults. Its zero value is ready.
type faultState struct {
	mu         sync.Mutex
	stormUntil time.Time                 // wall clock; zero: no storm
	seqStart   map[string]cursorSeqStart // pagination sequences by cursorSeqKey
	refused    map[string]bool           // listings whose cursor CursorExpireRate refused
	pruneAt    int                       // size of seqStart that triggers forgetting
}

// cursorSeqStart is when a pagination sequence began on the wall clock,
// and when it expires on the simulator clock (to forget it).
type cursorSeqStart struct {
	wall time.Time
	exp  int64 // unix ms, simulator clock
}

// roll draws whether fault kind hits request seq, with probability rate.
func (s *Sim) roll(seq, kind uint64, rate float64) bool {
	if rate <= 0 {
		return false
	}
	r := newRNG(s.seed, stFaults, seq, kind)
	return r.chance(rate)
}

// delay returns the latency of request seq: Latency ± LatencyJitter.
func (s *Sim) delay(seq uint64) time.Duration {
	d := s.cfg.Latency
	if j := s.cfg.LatencyJitter; j > 0 {
		r := newRNG(s.seed, stFaults, seq, fkLatency)
		d += time.Duration(r.float()*float64(2*j)) - j
	}
	return max(d, 0)
}

// storm answers 429 while a storm lasts, or when request seq starts one; nil
// means no storm.
func (s *Sim) storm(rq *request) (rep *reply, started bool) {
	now := time.Now() // like the rate limit, storms are about real traffic
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	if !now.Before(f.stormUntil) {
		if !s.roll(rq.seq, fkStorm, s.cfg.StormRate) {
			return nil, false
		}
		r := newRNG(s.seed, stFaults, rq.seq, fkStormLength)
		f.stormUntil = now.Add(time.Duration(1+r.intn(2)) * time.Second)
		started = true
	}
	rep = errReply(rq, http.StatusTooManyRequests, "API request limit exceeded")
	rep.retryAfter = max(1, int(math.Ceil(f.stormUntil.Sub(now).Seconds())))
	rep.storm = true
	return rep, started
}

// resetConn closes the connection of w without an answer, with a TCP reset
// where the connection allows it. A ResponseWriter that cannot be hijacked
// (a front that wraps the simulator) aborts the handler instead, which
// also closes the connection without an answer.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // close sends RST, not FIN
	}
	conn.Close()
}

// malform returns a copy of a JSON body with one byte, drawn from request
// seq, replaced by a control character: no JSON text may hold one, in a
// string or out of it.
func (s *Sim) malform(seq uint64, body []byte) []byte {
	r := newRNG(s.seed, stFaults, seq, fkMalformedAt)
	b := slices.Clone(body)
	bad := []byte{0x00, 0x01, 0x07, 0x0b, 0x1f}
	b[r.intn(len(b))] = bad[r.intn(len(bad))]
	return b
}

// expireEarly revokes the Bearer access token of r, if it is a valid one
// issued at least tokenMinAge (plus twice the latency) ago, and reports
// whether it did.
func (s *Sim) expireEarly(r *http.Request) bool {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") {
		return false
	}
	o := &s.oauth
	o.mu.Lock()
	defer o.mu.Unlock()
	a, ok := o.access[strings.TrimSpace(tok)]
	now := time.Now()
	if !ok || !now.Before(a.expires) || now.Sub(a.issued) < tokenMinAge+2*(s.cfg.Latency+s.cfg.LatencyJitter) {
		return false
	}
	a.expires = now.Add(-time.Millisecond)
	return true
}

// cursorSeqKey identifies a pagination sequence: its endpoint, its filter
// and its start on the simulator clock.
func cursorSeqKey(c cursorClaims) string {
	return c.Kind + "\x00" + c.Filter + "\x00" + time.UnixMilli(c.Iat).UTC().Format(time.RFC3339Nano)
}

// startSequence records the wall-clock start of a pagination sequence: c is
// the cursor its first page hands out. A first page requested again (a
// retry, or a restart after an expiry) starts the sequence again.
func (s *Sim) startSequence(c cursorClaims) {
	simNow := s.now()
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.seqStart == nil {
		f.seqStart = map[string]cursorSeqStart{}
	}
	if len(f.seqStart) >= max(f.pruneAt, 4096) { // forget the sequences expired on the simulator clock
		for k, v := range f.seqStart {
			if simNow.UnixMilli() >= v.exp {
				delete(f.seqStart, k)
			}
		}
		f.pruneAt = 2 * len(f.seqStart) // amortized: a clock standing still expires none
	}
	f.seqStart[cursorSeqKey(c)] = cursorSeqStart{wall: time.Now(), exp: c.Exp}
}

// sequenceExpired reports whether the pagination sequence of c began
// CursorTTL ago or more on the wall clock.
func (s *Sim) sequenceExpired(c cursorClaims) bool {
	f := &s.faults
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.seqStart[cursorSeqKey(c)]
	return ok && time.Since(st.wall) >= s.cfg.CursorTTL
}

// cursorFault reports whether CursorExpireRate refuses cursor c: the first
// cursor of a listing drawn for it, once.
func (s *Sim) cursorFault(c cursorClaims) bool {
	if s.cfg.CursorExpireRate <= 0 || c.Page != 1 {
		return false
	}
	h := fnv.New64a()
	h.Write([]byte(c.Kind + "\x00" + c.Filter))
	r := newRNG(s.seed, stFaults, h.Sum64(), fkCursor)
	if !r.chance(s.cfg.CursorExpireRate) {
		return false
	}
	f := &s.faults
	f.mu.Lock()
	key := c.Kind + "\x00" + c.Filter
	done := f.refused[key]
	if !done {
		if f.refused == nil {
			f.refused = map[string]bool{}
		}
		f.refused[key] = true
	}
	f.mu.Unlock()
	if done {
		return false
	}
	s.statsMu.Lock()
	s.stats.CursorFaults++
	s.stats.Faults++
	s.statsMu.Unlock()
	return true
}
