package gongsim

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Answered scorecards are derived per call from (seed, call key), like the
// extensive records: a call keeps its answered scorecards for as long as it
// exists, and they become visible once their review time has passed (the
// simulator clock). AnswerScorecard and EditAnsweredScorecard add and edit
// them on top; edits replace a generated record in place.

// maxLag bounds (event time - call start) of generated reviews and of
// every other activity derived from a call (at most 10 days and a half
// hour after the call's end): scans for a review or activity period look
// this far back for calls.
func (s *Sim) maxLag() time.Duration {
	longest := 35*time.Second + time.Duration(math.Ceil(1.6*float64(s.cfg.Sentences))+1)*8*time.Second
	return 11*24*time.Hour + longest
}

// ascRec is an answered scorecard with its review time. Its answers are
// drawn only when served (withAnswers), from ansR, unless drawn is set.
type ascRec struct {
	a      AnsweredScorecard
	review time.Time
	method string
	sc     int // index in s.scorecards
	ansR   rng
	drawn  bool
}

// withAnswers returns the record with its answers. Callers hold scMu.
func (s *Sim) withAnswers(a *ascRec) AnsweredScorecard {
	out := a.a
	if !a.drawn {
		r := a.ansR
		out.Answers = s.drawAnswers(&r, s.scorecards[a.sc], a.review, a.method == "AUTOMATIC")
	}
	return out
}

func num(id string) json.Number { return json.Number(id) }

func numPtr(id string) *json.Number { n := json.Number(id); return &n }

// answeredID draws an answered scorecard ID: often 15 digits (as in the
// spec's example), otherwise 19 digits, beyond 2^53.
func answeredID(r *rng) string {
	if r.chance(0.55) {
		return strconv.FormatUint(100_000_000_000_000+r.next()%900_000_000_000_000, 10)
	}
	return r.idString()
}

// reviewerFor picks who reviews a call of host: mostly the host's manager,
// else another manager or the VP; -1 if the company has no one else.
func (s *Sim) reviewerFor(r *rng, host int) int {
	if m := s.users[host].ManagerID; m != nil && r.chance(0.7) {
		return s.userByID[*m]
	}
	for range 4 {
		u := r.intn(s.managerCount() + 1)
		if u != host {
			return u
		}
	}
	for u := range s.users {
		if u != host {
			return u
		}
	}
	return -1
}

// eligible returns the indexes of the enabled scorecards with the given
// method that apply to a call in workspace ws of kind h.
func (s *Sim) eligible(ws int, h *callHead, method string) []int {
	var out []int
	for i, sc := range s.scorecards {
		d := sc.def
		if !d.enabled || d.method != method || sc.ws != ws {
			continue
		}
		switch {
		case h.internal:
			continue
		case d.use == "conference" && !h.conference, d.use == "phone" && h.conference:
			continue
		}
		out = append(out, i)
	}
	return out
}

// genAnswered returns the generated answered scorecards of a call, before
// edits. Callers hold scMu.
func (s *Sim) genAnswered(rec *callRec) []ascRec {
	r := newRNG(s.seed, stAnswered, rec.key)
	u := r.float()
	if u >= 0.55 {
		return nil
	}
	h := s.headOf(rec)
	end := rec.started.Add(time.Duration(h.durMs) * time.Millisecond)
	var out []ascRec
	nManual := 0
	switch {
	case u < 0.06:
		nManual = 2
	case u < 0.32:
		nManual = 1
	}
	if cands := s.eligible(rec.ws, &h, "MANUAL"); len(cands) > 0 {
		prevReviewer := -2
		for k := range nManual {
			rk := newRNG(s.seed, stAnswered, rec.key, uint64(k+1))
			reviewer := s.reviewerFor(&rk, rec.host)
			if reviewer < 0 || reviewer == prevReviewer {
				continue
			}
			prevReviewer = reviewer
			sci := cands[rk.intn(len(cands))]
			// Most reviews within a day or two, a few much later.
			lag := 30*time.Minute + time.Duration(rk.float()*rk.float()*rk.float()*float64(240*time.Hour))
			out = append(out, s.renderAnswered(&rk, rec, sci, end.Add(lag), reviewer))
		}
	}
	if u >= 0.2 {
		if cands := s.eligible(rec.ws, &h, "AUTOMATIC"); len(cands) > 0 {
			rk := newRNG(s.seed, stAnswered, rec.key, 100)
			sci := cands[rk.intn(len(cands))]
			lag := 5*time.Minute + time.Duration(rk.float()*float64(40*time.Minute))
			out = append(out, s.renderAnswered(&rk, rec, sci, end.Add(lag), -1))
		}
	}
	return out
}

// renderAnswered draws one answered scorecard of scorecard sci on a call,
// reviewed at review by reviewer (-1: AUTOMATIC).
func (s *Sim) renderAnswered(r *rng, rec *callRec, sci int, review time.Time, reviewer int) ascRec {
	sc := s.scorecards[sci]
	review = truncDigits(review, 3)
	a := AnsweredScorecard{
		AnsweredScorecardID: num(answeredID(r)),
		ScorecardID:         num(sc.sc.ScorecardID),
		ScorecardName:       sc.sc.ScorecardName,
		CallID:              num(rec.id),
		CallStartTime:       rec.startedStr,
		ReviewedUserID:      num(s.users[rec.host].ID),
		ReviewMethod:        sc.def.method,
		ReviewTime:          s.fmtTime(review, 3),
		VisibilityType:      "PUBLIC",
	}
	if reviewer >= 0 {
		a.ReviewerUserID = numPtr(s.users[reviewer].ID)
		a.VisibilityType = []string{"PUBLIC", "PUBLIC", "PUBLIC", "MANAGERS_AND_REVIEWEE", "MANAGERS", "PRIVATE", "OPT_IN_USERS"}[r.intn(7)]
		if r.chance(0.1) {
			if ed := s.reviewerFor(r, rec.host); ed >= 0 && ed != reviewer {
				a.EditorUserID = numPtr(s.users[ed].ID)
			}
		}
	}
	return ascRec{a: a, review: review, method: sc.def.method, sc: sci, ansR: *r}
}

func (s *Sim) drawAnswers(r *rng, sc *scorecardRec, at time.Time, auto bool) []Answer {
	out := make([]Answer, len(sc.def.questions))
	comments := reviewComments
	if auto {
		comments = aiComments
	}
	for i, q := range sc.def.questions {
		rv := sc.revisionAt(i, at)
		ans := Answer{QuestionID: num(sc.sc.Questions[i].QuestionID), QuestionRevisionID: num(rv.id), IsOverall: q.overall}
		if !q.overall && r.chance(0.05) {
			ans.NotApplicable = true
			out[i] = ans
			continue
		}
		switch q.typ {
		case "RANGE":
			// Skewed to the upper half, as scores tend to be.
			v := q.min + int(float64(q.max-q.min+1)*(1-r.float()*r.float()))
			v = min(max(v, q.min), q.max)
			ans.Score = &v
			if auto || r.chance(0.3) {
				ans.AnswerText = strp(pick(r, comments))
			}
		case "SINGLE_SELECT":
			ans.SelectedOptions = []string{strconv.Itoa(1 + r.intn(len(q.options)))}
		case "MULTIPLE_SELECT":
			ans.SelectedOptions = []string{}
			for k := range q.options {
				if r.chance(0.45) {
					ans.SelectedOptions = append(ans.SelectedOptions, strconv.Itoa(k+1))
				}
			}
			if len(ans.SelectedOptions) == 0 {
				ans.SelectedOptions = append(ans.SelectedOptions, strconv.Itoa(1+r.intn(len(q.options))))
			}
		case "OPEN_TEXT":
			if r.chance(0.85) {
				ans.AnswerText = strp(pick(r, comments))
			}
		}
		out[i] = ans
	}
	return out
}

// answeredOf returns a call's answered scorecards, edits applied, in their
// served order (generated ones, then added ones), visible or not. Callers
// hold scMu (read).
func (s *Sim) answeredOf(rec *callRec) []ascRec {
	out := s.genAnswered(rec)
	if !s.ascTouched[rec.id] {
		return out
	}
	for i := range out {
		if e, ok := s.ascEdited[string(out[i].a.AnsweredScorecardID)]; ok {
			out[i] = e
		}
	}
	return append(out, s.ascAdded[rec.id]...)
}

// ascFilter is a parsed answered-scorecards filter.
type ascFilter struct {
	callFrom, callTo     time.Time // zero = unbounded
	reviewFrom, reviewTo time.Time
	method               string // AUTOMATIC, MANUAL or BOTH
	reviewed, scorecards map[string]bool
	hash                 string
}

func (f *ascFilter) match(a *ascRec, started time.Time, now time.Time) bool {
	switch {
	case a.review.After(now):
		return false // not reviewed yet
	case f.method != "BOTH" && a.method != f.method:
		return false
	case !f.callFrom.IsZero() && started.Before(f.callFrom), !f.callTo.IsZero() && !started.Before(f.callTo):
		return false
	case !f.reviewFrom.IsZero() && a.review.Before(f.reviewFrom), !f.reviewTo.IsZero() && !a.review.Before(f.reviewTo):
		return false
	case f.reviewed != nil && !f.reviewed[string(a.a.ReviewedUserID)]:
		return false
	case f.scorecards != nil && !f.scorecards[string(a.a.ScorecardID)]:
		return false
	}
	return true
}

// ascPos is the position of an answered scorecard in the served order.
type ascPos struct {
	ns  int64
	id  string
	sub int
}

func (a ascPos) after(b ascPos) bool {
	if a.ns != b.ns {
		return a.ns > b.ns
	}
	if a.id != b.id {
		return a.id > b.id
	}
	return a.sub > b.sub
}

// scanAnswered walks the answered scorecards matching f at now in order
// (call started, call ID, position in the call) and returns the total and
// up to limit of them after pos (all of them when after is false).
func (s *Sim) scanAnswered(f *ascFilter, now time.Time, after bool, pos ascPos, limit int) (page []AnsweredScorecard, last ascPos, total, skipped int) {
	recs := s.snapshot()
	lo := time.Time{}
	if !f.reviewFrom.IsZero() {
		lo = f.reviewFrom.Add(-s.maxLag())
	}
	if !f.callFrom.IsZero() && f.callFrom.After(lo) {
		lo = f.callFrom
	}
	s.scMu.RLock()
	defer s.scMu.RUnlock()
	for i := range recs {
		rec := &recs[i]
		if !f.callTo.IsZero() && !rec.started.Before(f.callTo) {
			break
		}
		if !f.reviewTo.IsZero() && !rec.started.Before(f.reviewTo) {
			break
		}
		if rec.started.Before(lo) && !s.ascTouched[rec.id] {
			continue
		}
		if f.reviewed != nil && !f.reviewed[s.users[rec.host].ID] {
			continue
		}
		for k, a := range s.answeredOf(rec) {
			if !f.match(&a, rec.started, now) {
				continue
			}
			total++
			p := ascPos{rec.started.UnixNano(), rec.id, k}
			if after && !p.after(pos) {
				skipped++
				continue
			}
			if len(page) < limit {
				page = append(page, s.withAnswers(&a))
				last = p
			}
		}
	}
	return page, last, total, skipped
}

// AnsweredScorecards returns every answered scorecard reviewed by Now, of
// both review methods, in the order POST /v2/stats/activity/scorecards
// serves them (by call start).
func (s *Sim) AnsweredScorecards() []AnsweredScorecard {
	f := ascFilter{method: "BOTH"}
	page, _, _, _ := s.scanAnswered(&f, s.now(), false, ascPos{}, 1<<62)
	return page
}

// AnswerScorecard adds a MANUAL answered scorecard (or an AUTOMATIC one for
// an AUTOMATIC scorecard) of scorecardID on a call, reviewed at Now by the
// host's manager (or another user). The call must have ended by Now.
func (s *Sim) AnswerScorecard(callID, scorecardID string) (AnsweredScorecard, error) {
	rec, ok := s.rec(callID)
	if !ok {
		return AnsweredScorecard{}, errors.New("Call ID " + callID + " was not found")
	}
	now := s.now().Round(0)
	if rec.started.Add(time.Duration(s.headOf(&rec).durMs) * time.Millisecond).After(now) {
		return AnsweredScorecard{}, errors.New("call " + callID + " has not ended yet")
	}
	s.scMu.Lock()
	defer s.scMu.Unlock()
	sci := slices.IndexFunc(s.scorecards, func(sc *scorecardRec) bool { return sc.sc.ScorecardID == scorecardID })
	if sci < 0 {
		return AnsweredScorecard{}, errors.New("Scorecard " + scorecardID + " was not found")
	}
	s.ascSeq++
	r := newRNG(s.seed, stAnswered, 1<<40, s.ascSeq)
	reviewer := -1
	if s.scorecards[sci].def.method == "MANUAL" {
		if reviewer = s.reviewerFor(&r, rec.host); reviewer < 0 {
			reviewer = rec.host // a company of one reviews itself
		}
	}
	a := s.renderAnswered(&r, &rec, sci, now, reviewer)
	s.ascAdded[callID] = append(s.ascAdded[callID], a)
	s.ascTouched[callID] = true
	return s.withAnswers(&a), nil
}

// EditAnsweredScorecard edits an answered scorecard as a second reviewer
// would: new answers, editorUserId set to a user other than the reviewer,
// reviewTime moved to Now (so that loaders windowing on the review date
// see it again). False if no existing call has it.
func (s *Sim) EditAnsweredScorecard(answeredScorecardID string) (AnsweredScorecard, bool) {
	now := s.now().Round(0)
	recs := s.snapshot()
	s.scMu.Lock()
	defer s.scMu.Unlock()
	for i := range recs {
		rec := &recs[i]
		list := s.answeredOf(rec)
		k := slices.IndexFunc(list, func(a ascRec) bool { return string(a.a.AnsweredScorecardID) == answeredScorecardID })
		if k < 0 {
			continue
		}
		a := list[k]
		s.ascSeq++
		r := newRNG(s.seed, stAnswered, 1<<41, s.ascSeq)
		a.review = truncDigits(now, 3)
		a.a.ReviewTime = s.fmtTime(a.review, 3)
		a.a.Answers = s.drawAnswers(&r, s.scorecards[a.sc], a.review, a.method == "AUTOMATIC")
		a.drawn = true
		// The editor: the first of VP, managers, … who is neither the
		// reviewer nor the host (a company of one edits its own).
		editor := 0
		for u := range s.users {
			if u != rec.host && (a.a.ReviewerUserID == nil || s.users[u].ID != string(*a.a.ReviewerUserID)) {
				editor = u
				break
			}
		}
		a.a.EditorUserID = numPtr(s.users[editor].ID)
		s.ascTouched[rec.id] = true
		if added := s.ascAdded[rec.id]; k >= len(list)-len(added) {
			added[k-(len(list)-len(added))] = a
		} else {
			s.ascEdited[answeredScorecardID] = a
		}
		return a.a, true
	}
	return AnsweredScorecard{}, false
}

// POST /v2/stats/activity/scorecards
func (s *Sim) hAnswered(r *http.Request, rq *request) *reply {
	var fj struct {
		CallFromDate    *string `json:"callFromDate"`
		CallToDate      *string `json:"callToDate"`
		ReviewFromDate  *string `json:"reviewFromDate"`
		ReviewToDate    *string `json:"reviewToDate"`
		ReviewMethod    *string `json:"reviewMethod"`
		ReviewedUserIDs idList  `json:"reviewedUserIds"`
		ScorecardIDs    idList  `json:"scorecardIds"`
	}
	tok, rep := s.readFilterBody(r, rq, &fj)
	if rep != nil {
		return rep
	}
	f := ascFilter{method: "MANUAL"}
	var err error
	if f.callFrom, f.callTo, err = s.dateRange("filter.callFromDate", "filter.callToDate", fj.CallFromDate, fj.CallToDate, false); err != nil {
		return errReply(rq, http.StatusBadRequest, err.Error())
	}
	if f.reviewFrom, f.reviewTo, err = s.dateRange("filter.reviewFromDate", "filter.reviewToDate", fj.ReviewFromDate, fj.ReviewToDate, false); err != nil {
		return errReply(rq, http.StatusBadRequest, err.Error())
	}
	if fj.ReviewMethod != nil {
		switch *fj.ReviewMethod {
		case "AUTOMATIC", "MANUAL", "BOTH":
			f.method = *fj.ReviewMethod
		default:
			return errReply(rq, http.StatusBadRequest, "filter.reviewMethod: must be one of AUTOMATIC, MANUAL, BOTH")
		}
	}
	f.reviewed, f.scorecards = set(fj.ReviewedUserIDs), set(fj.ScorecardIDs)
	day := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	f.hash = filterHash("scorecards", day(fj.CallFromDate), day(fj.CallToDate), day(fj.ReviewFromDate), day(fj.ReviewToDate),
		f.method, sortedKeys(f.reviewed), sortedKeys(f.scorecards))

	const kind = "stats/activity/scorecards"
	claims := cursorClaims{Kind: kind, Filter: f.hash, Iat: rq.now.UnixMilli(), Exp: rq.now.Add(s.cfg.CursorTTL).UnixMilli()}
	if tok != "" {
		c, rep := s.cursorOrError(rq, tok, kind, f.hash)
		if rep != nil {
			return rep
		}
		claims = c
	}
	page, last, total, skipped := s.scanAnswered(&f, rq.now, tok != "", ascPos{claims.LastNs, claims.LastID, claims.Sub}, PageSize)
	if len(page) == 0 {
		return errReply(rq, http.StatusNotFound, "Answered scorecards not found")
	}
	if tok == "" {
		claims.Total = total
	}
	recs := Records{TotalRecords: total, CurrentPageSize: len(page), CurrentPageNumber: claims.Page}
	if skipped+len(page) < total {
		next := claims
		next.Page++
		next.LastNs, next.LastID, next.Sub = last.ns, last.id, last.sub
		recs.Cursor = s.encodeCursor(next)
	}
	return okReply(struct {
		RequestID          string              `json:"requestId"`
		Records            Records             `json:"records"`
		AnsweredScorecards []AnsweredScorecard `json:"answeredScorecards"`
	}{rq.id, recs, page})
}
