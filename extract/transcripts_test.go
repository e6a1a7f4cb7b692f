package extract

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/gongload/gongload/models"
)

// transcriptsAnswer builds a /v2/calls/transcript answer from records.
func transcriptsAnswer(cursor string, recs ...string) []byte {
	c := ""
	if cursor != "" {
		c = fmt.Sprintf(`,"cursor":%q`, cursor)
	}
	return []byte(fmt.Sprintf(`{"requestId":"r2","records":{"totalRecords":9,"currentPageSize":%d,"currentPageNumber":0%s},"callTranscripts":[%s]}`,
		len(recs), c, strings.Join(recs, ",")))
}

// sentence is an expected transcript_sentences row.
func sentence(call string, si, mi int32, speaker, topic any, start, end, text any) row {
	return row{"call_id": call, "sentence_index": si, "monologue_index": mi, "speaker_id": speaker, "topic": topic,
		"start_ms": start, "end_ms": end, "text": text}
}

var wantTranscriptRows = []row{
	sentence(callA, 0, 0, "6432345678555530067", "Objections", int64(460230), int64(462343), "We can't go over budget."),
	sentence(callA, 1, 0, "6432345678555530067", "Objections", int64(462400), int64(463000), `Say "pilot" — ok?`),
	sentence(callA, 2, 1, "6432345678555530068", nil, int64(463100), int64(465000), "Agreed."),
	sentence(callB, 0, 0, "9223372036854775807", "Intro", int64(1000), int64(2000), "Keys in any order."),
	sentence(callB, 1, 2, "2", "Close", int64(3000), int64(3500), nil),
	sentence(callB, 2, 2, "2", "Close", int64(3600), nil, nil),
}

func TestTranscriptsStream(t *testing.T) {
	page := gongFile(t, "transcripts.json")
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		if req.Method != "POST" || req.Path != "/v2/calls/transcript" {
			t.Errorf("request %s %s", req.Method, req.Path)
		}
		writeJSON(w, 200, page)
	})
	sink := newRowSink(t)
	if err := (&TranscriptsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), window, sink); err != nil {
		t.Fatal(err)
	}
	wantBody := map[string]any{"filter": map[string]any{"fromDateTime": "2026-03-01T00:00:00Z", "toDateTime": "2026-03-08T00:00:00Z"}}
	if got := srv.reqs()[0].Body; !reflect.DeepEqual(got, wantBody) {
		t.Errorf("body %v, want %v", got, wantBody)
	}
	if d := diffRows(wantTranscriptRows, sink.rows["transcript_sentences"]); d != "" {
		t.Errorf("transcript_sentences rows:\n%s", d)
	}
	if sink.writes["transcript_sentences"] != 1 {
		t.Errorf("%d batches, want 1", sink.writes["transcript_sentences"])
	}
	if want := []scopeCall{{"transcript_sentences", []string{callA, callB, callC}}}; !reflect.DeepEqual(sink.scopes, want) {
		t.Errorf("scopes %v, want %v", sink.scopes, want)
	}
	if len(sink.completes) != 0 {
		t.Errorf("completes %v: transcripts declare nothing complete", sink.completes)
	}
}

// A call seen on an earlier page of the unit is skipped, whether its callId
// comes before its transcript (skipped while reading) or after it (its rows
// are left out of the batch). A page cut short is discarded and fetched
// again without its calls being taken for duplicates.
func TestTranscriptsDuplicatesAndRetry(t *testing.T) {
	recs := envelopeRecords(t, gongFile(t, "transcripts.json"), "callTranscripts")
	recD := strings.Replace(recs[0], callA, "11", 1)
	recE := strings.Replace(recs[0], callA, "12", 1)
	page1 := transcriptsAnswer("c2", recs[0], recs[1])
	page2 := transcriptsAnswer("", recD, recs[0], recs[1], recE, recs[2])
	cut := bytes.Index(page2, []byte(`"12"`))
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) {
		switch n {
		case 0:
			writeJSON(w, 200, page1)
		case 1:
			writeCut(w, page2, cut)
		default:
			if req.Body["cursor"] != "c2" {
				t.Errorf("cursor %v, want c2", req.Body["cursor"])
			}
			writeJSON(w, 200, page2)
		}
	})
	sink := newRowSink(t)
	if err := (&TranscriptsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), window, sink); err != nil {
		t.Fatal(err)
	}
	want := append([]row(nil), wantTranscriptRows...)
	for _, id := range []string{"11", "12"} {
		for _, r := range wantTranscriptRows[:3] {
			r2 := row{}
			for k, v := range r {
				r2[k] = v
			}
			r2["call_id"] = id
			want = append(want, r2)
		}
	}
	if d := diffRows(want, sink.rows["transcript_sentences"]); d != "" {
		t.Errorf("transcript_sentences rows:\n%s", d)
	}
	wantScopes := []scopeCall{
		{"transcript_sentences", []string{callA, callB}},
		{"transcript_sentences", []string{"11", "12", callC}},
	}
	if !reflect.DeepEqual(sink.scopes, wantScopes) {
		t.Errorf("scopes %v, want %v", sink.scopes, wantScopes)
	}
	if len(srv.reqs()) != 3 {
		t.Errorf("%d requests, want 3", len(srv.reqs()))
	}
}

func TestTranscriptsTargetedAndEmpty(t *testing.T) {
	srv := newGongServer(t, func(w http.ResponseWriter, n int, req gongRequest) { writeJSON(w, 404, notFound) })
	sink := newRowSink(t)
	u := Unit{From: window.From, To: window.To, CallIDs: []string{callA, callB}, WorkspaceID: "5"}
	if err := (&TranscriptsStream{Mem: checkedMem(t)}).Fetch(context.Background(), srv.client(t), u, sink); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"filter": map[string]any{"callIds": []any{callA, callB}, "workspaceId": "5"}}
	if got := srv.reqs()[0].Body; !reflect.DeepEqual(got, want) {
		t.Errorf("body %v, want %v", got, want)
	}
	if len(sink.rows) != 0 || len(sink.scopes) != 0 {
		t.Errorf("an empty answer sent rows %v, scopes %v", sink.rows, sink.scopes)
	}
}

// Records walked without HTTP: the lenient cases.
func TestTranscriptDecodeLenient(t *testing.T) {
	tests := map[string]struct {
		rec  string
		want []row
	}{
		"escaped names, numeric strings, fractions": {
			`{"callId":"1","transcript":[{"speakerId":"7","sentences":[{"\u0073tart":"15","end":2.5e3,"te\u0078t":"a"}]}]}`,
			[]row{sentence("1", 0, 0, "7", nil, int64(15), int64(2500), "a")},
		},
		"repeated names: the first wins": {
			`{"callId":"1","callId":"2","transcript":[{"speakerId":"7","speakerId":"8","topic":"x","topic":null,"sentences":[{"start":1,"start":2,"text":"a","text":"b"}]}]}`,
			[]row{sentence("1", 0, 0, "7", "x", int64(1), nil, "a")},
		},
		"nulls": {
			`{"callId":"1","transcript":[null,{"speakerId":null,"topic":null,"sentences":[null,{"start":null,"end":"","text":null}]},{"sentences":null}]}`,
			[]row{sentence("1", 0, 1, nil, nil, nil, nil, nil)},
		},
		"null transcript": {`{"callId":"1","transcript":null}`, nil},
		"invalid UTF-8 replaced": {
			"{\"callId\":\"1\",\"transcript\":[{\"speakerId\":\"7\",\"sentences\":[{\"start\":1,\"end\":2,\"text\":\"a\xffb\"}]}]}",
			[]row{sentence("1", 0, 0, "7", nil, int64(1), int64(2), "a\uFFFDb")},
		},
		"unknown members anywhere": {
			`{"x":{"callId":"9"},"callId":"1","transcript":[{"y":[{"sentences":[]}],"speakerId":"7","sentences":[{"z":{"start":5},"start":1,"end":2,"text":"a"}]}],"w":null}`,
			[]row{sentence("1", 0, 0, "7", nil, int64(1), int64(2), "a")},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mem := checkedMem(t)
			sink := newRowSink(t)
			h := newTranscriptPage(context.Background(), mem, sink)
			defer h.release()
			if err := drivePage(transcriptsAnswer("", tc.rec), "callTranscripts", h); err != nil {
				t.Fatal(err)
			}
			if d := diffRows(tc.want, sink.rows["transcript_sentences"]); d != "" {
				t.Errorf("rows:\n%s", d)
			}
			if got := sink.scopedKeys("transcript_sentences"); !reflect.DeepEqual(got, []string{"1"}) {
				t.Errorf("scoped %v, want [1]", got)
			}
		})
	}
}

// A value of the wrong type fails with an error naming the field and where
// it is in the answer.
func TestTranscriptDecodeWrongTypes(t *testing.T) {
	tests := map[string]struct{ rec, want string }{
		"object for start": {`{"callId":"1","transcript":[{"speakerId":"7","sentences":[{"start":{"ms":1},"end":2,"text":"a"}]}]}`,
			"transcripts: field start at /callTranscripts/0/transcript/0/sentences/0/start: want a number of milliseconds, got an object"},
		"number for text": {`{"callId":"1","transcript":[{"speakerId":"7","sentences":[{"start":1,"end":2,"text":3}]}]}`,
			"transcripts: field text at /callTranscripts/0/transcript/0/sentences/0/text: want a string, got a number"},
		"object for transcript": {`{"callId":"1","transcript":{"speakerId":"7"}}`,
			"transcripts: field transcript at /callTranscripts/0/transcript: want an array, got an object"},
		"object for sentences": {`{"callId":"1","transcript":[{"sentences":{}}]}`,
			"transcripts: field sentences at /callTranscripts/0/transcript/0/sentences: want an array, got an object"},
		"string for sentence": {`{"callId":"1","transcript":[{"sentences":["hello"]}]}`,
			"transcripts: field sentences at /callTranscripts/0/transcript/0/sentences/0: want an array of sentence objects, got a string"},
		"number for sentence": {`{"callId":"1","transcript":[{"sentences":[{"start":1},-12]}]}`,
			"transcripts: field sentences at /callTranscripts/0/transcript/0/sentences/1: want an array of sentence objects, got a number"},
		"bool for callId": {`{"callId":true,"transcript":[]}`,
			"transcripts: field callId at /callTranscripts/0/callId: want a string or a number (an ID), got a boolean"},
		"fraction for speakerId": {`{"callId":"1","transcript":[{"speakerId":1.5,"sentences":[]}]}`,
			"transcripts: field speakerId at /callTranscripts/0/transcript/0/speakerId: the ID 1.5 is not an integer"},
		"array for topic": {`{"callId":"1","transcript":[{"topic":["a"],"sentences":[]}]}`,
			"transcripts: field topic at /callTranscripts/0/transcript/0/topic: want a string, got an array"},
		"no callId":         {`{"transcript":[]}`, "transcripts: record at /callTranscripts/0: it has no callId"},
		"null callId":       {`{"callId":null,"transcript":[]}`, "transcripts: field callId at /callTranscripts/0/callId: the record has no call ID"},
		"record not object": {`"x"`, "transcripts: record at /callTranscripts/0: want a JSON object, got a string"},
		"start out of range": {`{"callId":"1","transcript":[{"sentences":[{"start":1e300}]}]}`,
			"transcripts: field start at /callTranscripts/0/transcript/0/sentences/0/start: 1e300 is not a number of milliseconds in range"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			mem := checkedMem(t)
			sink := newRowSink(t)
			h := newTranscriptPage(context.Background(), mem, sink)
			defer h.release()
			err := drivePage(transcriptsAnswer("", tc.rec), "callTranscripts", h)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v\nwant %s", err, tc.want)
			}
			h.Discard()
		})
	}
}

// FuzzTranscriptPage walks arbitrary answers: it must never panic, and what
// it sends must be consistent batches without a key staged twice.
func FuzzTranscriptPage(f *testing.F) {
	f.Add(gongFile(f, "transcripts.json"))
	f.Add(transcriptsAnswer("", `{"transcript":[{"sentences":[{"start":1}]}],"callId":"1"}`, `{"callId":1,"transcript":[]}`))
	f.Fuzz(func(t *testing.T, page []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		sink := newRowSink(t)
		h := newTranscriptPage(context.Background(), mem, sink)
		err := drivePage(page, "callTranscripts", h)
		if err != nil {
			h.Discard()
		}
		// Differential check against a plain unmarshalling decoder, on the
		// answers it can read (no repeated names, valid UTF-8).
		if want, ok, strict := referenceTranscriptRows(page); strict {
			switch {
			case ok && err != nil:
				t.Fatalf("the reference reads the page, the stream fails: %v", err)
			case !ok && err == nil:
				t.Fatalf("the reference rejects the page, the stream reads it")
			case ok:
				if d := diffRows(want, sink.rows["transcript_sentences"]); d != "" {
					t.Fatalf("rows differ from the reference:\n%s", d)
				}
			}
		}
		// The same page again: every call is now a duplicate.
		if err := drivePage(page, "callTranscripts", h); err != nil {
			h.Discard()
		}
		h.release()
		mem.AssertSize(t, 0)
	})
}

// referenceTranscriptRows decodes a transcripts answer the slow, obvious
// way: strict unmarshalling into jsontext.Values, then the same rules as the
// stream. strict is false when the answer is not strict JSON (repeated
// names, invalid UTF-8) or has no callTranscripts array; ok is false where
// the stream must fail.
func referenceTranscriptRows(page []byte) (rows []row, ok, strict bool) {
	var p struct {
		CallTranscripts []jsontext.Value `json:"callTranscripts"`
	}
	if err := jsonv2.Unmarshal(page, &p); err != nil {
		return nil, false, false
	}
	var probe map[string]jsontext.Value
	if jsonv2.Unmarshal(page, &probe) != nil || probe["callTranscripts"].Kind() != '[' {
		return nil, false, false
	}
	str := func(v jsontext.Value) (any, bool) {
		switch v.Kind() {
		case 0, 'n':
			return nil, true
		case '"':
			var s string
			jsonv2.Unmarshal(v, &s)
			return s, true
		}
		return nil, false
	}
	id := func(v jsontext.Value) (any, bool) {
		if v.Kind() == '0' {
			if strings.Trim(strings.TrimPrefix(string(v), "-"), "0123456789") == "" {
				return string(v), true
			}
			return nil, false
		}
		return str(v)
	}
	seen := map[string]bool{}
	for _, rec := range p.CallTranscripts {
		var c struct {
			CallID     jsontext.Value `json:"callId"`
			Transcript jsontext.Value `json:"transcript"`
		}
		if rec.Kind() != '{' || jsonv2.Unmarshal(rec, &c) != nil {
			return nil, false, true
		}
		cid, good := id(c.CallID)
		if !good || cid == nil || cid == "" {
			return nil, false, true
		}
		var callRows []row
		var monos []jsontext.Value
		switch c.Transcript.Kind() {
		case 0, 'n':
		case '[':
			jsonv2.Unmarshal(c.Transcript, &monos)
		default:
			return nil, false, true
		}
		si := int32(0)
		for mi, m := range monos {
			if m.Kind() == 'n' {
				continue
			}
			var mono struct {
				SpeakerID jsontext.Value `json:"speakerId"`
				Topic     jsontext.Value `json:"topic"`
				Sentences jsontext.Value `json:"sentences"`
			}
			if m.Kind() != '{' || jsonv2.Unmarshal(m, &mono) != nil {
				return nil, false, true
			}
			spk, ok1 := id(mono.SpeakerID)
			topic, ok2 := str(mono.Topic)
			if !ok1 || !ok2 {
				return nil, false, true
			}
			var sents []jsontext.Value
			switch mono.Sentences.Kind() {
			case 0, 'n':
			case '[':
				jsonv2.Unmarshal(mono.Sentences, &sents)
			default:
				return nil, false, true
			}
			for _, sv := range sents {
				if sv.Kind() == 'n' {
					continue
				}
				var sen struct {
					Start jsontext.Value `json:"start"`
					End   jsontext.Value `json:"end"`
					Text  jsontext.Value `json:"text"`
				}
				if sv.Kind() != '{' || jsonv2.Unmarshal(sv, &sen) != nil {
					return nil, false, true
				}
				ms := func(v jsontext.Value) (any, bool) {
					if v == nil {
						return nil, true
					}
					n, null, err := millis(v)
					if err != nil {
						return nil, false
					}
					if null {
						return nil, true
					}
					return n, true
				}
				start, ok3 := ms(sen.Start)
				end, ok4 := ms(sen.End)
				text, ok5 := str(sen.Text)
				if !ok3 || !ok4 || !ok5 {
					return nil, false, true
				}
				callRows = append(callRows, sentence(cid.(string), si, int32(mi), spk, topic, start, end, text))
				si++
			}
		}
		if !seen[cid.(string)] {
			rows = append(rows, callRows...)
		}
		seen[cid.(string)] = true
	}
	return rows, true, true
}

// transcriptPageOf generates a realistic answer of about size bytes: calls
// of 40 to 90 monologues of 1 to 20 sentences of 4 to 30 words.
func transcriptPageOf(size int) (page []byte, sentences int) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the a we our budget pilot price team quarter Q2 integration security review next steps timeline " +
		"contract renewal discount value customer data platform I think that's right can you send me it would be great " +
		"let's schedule follow-up call with legal procurement approval \"quoted\" don't won't yes no okay 2026 $85,000")
	var b bytes.Buffer
	b.WriteString(`{"requestId":"4al018gzaztcr8nbukw","records":{"totalRecords":1000,"currentPageSize":100,"currentPageNumber":9},"callTranscripts":[`)
	for call := 0; b.Len() < size; call++ {
		if call > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"callId":"%d","transcript":[`, 7782342274025937895-uint64(call)*7919)
		ms := 0
		for m := range 40 + rng.IntN(50) {
			if m > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"speakerId":"%d","topic":`, 6432345678555530067+uint64(rng.IntN(4)))
			if rng.IntN(3) == 0 {
				b.WriteString("null")
			} else {
				fmt.Fprintf(&b, "%q", []string{"Pricing", "Objections", "Next Steps", "Small Talk"}[rng.IntN(4)])
			}
			b.WriteString(`,"sentences":[`)
			for s := range 1 + rng.IntN(20) {
				if s > 0 {
					b.WriteByte(',')
				}
				n := 4 + rng.IntN(27)
				var text strings.Builder
				for w := range n {
					if w > 0 {
						text.WriteByte(' ')
					}
					text.WriteString(words[rng.IntN(len(words))])
				}
				end := ms + 250*n
				fmt.Fprintf(&b, `{"start":%d,"end":%d,"text":%q}`, ms, end, text.String()+".")
				ms = end + 120
				sentences++
			}
			b.WriteString("]}")
		}
		b.WriteString("]}")
	}
	b.WriteString("]}")
	return b.Bytes(), sentences
}

// discardSink drops what it is sent.
type discardSink struct{ rows int64 }

func (s *discardSink) Write(_ context.Context, _ *models.Table, rec arrow.RecordBatch) error {
	s.rows += rec.NumRows()
	return nil
}
func (s *discardSink) Scope(context.Context, *models.Table, arrow.RecordBatch) error { return nil }
func (s *discardSink) Complete(context.Context, *models.Table, models.Range) error   { return nil }

// BenchmarkTranscriptDecode walks a ~10 MB answer into Arrow batches (what
// one page costs the transcripts stream, without the network).
func BenchmarkTranscriptDecode(b *testing.B) {
	page, sentences := transcriptPageOf(10 << 20)
	sink := &discardSink{}
	h := newTranscriptPage(context.Background(), memory.DefaultAllocator, sink)
	defer h.release()
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.seen = seenSet{} // a new unit each time
		if err := drivePage(page, "callTranscripts", h); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(sentences)*float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
	if sink.rows != int64(sentences)*int64(b.N) {
		b.Fatalf("%d rows, want %d", sink.rows, sentences*b.N)
	}
}

// BenchmarkTranscriptFetch is BenchmarkTranscriptDecode through the client
// and a loopback HTTP server.
func BenchmarkTranscriptFetch(b *testing.B) {
	page, sentences := transcriptPageOf(10 << 20)
	srv := newBenchServer(b, page)
	c, err := New(Options{BaseURL: srv.URL, RateLimit: 1e9, Transport: srv.Client().Transport})
	if err != nil {
		b.Fatal(err)
	}
	sink := &discardSink{}
	s := &TranscriptsStream{}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := s.Fetch(context.Background(), c, window, sink); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(sentences)*float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
}
