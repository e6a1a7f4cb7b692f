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
	if s.ws() != '{' {
		return errSlow
	}
	err := s.members(func(name []byte) (err error) {
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
		if err == nil {
			f.members = append(f.members, rawMember{name, span{lo, s.i}})
		}
		return err
	})
	if err != nil {
		return err
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
	s, md := &f.s, &f.md
	return s.members(func(name []byte) (err error) {
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
		return err
	})
}

// contexts reads a []models.CallContext into c.
func (f *fastCall) contexts(c *ctxStore) error {
	s := &f.s
	_, err := objList(s, &c.ctx, func(cx *fastCtx, name []byte) (err error) {
		switch string(name) {
		case "system":
			cx.system, err = s.optStr()
		case "objects":
			cx.objs, err = f.objects(c)
		default:
			err = s.skip()
		}
		return err
	})
	return err
}

func (f *fastCall) objects(c *ctxStore) (span, error) {
	s := &f.s
	return objList(s, &c.objs, func(o *fastObj, name []byte) (err error) {
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
		return err
	})
}

func (f *fastCall) fields(c *ctxStore) (span, error) {
	s := &f.s
	return objList(s, &c.fields, func(fd *fastField, name []byte) (err error) {
		switch string(name) {
		case "name":
			fd.name, err = s.plainStr()
		case "value":
			fd.val, err = s.anyText()
		default:
			err = s.skip()
		}
		return err
	})
}

func (f *fastCall) partyList() error {
	s := &f.s
	_, err := objList(s, &f.parties, func(p *fastParty, name []byte) (err error) {
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
		return err
	})
	return err
}

// strList reads a []string (null elements are ""); ok is false for null.
func (f *fastCall) strList() (sp span, ok bool, err error) {
	s := &f.s
	lo := len(f.strs)
	null, err := s.elems(func() error {
		b, err := s.plainStr()
		if err == nil {
			f.strs = append(f.strs, jstr{b, true})
		}
		return err
	})
	return span{lo, len(f.strs)}, !null, err
}

// floatList reads a []float64 of lenient numbers (null and "" are 0); ok
// is false for null.
func (f *fastCall) floatList() (sp span, ok bool, err error) {
	s := &f.s
	lo := len(f.floats)
	null, err := s.elems(func() error {
		v, err := s.lenFloat()
		if err == nil {
			f.floats = append(f.floats, v.v)
		}
		return err
	})
	return span{lo, len(f.floats)}, !null, err
}

// named reads a list of {name, <value>}: value is the name of the value
// member, read as a models.Number (number) or a lenient float64.
func (f *fastCall) named(dst *[]fastNamed, value string, number bool) error {
	s := &f.s
	_, err := objList(s, dst, func(n *fastNamed, name []byte) (err error) {
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
		return err
	})
	return err
}

func (f *fastCall) content() error {
	s := &f.s
	return s.members(func(name []byte) (err error) {
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
		return err
	})
}

func (f *fastCall) callOutcome() error {
	s := &f.s
	return s.members(func(name []byte) (err error) {
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
		return err
	})
}

func (f *fastCall) keyPointList() error {
	s := &f.s
	_, err := objList(s, &f.keyPoints, func(text *jstr, name []byte) (err error) {
		if string(name) == "text" {
			*text, err = s.optStr()
		} else {
			err = s.skip()
		}
		return err
	})
	return err
}

func (f *fastCall) trackerList() error {
	s := &f.s
	_, err := objList(s, &f.trackers, func(t *fastTracker, name []byte) (err error) {
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
		return err
	})
	return err
}

func (f *fastCall) phraseList() (span, error) {
	s := &f.s
	return objList(s, &f.phrases, func(ph *fastPhrase, name []byte) (err error) {
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
		return err
	})
}

func (f *fastCall) occurrences() (span, error) {
	s := &f.s
	return objList(s, &f.occs, func(o *fastOcc, name []byte) (err error) {
		switch string(name) {
		case "startTime":
			o.start, err = s.lenFloat()
		case "speakerId":
			o.speaker, err = s.id()
		default:
			err = s.skip()
		}
		return err
	})
}

func (f *fastCall) outlineList() error {
	s := &f.s
	_, err := objList(s, &f.outline, func(sec *fastSection, name []byte) (err error) {
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
		return err
	})
	return err
}

func (f *fastCall) outlineItems() (span, error) {
	s := &f.s
	return objList(s, &f.outItems, func(it *fastOutItem, name []byte) (err error) {
		switch string(name) {
		case "text":
			it.text, err = s.optStr()
		case "startTime":
			it.start, err = s.lenFloat()
		default:
			err = s.skip()
		}
		return err
	})
}

func (f *fastCall) highlightList() error {
	s := &f.s
	_, err := objList(s, &f.highlights, func(h *fastHighlight, name []byte) (err error) {
		switch string(name) {
		case "title":
			h.title, err = s.optStr()
		case "items":
			h.items, err = f.highlightItems()
		default:
			err = s.skip()
		}
		return err
	})
	return err
}

func (f *fastCall) highlightItems() (span, error) {
	s := &f.s
	return objList(s, &f.hlItems, func(it *fastHlItem, name []byte) (err error) {
		switch string(name) {
		case "text":
			it.text, err = s.optStr()
		case "startTimes":
			it.times, it.hasTimes, err = f.floatList()
		default:
			err = s.skip()
		}
		return err
	})
}

func (f *fastCall) interaction() error {
	s := &f.s
	return s.members(func(name []byte) (err error) {
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
		return err
	})
}

func (f *fastCall) questions() error {
	s := &f.s
	return s.members(func(name []byte) (err error) {
		switch string(name) {
		case "companyCount":
			f.companyQ, err = s.lenInt()
		case "nonCompanyCount":
			f.nonCompanyQ, err = s.lenInt()
		default:
			err = s.skip()
		}
		return err
	})
}

func (f *fastCall) speakerList() error {
	s := &f.s
	_, err := objList(s, &f.speakers, func(sp *fastSpeaker, name []byte) (err error) {
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
		return err
	})
	return err
}

func (f *fastCall) collaboration() error {
	s := &f.s
	// An object, even an empty one, makes the comments table's rows: obj
	// takes exactly what starts with '{'.
	if s.ws() == '{' {
		f.hasCollab = true
	}
	return s.members(func(name []byte) error {
		if string(name) == "publicComments" {
			return f.commentList()
		}
		return s.skip()
	})
}

func (f *fastCall) commentList() error {
	s := &f.s
	_, err := objList(s, &f.comments, func(c *fastComment, name []byte) (err error) {
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
		return err
	})
	return err
}

func (f *fastCall) media() error {
	s := &f.s
	return s.members(func(name []byte) (err error) {
		switch string(name) {
		case "audioUrl":
			f.audioURL, err = s.optStr()
		case "videoUrl":
			f.videoURL, err = s.optStr()
		default:
			err = s.skip()
		}
		return err
	})
}
