package gongsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
	"time"
)

// Rendering of extensive call records from a plan and a content selector.

// Content sub-streams: each part draws from its own stream so that what is
// generated never depends on which parts a request selected.
const (
	csBrief uint64 = iota + 1
	csOutline
	csHighlights
	csOutcome
	csKeyPoints
	csComments
	csVideo
	csContext
)

func (s *Sim) buildCall(p *callPlan, sel *selector, base string, now time.Time) Call {
	c := Call{MetaData: p.meta}
	if sel.context == "Basic" || sel.context == "Extended" {
		c.Context = s.callContext(p, sel)
	}
	if sel.parties {
		c.Parties = s.partiesOf(p, sel)
	}
	if sel.anyContent() {
		c.Content = s.content(p, sel)
	}
	if sel.anyInteraction() {
		c.Interaction = s.interaction(p, sel)
	}
	if sel.comments {
		c.Collaboration = &CallCollaboration{PublicComments: s.comments(p)}
	}
	if sel.media {
		c.Media = s.media(p, base, now)
	}
	return c
}

func (s *Sim) callContext(p *callPlan, sel *selector) []CallContext {
	if p.internal {
		return []CallContext{}
	}
	a := &p.acct
	if sel.context == "Basic" {
		return []CallContext{{System: "Salesforce", Objects: []ContextObject{
			{ObjectType: "Opportunity", ObjectID: a.oppID},
			{ObjectType: "Account", ObjectID: a.acctID},
		}}}
	}
	var objs []ContextObject
	for _, timing := range sel.timing {
		stage := a.stageNow
		amount := a.amount
		if timing == "TimeOfCall" {
			back := int(p.rec.key % 3)
			stage = max(0, stage-back)
			if back > 0 {
				amount = math.Round(amount*0.8*100) / 100
			}
		}
		var competitor any
		if a.competitor != nil {
			competitor = *a.competitor
		}
		strategic := "false"
		if a.strategic {
			strategic = "true"
		}
		objs = append(objs, ContextObject{ObjectType: "Opportunity", ObjectID: a.oppID, Timing: timing, Fields: []ContextField{
			{Name: "Name", Value: a.name + " - " + s.company.product},
			{Name: "LeadSource", Value: a.leadSource},
			{Name: "Type", Value: a.oppType},
			{Name: "StageName", Value: stageNames[stage]},
			{Name: "Probability", Value: []int{10, 20, 30, 50, 70, 80, 100}[stage]},
			{Name: "Amount", Value: amount},
			{Name: "CloseDate", Value: a.closeDate},
			{Name: "ForecastCategoryName", Value: a.forecast},
			{Name: "Primary_Competitor__c", Value: competitor},
			{Name: "Is_Strategic__c", Value: strategic},
		}})
		objs = append(objs, ContextObject{ObjectType: "Account", ObjectID: a.acctID, Timing: timing, Fields: []ContextField{
			{Name: "Name", Value: a.name},
			{Name: "Website", Value: "https://www." + a.domain},
			{Name: "Industry", Value: a.industry},
			{Name: "NumberOfEmployees", Value: a.employees},
			{Name: "AnnualRevenue", Value: a.revenue},
			{Name: "Customer_Tier__c", Value: a.tier},
		}})
	}
	return []CallContext{{System: "Salesforce", Objects: objs}}
}

func (s *Sim) partiesOf(p *callPlan, sel *selector) []Party {
	out := make([]Party, len(p.parties))
	for i := range p.parties {
		pp := &p.parties[i]
		pt := Party{
			ID:           pp.id,
			EmailAddress: pp.email,
			Name:         pp.first + " " + pp.last,
			Title:        pp.title,
			SpeakerID:    pp.speakerID,
			Affiliation:  "External",
			PhoneNumber:  pp.phone,
			Methods:      pp.methods,
		}
		if pp.userIdx >= 0 {
			pt.UserID = s.users[pp.userIdx].ID
			pt.Affiliation = "Internal"
		}
		switch sel.context {
		case "Basic":
			pt.Context = []CallContext{{System: "Salesforce", Objects: []ContextObject{{ObjectType: pp.crmType, ObjectID: pp.crmID}}}}
		case "Extended":
			var objs []ContextObject
			for _, timing := range sel.timing {
				var fields []ContextField
				if pp.userIdx >= 0 {
					fields = []ContextField{{Name: "Department", Value: "Sales"}, {Name: "IsActive", Value: "true"}}
				} else {
					var title any
					if pp.title != "" {
						title = pp.title
					}
					fields = []ContextField{{Name: "Title", Value: title}, {Name: "Department", Value: pp.department},
						{Name: "Lead_Score__c", Value: pp.score}}
				}
				objs = append(objs, ContextObject{ObjectType: pp.crmType, ObjectID: pp.crmID, Fields: fields, Timing: timing})
			}
			pt.Context = []CallContext{{System: "Salesforce", Objects: objs}}
		}
		out[i] = pt
	}
	return out
}

type mono struct {
	first, last int // sentence indexes, inclusive
	party       int
	topic       int
}

func secs(ms int64) float64 { return round(float64(ms)/1000, 2) }

func (s *Sim) content(p *callPlan, sel *selector) *CallContent {
	sk := p.skeleton(s)
	c := &CallContent{}
	// segment spans
	type span struct{ start, end int64 }
	spans := make([]span, len(sk.topics))
	for i := range spans {
		spans[i] = span{-1, -1}
	}
	prevEnd := 0
	for i, end := range sk.segEnd {
		if end > prevEnd {
			spans[i] = span{sk.sents[prevEnd].start, sk.sents[end-1].end}
		}
		prevEnd = end
	}
	if sel.structure {
		c.Structure = []StructurePart{}
		for i, t := range sk.topics {
			if spans[i].start < 0 {
				continue
			}
			start := spans[i].start
			if len(c.Structure) == 0 {
				start = 0
			}
			d := (spans[i].end - start + 500) / 1000
			name := structureOf[t]
			if n := len(c.Structure); n > 0 && c.Structure[n-1].Name == name {
				c.Structure[n-1].Duration += d
			} else {
				c.Structure = append(c.Structure, StructurePart{Name: name, Duration: d})
			}
		}
	}
	if !p.rec.hasTranscript {
		return c // the rest comes from transcript processing, not done yet
	}
	if sel.topics {
		durs := make([]int64, len(sk.topics))
		for _, m := range sk.monos {
			if m.topic >= 0 {
				durs[m.topic] += sk.sents[m.last].end - sk.sents[m.first].start
			}
		}
		c.Topics = []Topic{}
		for i, t := range sk.topics {
			if spans[i].start >= 0 {
				c.Topics = append(c.Topics, Topic{Name: t, Duration: (durs[i] + 500) / 1000})
			}
		}
	}
	if sel.trackers {
		c.Trackers = s.trackersOf(p, sk, sel.trackerOcc)
	}
	if sel.brief {
		r := newRNG(s.seed, stContent, p.rec.key, csBrief)
		c.Brief = pick(&r, tBriefs).render(&p.ctx, &r)
	}
	if sel.outline {
		r := newRNG(s.seed, stContent, p.rec.key, csOutline)
		c.Outline = []OutlineSection{}
		for i, t := range sk.topics {
			sp := spans[i]
			if sp.start < 0 {
				continue
			}
			sec := OutlineSection{Section: t, StartTime: secs(sp.start), Duration: secs(sp.end - sp.start)}
			for k := range r.between(1, 3) {
				at := sp.start + (sp.end-sp.start)*int64(k)/3 + int64(r.intn(int(max(1, (sp.end-sp.start)/4))))
				sec.Items = append(sec.Items, OutlineItem{Text: pick(&r, tOutlineItems).render(&p.ctx, &r), StartTime: secs(min(at, sp.end))})
			}
			c.Outline = append(c.Outline, sec)
		}
	}
	if sel.highlights {
		r := newRNG(s.seed, stContent, p.rec.key, csHighlights)
		c.Highlights = []HighlightSection{}
		first := r.intn(len(highlightTitles))
		for k := range r.between(1, 3) {
			h := HighlightSection{Title: highlightTitles[(first+k)%len(highlightTitles)]}
			for range r.between(1, 2) {
				it := HighlightItem{Text: pick(&r, tHighlightItems).render(&p.ctx, &r)}
				for range r.between(1, 2) {
					it.StartTimes = append(it.StartTimes, secs(int64(r.float()*float64(p.durMs))))
				}
				slices.Sort(it.StartTimes)
				h.Items = append(h.Items, it)
			}
			c.Highlights = append(c.Highlights, h)
		}
	}
	if sel.callOutcome {
		r := newRNG(s.seed, stContent, p.rec.key, csOutcome)
		var o CallOutcome
		if p.conference {
			o = callOutcomes[r.intn(len(callOutcomes)-1)]
		} else {
			o = pick(&r, callOutcomes)
		}
		c.CallOutcome = &o
	}
	if sel.keyPoints {
		r := newRNG(s.seed, stContent, p.rec.key, csKeyPoints)
		c.KeyPoints = []KeyPoint{}
		first := r.intn(len(tKeyPoints))
		for k := range r.between(3, 5) {
			c.KeyPoints = append(c.KeyPoints, KeyPoint{Text: tKeyPoints[(first+k*3)%len(tKeyPoints)].render(&p.ctx, &r)})
		}
	}
	return c
}

func (s *Sim) trackersOf(p *callPlan, sk *skeleton, withOcc bool) []Tracker {
	nKW := len(keywordTrackers)
	occ := make([][]TrackerOccurrence, len(s.trackers))
	phraseOcc := make([][][]TrackerOccurrence, nKW)
	for k := range nKW {
		phraseOcc[k] = make([][]TrackerOccurrence, len(keywordTrackers[k].phrases))
	}
	for _, st := range sk.sents {
		var k int
		switch st.kind {
		case kKeyword, kKeywordQuestion:
			k = int(st.tracker)
		case kSmart:
			k = nKW + int(st.tracker)
		default:
			continue
		}
		o := TrackerOccurrence{StartTime: secs(st.start + (st.end-st.start)/3), SpeakerID: p.parties[st.party].speakerID}
		occ[k] = append(occ[k], o)
		if k < nKW {
			phraseOcc[k][st.phrase] = append(phraseOcc[k][st.phrase], o)
		}
	}
	out := make([]Tracker, len(s.trackers))
	for k, td := range s.trackers {
		t := Tracker{ID: td.id, Name: td.name, Count: len(occ[k]), Type: "SMART"}
		if withOcc {
			t.Occurrences = nonNil(occ[k])
		}
		if td.keyword {
			t.Type = "KEYWORD"
			if withOcc && td.separate {
				t.Occurrences = []TrackerOccurrence{}
			}
			t.Phrases = []TrackerPhrase{} // only the phrases said in the call
			for j, ph := range td.phrases {
				if len(phraseOcc[k][j]) == 0 {
					continue
				}
				tp := TrackerPhrase{Count: len(phraseOcc[k][j]), Phrase: ph}
				if withOcc {
					tp.Occurrences = phraseOcc[k][j]
				}
				t.Phrases = append(t.Phrases, tp)
			}
		}
		out[k] = t
	}
	return out
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func (s *Sim) interaction(p *callPlan, sel *selector) *CallInteraction {
	sk := p.skeleton(s)
	in := &CallInteraction{}
	talk := make([]int64, len(p.parties))
	var company, nonCompany int
	for _, st := range sk.sents {
		talk[st.party] += st.end - st.start
		if st.kind == kQuestion || st.kind == kKeywordQuestion {
			if p.parties[st.party].userIdx >= 0 {
				company++
			} else {
				nonCompany++
			}
		}
	}
	if sel.speakers {
		in.Speakers = []Speaker{}
		for i, pp := range p.parties {
			if talk[i] == 0 {
				continue
			}
			sp := Speaker{ID: pp.id, TalkTime: secs(talk[i])}
			if pp.userIdx >= 0 {
				sp.UserID = strp(s.users[pp.userIdx].ID)
			}
			in.Speakers = append(in.Speakers, sp)
		}
	}
	if sel.personStats {
		var total int64
		for _, t := range talk {
			total += t
		}
		var longestHost, longestCust int64
		ms := sk.monos
		for _, m := range ms {
			d := sk.sents[m.last].end - sk.sents[m.first].start
			switch {
			case m.party == 0:
				longestHost = max(longestHost, d)
			case p.parties[m.party].userIdx < 0:
				longestCust = max(longestCust, d)
			}
		}
		var pauses int64
		var nPauses int
		for i := 1; i < len(sk.sents); i++ {
			if sk.sents[i].party == 0 && sk.sents[i-1].party != 0 {
				pauses += sk.sents[i].start - sk.sents[i-1].end
				nPauses++
			}
		}
		patience := 0.0
		if nPauses > 0 {
			patience = round(float64(pauses)/float64(nPauses)/1000, 2)
		}
		ratio := 0.0
		if total > 0 {
			ratio = round(float64(talk[0])/float64(total), 2)
		}
		minutes := max(float64(p.durMs)/60000, 1)
		inter := round(min(10, float64(len(ms))/minutes*1.2), 1)
		in.InteractionStats = []InteractionStat{
			{Name: "Talk Ratio", Value: ratio},
			{Name: "Longest Monologue", Value: float64((longestHost + 500) / 1000)},
			{Name: "Longest Customer Story", Value: float64((longestCust + 500) / 1000)},
			{Name: "Interactivity", Value: inter},
			{Name: "Patience", Value: patience},
		}
	}
	if sel.video {
		in.Video = []VideoStat{}
		if p.meta.Media == "Video" {
			r := newRNG(s.seed, stContent, p.rec.key, csVideo)
			d := float64(p.durMs) / 1000
			names := []string{"Browser", "Presentation", "WebcamPrimaryUser", "WebcamNonCompany", "Webcam"}
			shares := []float64{r.uniform(0, 0.15), r.uniform(0, 0.35), r.uniform(0.2, 0.5), r.uniform(0, 0.3), r.uniform(0, 0.1)}
			if p.internal {
				shares[3] = 0
			}
			for i, n := range names {
				if shares[i] > 0.01 {
					in.Video = append(in.Video, VideoStat{Name: n, Duration: round(d*shares[i], 1)})
				}
			}
		}
	}
	if sel.questions {
		in.Questions = &Questions{CompanyCount: company, NonCompanyCount: nonCompany}
	}
	return in
}

func (s *Sim) comments(p *callPlan) []Comment {
	r := newRNG(s.seed, stContent, p.rec.key, csComments)
	out := []Comment{}
	if r.chance(0.6) {
		return out
	}
	dur := float64(p.durMs) / 1000
	end := p.rec.started.Add(time.Duration(p.durMs) * time.Millisecond)
	host := s.users[p.rec.host]
	for k := range r.between(1, 3) {
		commenter := r.intn(len(s.users))
		if m := host.ManagerID; m != nil && r.chance(0.5) {
			commenter = s.userByID[*m]
		}
		ctx := p.ctx
		ctx.mention = "@[" + host.FirstName + " " + host.LastName + "](" + host.ID + ")"
		start := round(r.uniform(0, dur), 1)
		c := Comment{
			ID:              r.idString(),
			AudioStartTime:  start,
			AudioEndTime:    round(min(dur, start+r.uniform(0, 30)), 1),
			CommenterUserID: s.users[commenter].ID,
			Comment:         pick(&r, tComments).render(&ctx, &r),
			DuringCall:      r.chance(0.25),
		}
		posted := end.Add(time.Duration(r.uniform(0.5, 72) * float64(time.Hour)))
		if !c.DuringCall && posted.After(s.anchor) && p.rec.started.Before(s.anchor) {
			c.DuringCall = true
		}
		if c.DuringCall {
			posted = p.rec.started.Add(time.Duration(start * float64(time.Second)))
		}
		c.Posted = s.fmtTime(posted, []int{3, 6}[r.intn(2)])
		if k > 0 && r.chance(0.3) {
			c.InReplyTo = strp(out[0].ID)
		}
		out = append(out, c)
	}
	return out
}

// mediaSig signs a media URL: HMAC-SHA256 over "callId.ext:expires".
func (s *Sim) mediaSig(file string, expires int64) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(file + ":" + strconv.FormatInt(expires, 10)))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

func (s *Sim) media(p *callPlan, base string, now time.Time) *CallMedia {
	// Valid for at least MediaTTL (Gong: 8 hours), and stable within an
	// hour so that repeated reads give the same URL.
	exp := s.mediaExpiry(now)
	u := func(ext string) string {
		file := p.rec.id + "." + ext
		return base + "/_sim/media/" + file + "?expires=" + strconv.FormatInt(exp, 10) + "&sig=" + s.mediaSig(file, exp)
	}
	m := &CallMedia{AudioURL: u("mp3")}
	if p.meta.Media == "Video" {
		m.VideoURL = u("mp4")
	}
	return m
}
