package extract

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// TranscriptsStream is the transcripts stream: POST /v2/calls/transcript
// into models.TranscriptSentences, incrementally in windows on the call's
// start. It is the hot path: records are walked with the decoder straight
// into the typed Arrow builders, never unmarshalled into structs (a record
// and its monologues token by token, each monologue's sentences array read
// as one checked value and scanned in place).
type TranscriptsStream struct {
	// Mem allocates the batches; nil means memory.DefaultAllocator.
	Mem memory.Allocator
}

var _ Stream = (*TranscriptsStream)(nil)

// Name returns "transcripts".
func (s *TranscriptsStream) Name() string { return "transcripts" }

// Tables returns models.TranscriptSentences.
func (s *TranscriptsStream) Tables() []*models.Table {
	return []*models.Table{models.TranscriptSentences}
}

// Mode returns Incremental.
func (s *TranscriptsStream) Mode() Mode { return Incremental }

// Window returns Span: windows on the call's start.
func (s *TranscriptsStream) Window() WindowKind { return Span }

// DefaultWindow returns DefaultCallWindow (7 days).
func (s *TranscriptsStream) DefaultWindow() time.Duration { return DefaultCallWindow }

// Fetch lists the transcripts of the unit (same filters as the calls
// stream). Each page gives one batch, and scopes transcript_sentences to the
// page's calls, so a transcript loaded again replaces the old one. A call
// already seen in the unit is skipped.
func (s *TranscriptsStream) Fetch(ctx context.Context, c *Client, u Unit, sink Sink) error {
	h := newTranscriptPage(ctx, orDefault(s.Mem), sink)
	defer h.release()
	for _, f := range windowFilters(u) {
		req := Request{Method: "POST", Path: "/v2/calls/transcript", Body: map[string]any{"filter": f}, Envelope: "callTranscripts"}
		if err := c.List(ctx, req, h); err != nil {
			return err
		}
	}
	return nil
}

// transcriptPage is the PageHandler of the transcripts stream. Columns are
// appended independently as the walk meets the values: a sentence's own
// columns at once, its monologue's (speaker, topic, index) when the
// monologue object ends and its call's ID when the record ends, so keys may
// come in any order without buffering rows.
type transcriptPage struct {
	ctx  context.Context
	mem  memory.Allocator
	sink Sink
	b    *models.Builder

	callID    *array.StringBuilder
	sentIdx   *array.Int32Builder
	monoIdx   *array.Int32Builder
	speaker   *array.StringBuilder
	topic     *array.StringBuilder
	startMs   *array.Int64Builder
	endMs     *array.Int64Builder
	text      *array.StringBuilder
	seen      seenSet
	ids       []string // the page's calls, for Scope
	rows      int      // rows of the page (sentence columns)
	drops     [][2]int // row ranges of the page to leave out (a repeated call whose callId came last)
	sentences int32    // sentences of the current call so far

	// scratch buffers: unescaped strings, the current monologue's speaker
	// and topic, the current record's call ID.
	scratch  []byte
	spk      []byte
	spkNull  bool
	top      []byte
	topNull  bool
	recordID []byte

	// The size of the last page: the next page is likely as large, so its
	// first record reserves room for it at once rather than growing every
	// buffer by doubling (each step copies and clears).
	hintRows int
	hintData [4]int
}

func newTranscriptPage(ctx context.Context, mem memory.Allocator, sink Sink) *transcriptPage {
	t := models.TranscriptSentences
	b := models.NewBuilder(mem, t)
	col := func(name string) array.Builder {
		i := t.ColumnIndex(name)
		if i < 0 {
			panic("extract: transcript_sentences has no column " + name)
		}
		return b.Field(i)
	}
	return &transcriptPage{
		ctx: ctx, mem: mem, sink: sink, b: b,
		callID:  col("call_id").(*array.StringBuilder),
		sentIdx: col("sentence_index").(*array.Int32Builder),
		monoIdx: col("monologue_index").(*array.Int32Builder),
		speaker: col("speaker_id").(*array.StringBuilder),
		topic:   col("topic").(*array.StringBuilder),
		startMs: col("start_ms").(*array.Int64Builder),
		endMs:   col("end_ms").(*array.Int64Builder),
		text:    col("text").(*array.StringBuilder),
	}
}

// Record walks one callTranscripts record: {"callId", "transcript":
// [{"speakerId", "topic", "sentences": [{"start", "end", "text"}]}]}.
func (p *transcriptPage) Record(dec *jsontext.Decoder) error {
	if p.hintRows > 0 && p.rows == 0 {
		p.reserve()
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return readError("transcripts", err)
	}
	if tok.Kind() != '{' {
		return fmt.Errorf("transcripts: record at %s: want a JSON object, got %s", pointer(dec), kindName(tok.Kind()))
	}
	start := p.rows
	p.sentences = 0
	haveID, skip := false, false
	for {
		ok, err := more(dec, '}')
		if err != nil {
			return readError("transcripts", err)
		}
		if !ok {
			break
		}
		name, err := dec.ReadValue()
		if err != nil {
			return readError("transcripts", err)
		}
		key := p.unquote(name)
		switch string(key) {
		case "callId":
			v, err := dec.ReadValue()
			if err != nil {
				return readError("transcripts", err)
			}
			if haveID {
				continue // a repeated name (only when the decoder allows it): the first wins
			}
			id, null, err := p.idText(v)
			if err != nil {
				return p.fieldError(dec, "callId", err)
			}
			if null || len(id) == 0 {
				return fmt.Errorf("transcripts: field callId at %s: the record has no call ID", pointer(dec))
			}
			p.recordID = append(p.recordID[:0], id...)
			haveID = true
			skip = p.seen.has(string(p.recordID))
		case "transcript":
			if skip {
				if err := dec.SkipValue(); err != nil {
					return readError("transcripts", err)
				}
				continue
			}
			if err := p.transcript(dec); err != nil {
				return err
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return readError("transcripts", err)
			}
		}
	}
	if !haveID {
		return fmt.Errorf("transcripts: record at %s: it has no callId", pointer(dec))
	}
	n := p.rows - start
	for range n {
		p.callID.BinaryBuilder.Append(p.recordID)
	}
	if skip || !p.seen.add(string(p.recordID)) {
		if n > 0 { // the transcript came before its callId: leave its rows out at EndPage
			p.drops = append(p.drops, [2]int{start, p.rows})
		}
		return nil
	}
	p.ids = append(p.ids, string(p.recordID))
	return nil
}

// reserve makes room for a page as large as the last one.
func (p *transcriptPage) reserve() {
	for i := range p.b.Table().Columns {
		p.b.Field(i).Reserve(p.hintRows)
	}
	for i, sb := range []*array.StringBuilder{p.callID, p.speaker, p.topic, p.text} {
		sb.ReserveData(p.hintData[i])
	}
	p.hintRows = 0
}

// transcript walks the monologues of a call.
func (p *transcriptPage) transcript(dec *jsontext.Decoder) error {
	switch k := dec.PeekKind(); k {
	case 'n':
		_, err := dec.ReadValue()
		return readErrorOrNil(err)
	case '[':
	case 0:
		_, err := dec.ReadToken()
		return readError("transcripts", err)
	default:
		if err := dec.SkipValue(); err != nil {
			return readError("transcripts", err)
		}
		return fmt.Errorf("transcripts: field transcript at %s: want an array, got %s", pointer(dec), kindName(k))
	}
	if _, err := dec.ReadToken(); err != nil {
		return readError("transcripts", err)
	}
	var mono int32
	for {
		ok, err := more(dec, ']')
		if err != nil {
			return readError("transcripts", err)
		}
		if !ok {
			return nil
		}
		if err := p.monologue(dec, mono); err != nil {
			return err
		}
		mono++
	}
}

// monologue walks one monologue; its speaker and topic are appended to its
// sentences' rows when it ends.
func (p *transcriptPage) monologue(dec *jsontext.Decoder, index int32) error {
	switch k := dec.PeekKind(); k {
	case 'n':
		_, err := dec.ReadValue()
		return readErrorOrNil(err)
	case '{':
	case 0:
		_, err := dec.ReadToken()
		return readError("transcripts", err)
	default:
		if err := dec.SkipValue(); err != nil {
			return readError("transcripts", err)
		}
		return fmt.Errorf("transcripts: field transcript at %s: want an array of monologue objects, got %s", pointer(dec), kindName(k))
	}
	if _, err := dec.ReadToken(); err != nil {
		return readError("transcripts", err)
	}
	start := p.rows
	p.spkNull, p.topNull = true, true
	haveSpk, haveTop, haveSent := false, false, false
	for {
		ok, err := more(dec, '}')
		if err != nil {
			return readError("transcripts", err)
		}
		if !ok {
			break
		}
		name, err := dec.ReadValue()
		if err != nil {
			return readError("transcripts", err)
		}
		key := p.unquote(name)
		switch {
		case string(key) == "sentences" && !haveSent:
			haveSent = true
			if err := p.sentencesArray(dec); err != nil {
				return err
			}
		case string(key) == "speakerId" && !haveSpk:
			haveSpk = true
			v, err := dec.ReadValue()
			if err != nil {
				return readError("transcripts", err)
			}
			id, null, err := p.idText(v)
			if err != nil {
				return p.fieldError(dec, "speakerId", err)
			}
			p.spk = append(p.spk[:0], id...)
			p.spkNull = null
		case string(key) == "topic" && !haveTop:
			haveTop = true
			v, err := dec.ReadValue()
			if err != nil {
				return readError("transcripts", err)
			}
			switch v.Kind() {
			case 'n':
			case '"':
				p.top = append(p.top[:0], p.unquote(v)...)
				p.topNull = false
			default:
				return p.fieldError(dec, "topic", fmt.Errorf("want a string, got %s", kindName(v.Kind())))
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return readError("transcripts", err)
			}
		}
	}
	n := p.rows - start
	for range n {
		p.monoIdx.Append(index)
	}
	if p.spkNull {
		p.speaker.AppendNulls(n)
	} else {
		for range n {
			p.speaker.BinaryBuilder.Append(p.spk)
		}
	}
	if p.topNull {
		p.topic.AppendNulls(n)
	} else {
		for range n {
			p.topic.BinaryBuilder.Append(p.top)
		}
	}
	return nil
}

// sentencesArray reads a monologue's sentences. The decoder reads the
// whole array as one value (that checks its syntax in one tight loop, far
// cheaper than a token at a time); scanSentences then walks its bytes.
func (p *transcriptPage) sentencesArray(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return readError("transcripts", err)
	}
	switch k := v.Kind(); k {
	case 'n':
		return nil
	case '[':
		return p.scanSentences(v, dec)
	default:
		return fmt.Errorf("transcripts: field sentences at %s: want an array, got %s", pointer(dec), kindName(k))
	}
}

// scanSentences walks a sentences array that the decoder has checked to be
// valid JSON, appending each sentence's start, end, text and index at once.
// A missing start, end or text is NULL; a null sentence is skipped.
func (p *transcriptPage) scanSentences(v jsontext.Value, dec *jsontext.Decoder) error {
	s := scanner{b: v, i: 1}
	for n := 0; ; n++ {
		s.skipSpaceComma()
		if s.i >= len(s.b) || s.b[s.i] == ']' {
			return nil
		}
		switch s.b[s.i] {
		case '{':
		case 'n':
			s.i += len("null")
			continue
		default:
			return fmt.Errorf("transcripts: field sentences at %s/%d: want an array of sentence objects, got %s",
				pointer(dec), n, kindName(jsontext.Value(s.value()).Kind()))
		}
		s.i++
		haveStart, haveEnd, haveText := false, false, false
		for {
			s.skipSpaceComma()
			if s.i >= len(s.b) || s.b[s.i] == '}' {
				s.i++
				break
			}
			name := s.value()
			s.skipSpaceColon()
			val := jsontext.Value(s.value())
			var which int // 1 start, 2 end, 3 text
			switch string(name) {
			case `"start"`:
				which = 1
			case `"end"`:
				which = 2
			case `"text"`:
				which = 3
			default:
				if hasBackslash(name) {
					key := p.unquote(name)
					switch string(key) {
					case "start":
						which = 1
					case "end":
						which = 2
					case "text":
						which = 3
					}
				}
			}
			switch {
			case which == 1 && !haveStart, which == 2 && !haveEnd:
				ms, null, err := millis(val)
				if err != nil {
					f := "start"
					if which == 2 {
						f = "end"
					}
					return fmt.Errorf("transcripts: field %s at %s/%d/%s: %v", f, pointer(dec), n, f, err)
				}
				b := p.startMs
				if which == 1 {
					haveStart = true
				} else {
					haveEnd = true
					b = p.endMs
				}
				if null {
					b.AppendNull()
				} else {
					b.Append(ms)
				}
			case which == 3 && !haveText:
				haveText = true
				switch val.Kind() {
				case '"':
					p.text.BinaryBuilder.Append(p.unquote(val))
				case 'n':
					p.text.AppendNull()
				default:
					return fmt.Errorf("transcripts: field text at %s/%d/text: want a string, got %s", pointer(dec), n, kindName(val.Kind()))
				}
			}
		}
		if !haveStart {
			p.startMs.AppendNull()
		}
		if !haveEnd {
			p.endMs.AppendNull()
		}
		if !haveText {
			p.text.AppendNull()
		}
		p.sentIdx.Append(p.sentences)
		p.sentences++
		p.rows++
	}
}

// scanner walks JSON text that a jsontext.Decoder has already checked:
// it never meets a syntax error, so it only finds where values end.
type scanner struct {
	b []byte
	i int
}

// skipSpaceComma skips white space and one comma between members.
func (s *scanner) skipSpaceComma() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r', ',':
			s.i++
		default:
			return
		}
	}
}

// skipSpaceColon skips white space and the colon after a name.
func (s *scanner) skipSpaceColon() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r', ':':
			s.i++
		default:
			return
		}
	}
}

// value returns the value (or name) at the cursor and moves past it.
func (s *scanner) value() []byte {
	start := s.i
	if s.i >= len(s.b) {
		return nil
	}
	switch s.b[s.i] {
	case '"':
		s.i = stringEnd(s.b, s.i)
	case '{', '[':
		depth := 0
	loop:
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				s.i = stringEnd(s.b, s.i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.i++
			if depth == 0 {
				break loop
			}
		}
	default: // number, true, false, null
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return s.b[start:s.i]
			}
			s.i++
		}
	}
	return s.b[start:min(s.i, len(s.b))]
}

// stringEnd returns the index after the string that starts at b[i] == '"'.
func stringEnd(b []byte, i int) int {
	i++
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return len(b)
		}
		i += j
		// The quote ends the string unless an odd number of backslashes
		// precede it.
		k := i - 1
		for b[k] == '\\' {
			k--
		}
		i++
		if (i-2-k)%2 == 0 {
			return i
		}
	}
}

// millis reads a sentence's start or end: a JSON integer (the common
// case), a number with a fraction or exponent (truncated), a numeric
// string, or null.
func millis(v jsontext.Value) (int64, bool, error) {
	b := []byte(v)
	switch v.Kind() {
	case 'n':
		return 0, true, nil
	case '"':
		b = b[1 : len(b)-1]
		if len(b) == 0 {
			return 0, true, nil
		}
	case '0':
	default:
		return 0, false, fmt.Errorf("want a number of milliseconds, got %s", kindName(v.Kind()))
	}
	// Fast path: an optional minus and up to 18 digits.
	neg := false
	d := b
	if len(d) > 0 && d[0] == '-' {
		neg, d = true, d[1:]
	}
	if len(d) > 0 && len(d) <= 18 {
		var n int64
		ok := true
		for _, c := range d {
			if c < '0' || c > '9' {
				ok = false
				break
			}
			n = n*10 + int64(c-'0')
		}
		if ok {
			if neg {
				n = -n
			}
			return n, false, nil
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f >= math.MaxInt64 || f <= math.MinInt64 {
		return 0, false, fmt.Errorf("%s is not a number of milliseconds in range", v)
	}
	return int64(f), false, nil
}

// unquote is unquote with the page's scratch buffer: the result is valid
// until the next unquote.
func (p *transcriptPage) unquote(v jsontext.Value) []byte {
	s, grown := unquote(v, p.scratch)
	p.scratch = grown
	return s
}

// idText is idText with the page's scratch buffer.
func (p *transcriptPage) idText(v jsontext.Value) ([]byte, bool, error) {
	id, null, grown, err := idText(v, p.scratch)
	p.scratch = grown
	return id, null, err
}

// hasBackslash reports whether a raw JSON string holds an escape.
func hasBackslash(b []byte) bool { return bytes.IndexByte(b, '\\') >= 0 }

// readErrorOrNil wraps err, if any, as readError does.
func readErrorOrNil(err error) error {
	if err == nil {
		return nil
	}
	return readError("transcripts", err)
}

// fieldError reports a value of the wrong type or out of range.
func (p *transcriptPage) fieldError(dec *jsontext.Decoder, field string, err error) error {
	return fmt.Errorf("transcripts: field %s at %s: %v", field, pointer(dec), err)
}

// Discard drops the rows of the page and forgets its calls.
func (p *transcriptPage) Discard() {
	resetBuilder(p.b)
	p.seen.discard()
	p.ids = p.ids[:0]
	p.drops = p.drops[:0]
	p.rows = 0
}

// EndPage scopes transcript_sentences to the page's calls and writes the
// page's sentences as one batch.
func (p *transcriptPage) EndPage(PageInfo) error {
	p.seen.endPage()
	ids, drops := p.ids, p.drops
	rows, data := p.rows, [4]int{p.callID.DataLen(), p.speaker.DataLen(), p.topic.DataLen(), p.text.DataLen()}
	p.ids, p.drops, p.rows = p.ids[:0], p.drops[:0], 0
	rec := p.b.NewBatch()
	defer rec.Release()
	p.hintRows, p.hintData = rows, data
	if len(ids) == 0 {
		return nil
	}
	if len(drops) > 0 {
		kept := leaveOut(p.mem, rec, drops)
		defer kept.Release()
		rec = kept
	}
	keys := models.KeyBatch(p.mem, models.TranscriptSentences, ids)
	defer keys.Release()
	if err := p.sink.Scope(p.ctx, models.TranscriptSentences, keys); err != nil {
		return err
	}
	if rec.NumRows() == 0 {
		return nil
	}
	return p.sink.Write(p.ctx, models.TranscriptSentences, rec)
}

// leaveOut returns rec without the rows of drops (sorted, disjoint [from,
// to) ranges).
func leaveOut(mem memory.Allocator, rec arrow.RecordBatch, drops [][2]int) arrow.RecordBatch {
	var parts []arrow.RecordBatch
	at := int64(0)
	for _, d := range drops {
		if int64(d[0]) > at {
			parts = append(parts, rec.NewSlice(at, int64(d[0])))
		}
		at = int64(d[1])
	}
	if at < rec.NumRows() {
		parts = append(parts, rec.NewSlice(at, rec.NumRows()))
	}
	defer func() {
		for _, r := range parts {
			r.Release()
		}
	}()
	cols := make([]arrow.Array, rec.NumCols())
	var rows int64
	for _, r := range parts {
		rows += r.NumRows()
	}
	for i := range cols {
		chunks := make([]arrow.Array, len(parts))
		for j, r := range parts {
			chunks[j] = r.Column(i)
		}
		if len(chunks) == 0 {
			cols[i] = array.MakeArrayOfNull(mem, rec.Schema().Field(i).Type, 0)
			continue
		}
		c, err := array.Concatenate(chunks, mem)
		if err != nil {
			panic("extract: concatenating slices of one batch: " + err.Error()) // same types: cannot fail
		}
		cols[i] = c
	}
	out := array.NewRecordBatch(rec.Schema(), cols, rows)
	for _, c := range cols {
		c.Release()
	}
	return out
}

func (p *transcriptPage) release() { p.b.Release() }
