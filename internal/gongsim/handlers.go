package gongsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
)

// Request bodies are decoded with encoding/json/v2 semantics: member names
// match case-sensitively (like Gong's Jackson), unknown members are ignored.
func unmarshalStrict(b []byte, v any) error { return jsonv2.Unmarshal(b, v) }

const maxBody = 8 << 20

// pagePool recycles the buffers of transcript pages (megabytes each).
var pagePool = sync.Pool{New: func() any { b := make([]byte, 0, 1<<20); return &b }}

// idList accepts IDs sent as JSON strings or numbers.
type idList []string

func (l *idList) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*l = nil
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var raw []any
	if err := dec.Decode(&raw); err != nil {
		return errors.New("must be an array of IDs")
	}
	out := make(idList, 0, len(raw))
	for _, x := range raw {
		switch v := x.(type) {
		case string:
			out = append(out, v)
		case json.Number:
			if _, err := strconv.ParseUint(v.String(), 10, 64); err != nil {
				return errors.New("invalid ID " + v.String())
			}
			out = append(out, v.String())
		default:
			return errors.New("must be an array of IDs")
		}
	}
	*l = out
	return nil
}

type filterJSON struct {
	FromDateTime   *string `json:"fromDateTime"`
	ToDateTime     *string `json:"toDateTime"`
	WorkspaceID    *string `json:"workspaceId"`
	CallIDs        idList  `json:"callIds"`
	PrimaryUserIDs idList  `json:"primaryUserIds"`
}

type selectorJSON struct {
	Context       string   `json:"context"`
	ContextTiming []string `json:"contextTiming"`
	ExposedFields struct {
		Parties bool `json:"parties"`
		Content struct {
			Structure          bool `json:"structure"`
			Topics             bool `json:"topics"`
			Trackers           bool `json:"trackers"`
			TrackerOccurrences bool `json:"trackerOccurrences"`
			PointsOfInterest   bool `json:"pointsOfInterest"`
			Brief              bool `json:"brief"`
			Outline            bool `json:"outline"`
			Highlights         bool `json:"highlights"`
			CallOutcome        bool `json:"callOutcome"`
			KeyPoints          bool `json:"keyPoints"`
		} `json:"content"`
		Interaction struct {
			Speakers               bool `json:"speakers"`
			Video                  bool `json:"video"`
			PersonInteractionStats bool `json:"personInteractionStats"`
			Questions              bool `json:"questions"`
		} `json:"interaction"`
		Collaboration struct {
			PublicComments bool `json:"publicComments"`
		} `json:"collaboration"`
		Media bool `json:"media"`
	} `json:"exposedFields"`
}

type callsBody struct {
	Cursor          *string       `json:"cursor"`
	Filter          *filterJSON   `json:"filter"`
	ContentSelector *selectorJSON `json:"contentSelector"`
}

// callFilter is a parsed calls filter.
type callFilter struct {
	from, to       time.Time // zero = unbounded
	ws             string
	callIDs        map[string]bool // nil = any
	primary        map[string]bool // nil = any
	needTranscript bool
	hash           string
}

func parseTime(name, v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, errors.New(name + ": invalid date-time '" + v + "', expected ISO-8601 such as 2018-02-18T02:30:00-07:00")
	}
	return t, nil
}

func set(ids []string) map[string]bool {
	if len(ids) == 0 {
		return nil
	}
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func sortedKeys(m map[string]bool) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// newFilter validates a filter; prefix names fields in error messages.
func newFilter(prefix string, from, to, ws *string, callIDs, primary []string) (callFilter, error) {
	var f callFilter
	var err error
	if from != nil && *from != "" {
		if f.from, err = parseTime(prefix+"fromDateTime", *from); err != nil {
			return f, err
		}
	}
	if to != nil && *to != "" {
		if f.to, err = parseTime(prefix+"toDateTime", *to); err != nil {
			return f, err
		}
	}
	if !f.from.IsZero() && !f.to.IsZero() && !f.from.Before(f.to) {
		return f, errors.New(prefix + "fromDateTime: must be before toDateTime")
	}
	if ws != nil {
		f.ws = *ws
	}
	f.callIDs, f.primary = set(callIDs), set(primary)
	ns := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return strconv.FormatInt(t.UnixNano(), 10)
	}
	f.hash = filterHash(ns(f.from), ns(f.to), f.ws, sortedKeys(f.callIDs), sortedKeys(f.primary))
	return f, nil
}

// scan walks the calls matching f in (started, id) order and returns the
// total count and copies of up to PageSize of them, starting after the
// (lastNs, lastID) key when after is set.
func (s *Sim) scan(f *callFilter, after bool, lastNs int64, lastID string) (page []callRec, total, skipped int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := 0
	if !f.from.IsZero() {
		i = sort.Search(len(s.calls), func(k int) bool { return !s.calls[k].started.Before(f.from) })
	}
	wsIdx := -1
	if f.ws != "" {
		wsIdx = -2 // unknown workspace: nothing matches
		for k, w := range s.workspaces {
			if w.ID == f.ws {
				wsIdx = k
			}
		}
	}
	for ; i < len(s.calls); i++ {
		c := s.calls[i]
		if !f.to.IsZero() && !c.started.Before(f.to) {
			break
		}
		if (wsIdx != -1 && c.ws != wsIdx) || (f.callIDs != nil && !f.callIDs[c.id]) ||
			(f.primary != nil && !f.primary[s.users[c.host].ID]) || (f.needTranscript && !c.hasTranscript) {
			continue
		}
		total++
		if after {
			n := c.started.UnixNano()
			if n < lastNs || (n == lastNs && c.id <= lastID) {
				skipped++
				continue
			}
		}
		if len(page) < PageSize {
			page = append(page, *c)
		}
	}
	return page, total, skipped
}

// pageOf returns the page of calls matching f that a request asks for
// (tok is its cursor, "" for the first page) and its records block; a
// non-nil reply is an error to send instead.
func (s *Sim) pageOf(rq *request, kind string, f *callFilter, tok string) ([]callRec, Records, *reply) {
	claims := cursorClaims{Kind: kind, Filter: f.hash, Iat: rq.now.UnixMilli(), Exp: rq.now.Add(s.cfg.CursorTTL).UnixMilli()}
	if tok != "" {
		c, cerr := s.decodeCursor(tok, kind, f.hash, rq.now)
		if cerr != nil {
			rep := errReply(rq, http.StatusBadRequest, cerr.msg)
			rep.expired = cerr.expired
			return nil, Records{}, rep
		}
		claims = c
	}
	page, total, skipped := s.scan(f, tok != "", claims.LastNs, claims.LastID)
	if len(page) == 0 {
		return nil, Records{}, noCalls(rq)
	}
	if tok == "" {
		claims.Total = total
	}
	recs := Records{TotalRecords: total, CurrentPageSize: len(page), CurrentPageNumber: claims.Page}
	if skipped+len(page) < total {
		next := claims
		next.Page++
		last := page[len(page)-1]
		next.LastNs, next.LastID = last.started.UnixNano(), last.id
		recs.Cursor = s.encodeCursor(next)
	}
	return page, recs, nil
}

func readBody(r *http.Request, rq *request, v any) *reply {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return errReply(rq, http.StatusBadRequest, "Failed to read the request body")
	}
	if len(b) > maxBody {
		return errReply(rq, http.StatusRequestEntityTooLarge, "Request body too large")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return errReply(rq, http.StatusBadRequest, "Request body is missing")
	}
	if err := unmarshalStrict(b, v); err != nil {
		return errReply(rq, http.StatusBadRequest, "Malformed request body: "+err.Error())
	}
	return nil
}

// GET /v2/users
func (s *Sim) hUsers(r *http.Request, rq *request) *reply {
	const kind = "users"
	fh := filterHash(kind)
	off, claims := 0, cursorClaims{Kind: kind, Filter: fh, Total: len(s.users), Iat: rq.now.UnixMilli(),
		Exp: rq.now.Add(s.cfg.CursorTTL).UnixMilli()}
	if tok := r.URL.Query().Get("cursor"); tok != "" {
		c, cerr := s.decodeCursor(tok, kind, fh, rq.now)
		if cerr != nil {
			rep := errReply(rq, http.StatusBadRequest, cerr.msg)
			rep.expired = cerr.expired
			return rep
		}
		claims, off = c, c.Offset
	}
	if off >= len(s.users) {
		return errReply(rq, http.StatusNotFound, "No users found")
	}
	end := min(off+PageSize, len(s.users))
	recs := Records{TotalRecords: len(s.users), CurrentPageSize: end - off, CurrentPageNumber: claims.Page}
	if end < len(s.users) {
		next := claims
		next.Page++
		next.Offset = end
		recs.Cursor = s.encodeCursor(next)
	}
	return okReply(struct {
		RequestID string  `json:"requestId"`
		Records   Records `json:"records"`
		Users     []User  `json:"users"`
	}{rq.id, recs, s.users[off:end]})
}

// GET /v2/users/{id}
func (s *Sim) hUser(r *http.Request, rq *request) *reply {
	i, ok := s.userByID[r.PathValue("id")]
	if !ok {
		return errReply(rq, http.StatusNotFound, "User not found")
	}
	return okReply(struct {
		RequestID string `json:"requestId"`
		User      User   `json:"user"`
	}{rq.id, s.users[i]})
}

// GET /v2/workspaces
func (s *Sim) hWorkspaces(r *http.Request, rq *request) *reply {
	return okReply(struct {
		RequestID  string      `json:"requestId"`
		Workspaces []Workspace `json:"workspaces"`
	}{rq.id, s.workspaces})
}

// GET /v2/calls
func (s *Sim) hCalls(r *http.Request, rq *request) *reply {
	q := r.URL.Query()
	opt := func(k string) *string {
		if !q.Has(k) {
			return nil
		}
		v := q.Get(k)
		return &v
	}
	f, err := newFilter("", opt("fromDateTime"), opt("toDateTime"), opt("workspaceId"), nil, nil)
	if err != nil {
		return errReply(rq, http.StatusBadRequest, err.Error())
	}
	page, recs, rep := s.pageOf(rq, "calls", &f, q.Get("cursor"))
	if rep != nil {
		return rep
	}
	calls := make([]CallBasicData, len(page))
	for i := range page {
		calls[i] = s.plan(&page[i]).meta
	}
	rep = okReply(struct {
		RequestID string          `json:"requestId"`
		Records   Records         `json:"records"`
		Calls     []CallBasicData `json:"calls"`
	}{rq.id, recs, calls})
	rep.calls = len(calls)
	return rep
}

// GET /v2/calls/{id}
func (s *Sim) hCall(r *http.Request, rq *request) *reply {
	id := r.PathValue("id")
	rec, ok := s.rec(id)
	if !ok {
		return errReply(rq, http.StatusNotFound, "Call ID "+id+" was not found")
	}
	rep := okReply(struct {
		RequestID string        `json:"requestId"`
		Call      CallBasicData `json:"call"`
	}{rq.id, s.plan(&rec).meta})
	rep.calls = 1
	return rep
}

func parseSelector(js *selectorJSON) (selector, error) {
	sel := selector{context: "None", timing: []string{"Now"}}
	if js == nil {
		return sel, nil
	}
	switch js.Context {
	case "", "None":
	case "Basic", "Extended":
		sel.context = js.Context
	default:
		return sel, errors.New("contentSelector.context: must be one of None, Basic, Extended")
	}
	if len(js.ContextTiming) > 0 {
		sel.timing = nil
		for _, t := range js.ContextTiming {
			if t != "Now" && t != "TimeOfCall" {
				return sel, errors.New("contentSelector.contextTiming: values must be Now or TimeOfCall")
			}
			if !slices.Contains(sel.timing, t) {
				sel.timing = append(sel.timing, t)
			}
		}
	}
	e := &js.ExposedFields
	sel.parties = e.Parties
	sel.structure, sel.topics, sel.trackers = e.Content.Structure, e.Content.Topics, e.Content.Trackers
	sel.trackerOcc = e.Content.Trackers && e.Content.TrackerOccurrences
	sel.brief, sel.outline, sel.highlights = e.Content.Brief, e.Content.Outline, e.Content.Highlights
	sel.callOutcome, sel.keyPoints = e.Content.CallOutcome, e.Content.KeyPoints
	sel.speakers, sel.video = e.Interaction.Speakers, e.Interaction.Video
	sel.personStats, sel.questions = e.Interaction.PersonInteractionStats, e.Interaction.Questions
	sel.comments, sel.media = e.Collaboration.PublicComments, e.Media
	return sel, nil
}

func (s *Sim) parseCallsBody(r *http.Request, rq *request, withSelector bool) (callsBody, callFilter, selector, *reply) {
	var body callsBody
	var sel selector
	if rep := readBody(r, rq, &body); rep != nil {
		return body, callFilter{}, sel, rep
	}
	if body.Filter == nil {
		return body, callFilter{}, sel, errReply(rq, http.StatusBadRequest, "filter: must not be null")
	}
	fj := body.Filter
	var primary []string
	if withSelector {
		primary = fj.PrimaryUserIDs
	}
	f, err := newFilter("filter.", fj.FromDateTime, fj.ToDateTime, fj.WorkspaceID, fj.CallIDs, primary)
	if err != nil {
		return body, f, sel, errReply(rq, http.StatusBadRequest, err.Error())
	}
	if withSelector {
		if sel, err = parseSelector(body.ContentSelector); err != nil {
			return body, f, sel, errReply(rq, http.StatusBadRequest, err.Error())
		}
	}
	return body, f, sel, nil
}

// POST /v2/calls/extensive
func (s *Sim) hExtensive(r *http.Request, rq *request) *reply {
	body, f, sel, rep := s.parseCallsBody(r, rq, true)
	if rep != nil {
		return rep
	}
	tok := ""
	if body.Cursor != nil {
		tok = *body.Cursor
	}
	page, recs, rep := s.pageOf(rq, "calls/extensive", &f, tok)
	if rep != nil {
		return rep
	}
	calls := make([]Call, len(page))
	for i := range page {
		calls[i] = s.buildCall(s.plan(&page[i]), &sel, rq.base, rq.now)
	}
	rep = pooledReply(struct {
		RequestID string  `json:"requestId"`
		Records   Records `json:"records"`
		Calls     []Call  `json:"calls"`
	}{rq.id, recs, calls})
	rep.calls = len(calls)
	return rep
}

// POST /v2/calls/transcript
func (s *Sim) hTranscripts(r *http.Request, rq *request) *reply {
	body, f, _, rep := s.parseCallsBody(r, rq, false)
	if rep != nil {
		return rep
	}
	f.needTranscript = true
	tok := ""
	if body.Cursor != nil {
		tok = *body.Cursor
	}
	page, recs, rep := s.pageOf(rq, "calls/transcript", &f, tok)
	if rep != nil {
		return rep
	}
	bp := pagePool.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, `{"requestId":"`...)
	b = append(b, rq.id...)
	b = append(b, `","records":`...)
	b = append(b, marshal(recs)...)
	b = append(b, `,"callTranscripts":[`...)
	sentences := 0
	for i := range page {
		if i > 0 {
			b = append(b, ',')
		}
		var n int
		b, n = s.appendTranscript(b, s.plan(&page[i]))
		sentences += n
	}
	b = append(b, "]}"...)
	*bp = b
	return &reply{status: http.StatusOK, body: b, pooled: bp, transcripts: len(page), sentences: sentences}
}

// POST /_sim/calls {"count":N,"started":RFC3339,"withTranscript":bool}
func (s *Sim) hAddCalls(r *http.Request, rq *request) *reply {
	var body struct {
		Count          int    `json:"count"`
		Started        string `json:"started"`
		WithTranscript bool   `json:"withTranscript"`
	}
	if rep := readBody(r, rq, &body); rep != nil {
		return rep
	}
	if body.Count <= 0 || body.Count > 100000 {
		return errReply(rq, http.StatusBadRequest, "count: must be between 1 and 100000")
	}
	var started time.Time
	if body.Started != "" {
		var err error
		if started, err = parseTime("started", body.Started); err != nil {
			return errReply(rq, http.StatusBadRequest, err.Error())
		}
	}
	ids := s.AddCalls(body.Count, started, body.WithTranscript)
	return okReply(struct {
		RequestID string   `json:"requestId"`
		CallIDs   []string `json:"callIds"`
	}{rq.id, ids})
}

// POST /_sim/transcripts {"callIds":[...]}
func (s *Sim) hRelease(r *http.Request, rq *request) *reply {
	var body struct {
		CallIDs idList `json:"callIds"`
	}
	if rep := readBody(r, rq, &body); rep != nil {
		return rep
	}
	done := s.release(body.CallIDs)
	return okReply(struct {
		RequestID string   `json:"requestId"`
		Released  []string `json:"released"`
	}{rq.id, nonNil(done)})
}

// DELETE /_sim/calls/{id}
func (s *Sim) hDeleteCall(r *http.Request, rq *request) *reply {
	id := r.PathValue("id")
	if !s.DeleteCall(id) {
		return errReply(rq, http.StatusNotFound, "Call ID "+id+" was not found")
	}
	return okReply(struct {
		RequestID string `json:"requestId"`
		Deleted   string `json:"deleted"`
	}{rq.id, id})
}

// GET /_sim/stats
func (s *Sim) hSimStats(r *http.Request, rq *request) *reply {
	return okReply(struct {
		RequestID string `json:"requestId"`
		Stats
	}{rq.id, s.Stats()})
}
