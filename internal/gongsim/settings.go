package gongsim

import (
	"slices"
	"strconv"
	"time"
)

// Company settings: scorecards (with question revisions, so that answers
// name the revision current at review time), keyword trackers and call
// outcomes. Generated at New from their own streams.

type questionDef struct {
	text     string
	typ      string // RANGE, SINGLE_SELECT, MULTIPLE_SELECT, OPEN_TEXT
	overall  bool
	min, max int
	options  []string
	guide    string
}

type scorecardDef struct {
	name      string
	method    string // MANUAL or AUTOMATIC
	enabled   bool
	ws        int    // workspace index (1 only exists with 10+ users)
	use       string // calls it is filled on: conference, phone or any (external calls)
	questions []questionDef
}

var (
	yesNo      = []string{"Yes", "No", "Partially"}
	meddic     = []string{"Metrics", "Economic buyer", "Decision criteria", "Decision process", "Identified pain", "Champion"}
	demoFocus  = []string{"Tailored to the use case", "Generic tour", "Too feature-heavy", "Skipped"}
	objections = []string{"Price", "Timing", "Competitor", "No budget", "Not the decision maker", "None raised"}
)

var scorecardDefs = []scorecardDef{
	{"Discovery Call Scorecard", "MANUAL", true, 0, "conference", []questionDef{
		{text: "Overall, how effective was this discovery call?", typ: "RANGE", overall: true, min: 1, max: 5,
			guide: "5 = textbook discovery, 1 = no discovery at all"},
		{text: "Did the rep uncover the customer's business pain?", typ: "RANGE", min: 1, max: 5},
		{text: "Which qualification criteria were covered?", typ: "MULTIPLE_SELECT", options: meddic},
		{text: "Were next steps agreed with a date?", typ: "SINGLE_SELECT", options: yesNo},
		{text: "What should the rep do differently next time?", typ: "OPEN_TEXT"},
	}},
	{"Demo Scorecard", "MANUAL", true, 0, "conference", []questionDef{
		{text: "Overall demo quality", typ: "RANGE", overall: true, min: 1, max: 10},
		{text: "How was the demo focused?", typ: "SINGLE_SELECT", options: demoFocus},
		{text: "Did the rep handle objections well?", typ: "RANGE", min: 1, max: 5, guide: "Listen for pricing and competitor questions"},
		{text: "Notes for the account team", typ: "OPEN_TEXT"},
	}},
	{"SDR Cold Call Scorecard", "MANUAL", true, 0, "phone", []questionDef{
		{text: "How do you evaluate the SDR's overall performance in the call?", typ: "RANGE", overall: true, min: 1, max: 5},
		{text: "Opening: did the SDR earn the right to continue?", typ: "RANGE", min: 1, max: 5, guide: "Answer is in the small talk"},
		{text: "Which objections came up?", typ: "MULTIPLE_SELECT", options: objections},
		{text: "Was a meeting booked?", typ: "SINGLE_SELECT", options: yesNo[:2]},
	}},
	{"AI Call Review", "AUTOMATIC", true, 0, "any", []questionDef{
		{text: "Did the rep set an agenda at the start of the call?", typ: "RANGE", min: 1, max: 5},
		{text: "Did the rep confirm next steps?", typ: "SINGLE_SELECT", options: yesNo[:2]},
		{text: "Talk-listen balance", typ: "RANGE", min: 1, max: 5},
	}},
	{"QBR Scorecard (legacy)", "MANUAL", false, 0, "conference", []questionDef{
		{text: "Overall QBR rating", typ: "RANGE", overall: true, min: 1, max: 5},
		{text: "Was the renewal risk discussed?", typ: "SINGLE_SELECT", options: yesNo},
	}},
	{"EMEA Discovery Scorecard", "MANUAL", true, 1, "conference", []questionDef{
		{text: "Overall discovery rating", typ: "RANGE", overall: true, min: 1, max: 5},
		{text: "Were data residency and GDPR requirements covered?", typ: "SINGLE_SELECT", options: yesNo},
		{text: "Which stakeholders were identified?", typ: "MULTIPLE_SELECT", options: []string{"IT", "Legal", "Finance", "Sales leadership"}},
		{text: "Coaching notes", typ: "OPEN_TEXT"},
	}},
	{"EMEA AI Review", "AUTOMATIC", true, 1, "any", []questionDef{
		{text: "Did the rep ask open questions?", typ: "RANGE", min: 1, max: 5},
		{text: "Did the rep confirm next steps?", typ: "SINGLE_SELECT", options: yesNo[:2]},
	}},
	{"EMEA Renewal Checklist (old)", "MANUAL", false, 1, "any", []questionDef{
		{text: "Renewal readiness", typ: "RANGE", min: 1, max: 10},
	}},
}

var reviewComments = []string{
	"Good rapport, but the agenda came late.",
	"Strong discovery; dig deeper on the budget next time.",
	"Let the customer talk more in the first ten minutes.",
	"Great handling of the pricing objection.",
	"Confirm the decision process before the demo.",
	"Next steps were vague; always leave with a date.",
	"Excellent multi-threading with the technical team.",
	"Too much product talk before understanding the pain.",
}

var aiComments = []string{
	"The rep stated the agenda within the first two minutes.",
	"Next steps were confirmed with a date and owners.",
	"The rep spoke for most of the call; consider more open questions.",
	"No agenda was set at the start of the call.",
	"The customer was asked about timeline and budget.",
}

// qRev is one revision of a question, in force from `from`.
type qRev struct {
	id   string
	text string
	from time.Time
}

type scorecardRec struct {
	def  *scorecardDef
	ws   int
	sc   Scorecard // as served (current revisions)
	revs [][]qRev  // per question, oldest first
}

func (s *Sim) genScorecards() {
	r := newRNG(s.seed, stScorecards)
	start := s.anchor.Add(-time.Duration(s.cfg.Days) * 24 * time.Hour)
	for i := range scorecardDefs {
		d := &scorecardDefs[i]
		if d.ws >= len(s.workspaces) {
			continue
		}
		created := start.Add(-time.Duration(r.between(30, 700)) * 24 * time.Hour).Add(time.Duration(r.intn(86400)) * time.Second)
		created = created.Truncate(time.Second)
		updated := created
		updater := "-1"
		if d.method == "MANUAL" && r.chance(0.6) {
			updated = created.Add(time.Duration(r.between(1, 20)) * 24 * time.Hour)
			updater = s.users[s.adminUser(&r)].ID
		}
		if !d.enabled {
			updated = start.Add(-time.Duration(r.between(1, 20)) * 24 * time.Hour).Truncate(time.Second)
		}
		rec := &scorecardRec{def: d, ws: d.ws, sc: Scorecard{
			ScorecardID:   s.uniqueID(&r),
			ScorecardName: d.name,
			WorkspaceID:   s.workspaces[d.ws].ID,
			Enabled:       d.enabled,
			UpdaterUserID: updater,
			Created:       s.fmtTime(created, 0),
			Updated:       s.fmtTime(updated, 0),
			ReviewMethod:  d.method,
		}}
		for _, q := range d.questions {
			sq := ScorecardQuestion{
				QuestionID:         s.uniqueID(&r),
				QuestionRevisionID: s.uniqueID(&r),
				QuestionText:       q.text,
				IsOverall:          q.overall,
				UpdaterUserID:      updater,
				QuestionType:       q.typ,
				AnswerOptions:      []QuestionOption{},
				Created:            rec.sc.Created,
				Updated:            rec.sc.Updated,
			}
			if q.guide != "" {
				sq.AnswerGuide = strp(q.guide)
			}
			if q.typ == "RANGE" {
				sq.MinRange, sq.MaxRange = strp(strconv.Itoa(q.min)), strp(strconv.Itoa(q.max))
			}
			for k, o := range q.options {
				sq.AnswerOptions = append(sq.AnswerOptions, QuestionOption{ID: int32(k + 1), Text: o})
			}
			rec.sc.Questions = append(rec.sc.Questions, sq)
			rec.revs = append(rec.revs, []qRev{{id: sq.QuestionRevisionID, text: q.text, from: created}})
		}
		s.scorecards = append(s.scorecards, rec)
	}
	s.ascEdited = map[string]ascRec{}
	s.ascAdded = map[string][]ascRec{}
	s.ascTouched = map[string]bool{}
}

// randInDay draws an offset within a day, with microseconds.
func randInDay(r *rng) time.Duration {
	return time.Duration(r.intn(86400))*time.Second + time.Duration(r.intn(1_000_000))*time.Microsecond
}

// adminUser draws who edits settings: the VP or a manager.
func (s *Sim) adminUser(r *rng) int {
	nMgr := s.managerCount()
	return r.intn(nMgr + 1)
}

// managerCount is the number of first-line managers (users 1..n).
func (s *Sim) managerCount() int {
	if n := len(s.users); n > 2 {
		return max(1, (n-1)/7)
	}
	return 0
}

// Scorecards returns what GET /v2/settings/scorecards serves.
func (s *Sim) Scorecards() []Scorecard {
	s.scMu.RLock()
	defer s.scMu.RUnlock()
	out := make([]Scorecard, len(s.scorecards))
	for i, sc := range s.scorecards {
		out[i] = sc.sc
		out[i].Questions = slices.Clone(sc.sc.Questions)
	}
	return out
}

// EditScorecard revises a scorecard as a user editing it in Gong would: its
// first question gets a new questionRevisionId and text, and updated and
// updaterUserId change (updated = Now). Answers reviewed from then on name
// the new revision; earlier answers keep theirs. False if no such
// scorecard.
func (s *Sim) EditScorecard(scorecardID string) (Scorecard, bool) {
	now := s.now().Round(0)
	s.scMu.Lock()
	defer s.scMu.Unlock()
	for _, sc := range s.scorecards {
		if sc.sc.ScorecardID != scorecardID {
			continue
		}
		s.scEditCount++
		r := newRNG(s.seed, stScorecards, 1<<32, s.scEditCount)
		var id string
		s.mu.Lock()
		id = s.uniqueID(&r)
		s.mu.Unlock()
		q := &sc.sc.Questions[0]
		n := len(sc.revs[0]) + 1
		text := sc.def.questions[0].text + " (rev. " + strconv.Itoa(n) + ")"
		sc.revs[0] = append(sc.revs[0], qRev{id: id, text: text, from: now})
		updater := s.users[s.adminUser(&r)].ID
		stamp := s.fmtTime(now, 0)
		q.QuestionRevisionID, q.QuestionText, q.UpdaterUserID, q.Updated = id, text, updater, stamp
		sc.sc.UpdaterUserID, sc.sc.Updated = updater, stamp
		out := sc.sc
		out.Questions = slices.Clone(sc.sc.Questions)
		return out, true
	}
	return Scorecard{}, false
}

// revisionAt returns the revision of question q of sc in force at t.
func (sc *scorecardRec) revisionAt(q int, t time.Time) qRev {
	revs := sc.revs[q]
	out := revs[0]
	for _, rv := range revs[1:] {
		if !rv.from.After(t) {
			out = rv
		}
	}
	return out
}

// genTrackerSettings lists the keyword trackers the calls mention (same IDs
// and names, in the first workspace) and, with a second workspace, a few of
// its own that calls never mention.
func (s *Sim) genTrackerSettings() {
	r := newRNG(s.seed, stTrackerSettings)
	companyStart := s.anchor.Add(-time.Duration(4*365+30) * 24 * time.Hour)
	start := s.anchor.Add(-time.Duration(s.cfg.Days) * 24 * time.Hour)
	stamp := func(t time.Time) string { return s.fmtTime(t, 6) }
	for k, td := range s.trackers {
		if !td.keyword {
			continue
		}
		created := companyStart.Add(randInDay(&r))
		kt := KeywordTracker{
			TrackerID:        td.id,
			TrackerName:      td.name,
			WorkspaceID:      s.workspaces[0].ID,
			LanguageKeywords: []TrackerLanguageKeyword{{Language: "eng", Keywords: slices.Clone(td.phrases), IncludeRelatedForms: r.chance(0.6)}},
			Affiliation:      "Anyone",
			SaidAt:           "Anytime",
			SaidInTopics:     []string{},
			FilterQuery:      "{}",
			Created:          stamp(created),
			Updated:          stamp(created),
		}
		if td.name == "Competitors" {
			// Brand names are the same in every language.
			kt.LanguageKeywords[0].Language = "mul"
			kt.LanguageKeywords[0].IncludeRelatedForms = false
		}
		if k >= 2 { // the first two are Gong's built-ins; the rest were created by users
			created = start.Add(-time.Duration(r.between(40, 900)) * 24 * time.Hour).Add(randInDay(&r))
			creator := s.users[s.adminUser(&r)].ID
			kt.Created, kt.CreatorUserID = stamp(created), strp(creator)
			updated, updater := created, creator
			if r.chance(0.5) {
				updated = created.Add(time.Duration(r.between(1, 30)) * 24 * time.Hour)
				updater = s.users[s.adminUser(&r)].ID
			}
			kt.Updated, kt.UpdaterUserID = stamp(updated), strp(updater)
		}
		s.trackerSettings = append(s.trackerSettings, kt)
	}
	if len(s.workspaces) < 2 {
		return
	}
	extra := []KeywordTracker{
		{TrackerName: "Data residency", LanguageKeywords: []TrackerLanguageKeyword{
			{Language: "eng", Keywords: []string{"data residency", "EU data center", "Schrems"}, IncludeRelatedForms: true},
			{Language: "ger", Keywords: []string{"Datenschutz", "Rechenzentrum"}, IncludeRelatedForms: true}},
			Affiliation: "NonCompany", SaidAt: "Anytime", SaidInTopics: []string{"Security"}, FilterQuery: "{}"},
		{TrackerName: "Opening pitch", LanguageKeywords: []TrackerLanguageKeyword{
			{Language: "eng", Keywords: []string{"reason for my call", "quick question"}, IncludeRelatedForms: false}},
			Affiliation: "Company", SaidAt: "First", SaidAtInterval: new(int), SaidAtUnit: strp("minutes"),
			SaidInTopics: []string{}, FilterQuery: `{"type":"And","filters":[{"type":"CallDirection","terms":["OUTBOUND"]}]}`},
		{TrackerName: "Discount asked", LanguageKeywords: []TrackerLanguageKeyword{
			{Language: "eng", Keywords: []string{"discount", "better price"}, IncludeRelatedForms: true},
			{Language: "fre", Keywords: []string{"remise", "réduction"}, IncludeRelatedForms: true}},
			Affiliation: "NonCompany", PartOfQuestion: true, SaidAt: "Last", SaidAtInterval: new(int), SaidAtUnit: strp("percent"),
			SaidInTopics: []string{"Pricing"}, FilterQuery: "{}"},
	}
	*extra[1].SaidAtInterval = 5
	*extra[2].SaidAtInterval = 20
	for _, kt := range extra {
		created := start.Add(-time.Duration(r.between(40, 400)) * 24 * time.Hour).Add(randInDay(&r))
		creator := s.users[s.adminUser(&r)].ID
		kt.TrackerID = s.uniqueID(&r)
		kt.WorkspaceID = s.workspaces[1].ID
		kt.Created, kt.Updated = stamp(created), stamp(created)
		kt.CreatorUserID, kt.UpdaterUserID = strp(creator), strp(creator)
		s.trackerSettings = append(s.trackerSettings, kt)
	}
}

// Trackers returns the keyword trackers of every workspace as GET
// /v2/settings/trackers serves them without workspaceId.
func (s *Sim) Trackers() []KeywordTracker { return slices.Clone(s.trackerSettings) }

// outcomeSettings are the dialer settings of the outcomes calls carry
// (vocab callOutcomes), plus outcomes no generated call has.
var outcomeSettings = []struct {
	name, connect, sentiment, todo, category string
	optOut                                   bool
}{
	{"Meeting booked", "CONNECTED", "POSITIVE", "COMPLETE_AND_REMOVE", "ANSWERED", false},
	{"Interested", "CONNECTED", "POSITIVE", "COMPLETE", "ANSWERED", false},
	{"Follow-up required", "CONNECTED", "NEUTRAL", "COMPLETE", "ANSWERED", false},
	{"Demo completed", "CONNECTED", "POSITIVE", "COMPLETE_AND_REMOVE", "ANSWERED", false},
	{"Not interested", "CONNECTED", "NEGATIVE", "COMPLETE_AND_REMOVE", "ANSWERED", true},
	{"Bad persona", "CONNECTED", "NEGATIVE", "COMPLETE_AND_REMOVE", "ANSWERED", false},
	{"Left voicemail", "NOT_CONNECTED", "NEUTRAL", "COMPLETE", "NOT_ANSWERED", false},
	{"No answer", "NOT_CONNECTED", "NEUTRAL", "COMPLETE", "NOT_ANSWERED", false},
	{"Wrong number", "NOT_CONNECTED", "NEGATIVE", "COMPLETE_AND_REMOVE", "NOT_ANSWERED", true},
}

// CallOutcomes returns what GET /v2/call-outcomes serves: every outcome a
// call's content.callOutcome.name can hold, and a few more.
func (s *Sim) CallOutcomes() []CallOutcomeDto {
	out := make([]CallOutcomeDto, len(outcomeSettings))
	for i, o := range outcomeSettings {
		out[i] = CallOutcomeDto{CallOutcome: o.name, DisplayOrder: i + 1, ConnectStatus: o.connect,
			Sentiment: o.sentiment, TodoAction: o.todo, Category: o.category}
		if o.optOut {
			out[i].Automation = strp("MARK_AS_OPT_OUT")
		}
	}
	return out
}
