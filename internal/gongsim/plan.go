package gongsim

import (
	"math"
	"strconv"
	"time"
)

// A call plan is everything about one call, derived deterministically from
// (seed, call key) and the stored record. Extensive records and transcripts
// are both rendered from it, which keeps them consistent: speaker IDs,
// talk times, question counts, topics and tracker occurrences all come from
// the same transcript skeleton.

type partyPlan struct {
	id, speakerID       string
	first, last         string
	email, title, phone string
	userIdx             int // -1 for people outside the company
	methods             []string
	speaks              bool
	weight              float64
	crmType, crmID      string
	department          string
	score               int
}

type callPlan struct {
	rec            callRec
	meta           CallBasicData
	conference     bool
	internal       bool
	acctIdx        int
	acct           account
	parties        []partyPlan
	n              int
	slotMs, leadMs int64
	durMs          int64
	ctx            textCtx
	skel           *skeleton
	hostIdx        int
}

type skSent struct {
	start, end int64 // ms from call start
	party      int8
	kind       uint8
	tracker    int8 // keyword tracker index (kKeyword*) or smart tracker index (kSmart)
	phrase     int8
	topic      int8 // index into skeleton.topics, -1 = null
	newMono    bool
}

type skeleton struct {
	topics []string // segment topics in call order
	segEnd []int    // sentence index where each segment ends (exclusive)
	sents  []skSent
	monos  []mono // monologues: runs of sentences with newMono at their start
}

// callHead is the part of a plan drawn first from the call's metadata
// stream: cheap to compute for scans that need only a call's kind and
// duration (answered scorecards).
type callHead struct {
	conference, internal bool
	acctIdx, n           int
	slotMs, leadMs       int64
	durMs                int64
}

// head draws the call head from r, the call's metadata stream, leaving r
// where plan goes on.
func (s *Sim) head(r *rng) callHead {
	s.basics(r) // host and workspace are stored in rec
	var h callHead
	h.conference = r.chance(0.7)
	h.internal = h.conference && r.chance(0.08)
	h.acctIdx = r.intn(s.nAccounts)
	h.n = max(1, int(math.Round(float64(s.cfg.Sentences)*r.uniform(0.4, 1.6))))
	h.slotMs = int64(r.between(3500, 8000))
	h.leadMs = int64(r.between(500, 15000))
	h.durMs = h.leadMs + int64(h.n)*h.slotMs + int64(r.between(1000, 20000))
	return h
}

// headOf returns a call's head as its plan has it (planParties turns an
// internal call of a company of one into an external one).
func (s *Sim) headOf(rec *callRec) callHead {
	r := newRNG(s.seed, stCallMeta, rec.key)
	h := s.head(&r)
	h.internal = h.internal && len(s.users) > 1
	return h
}

func (s *Sim) plan(rec *callRec) *callPlan {
	p := &callPlan{rec: *rec}
	r := newRNG(s.seed, stCallMeta, rec.key)
	h := s.head(&r)
	p.hostIdx = rec.host
	p.conference, p.internal = h.conference, h.internal
	p.acctIdx = h.acctIdx
	p.acct = s.account(p.acctIdx)
	p.n, p.slotMs, p.leadMs, p.durMs = h.n, h.slotMs, h.leadMs, h.durMs

	s.planParties(p)

	host := s.users[rec.host]
	co := s.company
	p.ctx = textCtx{acct: p.acct.name, co: co.name, prod: co.product, host: host.FirstName, industry: p.acct.industry}
	for _, pp := range p.parties[1:] {
		if pp.userIdx < 0 || p.internal {
			p.ctx.cust, p.ctx.custLast = pp.first, pp.last
			break
		}
	}
	if p.ctx.cust == "" {
		p.ctx.cust, p.ctx.custLast = "Alex", "Morgan"
	}

	m := CallBasicData{
		ID:            rec.id,
		URL:           "https://app.gong.io/call?id=" + rec.id,
		Started:       rec.startedStr,
		Duration:      (p.durMs + 999) / 1000,
		PrimaryUserID: host.ID,
		WorkspaceID:   s.workspaces[rec.ws].ID,
		Scope:         "External",
		Language:      "eng",
	}
	if p.internal {
		m.Scope = "Internal"
	}
	if r.chance(0.04) {
		m.Language = pick(&r, []string{"spa", "fre", "ger"})
	}
	if p.conference {
		m.Direction = "Conference"
		sys := r.weighted([]float64{conferenceSystems[0].weight, conferenceSystems[1].weight, conferenceSystems[2].weight, conferenceSystems[3].weight})
		m.System = conferenceSystems[sys].name
		m.Media = "Video"
		if r.chance(0.1) {
			m.Media = "Audio"
		}
		switch m.System {
		case "Zoom":
			m.MeetingURL = strp("https://zoom.us/j/" + r.digits(r.between(10, 11)))
		case "Google Meet":
			m.MeetingURL = strp("https://meet.google.com/" + r.token(3, "abcdefghijkmnopqrstuvwxyz") + "-" +
				r.token(4, "abcdefghijkmnopqrstuvwxyz") + "-" + r.token(3, "abcdefghijkmnopqrstuvwxyz"))
		case "Microsoft Teams":
			m.MeetingURL = strp("https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + r.token(48, alnum) + "%40thread.v2/0")
		default:
			m.MeetingURL = strp("https://" + s.company.slug + ".webex.com/meet/" + lowerAlnum(host.FirstName+host.LastName))
		}
		if m.System == "Microsoft Teams" {
			m.CalendarEventID = strp("AAMkAG" + r.token(40, alnum) + "=")
		} else {
			m.CalendarEventID = strp(r.token(26, "abcdefghijklmnopqrstuvwxyz0123456789") + "@google.com")
		}
		sched := rec.started.Truncate(15 * time.Minute)
		if r.chance(0.15) {
			sched = sched.Add(15 * time.Minute) // joined early
		}
		m.Scheduled = sched.In(s.loc).Format(time.RFC3339)
		if r.chance(0.1) {
			m.ClientUniqueID = strp(r.token(19, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
		}
		if p.internal {
			m.Title = pick(&r, tInternalTitles).render(&p.ctx, &r)
		} else {
			m.Title = pick(&r, tConfTitles).render(&p.ctx, &r)
		}
	} else {
		m.Direction = []string{"Outbound", "Inbound", "Unknown"}[r.weighted([]float64{70, 28, 2})]
		m.System = pick(&r, phoneSystems)
		m.Media = "Audio"
		m.Scheduled = rec.startedStr
		m.ClientUniqueID = strp(r.token(19, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
		if r.chance(0.6) {
			m.SdrDisposition = strp(pick(&r, sdrDispositions))
		}
		if m.Direction == "Inbound" {
			m.Title = pick(&r, tInboundTitles).render(&p.ctx, &r)
		} else {
			m.Title = pick(&r, tOutboundTitles).render(&p.ctx, &r)
		}
	}
	if r.chance(0.3) {
		m.Purpose = strp(pick(&r, callPurposes))
	}
	if r.chance(0.08) {
		m.CustomData = strp(pick(&r, []string{"Conference Call", "Imported from dialer", "campaign=Q3-outbound"}))
	}
	m.IsPrivate = r.chance(0.03)
	p.meta = m
	return p
}

func (s *Sim) userCRMID(i int) string {
	r := newRNG(s.seed, stUsers, 1<<32+uint64(i))
	return sfID(&r, "005")
}

func (s *Sim) planParties(p *callPlan) {
	r := newRNG(s.seed, stParties, p.rec.key)
	internalParty := func(ui int) partyPlan {
		u := s.users[ui]
		pp := partyPlan{id: r.idString(), speakerID: r.idString(), first: u.FirstName, last: u.LastName,
			email: u.EmailAddress, userIdx: ui, crmType: "User", crmID: s.userCRMID(ui), department: "sales"}
		if u.Title != nil {
			pp.title = *u.Title
		}
		if u.PhoneNumber != nil && !p.conference {
			pp.phone = *u.PhoneNumber
		}
		return pp
	}
	host := internalParty(p.rec.host)
	host.speaks, host.weight = true, 4
	p.parties = append(p.parties, host)

	nColleagues := 0
	switch {
	case p.internal:
		nColleagues = r.between(1, 3)
	case p.conference:
		nColleagues = []int{0, 1, 2}[r.weighted([]float64{55, 35, 10})]
	}
	nColleagues = min(nColleagues, len(s.users)-1)
	used := map[int]bool{p.rec.host: true}
	for range nColleagues {
		ui := r.intn(len(s.users))
		for used[ui] {
			ui = (ui + 1) % len(s.users)
		}
		used[ui] = true
		pp := internalParty(ui)
		pp.speaks, pp.weight = r.chance(0.7), 1.5
		p.parties = append(p.parties, pp)
	}
	if p.internal && len(p.parties) == 1 {
		p.internal = false // a company of one cannot hold an internal meeting
	}

	nExt := 0
	switch {
	case p.internal:
	case p.conference:
		nExt = []int{1, 2, 3}[r.weighted([]float64{45, 35, 20})]
	default:
		nExt = 1
	}
	nExt = min(nExt, p.acct.contacts, 6-len(p.parties))
	first := r.intn(p.acct.contacts)
	for k := range nExt {
		ci := (first + k) % p.acct.contacts
		c := s.contact(p.acctIdx, ci, &p.acct)
		pp := partyPlan{id: r.idString(), speakerID: r.idString(), first: c.first, last: c.last, email: c.email,
			title: c.title, userIdx: -1, crmType: c.crmType, crmID: c.crmID, department: c.department, score: c.score}
		if !p.conference {
			pp.phone = c.phone
			if pp.phone == "" {
				pp.phone = "+1 " + strconv.Itoa(r.between(201, 989)) + "-555-0" + r.digits(3)
			}
			if r.chance(0.3) {
				pp.email = "" // dialed number only
			}
		}
		pp.speaks, pp.weight = k == 0 || r.chance(0.85), 3
		if k == 0 {
			pp.weight = 4
		}
		p.parties = append(p.parties, pp)
	}
	for i := range p.parties {
		pp := &p.parties[i]
		switch {
		case !p.conference:
			pp.methods = []string{"Attendee"}
		case !pp.speaks && r.chance(0.6):
			pp.methods = []string{"Invitee"}
		case pp.userIdx < 0 && r.chance(0.1):
			pp.methods = []string{"Attendee"}
		default:
			pp.methods = []string{"Invitee", "Attendee"}
		}
	}
}

// skeleton returns the call's transcript skeleton: who says what kind of
// sentence when, and about which topic and tracker. Text is added only when
// the transcript is rendered.
func (p *callPlan) skeleton(s *Sim) *skeleton {
	if p.skel != nil {
		return p.skel
	}
	r := newRNG(s.seed, stSkeleton, p.rec.key)
	sk := &skeleton{}
	var w []float64
	add := func(t string, weight float64) { sk.topics = append(sk.topics, t); w = append(w, weight) }
	if r.chance(0.85) {
		add(openingTopics[0], 0.4)
	}
	if r.chance(0.6) {
		add(openingTopics[1], 0.6)
	}
	mid := r.between(1, 4)
	start := r.intn(len(middleTopics))
	step := 1 + r.intn(3) // 8 topics: steps 1-3 give distinct picks for up to 4 topics
	for k := range mid {
		add(middleTopics[(start+k*step)%len(middleTopics)], r.uniform(1.5, 3))
	}
	if r.chance(0.9) {
		add(closingTopics[0], 0.7)
	}
	if r.chance(0.5) {
		add(closingTopics[1], 0.3)
	}
	var total float64
	for _, x := range w {
		total += x
	}
	var cum float64
	for _, x := range w {
		cum += x
		sk.segEnd = append(sk.segEnd, int(math.Round(float64(p.n)*cum/total)))
	}
	sk.segEnd[len(sk.segEnd)-1] = p.n

	// Speakers and the trackers likely in each topic.
	var speakers []int
	var weights []float64
	for i, pp := range p.parties {
		if pp.speaks {
			speakers = append(speakers, i)
			weights = append(weights, pp.weight)
		}
	}
	kwWeights := make([][]float64, len(sk.topics))
	for ti, t := range sk.topics {
		kwWeights[ti] = make([]float64, len(keywordTrackers))
		for k, kt := range keywordTrackers {
			kwWeights[ti][k] = 1
			if kt.topic == t {
				kwWeights[ti][k] = 5
			}
		}
	}

	sk.sents = make([]skSent, p.n)
	seg, prev, remaining := 0, -1, 0
	cur, nMonos := 0, 0
	nullTopic := false
	for i := range p.n {
		for i >= sk.segEnd[seg] {
			seg++
		}
		newMono := false
		if remaining == 0 {
			sp := speakers[r.weighted(weights)]
			if sp == prev && len(speakers) > 1 {
				sp = speakers[r.weighted(weights)]
				if sp == prev {
					for _, x := range speakers {
						if x != prev {
							sp = x
							break
						}
					}
				}
			}
			cur = sp
			cont := 0.65
			if p.parties[sp].userIdx < 0 {
				cont = 0.6
			}
			remaining = 1
			for remaining < 12 && r.chance(cont) {
				remaining++
			}
			newMono = true
		}
		if i == 0 || (i > 0 && i == sk.segEnd[max(0, seg-1)] && seg > 0) {
			newMono = true
		}
		if newMono {
			nullTopic = r.chance(0.06)
		}
		remaining--
		prev = cur
		seller := p.parties[cur].userIdx >= 0
		st := skSent{party: int8(cur), topic: int8(seg), newMono: newMono, tracker: -1, phrase: -1}
		if nullTopic {
			st.topic = -1
		}
		x := r.float()
		qp := 0.06
		if seller {
			qp = 0.09
		}
		switch {
		case x < 0.11:
			st.kind = kBackchannel
		case x < 0.11+qp:
			st.kind = kQuestion
		case x < 0.11+qp+0.035:
			st.kind = kKeyword
			st.tracker = int8(r.weighted(kwWeights[seg]))
			st.phrase = int8(r.intn(len(keywordTrackers[st.tracker].phrases)))
			if r.chance(0.25) {
				st.kind = kKeywordQuestion
			}
		case x < 0.11+qp+0.035+0.02:
			st.kind = kSmart
			st.tracker = int8(r.intn(len(smartTrackers)))
		default:
			st.kind = kStatement
		}
		base := p.leadMs + int64(i)*p.slotMs
		st.start = base + int64(r.intn(int(p.slotMs/20)+1))
		frac := r.uniform(0.72, 0.92)
		if st.kind == kBackchannel {
			frac = r.uniform(0.12, 0.3)
		}
		st.end = st.start + max(1, int64(float64(p.slotMs)*frac))
		sk.sents[i] = st
		if newMono {
			nMonos++
		}
	}
	sk.monos = make([]mono, 0, nMonos)
	for i, st := range sk.sents {
		if st.newMono {
			sk.monos = append(sk.monos, mono{first: i, last: i, party: int(st.party), topic: int(st.topic)})
		} else {
			sk.monos[len(sk.monos)-1].last = i
		}
	}
	p.skel = sk
	return sk
}

// appendTranscript writes the call's transcript record as JSON and returns
// the number of sentences written.
func (s *Sim) appendTranscript(b []byte, p *callPlan) ([]byte, int) {
	sk := p.skeleton(s)
	r := newRNG(s.seed, stText, p.rec.key)
	ctx := p.ctx
	b = append(b, `{"callId":"`...)
	b = append(b, p.rec.id...)
	b = append(b, `","transcript":[`...)
	for i := range sk.sents {
		st := &sk.sents[i]
		if st.newMono {
			if i > 0 {
				b = append(b, "]},"...)
			}
			b = append(b, `{"speakerId":"`...)
			b = append(b, p.parties[st.party].speakerID...)
			b = append(b, `","topic":`...)
			if st.topic < 0 {
				b = append(b, "null"...)
			} else {
				b = append(b, '"')
				b = append(b, sk.topics[st.topic]...)
				b = append(b, '"')
			}
			b = append(b, `,"sentences":[`...)
		} else {
			b = append(b, ',')
		}
		b = append(b, `{"start":`...)
		b = strconv.AppendInt(b, st.start, 10)
		b = append(b, `,"end":`...)
		b = strconv.AppendInt(b, st.end, 10)
		b = append(b, `,"text":"`...)
		b = appendSentence(b, st.kind, p.parties[st.party].userIdx >= 0, st.tracker, st.phrase, &ctx, &r)
		b = append(b, `"}`...)
	}
	if len(sk.sents) > 0 {
		b = append(b, "]}"...)
	}
	b = append(b, "]}"...)
	return b, len(sk.sents)
}

// selector is a parsed contentSelector.
type selector struct {
	context                                            string // None, Basic, Extended
	timing                                             []string
	parties                                            bool
	structure, topics, trackers, trackerOcc            bool
	brief, outline, highlights, callOutcome, keyPoints bool
	speakers, video, personStats, questions            bool
	comments, media                                    bool
}

func (sel *selector) anyContent() bool {
	return sel.structure || sel.topics || sel.trackers || sel.brief || sel.outline || sel.highlights ||
		sel.callOutcome || sel.keyPoints
}

func (sel *selector) anyInteraction() bool {
	return sel.speakers || sel.video || sel.personStats || sel.questions
}

// selectAll is what Sim.Calls reports: every part, CRM context with both timings.
var selectAll = selector{context: "Extended", timing: []string{"Now", "TimeOfCall"}, parties: true,
	structure: true, topics: true, trackers: true, trackerOcc: true, brief: true, outline: true, highlights: true,
	callOutcome: true, keyPoints: true, speakers: true, video: true, personStats: true, questions: true,
	comments: true, media: true}
