package gongsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // the company time zone must load on machines without a zoneinfo database

	"golang.org/x/time/rate"
)

// Config sizes and shapes a simulator. The zero value of a field means its
// default.
type Config struct {
	Seed            int64            // default 1
	Users           int              // default 20
	Calls           int              // default 200; negative: no calls (add them with AddCalls)
	Days            int              // default 30; calls spread over [Now-Days, Now)
	Sentences       int              // mean transcript sentences per call, default 150
	AccessKey       string           // Basic auth user, default "demo"
	AccessKeySecret string           // default "demo"
	RateLimit       float64          // requests/second, 0 = unlimited; beyond it 429 + Retry-After (seconds)
	DailyQuota      int              // 0 = unlimited; beyond it 429 with a Retry-After until midnight UTC
	Latency         time.Duration    // added to every API response (0 = none)
	FailRate        float64          // fraction of API requests answered 500/502/503 (0 = none)
	TruncateRate    float64          // fraction of 200 API responses whose body is cut mid-JSON
	CursorTTL       time.Duration    // default 1h, counted from the first request of a pagination sequence
	Now             func() time.Time // clock, default time.Now
	TimeZone        string           // company time zone, default "America/New_York"
	MediaTTL        time.Duration    // validity of signed media URLs, default 8h (Gong's); tests may shorten it
	// OAuth (see oauth.go): the app's client credentials, default "demo" /
	// "demo", and the lifetime of access tokens, default 24h (Gong's).
	OAuthClientID     string
	OAuthClientSecret string
	TokenTTL          time.Duration

	// More injected faults (faults.go), drawn per API request from (Seed,
	// request number); admin, media and OAuth routes never get them.
	LatencyJitter   time.Duration // Latency varies uniformly within ±LatencyJitter (never below 0)
	StormRate       float64       // fraction of API requests that start a 429 storm of 1–2 s: every API request is answered 429 + Retry-After until it ends
	MalformedRate   float64       // fraction of 200 API responses whose JSON body has one byte replaced by an invalid one (same length)
	ResetRate       float64       // fraction of API requests whose connection is reset (RST) instead of answered
	TokenExpireRate float64       // fraction of Bearer API requests whose access token is revoked early: 401 "expired" (see faults.go)
	// CursorExpireRate is the fraction of paginated listings (endpoint and
	// filter) whose first cursor is refused once, 400 "cursor has expired",
	// as if the listing had outlived CursorTTL; drawn from (Seed, endpoint,
	// filter), so the same listings restart whatever the request order.
	CursorExpireRate float64
}

// PageSize is the number of records per page of every paginated endpoint.
const PageSize = 100

// Sim is a simulated Gong API v2. Its methods are safe for concurrent use.
type Sim struct {
	cfg    Config
	seed   uint64
	loc    *time.Location
	anchor time.Time // Now at New: the end of the generated history
	secret []byte    // signs cursors and media URLs

	company    struct{ name, domain, slug, product string }
	users      []User
	userByID   map[string]int
	userHome   []int // workspace index per user
	hosts      []int // user indexes that host calls (repeated = more often)
	workspaces []Workspace
	trackers   []trackerDef
	nAccounts  int

	trackerSettings []KeywordTracker // GET /v2/settings/trackers, all workspaces
	folders         []folderRec      // library folders, workspace by workspace, parents first
	folderByID      map[string]int

	// scMu guards the scorecards and the edits of answered scorecards.
	scMu        sync.RWMutex
	scorecards  []*scorecardRec
	ascEdited   map[string]ascRec   // edited generated answered scorecards, by answeredScorecardId
	ascAdded    map[string][]ascRec // answered scorecards added by AnswerScorecard, by call ID
	ascTouched  map[string]bool     // call IDs with edited or added answered scorecards
	ascSeq      uint64              // answered scorecards added or edited so far (seeds them)
	scEditCount uint64

	mu      sync.RWMutex
	usedIDs map[string]struct{}
	calls   []*callRec // sorted by (started, id)
	byID    map[string]*callRec
	added   uint64 // calls added so far (seeds their IDs)

	mux     *http.ServeMux
	limiter *rate.Limiter
	seq     atomic.Uint64
	baseURL atomic.Pointer[string]

	quotaMu   sync.Mutex
	quotaDay  string
	quotaUsed int

	statsMu sync.Mutex
	stats   Stats

	srvMu sync.Mutex
	srv   *http.Server

	oauth oauthState // authorization server (oauth.go)

	faults faultState // storms and cursor wall-clock starts (faults.go)
}

// New generates the simulated company (users, workspaces, calls) from cfg.
// The same Config (and the same Now) always gives the same data.
func New(cfg Config) (*Sim, error) {
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Users == 0 {
		cfg.Users = 20
	}
	if cfg.Calls == 0 {
		cfg.Calls = 200
	}
	if cfg.Days == 0 {
		cfg.Days = 30
	}
	if cfg.Sentences == 0 {
		cfg.Sentences = 150
	}
	if cfg.AccessKey == "" {
		cfg.AccessKey = "demo"
	}
	if cfg.AccessKeySecret == "" {
		cfg.AccessKeySecret = "demo"
	}
	if cfg.CursorTTL == 0 {
		cfg.CursorTTL = time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TimeZone == "" {
		cfg.TimeZone = "America/New_York"
	}
	if cfg.MediaTTL == 0 {
		cfg.MediaTTL = 8 * time.Hour
	}
	if cfg.OAuthClientID == "" {
		cfg.OAuthClientID = "demo"
	}
	if cfg.OAuthClientSecret == "" {
		cfg.OAuthClientSecret = "demo"
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = 24 * time.Hour
	}
	switch {
	case cfg.Users < 0:
		return nil, errors.New("gongsim: Users must be positive")
	case cfg.Days < 0:
		return nil, errors.New("gongsim: Days must be positive")
	case cfg.Sentences < 0:
		return nil, errors.New("gongsim: Sentences must be positive")
	case cfg.RateLimit < 0 || cfg.DailyQuota < 0 || cfg.Latency < 0 || cfg.CursorTTL < 0 || cfg.MediaTTL < 0 || cfg.TokenTTL < 0:
		return nil, errors.New("gongsim: RateLimit, DailyQuota, Latency, CursorTTL, MediaTTL and TokenTTL must not be negative")
	case cfg.FailRate < 0 || cfg.FailRate > 1 || cfg.TruncateRate < 0 || cfg.TruncateRate > 1:
		return nil, errors.New("gongsim: FailRate and TruncateRate must be within [0, 1]")
	case cfg.LatencyJitter < 0:
		return nil, errors.New("gongsim: LatencyJitter must not be negative")
	}
	for _, r := range []float64{cfg.StormRate, cfg.MalformedRate, cfg.ResetRate, cfg.TokenExpireRate, cfg.CursorExpireRate} {
		if !(r >= 0 && r <= 1) {
			return nil, errors.New("gongsim: StormRate, MalformedRate, ResetRate, TokenExpireRate and CursorExpireRate must be within [0, 1]")
		}
	}
	loc, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("gongsim: time zone: %w", err)
	}
	s := &Sim{cfg: cfg, seed: uint64(cfg.Seed), loc: loc, anchor: cfg.Now().Round(0), usedIDs: map[string]struct{}{}}
	var key [8]byte
	binary.LittleEndian.PutUint64(key[:], hashKey(s.seed, stSecret))
	sum := sha256.Sum256(append([]byte("gongsim secret "), key[:]...))
	s.secret = sum[:]
	s.company = companies[hashKey(s.seed, stUsers, 99)%uint64(len(companies))]
	s.nAccounts = max(8, min(cfg.Calls/6, 5000))
	s.genWorkspaces()
	s.genUsers()
	s.genTrackers()
	s.genCalls()
	// Generated after the calls, from their own streams, so that adding
	// them changed nothing the simulator served before.
	s.genScorecards()
	s.genTrackerSettings()
	s.genLibrary()
	if cfg.RateLimit > 0 {
		s.limiter = rate.NewLimiter(rate.Limit(cfg.RateLimit), max(1, int(math.Ceil(cfg.RateLimit))))
	}
	s.routes()
	s.stats.ByPath = map[string]int64{}
	s.stats.ByStatus = map[string]int64{}
	return s, nil
}

// Start listens on addr (e.g. "127.0.0.1:0"), serves the API in the
// background and returns its base URL, e.g. "http://127.0.0.1:41234".
func (s *Sim) Start(addr string) (string, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.srv != nil {
		return "", errors.New("gongsim: already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("gongsim: %w", err)
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	base := "http://" + net.JoinHostPort(host, port)
	s.baseURL.Store(&base)
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed on Close
	return base, nil
}

// Close stops the server started by Start and closes its connections.
func (s *Sim) Close() error {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	s.srv = nil
	return err
}

func (s *Sim) now() time.Time { return s.cfg.Now() }

// Config returns the effective configuration, defaults filled in.
func (s *Sim) Config() Config { return s.cfg }

// Anchor returns the end of the generated history: Config.Now at New.
// Generated calls started in [Anchor-Days, Anchor).
func (s *Sim) Anchor() time.Time { return s.anchor }

// base returns the base URL reported in media URLs outside a request.
func (s *Sim) base() string {
	if b := s.baseURL.Load(); b != nil {
		return *b
	}
	return "http://127.0.0.1"
}

// Users returns the users GET /v2/users serves, in order.
func (s *Sim) Users() []User { return slices.Clone(s.users) }

// Workspaces returns the workspaces GET /v2/workspaces serves.
func (s *Sim) Workspaces() []Workspace { return slices.Clone(s.workspaces) }

// Calls returns every call as POST /v2/calls/extensive serves it with every
// part selected (context "Extended" with timings Now and TimeOfCall),
// sorted by started. Media URLs use the base URL of Start.
func (s *Sim) Calls() []Call {
	recs := s.snapshot()
	now := s.now()
	out := make([]Call, len(recs))
	for i := range recs {
		out[i] = s.buildCall(s.plan(&recs[i]), &selectAll, s.base(), now)
	}
	return out
}

// Call returns one call as Calls reports it.
func (s *Sim) Call(id string) (Call, bool) {
	rec, ok := s.rec(id)
	if !ok {
		return Call{}, false
	}
	return s.buildCall(s.plan(&rec), &selectAll, s.base(), s.now()), true
}

// CallIDs returns the IDs of all calls, sorted by started.
func (s *Sim) CallIDs() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, len(s.calls))
	for i, c := range s.calls {
		ids[i] = c.id
	}
	return ids
}

// Transcript returns the transcript POST /v2/calls/transcript serves for a
// call; false if the call does not exist or its transcript is not ready.
func (s *Sim) Transcript(callID string) (CallTranscript, bool) {
	rec, ok := s.rec(callID)
	if !ok || !rec.hasTranscript {
		return CallTranscript{}, false
	}
	b, _ := s.appendTranscript(nil, s.plan(&rec))
	var t CallTranscript
	if err := unmarshalStrict(b, &t); err != nil {
		panic("gongsim: generated transcript is not valid JSON: " + err.Error())
	}
	return t, true
}

func (s *Sim) rec(id string) (callRec, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.byID[id]
	if !ok {
		return callRec{}, false
	}
	return *r, true
}

func (s *Sim) snapshot() []callRec {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]callRec, len(s.calls))
	for i, c := range s.calls {
		out[i] = *c
	}
	return out
}

// AddCalls adds n calls that all started at started (the zero time means
// Now), truncated to microseconds, and returns their IDs. Without
// withTranscript their transcripts stay pending until ReleaseTranscripts.
func (s *Sim) AddCalls(n int, started time.Time, withTranscript bool) []string {
	if started.IsZero() {
		started = s.now()
	}
	started = started.Round(0)
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, n)
	for range n {
		s.added++
		r := newRNG(s.seed, stAdded, s.added)
		id, key := s.drawCallID(&r)
		rec := s.newRec(id, key, started, 6, withTranscript)
		i, _ := slices.BinarySearchFunc(s.calls, rec, recLess)
		s.calls = slices.Insert(s.calls, i, rec)
		s.byID[id] = rec
		ids = append(ids, id)
	}
	return ids
}

// ReleaseTranscripts makes the transcripts of the given calls available
// (late processing). Unknown IDs are ignored.
func (s *Sim) ReleaseTranscripts(callIDs []string) { s.release(callIDs) }

func (s *Sim) release(callIDs []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var done []string
	for _, id := range callIDs {
		if r, ok := s.byID[id]; ok {
			r.hasTranscript = true
			done = append(done, id)
		}
	}
	return done
}

// PendingTranscripts returns the IDs of calls whose transcript is not
// available yet, sorted by started.
func (s *Sim) PendingTranscripts() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var ids []string
	for _, c := range s.calls {
		if !c.hasTranscript {
			ids = append(ids, c.id)
		}
	}
	return ids
}

// DeleteCall removes a call and its transcript; false if it did not exist.
func (s *Sim) DeleteCall(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byID[id]
	if !ok {
		return false
	}
	delete(s.byID, id)
	i, found := slices.BinarySearchFunc(s.calls, r, recLess)
	if found {
		s.calls = slices.Delete(s.calls, i, i+1)
	}
	return true
}

// Stats returns a copy of the counters.
func (s *Sim) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st := s.stats
	st.ByPath = make(map[string]int64, len(s.stats.ByPath))
	for k, v := range s.stats.ByPath {
		st.ByPath[k] = v
	}
	st.ByStatus = make(map[string]int64, len(s.stats.ByStatus))
	for k, v := range s.stats.ByStatus {
		st.ByStatus[k] = v
	}
	return st
}

// requestID returns a Gong-looking request id (19 base-36 characters),
// deterministic in (seed, request number).
func (s *Sim) requestID(seq uint64) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var b [19]byte
	h1, h2 := hashKey(s.seed, stRequest, seq, 1), hashKey(s.seed, stRequest, seq, 2)
	for i := range b {
		if i < 12 {
			b[i] = digits[h1%36]
			h1 /= 36
		} else {
			b[i] = digits[h2%36]
			h2 /= 36
		}
	}
	return string(b[:])
}

func (s *Sim) sign(msg string) []byte {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// authenticate checks the Authorization header of an API or admin request.
// Each scheme is one case, so Bearer (OAuth) tokens can join Basic.
func (s *Sim) authenticate(r *http.Request) (ok bool, reason string) {
	h := r.Header.Get("Authorization")
	scheme, _, _ := strings.Cut(h, " ")
	switch strings.ToLower(scheme) {
	case "":
		return false, "Access denied: missing Authorization header"
	case "basic":
		user, pass, ok := r.BasicAuth()
		if ok && hmac.Equal([]byte(user), []byte(s.cfg.AccessKey)) && hmac.Equal([]byte(pass), []byte(s.cfg.AccessKeySecret)) {
			return true, ""
		}
		return false, "Access denied: invalid access key or access key secret"
	case "bearer":
		return s.bearer(r)
	default:
		return false, "Access denied: unsupported authorization scheme"
	}
}
