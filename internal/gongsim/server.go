package gongsim

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"
)

// request is what the middleware hands a handler.
type request struct {
	id   string    // requestId, also sent as x-traceid
	seq  uint64    // request number since New (seeds fault injection)
	now  time.Time // the simulator clock at arrival
	base string    // base URL the client addressed (for media URLs)
}

// reply is what a handler answers; the middleware writes it.
type reply struct {
	status      int
	body        []byte
	contentType string // default application/json; charset=utf-8
	retryAfter  int    // seconds; sets Retry-After when > 0
	calls       int    // call records served (stats)
	transcripts int
	sentences   int
	expired     bool        // cursor has expired (stats)
	storm       bool        // a 429 of a storm (stats)
	pooled      *[]byte     // body buffer to return to pagePool once written
	raw         bool        // not Gong's API (media storage): no x-traceid or Gong headers
	header      http.Header // extra response headers
}

type handler func(r *http.Request, rq *request) *reply

// routeKind selects the middleware of a route.
type routeKind int

const (
	apiRoute   routeKind = iota // Gong's /v2: auth, latency, rate limit, quota, faults
	adminRoute                  // /_sim admin: auth only
	mediaRoute                  // signed media URLs: no auth, no faults
	oauthRoute                  // OAuth authorize and token endpoints: their own client auth, no faults
)

func (s *Sim) routes() {
	s.mux = http.NewServeMux()
	api := func(pattern string, h handler) { s.mux.HandleFunc(pattern, s.wrap(pattern, apiRoute, h)) }
	admin := func(pattern string, h handler) { s.mux.HandleFunc(pattern, s.wrap(pattern, adminRoute, h)) }
	api("GET /v2/users", s.hUsers)
	api("GET /v2/users/{id}", s.hUser)
	api("GET /v2/workspaces", s.hWorkspaces)
	api("GET /v2/calls", s.hCalls)
	api("GET /v2/calls/{id}", s.hCall)
	api("POST /v2/calls/extensive", s.hExtensive)
	api("POST /v2/calls/transcript", s.hTranscripts)
	api("GET /v2/settings/scorecards", s.hScorecards)
	api("GET /v2/settings/trackers", s.hTrackers)
	api("GET /v2/call-outcomes", s.hCallOutcomes)
	api("GET /v2/library/folders", s.hFolders)
	api("GET /v2/library/folder-content", s.hFolderContent)
	api("POST /v2/stats/activity/scorecards", s.hAnswered)
	api("POST /v2/stats/activity/aggregate", s.hStats("stats/activity/aggregate"))
	api("POST /v2/stats/activity/day-by-day", s.hStats("stats/activity/day-by-day"))
	api("POST /v2/stats/interaction", s.hStats("stats/interaction"))
	api("GET /v2/coaching", s.hCoaching)
	admin("POST /_sim/calls", s.hAddCalls)
	admin("POST /_sim/transcripts", s.hRelease)
	admin("DELETE /_sim/calls/{id}", s.hDeleteCall)
	admin("GET /_sim/stats", s.hSimStats)
	admin("POST /_sim/scorecards/answer", s.hAnswerScorecard)
	admin("POST /_sim/scorecards/edit", s.hEditScorecard)
	for _, o := range []struct {
		pattern string
		h       handler
	}{{"GET /oauth2/authorize", s.hAuthorize}, {"POST /oauth2/generate-customer-token", s.hToken}} {
		s.mux.HandleFunc(o.pattern, s.wrap(o.pattern, oauthRoute, o.h))
	}
	const media = "GET /_sim/media/{file}"
	s.mux.HandleFunc(media, s.wrap(media, mediaRoute, s.hMedia))
	s.mux.HandleFunc("/", s.wrap("other", adminRoute, s.hNotFound))
}

// ServeHTTP serves the simulated API: /v2 (Gong's endpoints) and /_sim
// (admin). Both need the Basic credentials of the Config.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// wrap is the middleware of every route: request id, auth, and for API
// routes latency, rate limit, daily quota and injected faults (faults.go);
// then the handler; then the response (possibly truncated or malformed) and
// the stats.
func (s *Sim) wrap(pattern string, kind routeKind, h handler) http.HandlerFunc {
	isAPI := kind == apiRoute
	return func(w http.ResponseWriter, r *http.Request) {
		seq := s.seq.Add(1)
		rq := &request{id: s.requestID(seq), seq: seq, now: s.now(), base: "http://" + r.Host}
		if r.TLS != nil {
			rq.base = "https://" + r.Host
		}
		fr := newRNG(s.seed, stRequest, seq)
		var rep *reply
		var inj injected
		if isAPI {
			if d := s.delay(seq); d > 0 {
				inj.delay = d
				t := time.NewTimer(d)
				select {
				case <-t.C:
				case <-r.Context().Done():
					t.Stop()
				}
			}
		}
		if kind == mediaRoute || kind == oauthRoute {
			// Signed URL: whatever Authorization header comes along is ignored.
			// OAuth endpoints authenticate the client themselves.
		} else if ok, reason := s.authenticate(r); !ok {
			rep = errReply(rq, http.StatusUnauthorized, reason)
		} else if isAPI {
			rep = s.inject(r, rq, &fr, &inj)
			if inj.reset {
				s.count(pattern, isAPI, nil, inj, 0)
				resetConn(w)
				return
			}
		}
		if rep == nil {
			rep = h(r, rq)
		}
		if isAPI && !inj.fault5xx && rep.status == http.StatusOK && len(rep.body) > 1 {
			inj.truncated = s.cfg.TruncateRate > 0 && fr.chance(s.cfg.TruncateRate)
			if !inj.truncated && !rep.raw && rep.contentType == "" && s.roll(seq, fkMalformed, s.cfg.MalformedRate) {
				inj.malformed = true
				rep.body = s.malform(seq, rep.body)
			}
		}
		written := s.write(w, rq, rep, inj.truncated, &fr)
		s.count(pattern, isAPI, rep, inj, written)
		if rep.pooled != nil && cap(*rep.pooled) <= 64<<20 {
			pagePool.Put(rep.pooled)
		}
	}
}

// injected is what the middleware did to a request, for the stats.
type injected struct {
	delay                   time.Duration
	fault5xx, truncated     bool
	malformed, reset        bool
	stormStarted, tokenGone bool
}

// inject applies, to an authenticated API request, the faults that come
// before the handler: an early token expiry, a 429 storm, the rate limit and
// the daily quota, a connection reset (inj.reset: no reply), a 5xx. nil
// means go ahead.
func (s *Sim) inject(r *http.Request, rq *request, fr *rng, inj *injected) *reply {
	if s.roll(rq.seq, fkTokenExpire, s.cfg.TokenExpireRate) && s.expireEarly(r) {
		inj.tokenGone = true
		s.oauth.mu.Lock()
		s.oauth.stats.ExpiredTokens++
		s.oauth.mu.Unlock()
		return errReply(rq, http.StatusUnauthorized, "Access denied: the access token has expired")
	}
	if s.cfg.StormRate > 0 {
		rep, started := s.storm(rq)
		inj.stormStarted = started
		if rep != nil {
			return rep
		}
	}
	if rep := s.limit(rq); rep != nil {
		return rep
	}
	if s.roll(rq.seq, fkReset, s.cfg.ResetRate) {
		inj.reset = true
		return nil
	}
	if s.cfg.FailRate > 0 && fr.chance(s.cfg.FailRate) {
		inj.fault5xx = true
		return faultReply(rq, fr)
	}
	return nil
}

// limit applies the rate limit and the daily quota; nil means go ahead.
func (s *Sim) limit(rq *request) *reply {
	if s.limiter != nil {
		// The rate limit runs on the wall clock: it is about real traffic.
		now := time.Now()
		res := s.limiter.ReserveN(now, 1)
		if d := res.DelayFrom(now); d > 0 {
			res.CancelAt(now)
			rep := errReply(rq, http.StatusTooManyRequests, "API request limit exceeded")
			rep.retryAfter = max(1, int(math.Ceil(d.Seconds())))
			return rep
		}
	}
	if s.cfg.DailyQuota > 0 {
		s.quotaMu.Lock()
		defer s.quotaMu.Unlock()
		utc := rq.now.UTC()
		if day := utc.Format(time.DateOnly); day != s.quotaDay {
			s.quotaDay, s.quotaUsed = day, 0
		}
		if s.quotaUsed >= s.cfg.DailyQuota {
			midnight := time.Date(utc.Year(), utc.Month(), utc.Day()+1, 0, 0, 0, 0, time.UTC)
			rep := errReply(rq, http.StatusTooManyRequests, "Daily API request limit exceeded")
			rep.retryAfter = max(1, int(math.Ceil(midnight.Sub(utc).Seconds())))
			return rep
		}
		s.quotaUsed++
	}
	return nil
}

func faultReply(rq *request, r *rng) *reply {
	switch r.intn(3) {
	case 0:
		return errReply(rq, http.StatusInternalServerError, "Failed to complete the operation due to an unexpected error")
	case 1:
		// What an edge proxy in front of the API answers: HTML, not JSON.
		return &reply{status: http.StatusBadGateway, contentType: "text/html; charset=UTF-8",
			body: []byte("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n")}
	default:
		return errReply(rq, http.StatusServiceUnavailable, "Service temporarily unavailable")
	}
}

func (s *Sim) write(w http.ResponseWriter, rq *request, rep *reply, truncate bool, fr *rng) int {
	h := w.Header()
	ct := rep.contentType
	if ct == "" {
		ct = "application/json; charset=utf-8"
	}
	for k, v := range rep.header {
		h[k] = v
	}
	h.Set("Content-Type", ct)
	if !rep.raw {
		h.Set("X-Traceid", rq.id)
		h.Set("X-Gong-Service-Version", "PublicApiServer:gongsim")
	}
	if rep.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(rep.retryAfter))
	}
	body := rep.body
	// Truncation: announce the full Content-Length, write part of the body
	// and end the handler; net/http then closes the connection (it cannot
	// be reused), so the client reads io.ErrUnexpectedEOF.
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rep.status)
	if truncate {
		body = body[:1+fr.intn(len(body)-1)]
	}
	n, _ := w.Write(body)
	if truncate {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	return n
}

func (s *Sim) count(pattern string, isAPI bool, rep *reply, inj injected, written int) {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st := &s.stats
	st.Requests++
	if isAPI {
		st.APIRequests++
	}
	st.ByPath[pattern]++
	if inj.delay > 0 {
		st.Delayed++
		st.DelayMs += inj.delay.Milliseconds()
	}
	if inj.reset {
		st.Resets++
		st.Faults++
		return
	}
	st.ByStatus[strconv.Itoa(rep.status)]++
	switch rep.status {
	case http.StatusUnauthorized:
		st.Unauthorized++
	case http.StatusTooManyRequests:
		st.RateLimited++
		if rep.retryAfter > 0 && bytes.Contains(rep.body, []byte("Daily")) {
			st.QuotaExceeded++
		}
	}
	for _, f := range []struct {
		on bool
		n  *int64
	}{{inj.fault5xx, &st.Faults5xx}, {inj.truncated, &st.Truncated}, {inj.malformed, &st.Malformed},
		{rep.storm, &st.StormRejected}, {inj.tokenGone, &st.TokensExpired}} {
		if f.on {
			*f.n++
			st.Faults++
		}
	}
	if inj.stormStarted {
		st.Storms++
	}
	if rep.expired {
		st.CursorsExpired++
	}
	if rep.status == http.StatusOK && isAPI {
		st.CallsServed += int64(rep.calls)
		st.TranscriptsSent += int64(rep.transcripts)
		st.SentencesSent += int64(rep.sentences)
	}
	st.BytesSent += int64(written)
}

type errorBody struct {
	RequestID string   `json:"requestId"`
	Errors    []string `json:"errors"`
}

func errReply(rq *request, status int, msgs ...string) *reply {
	return &reply{status: status, body: marshal(errorBody{RequestID: rq.id, Errors: msgs})}
}

// marshal encodes v as compact JSON without HTML escaping (as Gong does).
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("gongsim: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func okReply(v any) *reply { return &reply{status: http.StatusOK, body: marshal(v)} }

// appendWriter is an io.Writer appending to a byte slice.
type appendWriter struct{ b *[]byte }

func (w appendWriter) Write(p []byte) (int, error) { *w.b = append(*w.b, p...); return len(p), nil }

// pooledReply encodes a (large) page into a buffer from pagePool.
func pooledReply(v any) *reply {
	bp := pagePool.Get().(*[]byte)
	*bp = (*bp)[:0]
	enc := json.NewEncoder(appendWriter{bp})
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("gongsim: " + err.Error())
	}
	*bp = bytes.TrimSuffix(*bp, []byte("\n"))
	return &reply{status: http.StatusOK, body: *bp, pooled: bp}
}

// noCalls is Gong's answer to a filter matching nothing (HTTP 404).
func noCalls(rq *request) *reply {
	return errReply(rq, http.StatusNotFound, "No calls found corresponding to the provided filters")
}

func (s *Sim) hNotFound(r *http.Request, rq *request) *reply {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(context.Background())
		probe.Method = m
		if _, p := s.mux.Handler(probe); p != "" && p != "/" {
			return errReply(rq, http.StatusMethodNotAllowed, "Method "+r.Method+" is not supported for this endpoint")
		}
	}
	return errReply(rq, http.StatusNotFound, "Resource not found: "+r.URL.Path)
}
