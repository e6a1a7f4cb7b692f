package extract

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// DefaultCallWindow is the default length of the calls and transcripts
// streams' windows (SPEC §4).
const DefaultCallWindow = 7 * 24 * time.Hour

// CallsStream is the calls stream: POST /v2/calls/extensive with every
// content selector into models.Calls and the 13 models.CallChildren,
// incrementally in windows on the call's start.
type CallsStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

var _ Stream = (*CallsStream)(nil)

// Name returns "calls".
func (s *CallsStream) Name() string { return "calls" }

// Tables returns models.Calls then models.CallChildren.
func (s *CallsStream) Tables() []*models.Table {
	return append([]*models.Table{models.Calls}, models.CallChildren...)
}

// Mode returns Incremental.
func (s *CallsStream) Mode() Mode { return Incremental }

// Window returns Span: windows on the call's start.
func (s *CallsStream) Window() WindowKind { return Span }

// DefaultWindow returns DefaultCallWindow (7 days).
func (s *CallsStream) DefaultWindow() time.Duration { return DefaultCallWindow }

// Fetch lists the calls of the unit: a date window (fromDateTime inclusive,
// toDateTime exclusive, on the call's start), optionally one workspace, or
// the calls named by u.CallIDs (MaxCallIDs a request). Each page gives one
// batch per table; every child table is scoped to the page's calls, so a
// call loaded again loses the children Gong no longer sends. A call already
// seen in the unit is skipped.
// A plain date window (both bounds, no workspace, no call IDs) ends with
// Complete on models.Calls over the window, so calls Gong no longer returns
// are deleted at commit.
func (s *CallsStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	h := newCallsPage(ctx, orDefault(s.Mem), sink)
	defer h.release()
	for _, f := range windowFilters(u) {
		body := map[string]any{"filter": f, "contentSelector": contentSelector()}
		req := Request{Method: "POST", Path: "/v2/calls/extensive", Body: body, Envelope: "calls"}
		if err := c.List(ctx, req, h); err != nil {
			return err
		}
	}
	if len(u.CallIDs) > 0 || u.WorkspaceID != "" || u.From.IsZero() || u.To.IsZero() {
		return nil
	}
	return sink.Complete(ctx, models.Calls, models.Range{Column: "started", From: u.From, To: u.To})
}

// contentSelector asks for everything /v2/calls/extensive can give:
// extended CRM context at both timings, parties, every content,
// interaction and collaboration part, and media URLs. (pointsOfInterest is
// deprecated and left out; trackerOccurrences replaces it.)
func contentSelector() map[string]any {
	return map[string]any{
		"context":       "Extended",
		"contextTiming": []string{"Now", "TimeOfCall"},
		"exposedFields": map[string]any{
			"parties": true,
			"content": map[string]any{
				"structure":          true,
				"topics":             true,
				"trackers":           true,
				"trackerOccurrences": true,
				"brief":              true,
				"outline":            true,
				"highlights":         true,
				"callOutcome":        true,
				"keyPoints":          true,
			},
			"interaction": map[string]any{
				"speakers":               true,
				"video":                  true,
				"personInteractionStats": true,
				"questions":              true,
			},
			"collaboration": map[string]any{
				"publicComments": true,
			},
			"media": true,
		},
	}
}

// callsPage is the PageHandler of the calls stream: each record is read by
// the fast decoder (calls_scan.go) and flattened with typed appends, or,
// when the fast decoder leaves it, decoded whole into models.Call and
// flattened into one builder per table.
type callsPage struct {
	ctx  context.Context
	mem  memory.Allocator
	sink Sink

	calls    *models.Builder
	children []*models.Builder // in models.CallChildren order
	seen     seenSet
	ids      []string            // the page's calls, for Scope
	keys     map[string]struct{} // child keys of the current call, to drop duplicates
	kbuf     []byte              // scratch for a child key

	fast  fastCall
	sizes [][]colSize // of the last batches, to reserve as much for the next
	slow  bool        // every record the reflective way (the tests' reference)
}

func newCallsPage(ctx context.Context, mem memory.Allocator, sink Sink) *callsPage {
	p := &callsPage{ctx: ctx, mem: mem, sink: sink, calls: models.NewBuilder(mem, models.Calls), keys: map[string]struct{}{}}
	for _, t := range models.CallChildren {
		p.children = append(p.children, models.NewBuilder(mem, t))
	}
	return p
}

// child returns the builder of child table t.
func (p *callsPage) child(t *models.Table) *models.Builder {
	for _, b := range p.children {
		if b.Table() == t {
			return b
		}
	}
	panic("extract: no builder for " + t.Name)
}

// partyContexts picks the parties' CRM context out of a call record as
// received, to keep it as JSON text.
type partyContexts struct {
	Parties []struct {
		Context jsontext.Value `json:"context"`
	} `json:"parties"`
}

// Record decodes one call and appends its rows to every table, unless the
// unit already has it. It is readRecord with the fast decoder in front: a
// record the fast decoder takes gives the same rows, and one it leaves
// (anything unusual, every malformed record) goes the reflective way, which
// gives the rows or the error.
func (p *callsPage) Record(dec *jsontext.Decoder) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return readError("calls", err)
	}
	if k := raw.Kind(); k != '{' {
		return fmt.Errorf("%s: record at %s: want a JSON object, got %s", "calls", pointer(dec), kindName(k))
	}
	if !p.slow && utf8.Valid(raw) && p.fast.decode(raw) == nil {
		id := p.fast.md.id
		if len(id) == 0 {
			return fmt.Errorf("calls: record at %s: it has no metaData.id", pointer(dec))
		}
		if p.seen.has(string(id)) {
			return nil
		}
		sid := string(id)
		p.seen.add(sid)
		p.ids = append(p.ids, sid)
		p.appendFast(id, &p.fast)
		return nil
	}
	var call models.Call
	if err := json.Unmarshal(raw, &call, unmarshalOptions); err != nil {
		return fieldError("calls", pointer(dec), err)
	}
	raw = validUTF8(raw)
	id := string(call.MetaData.ID)
	if id == "" {
		return fmt.Errorf("calls: record at %s: it has no metaData.id", pointer(dec))
	}
	if !p.seen.add(id) {
		return nil
	}
	var pc partyContexts
	if len(call.Parties) > 0 {
		if err := json.Unmarshal(raw, &pc, unmarshalOptions); err != nil {
			return fieldError("calls", pointer(dec), err)
		}
	}
	p.ids = append(p.ids, id)
	p.appendCall(id, &call, raw, &pc)
	return nil
}

// newKey reports whether the child key k of table tag is new in the
// current call; a duplicate would stage one key twice.
func (p *callsPage) newKey(tag string, k ...string) bool {
	key := tag + "\x00" + strings.Join(k, "\x00")
	if _, ok := p.keys[key]; ok {
		return false
	}
	p.keys[key] = struct{}{}
	return true
}

// appendCall flattens one call into its rows.
func (p *callsPage) appendCall(id string, c *models.Call, raw jsontext.Value, pc *partyContexts) {
	clear(p.keys)
	md := &c.MetaData
	content := c.Content
	if content == nil {
		content = &models.Content{}
	}
	inter := c.Interaction
	if inter == nil {
		inter = &models.Interaction{}
	}
	outcome := content.CallOutcome
	if outcome == nil {
		outcome = &models.CallOutcome{}
	}
	questions := inter.Questions
	if questions == nil {
		questions = &models.Questions{}
	}
	hasAudio, hasVideo := false, false
	if m := c.Media; m != nil {
		hasAudio = m.AudioURL != nil && *m.AudioURL != ""
		hasVideo = m.VideoURL != nil && *m.VideoURL != ""
	}
	p.calls.Append(
		id, md.URL, md.Title, md.Scheduled, md.Started, md.Duration, md.PrimaryUserID,
		md.Direction, md.System, md.Scope, md.Media, md.Language, md.WorkspaceID,
		md.SDRDisposition, md.ClientUniqueID, md.CustomData, md.Purpose, md.MeetingURL,
		md.IsPrivate, md.CalendarEventID,
		content.Brief, outcome.ID, outcome.Category, outcome.Name,
		questions.CompanyCount, questions.NonCompanyCount,
		hasAudio, hasVideo,
		withoutMember(raw, "media"),
	)

	b := p.child(models.CallParties)
	for i, pt := range c.Parties {
		if !p.newKey("party", string(pt.ID)) {
			continue
		}
		var ctxJSON []byte
		if i < len(pc.Parties) {
			if v := pc.Parties[i].Context; len(v) > 0 && v.Kind() != 'n' {
				ctxJSON = validUTF8(v)
			}
		}
		b.Append(id, pt.ID, pt.EmailAddress, pt.Name, pt.Title, pt.UserID, pt.SpeakerID,
			pt.Affiliation, pt.PhoneNumber, pt.Methods, ctxJSON)
	}

	b = p.child(models.CallSpeakers)
	for _, sp := range inter.Speakers {
		if p.newKey("speaker", string(sp.ID)) {
			b.Append(id, sp.ID, sp.UserID, sp.TalkTime)
		}
	}
	b = p.child(models.CallInteractionStats)
	for _, st := range inter.InteractionStats {
		if p.newKey("stat", st.Name) {
			b.Append(id, st.Name, st.Value)
		}
	}
	b = p.child(models.CallVideoStats)
	for _, v := range inter.Video {
		if p.newKey("video", v.Name) {
			b.Append(id, v.Name, v.Duration)
		}
	}
	b = p.child(models.CallTopics)
	for _, t := range content.Topics {
		if p.newKey("topic", t.Name) {
			b.Append(id, t.Name, t.Duration)
		}
	}
	b = p.child(models.CallStructure)
	for i, s := range content.Structure {
		b.Append(id, i, s.Name, s.Duration)
	}

	p.appendTrackers(id, content.Trackers)

	b = p.child(models.CallOutlineItems)
	for si, sec := range content.Outline {
		if len(sec.Items) == 0 {
			b.Append(id, si, -1, sec.Section, sec.StartTime, sec.Duration, nil, nil)
			continue
		}
		for ii, it := range sec.Items {
			b.Append(id, si, ii, sec.Section, sec.StartTime, sec.Duration, it.Text, it.StartTime)
		}
	}
	b = p.child(models.CallHighlights)
	for hi, h := range content.Highlights {
		if len(h.Items) == 0 {
			b.Append(id, hi, -1, h.Title, nil, nil)
			continue
		}
		for ii, it := range h.Items {
			b.Append(id, hi, ii, h.Title, it.Text, it.StartTimes)
		}
	}
	b = p.child(models.CallKeyPoints)
	for i, k := range content.KeyPoints {
		b.Append(id, i, k.Text)
	}

	if c.Collaboration != nil {
		b = p.child(models.CallComments)
		for _, cm := range c.Collaboration.PublicComments {
			if p.newKey("comment", string(cm.ID)) {
				b.Append(id, cm.ID, cm.AudioStartTime, cm.AudioEndTime, cm.CommenterUserID,
					cm.Comment, cm.Posted, cm.InReplyTo, cm.DuringCall)
			}
		}
	}

	b = p.child(models.CallContextFields)
	for _, cx := range c.Context {
		for _, o := range cx.Objects {
			if len(o.Fields) == 0 {
				if p.newKey("ctx", str(cx.System), str(o.ObjectType), str(o.ObjectID), str(o.Timing), "") {
					b.Append(id, cx.System, o.ObjectType, o.ObjectID, o.Timing, "", nil)
				}
				continue
			}
			for _, f := range o.Fields {
				if !p.newKey("ctx", str(cx.System), str(o.ObjectType), str(o.ObjectID), str(o.Timing), f.Name) {
					continue
				}
				var val *string
				if s, ok := f.Value.Text(); ok {
					val = &s
				}
				b.Append(id, cx.System, o.ObjectType, o.ObjectID, o.Timing, f.Name, val)
			}
		}
	}
}

// appendTrackers flattens content.trackers into call_trackers and
// call_tracker_occurrences. A tracker's key is its ID, or its name when Gong
// sends no ID; a second tracker with the same key is dropped with its
// occurrences. Occurrences are numbered per tracker: the tracker-level ones
// first (phrase NULL), then each phrase's in order.
func (p *callsPage) appendTrackers(id string, trackers []models.CallTracker) {
	tb := p.child(models.CallTrackers)
	ob := p.child(models.CallTrackerOccurrences)
	for _, t := range trackers {
		key := string(t.ID)
		if key == "" && t.Name != nil {
			key = *t.Name
		}
		if !p.newKey("tracker", key) {
			continue
		}
		tb.Append(id, key, t.ID, t.Name, t.Count, t.Type)
		ord := 0
		for _, o := range t.Occurrences {
			ob.Append(id, key, ord, nil, o.StartTime, o.SpeakerID)
			ord++
		}
		for _, ph := range t.Phrases {
			for _, o := range ph.Occurrences {
				ob.Append(id, key, ord, ph.Phrase, o.StartTime, o.SpeakerID)
				ord++
			}
		}
	}
}

// str returns *s, or "\x01" for nil, so that NULL and the empty string
// differ in a key.
func str(s *string) string {
	if s == nil {
		return "\x01"
	}
	return *s
}

// Discard drops the rows of the page and forgets its calls.
func (p *callsPage) Discard() {
	resetBuilder(p.calls)
	for _, b := range p.children {
		resetBuilder(b)
	}
	p.seen.discard()
	p.ids = p.ids[:0]
}

// EndPage writes the page: the calls batch, then for every child table the
// scope (the page's call IDs) and its batch. Empty batches are not written.
func (p *callsPage) EndPage(PageInfo) error {
	p.seen.endPage()
	ids := p.ids
	p.ids = p.ids[:0]
	if len(ids) == 0 {
		p.Discard()
		return nil
	}
	batches := make([]arrow.RecordBatch, 0, 1+len(p.children))
	defer func() {
		for _, r := range batches {
			r.Release()
		}
	}()
	if p.sizes == nil {
		p.sizes = make([][]colSize, 1+len(p.children))
	}
	p.sizes[0] = sizes(p.calls, p.sizes[0])
	calls := p.calls.NewBatch()
	reserve(p.calls, p.sizes[0])
	batches = append(batches, calls)
	for i, b := range p.children {
		p.sizes[1+i] = sizes(b, p.sizes[1+i])
		batches = append(batches, b.NewBatch())
		reserve(b, p.sizes[1+i])
	}
	keys := models.KeyBatch(p.mem, models.CallChildren[0], ids)
	defer keys.Release()

	if err := p.sink.Write(p.ctx, models.Calls, calls); err != nil {
		return err
	}
	for i, b := range p.children {
		t := b.Table()
		if err := p.sink.Scope(p.ctx, t, keys); err != nil {
			return err
		}
		if rec := batches[1+i]; rec.NumRows() > 0 {
			if err := p.sink.Write(p.ctx, t, rec); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *callsPage) release() {
	p.calls.Release()
	for _, b := range p.children {
		b.Release()
	}
}

// withoutMember returns the JSON object raw without its top-level member
// name, every other byte as received. calls._raw drops "media": its signed
// recording URLs expire within hours and are credentials of a sort, so they
// are neither useful nor safe to keep (has_audio and has_video say what was
// offered; gongload media download fetches fresh URLs).
func withoutMember(raw jsontext.Value, name string) []byte {
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return raw
	}
	out := make([]byte, 0, len(raw))
	out = append(out, '{')
	first := true
	for dec.PeekKind() != '}' {
		k, err := dec.ReadValue()
		if err != nil {
			return raw
		}
		key := append([]byte(nil), k...)
		v, err := dec.ReadValue()
		if err != nil {
			return raw
		}
		if string(key) == `"`+name+`"` {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, key...)
		out = append(out, ':')
		out = append(out, v...)
	}
	return append(out, '}')
}
