package gongsim

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// User activity (stats/activity/aggregate, day-by-day), interaction stats
// and coaching are all computed from one model: every call yields a list of
// activity events (who did what on the call, and when), derived from the
// call itself (host, internal parties, public comments, answered
// scorecards) and from a per-call stream for the activities calls do not
// show (listening, sharing, feedback). A day's array for a counter is the
// calls of that user's events of that kind on that company-time day; an
// aggregate is the sum of the daily array lengths.

// activityCounters are the 15 counters, in the order of Gong's
// AggregateActivity schema; counter constants index it.
var activityCounters = [15]string{
	"callsAsHost", "callsGaveFeedback", "callsRequestedFeedback", "callsReceivedFeedback",
	"ownCallsListenedTo", "othersCallsListenedTo", "callsSharedInternally", "callsSharedExternally",
	"callsScorecardsFilled", "callsScorecardsReceived", "callsAttended", "callsCommentsGiven",
	"callsCommentsReceived", "callsMarkedAsFeedbackGiven", "callsMarkedAsFeedbackReceived",
}

const (
	cAsHost = iota
	cGaveFeedback
	cRequestedFeedback
	cReceivedFeedback
	cOwnListened
	cOthersListened
	cSharedInternally
	cSharedExternally
	cScorecardsFilled
	cScorecardsReceived
	cAttended
	cCommentsGiven
	cCommentsReceived
	cMarkedGiven
	cMarkedReceived
)

// dailyOrder is the field order of Gong's DailyActivityWithDates schema.
var dailyOrder = [15]int{0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 8, 9}

func (d *DailyActivityWithDates) lists() [15]*[]string {
	return [15]*[]string{&d.CallsAsHost, &d.CallsGaveFeedback, &d.CallsRequestedFeedback, &d.CallsReceivedFeedback,
		&d.OwnCallsListenedTo, &d.OthersCallsListenedTo, &d.CallsSharedInternally, &d.CallsSharedExternally,
		&d.CallsScorecardsFilled, &d.CallsScorecardsReceived, &d.CallsAttended, &d.CallsCommentsGiven,
		&d.CallsCommentsReceived, &d.CallsMarkedAsFeedbackGiven, &d.CallsMarkedAsFeedbackReceived}
}

func (a *AggregateActivity) counters() [15]*int {
	return [15]*int{&a.CallsAsHost, &a.CallsGaveFeedback, &a.CallsRequestedFeedback, &a.CallsReceivedFeedback,
		&a.OwnCallsListenedTo, &a.OthersCallsListenedTo, &a.CallsSharedInternally, &a.CallsSharedExternally,
		&a.CallsScorecardsFilled, &a.CallsScorecardsReceived, &a.CallsAttended, &a.CallsCommentsGiven,
		&a.CallsCommentsReceived, &a.CallsMarkedAsFeedbackGiven, &a.CallsMarkedAsFeedbackReceived}
}

// CoachingMetricNames are the metric names GET /v2/coaching sends for every
// direct report (Gong documents none; these are the simulator's), each
// counting distinct calls the report hosted in the workspace:
// callsHosted (started in the period), and calls on which the manager, in
// the period, attended, listened (callsListenedTo), commented
// (callsCommentedOn), filled a scorecard (callsReviewed), gave feedback
// (feedbackGiven) or pressed "Mark as reviewed" (callsMarkedAsReviewed).
var CoachingMetricNames = []string{"callsAttended", "callsCommentedOn", "callsHosted", "callsListenedTo",
	"callsMarkedAsReviewed", "callsReviewed", "feedbackGiven"}

var coachingCounter = map[string]int{"callsAttended": cAttended, "callsCommentedOn": cCommentsGiven,
	"callsListenedTo": cOthersListened, "callsMarkedAsReviewed": cMarkedGiven, "callsReviewed": cScorecardsFilled,
	"feedbackGiven": cGaveFeedback}

type actEvent struct {
	user int
	ctr  int
	at   time.Time
}

// callEvents appends the activity events of a call with its answered
// scorecards.
func (s *Sim) callEvents(p *callPlan, asc []ascRec, out []actEvent) []actEvent {
	rec := &p.rec
	host := rec.host
	start := rec.started
	end := start.Add(time.Duration(p.durMs) * time.Millisecond)
	add := func(u, c int, at time.Time) { out = append(out, actEvent{u, c, at}) }
	add(host, cAsHost, start)
	for _, pp := range p.parties[1:] {
		if pp.userIdx >= 0 {
			add(pp.userIdx, cAttended, start)
		}
	}
	for _, c := range s.comments(p) {
		at, err := time.Parse(time.RFC3339Nano, c.Posted)
		if err != nil {
			continue
		}
		u := s.userByID[c.CommenterUserID]
		add(u, cCommentsGiven, at)
		if u != host {
			add(host, cCommentsReceived, at)
		}
	}
	for _, a := range asc {
		if a.a.ReviewerUserID == nil {
			continue // AUTOMATIC: no one filled it
		}
		rv := s.userByID[string(*a.a.ReviewerUserID)]
		add(rv, cScorecardsFilled, a.review)
		add(host, cScorecardsReceived, a.review)
		if rv != host {
			listened := a.review.Add(-20 * time.Minute)
			if listened.Before(end) {
				listened = end
			}
			add(rv, cOthersListened, listened)
		}
	}
	r := newRNG(s.seed, stActivity, rec.key)
	after := func(lo, hi float64) time.Time {
		return end.Add(time.Duration(r.uniform(lo, hi) * float64(time.Hour)))
	}
	mgr := -1
	if m := s.users[host].ManagerID; m != nil {
		mgr = s.userByID[*m]
	}
	if r.chance(0.35) {
		add(host, cOwnListened, after(0.5, 48))
	}
	if mgr >= 0 && r.chance(0.3) {
		add(mgr, cOthersListened, after(2, 96))
	}
	if r.chance(0.1) {
		if u := r.intn(len(s.users)); u != host {
			add(u, cOthersListened, after(1, 120))
		}
	}
	requested := r.chance(0.08)
	if requested {
		add(host, cRequestedFeedback, after(0.2, 24))
	}
	if p2 := r.float(); mgr >= 0 && ((requested && p2 < 0.7) || p2 < 0.06) {
		t := after(25, 100)
		add(mgr, cGaveFeedback, t)
		add(host, cReceivedFeedback, t)
	}
	if mgr >= 0 && r.chance(0.12) {
		t := after(1, 120)
		add(mgr, cMarkedGiven, t)
		add(host, cMarkedReceived, t)
	}
	if r.chance(0.1) {
		add(host, cSharedInternally, after(0.5, 72))
	}
	if !p.internal && r.chance(0.06) {
		add(host, cSharedExternally, after(0.5, 48))
	}
	return out
}

// eachCallEvents calls fn with the plan and events of every call that may
// have events in [from, to), in call order.
func (s *Sim) eachCallEvents(from, to time.Time, fn func(p *callPlan, evs []actEvent)) {
	recs := s.snapshot()
	lo := from.Add(-s.maxLag())
	s.scMu.RLock()
	defer s.scMu.RUnlock()
	var evs []actEvent
	for i := range recs {
		rec := &recs[i]
		if !rec.started.Before(to) {
			break
		}
		if rec.started.Before(lo) && !s.ascTouched[rec.id] {
			continue
		}
		p := s.plan(rec)
		asc := s.answeredOf(rec)
		evs = s.callEvents(p, asc, evs[:0])
		fn(p, evs)
	}
}

// period is a parsed stats date range: company-time midnights.
type period struct {
	from, to       time.Time
	fromDN, nDays  int64 // civil day number of from, number of days
	fromDay, toDay string
}

// civilDay is the number of days since 1970-01-01 of t's date in loc.
func civilDay(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

func (s *Sim) parseDate(name, v string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, v, s.loc)
	if err != nil {
		return t, errors.New(name + ": invalid date '" + v + "', expected YYYY-MM-DD")
	}
	return t, nil
}

// dateRange parses an optional (or, with required, mandatory) pair of
// YYYY-MM-DD dates into company-time midnights; zero = unbounded.
func (s *Sim) dateRange(fromName, toName string, from, to *string, required bool) (lo, hi time.Time, err error) {
	if from != nil && *from != "" {
		if lo, err = s.parseDate(fromName, *from); err != nil {
			return
		}
	} else if required {
		return lo, hi, errors.New(fromName + ": must not be null")
	}
	if to != nil && *to != "" {
		if hi, err = s.parseDate(toName, *to); err != nil {
			return
		}
	} else if required {
		return lo, hi, errors.New(toName + ": must not be null")
	}
	if !lo.IsZero() && !hi.IsZero() && !lo.Before(hi) {
		return lo, hi, errors.New(fromName + ": must be before " + toName)
	}
	return lo, hi, nil
}

// statsPeriod validates the filter dates of the activity and interaction
// endpoints: both required, toDate not after the current day.
func (s *Sim) statsPeriod(from, to *string, now time.Time) (period, error) {
	lo, hi, err := s.dateRange("filter.fromDate", "filter.toDate", from, to, true)
	if err != nil {
		return period{}, err
	}
	today := now.In(s.loc).Format(time.DateOnly)
	if hi.Format(time.DateOnly) > today {
		return period{}, errors.New("filter.toDate: must not be after the current day (" + today + " in " + s.cfg.TimeZone + ")")
	}
	p := period{from: lo, to: hi, fromDN: civilDay(lo, s.loc), fromDay: *from, toDay: *to}
	p.nDays = civilDay(hi, s.loc) - p.fromDN
	return p, nil
}

type userDays struct {
	days []DailyActivityWithDates
	any  bool
}

// activity computes the daily activity of every user with any in per
// (restricted to users when not nil), in user order.
func (s *Sim) activity(per period, users map[string]bool) (idx []int, out map[int]*userDays) {
	out = map[int]*userDays{}
	s.eachCallEvents(per.from, per.to, func(p *callPlan, evs []actEvent) {
		for _, ev := range evs {
			if ev.at.Before(per.from) || !ev.at.Before(per.to) || (users != nil && !users[s.users[ev.user].ID]) {
				continue
			}
			ud := out[ev.user]
			if ud == nil {
				ud = &userDays{days: make([]DailyActivityWithDates, per.nDays)}
				out[ev.user] = ud
			}
			d := &ud.days[civilDay(ev.at, s.loc)-per.fromDN]
			l := d.lists()[ev.ctr]
			if n := len(*l); n == 0 || (*l)[n-1] != p.rec.id {
				*l = append(*l, p.rec.id)
				ud.any = true
			}
		}
	})
	for u, ud := range out {
		if !ud.any {
			delete(out, u)
			continue
		}
		for k := range ud.days {
			d := &ud.days[k]
			y, m, dd := per.from.Date()
			day := time.Date(y, m, dd+k, 0, 0, 0, 0, s.loc)
			d.FromDate = day.Format(time.RFC3339)
			d.ToDate = time.Date(y, m, dd+k+1, 0, 0, 0, 0, s.loc).Format(time.RFC3339)
			for i, l := range d.lists() {
				if *l == nil {
					*l = []string{}
				}
				if hashKey(s.seed, stActivity, 1<<40, uint64(u), uint64(per.fromDN+int64(k)), uint64(i))%4 == 0 {
					d.bare |= 1 << i
				}
			}
		}
		idx = append(idx, u)
	}
	slices.Sort(idx)
	return idx, out
}

func (s *Sim) aggregateOf(per period, users map[string]bool) []UserAggregateActivity {
	idx, acts := s.activity(per, users)
	out := make([]UserAggregateActivity, len(idx))
	for i, u := range idx {
		out[i] = UserAggregateActivity{UserID: s.users[u].ID, UserEmailAddress: s.users[u].EmailAddress}
		cs := out[i].UserAggregateActivityStats.counters()
		for k := range acts[u].days {
			for c, l := range acts[u].days[k].lists() {
				*cs[c] += len(*l)
			}
		}
	}
	return out
}

func (s *Sim) dailyOf(per period, users map[string]bool) []UserDailyActivity {
	idx, acts := s.activity(per, users)
	out := make([]UserDailyActivity, len(idx))
	for i, u := range idx {
		out[i] = UserDailyActivity{UserID: s.users[u].ID, UserEmailAddress: s.users[u].EmailAddress,
			UserDailyActivityStats: acts[u].days}
	}
	return out
}

// interactionOf computes the interaction stats of every user who hosted a
// processed call that started in per, in user order.
func (s *Sim) interactionOf(per period, users map[string]bool) []UserInteractionStats {
	type acc struct {
		calls                 int
		monologue, story      float64
		interactivity, patien float64
		questions             int
		ms                    int64
	}
	accs := map[int]*acc{}
	sel := selector{personStats: true, questions: true}
	recs := s.snapshot()
	for i := range recs {
		rec := &recs[i]
		if rec.started.Before(per.from) || !rec.hasTranscript || (users != nil && !users[s.users[rec.host].ID]) {
			continue
		}
		if !rec.started.Before(per.to) {
			break
		}
		p := s.plan(rec)
		in := s.interaction(p, &sel)
		a := accs[rec.host]
		if a == nil {
			a = &acc{}
			accs[rec.host] = a
		}
		a.calls++
		for _, st := range in.InteractionStats {
			switch st.Name {
			case "Longest Monologue":
				a.monologue = max(a.monologue, st.Value)
			case "Longest Customer Story":
				a.story = max(a.story, st.Value)
			case "Interactivity":
				a.interactivity += st.Value
			case "Patience":
				a.patien += st.Value
			}
		}
		a.questions += in.Questions.CompanyCount
		a.ms += p.durMs
	}
	var out []UserInteractionStats
	for u := range s.users {
		a := accs[u]
		if a == nil {
			continue
		}
		n := float64(a.calls)
		out = append(out, UserInteractionStats{UserID: s.users[u].ID, UserEmailAddress: s.users[u].EmailAddress,
			PersonInteractionStats: []InteractionStat{
				{Name: "Longest Monologue", Value: a.monologue},
				{Name: "Longest Customer Story", Value: a.story},
				{Name: "Interactivity", Value: round(a.interactivity/n, 1)},
				{Name: "Patience", Value: round(a.patien/n, 2)},
				{Name: "Question Rate", Value: round(float64(a.questions)/max(float64(a.ms)/3.6e6, 1.0/60), 2)},
			}})
	}
	return out
}

// ActivityAggregate returns what POST /v2/stats/activity/aggregate serves
// (all pages) for fromDate..toDate (YYYY-MM-DD, company time zone, to
// exclusive) without userIds; nil if the API would answer 400 or 404.
func (s *Sim) ActivityAggregate(from, to string) []UserAggregateActivity {
	per, err := s.statsPeriod(&from, &to, s.now())
	if err != nil {
		return nil
	}
	return s.aggregateOf(per, nil)
}

// ActivityDaily returns what POST /v2/stats/activity/day-by-day serves (all
// pages) for fromDate..toDate without userIds; nil if the API would answer
// 400 or 404.
func (s *Sim) ActivityDaily(from, to string) []UserDailyActivity {
	per, err := s.statsPeriod(&from, &to, s.now())
	if err != nil {
		return nil
	}
	return s.dailyOf(per, nil)
}

// InteractionStats returns what POST /v2/stats/interaction serves (all
// pages) for fromDate..toDate without userIds; nil if the API would answer
// 400 or 404.
func (s *Sim) InteractionStats(from, to string) []UserInteractionStats {
	per, err := s.statsPeriod(&from, &to, s.now())
	if err != nil {
		return nil
	}
	return s.interactionOf(per, nil)
}

// readFilterBody reads a POST body {cursor?, filter*} whose filter must be
// a JSON object, decodes the filter into v and returns the cursor.
func (s *Sim) readFilterBody(r *http.Request, rq *request, v any) (string, *reply) {
	var body struct {
		Cursor *string        `json:"cursor"`
		Filter jsontext.Value `json:"filter"`
	}
	if rep := readBody(r, rq, &body); rep != nil {
		return "", rep
	}
	raw := bytes.TrimSpace(body.Filter)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", errReply(rq, http.StatusBadRequest, "filter: must not be null")
	case raw[0] != '{':
		return "", errReply(rq, http.StatusBadRequest, "filter: must be a JSON object")
	}
	if err := unmarshalStrict(raw, v); err != nil {
		return "", errReply(rq, http.StatusBadRequest, "Malformed request body: filter: "+err.Error())
	}
	if body.Cursor == nil {
		return "", nil
	}
	return *body.Cursor, nil
}

// cursorOrError decodes a cursor; a non-nil reply is the 400 to send.
func (s *Sim) cursorOrError(rq *request, tok, kind, hash string) (cursorClaims, *reply) {
	c, cerr := s.decodeCursor(tok, kind, hash, rq.now)
	if cerr != nil {
		rep := errReply(rq, http.StatusBadRequest, cerr.msg)
		rep.expired = cerr.expired
		return c, rep
	}
	return c, nil
}

// offsetPage cuts page `tok` of n records (offset cursors); a non-nil reply
// is an error to send.
func (s *Sim) offsetPage(rq *request, kind, hash, tok string, n int) (lo, hi int, recs Records, rep *reply) {
	claims := cursorClaims{Kind: kind, Filter: hash, Total: n, Iat: rq.now.UnixMilli(), Exp: rq.now.Add(s.cfg.CursorTTL).UnixMilli()}
	if tok != "" {
		if claims, rep = s.cursorOrError(rq, tok, kind, hash); rep != nil {
			return
		}
	}
	lo = claims.Offset
	if lo >= n {
		return 0, 0, recs, errReply(rq, http.StatusNotFound, "No stats found for the specified period")
	}
	hi = min(lo+PageSize, n)
	recs = Records{TotalRecords: n, CurrentPageSize: hi - lo, CurrentPageNumber: claims.Page}
	if hi < n {
		next := claims
		next.Page++
		next.Offset = hi
		recs.Cursor = s.encodeCursor(next)
	}
	return lo, hi, recs, nil
}

// hStats serves POST /v2/stats/activity/aggregate, …/day-by-day and
// /v2/stats/interaction.
func (s *Sim) hStats(kind string) handler {
	return func(r *http.Request, rq *request) *reply {
		var fj struct {
			FromDate            *string `json:"fromDate"`
			ToDate              *string `json:"toDate"`
			CreatedFromDateTime *string `json:"createdFromDateTime"`
			CreatedToDateTime   *string `json:"createdToDateTime"`
			UserIDs             idList  `json:"userIds"`
		}
		tok, rep := s.readFilterBody(r, rq, &fj)
		if rep != nil {
			return rep
		}
		per, err := s.statsPeriod(fj.FromDate, fj.ToDate, rq.now)
		if err != nil {
			return errReply(rq, http.StatusBadRequest, err.Error())
		}
		// Accepted and checked, but without effect (their semantics are
		// undocumented).
		for i, p := range []*string{fj.CreatedFromDateTime, fj.CreatedToDateTime} {
			if p != nil && *p != "" {
				if _, err := parseTime([]string{"filter.createdFromDateTime", "filter.createdToDateTime"}[i], *p); err != nil {
					return errReply(rq, http.StatusBadRequest, err.Error())
				}
			}
		}
		users := set(fj.UserIDs)
		for id := range users {
			if _, ok := s.userByID[id]; !ok {
				return errReply(rq, http.StatusNotFound, "User not found")
			}
		}
		hash := filterHash(kind, per.fromDay, per.toDay, sortedKeys(users))
		var (
			n    int
			page func(lo, hi int) any
		)
		switch kind {
		case "stats/activity/aggregate":
			all := s.aggregateOf(per, users)
			n = len(all)
			page = func(lo, hi int) any { return all[lo:hi] }
		case "stats/activity/day-by-day":
			all := s.dailyOf(per, users)
			n = len(all)
			page = func(lo, hi int) any { return all[lo:hi] }
		default:
			all := s.interactionOf(per, users)
			n = len(all)
			page = func(lo, hi int) any { return all[lo:hi] }
		}
		lo, hi, recs, rep := s.offsetPage(rq, kind, hash, tok, n)
		if rep != nil {
			return rep
		}
		from, to := per.from.Format(time.RFC3339), per.to.Format(time.RFC3339)
		switch kind {
		case "stats/activity/aggregate":
			return okReply(struct {
				RequestID    string                  `json:"requestId"`
				Records      Records                 `json:"records"`
				Users        []UserAggregateActivity `json:"usersAggregateActivityStats"`
				FromDateTime string                  `json:"fromDateTime"`
				ToDateTime   string                  `json:"toDateTime"`
				TimeZone     string                  `json:"timeZone"`
			}{rq.id, recs, page(lo, hi).([]UserAggregateActivity), from, to, s.cfg.TimeZone})
		case "stats/activity/day-by-day":
			return pooledReply(struct {
				RequestID string              `json:"requestId"`
				Records   Records             `json:"records"`
				Users     []UserDailyActivity `json:"usersDetailedActivities"`
			}{rq.id, recs, page(lo, hi).([]UserDailyActivity)})
		default:
			return okReply(struct {
				RequestID    string                 `json:"requestId"`
				Records      Records                `json:"records"`
				People       []UserInteractionStats `json:"peopleInteractionStats"`
				FromDateTime string                 `json:"fromDateTime"`
				ToDateTime   string                 `json:"toDateTime"`
				TimeZone     string                 `json:"timeZone"`
			}{rq.id, recs, page(lo, hi).([]UserInteractionStats), from, to, s.cfg.TimeZone})
		}
	}
}

// coachingOf computes the coaching data of manager mgr in workspace ws for
// [from, to) as seen at now.
func (s *Sim) coachingOf(ws, mgr int, from, to, now time.Time) CoachingData {
	cu := func(u int) CoachingUser {
		x := s.users[u]
		return CoachingUser{ID: x.ID, EmailAddress: x.EmailAddress, FirstName: x.FirstName, LastName: x.LastName, Title: x.Title}
	}
	out := CoachingData{Manager: cu(mgr), DirectReportsMetrics: []CoachingRepData{}}
	mgrID := s.users[mgr].ID
	var reports []int
	isReport := map[int]bool{}
	for u, x := range s.users {
		if x.ManagerID != nil && *x.ManagerID == mgrID {
			reports = append(reports, u)
			isReport[u] = true
		}
	}
	if len(reports) == 0 {
		return out
	}
	end := to
	if now.Before(end) {
		end = now
	}
	counts := map[int]map[string]int{}
	for _, u := range reports {
		counts[u] = map[string]int{}
	}
	if from.Before(end) {
		s.eachCallEvents(from, end, func(p *callPlan, evs []actEvent) {
			host := p.rec.host
			if p.rec.ws != ws || !isReport[host] {
				return
			}
			seen := map[string]bool{}
			for _, ev := range evs {
				if ev.at.Before(from) || !ev.at.Before(end) {
					continue
				}
				name := ""
				switch {
				case ev.user == host && ev.ctr == cAsHost:
					name = "callsHosted"
				case ev.user == mgr:
					for n, c := range coachingCounter {
						if c == ev.ctr {
							name = n
						}
					}
				}
				if name != "" && !seen[name] {
					seen[name] = true
					counts[host][name]++
				}
			}
		})
	}
	for _, u := range reports {
		m := make(map[string][]string, len(CoachingMetricNames))
		for _, n := range CoachingMetricNames {
			m[n] = []string{strconv.Itoa(counts[u][n])}
		}
		out.DirectReportsMetrics = append(out.DirectReportsMetrics, CoachingRepData{Report: cu(u), Metrics: m})
	}
	return out
}

// Coaching returns the coachingData GET /v2/coaching serves for a
// workspace, a manager and [from, to); nil if the workspace or the manager
// does not exist. A user who manages nobody gets one record with no
// directReportsMetrics.
func (s *Sim) Coaching(workspaceID, managerID string, from, to time.Time) []CoachingData {
	ws := slices.IndexFunc(s.workspaces, func(w Workspace) bool { return w.ID == workspaceID })
	mgr, ok := s.userByID[managerID]
	if ws < 0 || !ok || !from.Before(to) {
		return nil
	}
	return []CoachingData{s.coachingOf(ws, mgr, from, to, s.now())}
}

// GET /v2/coaching?workspace-id=&manager-id=&from=&to=
func (s *Sim) hCoaching(r *http.Request, rq *request) *reply {
	q := r.URL.Query()
	for _, k := range []string{"workspace-id", "manager-id", "from", "to"} {
		if q.Get(k) == "" {
			return errReply(rq, http.StatusBadRequest, "Required request parameter '"+k+"' is not present")
		}
	}
	for _, k := range []string{"workspace-id", "manager-id"} {
		if _, err := strconv.ParseInt(q.Get(k), 10, 64); err != nil {
			return errReply(rq, http.StatusBadRequest, k+": must be a number (int64), got '"+q.Get(k)+"'")
		}
	}
	from, err := parseTime("from", q.Get("from"))
	if err != nil {
		return errReply(rq, http.StatusBadRequest, err.Error())
	}
	to, err := parseTime("to", q.Get("to"))
	if err != nil {
		return errReply(rq, http.StatusBadRequest, err.Error())
	}
	if !from.Before(to) {
		return errReply(rq, http.StatusBadRequest, "from: must be before to")
	}
	ws := slices.IndexFunc(s.workspaces, func(w Workspace) bool { return w.ID == q.Get("workspace-id") })
	if ws < 0 {
		return errReply(rq, http.StatusNotFound, "Workspace not found")
	}
	mgr, ok := s.userByID[q.Get("manager-id")]
	if !ok {
		return errReply(rq, http.StatusNotFound, "User not found")
	}
	return okReply(struct {
		RequestID    string         `json:"requestId"`
		CoachingData []CoachingData `json:"coachingData"`
	}{rq.id, []CoachingData{s.coachingOf(ws, mgr, from, to, rq.now)}})
}
