package extract

import (
	"time"
)

// fastCall is one /v2/calls/extensive record as the fast decoder reads it
// (see calls_scan.go): models.Call's fields as its rows need them, nested
// lists flattened into slices with spans, strings as views of the record.
// It is reused from record to record.
type fastCall struct {
	s callScanner

	members []rawMember // the record's members, for _raw

	md struct {
		id, primaryUser, workspace                         []byte
		url, title, direction, system, scope, media, lang  jstr
		sdr, clientUnique, customData, purpose, meetingURL jstr
		calendarEvent                                      jstr
		scheduled, started                                 time.Time
		duration                                           optInt
		isPrivate                                          optBool
	}
	ctx     ctxStore // the call's context
	pctx    ctxStore // the parties' contexts: read only to check them
	parties []fastParty
	strs    []jstr // the parties' methods

	brief                    jstr
	outcomeID, outcomeCat    jstr
	outcomeName              jstr
	structure, topics, stats []fastNamed
	video                    []fastNamed
	trackers                 []fastTracker
	phrases                  []fastPhrase
	occs                     []fastOcc
	outline                  []fastSection
	outItems                 []fastOutItem
	highlights               []fastHighlight
	hlItems                  []fastHlItem
	floats                   []float64
	keyPoints                []jstr
	speakers                 []fastSpeaker
	companyQ, nonCompanyQ    optInt
	hasCollab                bool
	comments                 []fastComment
	audioURL, videoURL       jstr
	raw                      []byte // scratch for _raw
}

type (
	rawMember struct {
		name []byte
		val  span // in the record
	}
	ctxStore struct {
		ctx    []fastCtx
		objs   []fastObj
		fields []fastField
	}
	fastCtx struct {
		system jstr
		objs   span
	}
	fastObj struct {
		typ, id, timing jstr
		fields          span
	}
	fastField struct {
		name []byte
		val  jstr
	}
	fastParty struct {
		id, userID, speakerID                  []byte
		email, name, title, affiliation, phone jstr
		methods                                span
		hasMethods                             bool
		context                                []byte // as received; nil for null or absent
	}
	// fastNamed is a name with a value: Structure, Topic, NamedValue
	// (Numbers) and NamedDuration (a lenient float64).
	fastNamed struct {
		name []byte
		v    optFloat
	}
	fastTracker struct {
		id            []byte
		name, typ     jstr
		count         optInt
		occs, phrases span
	}
	fastPhrase struct {
		phrase jstr
		occs   span
	}
	fastOcc struct {
		start   optFloat
		speaker []byte
	}
	fastSection struct {
		section         jstr
		start, duration optFloat
		items           span
	}
	fastOutItem struct {
		text  jstr
		start optFloat
	}
	fastHighlight struct {
		title jstr
		items span
	}
	fastHlItem struct {
		text     jstr
		times    span
		hasTimes bool
	}
	fastSpeaker struct {
		id, userID []byte
		talk       optFloat
	}
	fastComment struct {
		id, commenter, inReplyTo []byte
		start, end               optFloat
		comment                  jstr
		posted                   time.Time
		duringCall               optBool
	}
)

func (c *ctxStore) reset() {
	c.ctx, c.objs, c.fields = c.ctx[:0], c.objs[:0], c.fields[:0]
}

// reset empties f for the record raw, keeping its slices.
func (f *fastCall) reset(raw []byte) {
	f.s.reset(raw)
	f.members = f.members[:0]
	f.md = fastCall{}.md
	f.ctx.reset()
	f.pctx.reset()
	f.parties = f.parties[:0]
	f.strs = f.strs[:0]
	f.brief, f.outcomeID, f.outcomeCat, f.outcomeName = jstr{}, jstr{}, jstr{}, jstr{}
	f.structure, f.topics, f.stats, f.video = f.structure[:0], f.topics[:0], f.stats[:0], f.video[:0]
	f.trackers, f.phrases, f.occs = f.trackers[:0], f.phrases[:0], f.occs[:0]
	f.outline, f.outItems = f.outline[:0], f.outItems[:0]
	f.highlights, f.hlItems, f.floats = f.highlights[:0], f.hlItems[:0], f.floats[:0]
	f.keyPoints, f.speakers = f.keyPoints[:0], f.speakers[:0]
	f.companyQ, f.nonCompanyQ = optInt{}, optInt{}
	f.hasCollab = false
	f.comments = f.comments[:0]
	f.audioURL, f.videoURL = jstr{}, jstr{}
}

// decode reads the record raw (one JSON object, as the client's decoder
// read it) into f, or gives up with errSlow.
func (f *fastCall) decode(raw []byte) error {
	f.reset(raw)
	s := &f.s
	null, base, err := s.obj()
	if err != nil || null {
		return errSlow
	}
	for first := true; ; first = false {
		name, ok, err := s.member(base, first)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		lo := s.i
		switch string(name) {
		case "metaData":
			err = f.metaData()
		case "context":
			err = f.contexts(&f.ctx)
		case "parties":
			err = f.partyList()
		case "content":
			err = f.content()
		case "interaction":
			err = f.interaction()
		case "collaboration":
			err = f.collaboration()
		case "media":
			err = f.media()
		default:
			err = s.skip()
		}
		if err != nil {
			return err
		}
		f.members = append(f.members, rawMember{name, span{lo, s.i}})
	}
	if s.ws() != 0 {
		return errSlow
	}
	return nil
}

// rawWithoutMedia is withoutMember(raw, "media") for a record decode took.
func (f *fastCall) rawWithoutMedia(dst []byte) []byte {
	dst = append(dst, '{')
	first := true
	for _, m := range f.members {
		if string(m.name) == "media" {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, '"')
		dst = append(dst, m.name...)
		dst = append(dst, '"', ':')
		dst = append(dst, f.s.b[m.val.lo:m.val.hi]...)
	}
	return append(dst, '}')
}

func (f *fastCall) metaData() error {
	s := &f.s
	null, base, err := s.obj()
	if err != nil || null {
		return err
	}
	md := &f.md
	for first := true; ; first = false {
		name, ok, err := s.member(base, first)
		if err != nil || !ok {
			return err
		}
		switch string(name) {
		case "id":
			md.id, err = s.id()
		case "url":
			md.url, err = s.optStr()
		case "title":
			md.title, err = s.optStr()
		case "scheduled":
			md.scheduled, err = s.time()
		case "started":
			md.started, err = s.time()
		case "duration":
			md.duration, err = s.lenInt()
		case "primaryUserId":
			md.primaryUser, err = s.id()
		case "direction":
			md.direction, err = s.optStr()
		case "system":
			md.system, err = s.optStr()
		case "scope":
			md.scope, err = s.optStr()
		case "media":
			md.media, err = s.optStr()
		case "language":
			md.lang, err = s.optStr()
		case "workspaceId":
			md.workspace, err = s.id()
		case "sdrDisposition":
			md.sdr, err = s.optStr()
		case "clientUniqueId":
			md.clientUnique, err = s.optStr()
		case "customData":
			md.customData, err = s.optStr()
		case "purpose":
			md.purpose, err = s.optStr()
		case "meetingUrl":
			md.meetingURL, err = s.optStr()
		case "isPrivate":
			md.isPrivate, err = s.optBool()
		case "calendarEventId":
			md.calendarEvent, err = s.optStr()
		default:
			err = s.skip()
		}
		if err != nil {
			return err
		}
	}
}

// contexts reads a []models.CallContext into c.
func (f *fastCall) contexts(c *ctxStore) error {
	s := &f.s
	if null, err := s.arr(); err != nil || null {
		return err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			return err
		}
		var cx fastCtx
		null, base, err := s.obj()
		if err != nil {
			return err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "system":
				cx.system, err = s.optStr()
			case "objects":
				cx.objs, err = f.objects(c)
			default:
				err = s.skip()
			}
			if err != nil {
				return err
			}
		}
		c.ctx = append(c.ctx, cx)
	}
}

func (f *fastCall) objects(c *ctxStore) (span, error) {
	s := &f.s
	sp := span{len(c.objs), len(c.objs)}
	if null, err := s.arr(); err != nil || null {
		return sp, err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			sp.hi = len(c.objs)
			return sp, err
		}
		var o fastObj
		null, base, err := s.obj()
		if err != nil {
			return sp, err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return sp, err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "objectType":
				o.typ, err = s.optStr()
			case "objectId":
				o.id, err = s.optStr()
			case "timing":
				o.timing, err = s.optStr()
			case "fields":
				o.fields, err = f.fields(c)
			default:
				err = s.skip()
			}
			if err != nil {
				return sp, err
			}
		}
		c.objs = append(c.objs, o)
	}
}

func (f *fastCall) fields(c *ctxStore) (span, error) {
	s := &f.s
	sp := span{len(c.fields), len(c.fields)}
	if null, err := s.arr(); err != nil || null {
		return sp, err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			sp.hi = len(c.fields)
			return sp, err
		}
		var fd fastField
		null, base, err := s.obj()
		if err != nil {
			return sp, err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return sp, err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "name":
				fd.name, err = s.plainStr()
			case "value":
				fd.val, err = s.anyText()
			default:
				err = s.skip()
			}
			if err != nil {
				return sp, err
			}
		}
		c.fields = append(c.fields, fd)
	}
}

func (f *fastCall) partyList() error {
	s := &f.s
	if null, err := s.arr(); err != nil || null {
		return err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			return err
		}
		var p fastParty
		null, base, err := s.obj()
		if err != nil {
			return err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "id":
				p.id, err = s.id()
			case "emailAddress":
				p.email, err = s.optStr()
			case "name":
				p.name, err = s.optStr()
			case "title":
				p.title, err = s.optStr()
			case "userId":
				p.userID, err = s.id()
			case "speakerId":
				p.speakerID, err = s.id()
			case "context":
				lo := s.i
				err = f.contexts(&f.pctx)
				if s.b[lo] != 'n' {
					p.context = s.b[lo:s.i]
				}
			case "affiliation":
				p.affiliation, err = s.optStr()
			case "phoneNumber":
				p.phone, err = s.optStr()
			case "methods":
				p.methods, p.hasMethods, err = f.strList()
			default:
				err = s.skip()
			}
			if err != nil {
				return err
			}
		}
		f.parties = append(f.parties, p)
	}
}

// strList reads a []string (null elements are "").
func (f *fastCall) strList() (span, bool, error) {
	s := &f.s
	sp := span{len(f.strs), len(f.strs)}
	if null, err := s.arr(); err != nil || null {
		return sp, false, err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			sp.hi = len(f.strs)
			return sp, true, err
		}
		b, err := s.plainStr()
		if err != nil {
			return sp, false, err
		}
		f.strs = append(f.strs, jstr{b, true})
	}
}

// floatList reads a []float64 of lenient numbers (null and "" are 0).
func (f *fastCall) floatList() (span, bool, error) {
	s := &f.s
	sp := span{len(f.floats), len(f.floats)}
	if null, err := s.arr(); err != nil || null {
		return sp, false, err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			sp.hi = len(f.floats)
			return sp, true, err
		}
		v, err := s.lenFloat()
		if err != nil {
			return sp, false, err
		}
		f.floats = append(f.floats, v.v)
	}
}

// named reads a list of {name, <value>}: value is the name of the value
// member, read as a models.Number (number) or a lenient float64.
func (f *fastCall) named(dst *[]fastNamed, value string, number bool) error {
	s := &f.s
	if null, err := s.arr(); err != nil || null {
		return err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			return err
		}
		var n fastNamed
		null, base, err := s.obj()
		if err != nil {
			return err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			switch {
			case string(name) == "name":
				n.name, err = s.plainStr()
			case string(name) == value && number:
				n.v, err = s.number()
			case string(name) == value:
				n.v, err = s.lenFloat()
			default:
				err = s.skip()
			}
			if err != nil {
				return err
			}
		}
		*dst = append(*dst, n)
	}
}

func (f *fastCall) content() error {
	s := &f.s
	null, base, err := s.obj()
	if err != nil || null {
		return err
	}
	for first := true; ; first = false {
		name, ok, err := s.member(base, first)
		if err != nil || !ok {
			return err
		}
		switch string(name) {
		case "structure":
			err = f.named(&f.structure, "duration", true)
		case "trackers":
			err = f.trackerList()
		case "topics":
			err = f.named(&f.topics, "duration", true)
		case "brief":
			f.brief, err = s.optStr()
		case "outline":
			err = f.outlineList()
		case "highlights":
			err = f.highlightList()
		case "callOutcome":
			err = f.callOutcome()
		case "keyPoints":
			err = f.keyPointList()
		default:
			err = s.skip()
		}
		if err != nil {
			return err
		}
	}
}

func (f *fastCall) callOutcome() error {
	s := &f.s
	null, base, err := s.obj()
	if err != nil || null {
		return err
	}
	for first := true; ; first = false {
		name, ok, err := s.member(base, first)
		if err != nil || !ok {
			return err
		}
		switch string(name) {
		case "id":
			f.outcomeID, err = s.optStr()
		case "category":
			f.outcomeCat, err = s.optStr()
		case "name":
			f.outcomeName, err = s.optStr()
		default:
			err = s.skip()
		}
		if err != nil {
			return err
		}
	}
}

func (f *fastCall) keyPointList() error {
	s := &f.s
	if null, err := s.arr(); err != nil || null {
		return err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			return err
		}
		var text jstr
		null, base, err := s.obj()
		if err != nil {
			return err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if string(name) == "text" {
				text, err = s.optStr()
			} else {
				err = s.skip()
			}
			if err != nil {
				return err
			}
		}
		f.keyPoints = append(f.keyPoints, text)
	}
}

func (f *fastCall) trackerList() error {
	s := &f.s
	if null, err := s.arr(); err != nil || null {
		return err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			return err
		}
		var t fastTracker
		null, base, err := s.obj()
		if err != nil {
			return err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "id":
				t.id, err = s.id()
			case "name":
				t.name, err = s.optStr()
			case "count":
				t.count, err = s.lenInt()
			case "type":
				t.typ, err = s.optStr()
			case "occurrences":
				t.occs, err = f.occurrences()
			case "phrases":
				t.phrases, err = f.phraseList()
			default:
				err = s.skip()
			}
			if err != nil {
				return err
			}
		}
		f.trackers = append(f.trackers, t)
	}
}

func (f *fastCall) phraseList() (span, error) {
	s := &f.s
	sp := span{len(f.phrases), len(f.phrases)}
	if null, err := s.arr(); err != nil || null {
		return sp, err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			sp.hi = len(f.phrases)
			return sp, err
		}
		var ph fastPhrase
		null, base, err := s.obj()
		if err != nil {
			return sp, err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return sp, err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "phrase":
				ph.phrase, err = s.optStr()
			case "count":
				_, err = s.lenInt()
			case "occurrences":
				ph.occs, err = f.occurrences()
			default:
				err = s.skip()
			}
			if err != nil {
				return sp, err
			}
		}
		f.phrases = append(f.phrases, ph)
	}
}

func (f *fastCall) occurrences() (span, error) {
	s := &f.s
	sp := span{len(f.occs), len(f.occs)}
	if null, err := s.arr(); err != nil || null {
		return sp, err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			sp.hi = len(f.occs)
			return sp, err
		}
		var o fastOcc
		null, base, err := s.obj()
		if err != nil {
			return sp, err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return sp, err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "startTime":
				o.start, err = s.lenFloat()
			case "speakerId":
				o.speaker, err = s.id()
			default:
				err = s.skip()
			}
			if err != nil {
				return sp, err
			}
		}
		f.occs = append(f.occs, o)
	}
}

func (f *fastCall) outlineList() error {
	s := &f.s
	if null, err := s.arr(); err != nil || null {
		return err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			return err
		}
		var sec fastSection
		null, base, err := s.obj()
		if err != nil {
			return err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "section":
				sec.section, err = s.optStr()
			case "startTime":
				sec.start, err = s.lenFloat()
			case "duration":
				sec.duration, err = s.lenFloat()
			case "items":
				sec.items, err = f.outlineItems()
			default:
				err = s.skip()
			}
			if err != nil {
				return err
			}
		}
		f.outline = append(f.outline, sec)
	}
}

func (f *fastCall) outlineItems() (span, error) {
	s := &f.s
	sp := span{len(f.outItems), len(f.outItems)}
	if null, err := s.arr(); err != nil || null {
		return sp, err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			sp.hi = len(f.outItems)
			return sp, err
		}
		var it fastOutItem
		null, base, err := s.obj()
		if err != nil {
			return sp, err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return sp, err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "text":
				it.text, err = s.optStr()
			case "startTime":
				it.start, err = s.lenFloat()
			default:
				err = s.skip()
			}
			if err != nil {
				return sp, err
			}
		}
		f.outItems = append(f.outItems, it)
	}
}

func (f *fastCall) highlightList() error {
	s := &f.s
	if null, err := s.arr(); err != nil || null {
		return err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			return err
		}
		var h fastHighlight
		null, base, err := s.obj()
		if err != nil {
			return err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "title":
				h.title, err = s.optStr()
			case "items":
				h.items, err = f.highlightItems()
			default:
				err = s.skip()
			}
			if err != nil {
				return err
			}
		}
		f.highlights = append(f.highlights, h)
	}
}

func (f *fastCall) highlightItems() (span, error) {
	s := &f.s
	sp := span{len(f.hlItems), len(f.hlItems)}
	if null, err := s.arr(); err != nil || null {
		return sp, err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			sp.hi = len(f.hlItems)
			return sp, err
		}
		var it fastHlItem
		null, base, err := s.obj()
		if err != nil {
			return sp, err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return sp, err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "text":
				it.text, err = s.optStr()
			case "startTimes":
				it.times, it.hasTimes, err = f.floatList()
			default:
				err = s.skip()
			}
			if err != nil {
				return sp, err
			}
		}
		f.hlItems = append(f.hlItems, it)
	}
}

func (f *fastCall) interaction() error {
	s := &f.s
	null, base, err := s.obj()
	if err != nil || null {
		return err
	}
	for first := true; ; first = false {
		name, ok, err := s.member(base, first)
		if err != nil || !ok {
			return err
		}
		switch string(name) {
		case "speakers":
			err = f.speakerList()
		case "interactionStats":
			err = f.named(&f.stats, "value", true)
		case "video":
			err = f.named(&f.video, "duration", false)
		case "questions":
			err = f.questions()
		default:
			err = s.skip()
		}
		if err != nil {
			return err
		}
	}
}

func (f *fastCall) questions() error {
	s := &f.s
	null, base, err := s.obj()
	if err != nil || null {
		return err
	}
	for first := true; ; first = false {
		name, ok, err := s.member(base, first)
		if err != nil || !ok {
			return err
		}
		switch string(name) {
		case "companyCount":
			f.companyQ, err = s.lenInt()
		case "nonCompanyCount":
			f.nonCompanyQ, err = s.lenInt()
		default:
			err = s.skip()
		}
		if err != nil {
			return err
		}
	}
}

func (f *fastCall) speakerList() error {
	s := &f.s
	if null, err := s.arr(); err != nil || null {
		return err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			return err
		}
		var sp fastSpeaker
		null, base, err := s.obj()
		if err != nil {
			return err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "id":
				sp.id, err = s.id()
			case "userId":
				sp.userID, err = s.id()
			case "talkTime":
				sp.talk, err = s.lenFloat()
			default:
				err = s.skip()
			}
			if err != nil {
				return err
			}
		}
		f.speakers = append(f.speakers, sp)
	}
}

func (f *fastCall) collaboration() error {
	s := &f.s
	null, base, err := s.obj()
	if err != nil || null {
		return err
	}
	f.hasCollab = true
	for first := true; ; first = false {
		name, ok, err := s.member(base, first)
		if err != nil || !ok {
			return err
		}
		if string(name) == "publicComments" {
			err = f.commentList()
		} else {
			err = s.skip()
		}
		if err != nil {
			return err
		}
	}
}

func (f *fastCall) commentList() error {
	s := &f.s
	if null, err := s.arr(); err != nil || null {
		return err
	}
	for first := true; ; first = false {
		if ok, err := s.elem(first); err != nil || !ok {
			return err
		}
		var c fastComment
		null, base, err := s.obj()
		if err != nil {
			return err
		}
		for first := true; !null; first = false {
			name, ok, err := s.member(base, first)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			switch string(name) {
			case "id":
				c.id, err = s.id()
			case "audioStartTime":
				c.start, err = s.lenFloat()
			case "audioEndTime":
				c.end, err = s.lenFloat()
			case "commenterUserId":
				c.commenter, err = s.id()
			case "comment":
				c.comment, err = s.optStr()
			case "posted":
				c.posted, err = s.time()
			case "inReplyTo":
				c.inReplyTo, err = s.id()
			case "duringCall":
				c.duringCall, err = s.optBool()
			default:
				err = s.skip()
			}
			if err != nil {
				return err
			}
		}
		f.comments = append(f.comments, c)
	}
}

func (f *fastCall) media() error {
	s := &f.s
	null, base, err := s.obj()
	if err != nil || null {
		return err
	}
	for first := true; ; first = false {
		name, ok, err := s.member(base, first)
		if err != nil || !ok {
			return err
		}
		switch string(name) {
		case "audioUrl":
			f.audioURL, err = s.optStr()
		case "videoUrl":
			f.videoURL, err = s.optStr()
		default:
			err = s.skip()
		}
		if err != nil {
			return err
		}
	}
}
