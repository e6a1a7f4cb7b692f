package gongsim

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// World generation: everything here is derived from the seed alone (plus
// the anchor time Now at New), and is immutable after New except the call
// store.

// fmtTime formats t in the company time zone with the given number of
// fractional digits (0-9); trailing zeros are trimmed as Gong (Java) does.
func (s *Sim) fmtTime(t time.Time, digits int) string {
	return truncDigits(t, digits).In(s.loc).Format(time.RFC3339Nano)
}

func truncDigits(t time.Time, digits int) time.Time { return t.Truncate(digitUnit(digits)) }

func digitUnit(digits int) time.Duration {
	unit := time.Second
	for range digits {
		unit /= 10
	}
	return unit
}

// pickDigits draws how many fractional-second digits a timestamp carries.
func pickDigits(r *rng) int {
	return []int{0, 1, 2, 3, 4, 5, 6}[r.weighted([]float64{15, 3, 4, 35, 3, 4, 36})]
}

type trackerDef struct {
	id       string
	name     string
	keyword  bool
	phrases  []string
	topic    string
	separate bool // keyword tracker set to list terms separately: top-level occurrences empty
}

type account struct {
	name, domain, industry string
	oppID, acctID          string
	employees              int
	revenue                float64
	amount                 float64
	stageNow               int
	leadSource, oppType    string
	closeDate              string
	contacts               int
	strategic              bool
	forecast               string
	competitor             *string
	tier                   string
}

type contact struct {
	first, last, title, email, phone string
	crmType, crmID                   string
	department                       string
	score                            int
}

func lowerAlnum(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	return b.String()
}

// sfID returns an 18-character Salesforce-looking ID with the given prefix.
func sfID(r *rng, prefix string) string {
	return prefix + r.digits(1) + r.token(1, "abcdefghijklmnopqrstuvwxyz") + "0000" + r.token(6, alnum) +
		r.token(3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")
}

func (s *Sim) account(i int) account {
	r := newRNG(s.seed, stAccount, uint64(i))
	const combos = 60 * 25
	k := (i*7919 + int(s.seed%combos)) % combos
	name := acctPrefixes[k/25%len(acctPrefixes)] + " " + acctSuffixes[k%25]
	if i >= combos {
		name += " " + strconv.Itoa(i/combos+1)
	}
	a := account{
		name:       name,
		domain:     lowerAlnum(name) + pick(&r, []string{".com", ".com", ".com", ".io", ".co", ".net"}),
		industry:   industries[k%25],
		oppID:      sfID(&r, "006"),
		acctID:     sfID(&r, "001"),
		employees:  pick(&r, []int{45, 120, 250, 480, 900, 1500, 3200, 7800, 15000, 42000}) + r.intn(40),
		revenue:    float64(r.between(2, 900)) * 1e6,
		amount:     float64(r.between(12, 480)) * 500,
		stageNow:   r.intn(len(stageNames)),
		leadSource: pick(&r, leadSources),
		oppType:    pick(&r, oppTypes),
		closeDate:  s.anchor.AddDate(0, 0, r.between(-60, 180)).In(s.loc).Format(time.DateOnly),
		contacts:   r.between(2, 7),
		strategic:  r.chance(0.2),
		forecast:   pick(&r, forecastCategories),
		tier:       pick(&r, []string{"Tier 1", "Tier 2", "Tier 3"}),
	}
	if r.chance(0.35) {
		c := pick(&r, competitors)
		a.competitor = &c
	}
	if r.chance(0.3) {
		a.amount += 0.5 // some amounts are not whole numbers
	}
	return a
}

func (s *Sim) contact(acct, j int, a *account) contact {
	r := newRNG(s.seed, stContact, uint64(acct), uint64(j))
	c := contact{
		first:      pick(&r, firstNames),
		last:       pick(&r, lastNames),
		title:      pick(&r, buyerTitles),
		department: pick(&r, departments),
		score:      r.between(5, 99),
	}
	c.email = lowerAlnum(c.first) + "." + lowerAlnum(c.last) + "@" + a.domain
	if r.chance(0.6) {
		c.phone = "+1 " + strconv.Itoa(r.between(201, 989)) + "-555-0" + r.digits(3)
	}
	if r.chance(0.75) {
		c.crmType, c.crmID = "Contact", sfID(&r, "003")
	} else {
		c.crmType, c.crmID = "Lead", sfID(&r, "00Q")
	}
	if r.chance(0.1) {
		c.title = "" // unknown title: absent from parties
	}
	return c
}

func (s *Sim) genTrackers() {
	r := newRNG(s.seed, stTrackers)
	for i, kt := range keywordTrackers {
		s.trackers = append(s.trackers, trackerDef{id: s.uniqueID(&r), name: kt.name, keyword: true,
			phrases: kt.phrases, topic: kt.topic, separate: i == 2})
	}
	for _, st := range smartTrackers {
		s.trackers = append(s.trackers, trackerDef{id: s.uniqueID(&r), name: st.name})
	}
}

// uniqueID draws a 19-digit ID not used by any stored entity.
func (s *Sim) uniqueID(r *rng) string {
	for {
		id := r.idString()
		if _, dup := s.usedIDs[id]; !dup {
			s.usedIDs[id] = struct{}{}
			return id
		}
	}
}

func strp(s string) *string { return &s }

func (s *Sim) genUsers() {
	r := newRNG(s.seed, stUsers)
	n := s.cfg.Users
	nMgr := 0
	if n > 2 {
		nMgr = max(1, (n-1)/7)
	}
	co := s.company
	seenEmail := map[string]bool{}
	seenName := map[string]bool{}
	s.users = make([]User, n)
	s.userHome = make([]int, n)
	for i := range n {
		var first, last string
		for try := 0; ; try++ {
			first, last = pick(&r, firstNames), pick(&r, lastNames)
			if !seenName[first+" "+last] || try > 20 {
				break
			}
		}
		seenName[first+" "+last] = true
		local := lowerAlnum(first) + "." + lowerAlnum(last)
		email := local + "@" + co.domain
		for k := 2; seenEmail[email]; k++ {
			email = local + strconv.Itoa(k) + "@" + co.domain
		}
		seenEmail[email] = true
		// created: the first user years ago, later ones progressively newer.
		age := time.Duration(float64(4*365*24*time.Hour) * (1 - float64(i)/float64(n+1)) * r.uniform(0.9, 1.0))
		u := User{
			ID:                  s.uniqueID(&r),
			EmailAddress:        email,
			Created:             s.fmtTime(s.anchor.Add(-age-30*24*time.Hour), []int{3, 3, 3, 0, 6}[r.intn(5)]),
			Active:              i == 0 || r.chance(0.9),
			EmailAliases:        []string{},
			FirstName:           first,
			LastName:            last,
			PersonalMeetingUrls: []string{},
			SpokenLanguages:     []SpokenLanguage{},
		}
		switch {
		case i == 0:
			u.Title = strp("VP of Sales")
		case i <= nMgr:
			u.Title = strp(pick(&r, managerTitles))
		default:
			u.Title = strp(pick(&r, sellerTitles))
		}
		if i > 0 && r.chance(0.08) {
			u.Title = nil
		}
		if r.chance(0.15) {
			u.EmailAliases = append(u.EmailAliases, lowerAlnum(first)+"@"+co.domain)
		}
		if r.chance(0.5) {
			u.TrustedEmailAddress = strp(email)
		}
		if r.chance(0.6) {
			u.PhoneNumber = strp("+1 " + strconv.Itoa(r.between(201, 989)) + "-555-01" + r.digits(2))
		}
		if r.chance(0.15) {
			u.Extension = strp(strconv.Itoa(r.between(200, 899)))
		}
		if r.chance(0.4) {
			u.PersonalMeetingUrls = append(u.PersonalMeetingUrls, "https://zoom.us/j/"+r.digits(10))
		}
		u.Settings = UserSettings{
			WebConferencesRecorded:        r.chance(0.85),
			PreventWebConferenceRecording: r.chance(0.04),
			TelephonyCallsImported:        r.chance(0.5),
			EmailsImported:                r.chance(0.6),
			PreventEmailImport:            r.chance(0.05),
			NonRecordedMeetingsImported:   r.chance(0.5),
			GongConnectEnabled:            r.chance(0.3),
		}
		switch {
		case i == 0:
		case i <= nMgr:
			u.ManagerID = strp(s.users[0].ID)
		default:
			if nMgr > 0 {
				u.ManagerID = strp(s.users[1+(i-1-nMgr)%nMgr].ID)
			} else {
				u.ManagerID = strp(s.users[0].ID)
			}
		}
		if r.chance(0.5) {
			u.MeetingConsentPageURL = strp("https://us-" + strconv.Itoa(10000+int(s.seed%9000)) +
				".join.gong.io/" + co.slug + "/" + local + "?tkn=" + r.token(22, alnum))
		}
		if r.chance(0.6) {
			u.ConferencingProviders = []ConferencingProvider{{Provider: "zoom", IsDefault: true}}
			if r.chance(0.3) {
				u.ConferencingProviders = append(u.ConferencingProviders, ConferencingProvider{Provider: "google-meet"})
			}
		}
		if r.chance(0.5) {
			u.SpokenLanguages = append(u.SpokenLanguages, SpokenLanguage{Language: "en-US", Primary: true})
			if r.chance(0.2) {
				u.SpokenLanguages = append(u.SpokenLanguages, SpokenLanguage{Language: pick(&r, []string{"es-ES", "fr-FR", "de-DE"})})
			}
		}
		s.users[i] = u
		s.userHome[i] = 0
		if len(s.workspaces) > 1 && i > nMgr && r.chance(0.3) {
			s.userHome[i] = 1
		}
	}
	s.userByID = make(map[string]int, n)
	for i, u := range s.users {
		s.userByID[u.ID] = i
	}
	// Hosts: everyone but the VP; managers host less often.
	for i := range n {
		switch {
		case n == 1:
			s.hosts = append(s.hosts, i)
		case i == 0:
		case i <= nMgr:
			s.hosts = append(s.hosts, i)
		default:
			s.hosts = append(s.hosts, i, i, i)
		}
	}
}

func (s *Sim) genWorkspaces() {
	r := newRNG(s.seed, stWorkspaces)
	s.workspaces = []Workspace{{ID: s.uniqueID(&r), Name: "Initial workspace", Description: "The built-in workspace"}}
	if s.cfg.Users >= 10 {
		s.workspaces = append(s.workspaces, Workspace{ID: s.uniqueID(&r), Name: "EMEA Sales",
			Description: "Sales and customer success teams in Europe and the Middle East"})
	}
}

// callRec is what the store keeps per call; everything else is derived
// from (seed, key) on demand.
type callRec struct {
	id            string
	key           uint64
	started       time.Time
	startedStr    string
	host, ws      int
	hasTranscript bool
}

func recLess(a, b *callRec) int {
	if c := a.started.Compare(b.started); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
}

// basics draws the host and workspace of a call: the first draws of its
// metadata stream (plan repeats them).
func (s *Sim) basics(r *rng) (host, ws int) {
	host = s.hosts[r.intn(len(s.hosts))]
	ws = s.userHome[host]
	if r.chance(0.1) {
		ws = r.intn(len(s.workspaces))
	} else {
		r.next()
	}
	return host, ws
}

func (s *Sim) newRec(id string, key uint64, started time.Time, digits int, transcript bool) *callRec {
	started = truncDigits(started, digits)
	r := newRNG(s.seed, stCallMeta, key)
	host, ws := s.basics(&r)
	return &callRec{id: id, key: key, started: started, startedStr: started.In(s.loc).Format(time.RFC3339Nano),
		host: host, ws: ws, hasTranscript: transcript}
}

// pickStarted draws a start time in [from, to), mostly in business hours
// (Mon-Fri 8:00-18:00 company time).
func (s *Sim) pickStarted(r *rng, from, to time.Time) time.Time {
	span := float64(to.Sub(from))
	var t time.Time
	for try := range 12 {
		t = from.Add(time.Duration(r.float() * span))
		lt := t.In(s.loc)
		wd, h := lt.Weekday(), lt.Hour()
		if wd != time.Saturday && wd != time.Sunday && h >= 8 && h < 18 {
			break
		}
		if try > 2 && r.chance(0.05) {
			break
		}
	}
	return t
}

func (s *Sim) genCalls() {
	n := s.cfg.Calls
	if n < 0 {
		n = 0
	}
	to := s.anchor
	from := to.Add(-time.Duration(s.cfg.Days) * 24 * time.Hour)
	s.calls = make([]*callRec, 0, n)
	s.byID = make(map[string]*callRec, n)
	for i := range n {
		r := newRNG(s.seed, stCalls, uint64(i))
		id, key := s.drawCallID(&r)
		started := s.pickStarted(&r, from, to)
		digits := pickDigits(&r)
		if truncDigits(started, digits).Before(from) {
			started = started.Add(digitUnit(digits)) // stay inside [from, to)
		}
		rec := s.newRec(id, key, started, digits, !r.chance(0.05))
		s.calls = append(s.calls, rec)
		s.byID[id] = rec
	}
	slices.SortFunc(s.calls, recLess)
}

func (s *Sim) drawCallID(r *rng) (string, uint64) {
	for {
		id, key := r.id()
		if _, dup := s.usedIDs[id]; !dup {
			s.usedIDs[id] = struct{}{}
			return id, key
		}
	}
}
