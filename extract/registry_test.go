package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/models"
)

func TestRegistry(t *testing.T) {
	want := []string{"users", "workspaces", "calls", "transcripts", "answered_scorecards", "scorecards", "trackers",
		"library_folders", "library_folder_content", "activity_aggregate", "activity_daily", "interaction_stats", "coaching"}
	if got := StreamNames(); !slices.Equal(got, want) {
		t.Fatalf("StreamNames() = %v, want %v", got, want)
	}
	for _, name := range want {
		s, ok := Lookup(name)
		if !ok || s.Name() != name {
			t.Fatalf("Lookup(%q) = %v, %v", name, s, ok)
		}
		for _, tb := range s.Tables() {
			if tb.Stream != name {
				t.Errorf("stream %s lists table %s of stream %q", name, tb.Name, tb.Stream)
			}
			if err := tb.Validate(); err != nil {
				t.Error(err)
			}
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("Lookup(nope) found a stream")
	}
	type sync struct {
		Mode     Mode
		Window   WindowKind
		Default  time.Duration
		Lookback time.Duration
	}
	got := map[string]sync{}
	for _, s := range Streams() {
		sy := sync{Mode: s.Mode(), Window: s.Window(), Default: s.DefaultWindow()}
		if lb, ok := s.(Lookbacker); ok {
			sy.Lookback = lb.DefaultLookback()
		}
		got[s.Name()] = sy
	}
	week := 168 * time.Hour
	wantSync := map[string]sync{
		"users":                  {FullRefresh, 0, 0, 0},
		"workspaces":             {FullRefresh, 0, 0, 0},
		"calls":                  {Incremental, Span, week, 0},
		"transcripts":            {Incremental, Span, week, 0},
		"answered_scorecards":    {Incremental, Span, week, 0},
		"scorecards":             {FullRefresh, 0, 0, 0},
		"trackers":               {FullRefresh, 0, 0, 0},
		"library_folders":        {FullRefresh, 0, 0, 0},
		"library_folder_content": {FullRefresh, 0, 0, 0},
		"activity_aggregate":     {Incremental, Month, 0, 0},
		"activity_daily":         {Incremental, Day, 0, 0},
		"interaction_stats":      {Incremental, Month, 0, 0},
		"coaching":               {Incremental, Month, 0, 2160 * time.Hour},
	}
	if d := cmp.Diff(wantSync, got); d != "" {
		t.Errorf("modes and windows (-want +got):\n%s", d)
	}
	// Every table of the models that names one of these streams is filled
	// by exactly that one.
	filled := map[string]int{}
	for _, s := range Streams() {
		for _, tb := range s.Tables() {
			filled[tb.Name]++
		}
	}
	for _, tb := range models.All() {
		if _, ok := Lookup(tb.Stream); ok && filled[tb.Name] != 1 {
			t.Errorf("table %s is filled by %d streams", tb.Name, filled[tb.Name])
		}
	}
}

func TestWindowFilters(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.Add(7 * 24 * time.Hour)
	paris := time.FixedZone("CET", 3600)
	many := make([]string, 2*MaxCallIDs+1)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	tests := map[string]struct {
		u    Unit
		want []map[string]any
	}{
		"window": {Unit{From: from, To: to},
			[]map[string]any{{"fromDateTime": "2026-03-01T00:00:00Z", "toDateTime": "2026-03-08T00:00:00Z"}}},
		"offset and fraction": {Unit{From: time.Date(2026, 3, 1, 1, 30, 0, 999, paris), To: to},
			[]map[string]any{{"fromDateTime": "2026-03-01T00:30:00Z", "toDateTime": "2026-03-08T00:00:00Z"}}},
		"workspace": {Unit{From: from, To: to, WorkspaceID: "42"},
			[]map[string]any{{"fromDateTime": "2026-03-01T00:00:00Z", "toDateTime": "2026-03-08T00:00:00Z", "workspaceId": "42"}}},
		"targeted": {Unit{From: from, To: to, CallIDs: []string{"1", "2"}},
			[]map[string]any{{"callIds": []string{"1", "2"}}}},
		"targeted in chunks": {Unit{CallIDs: many, WorkspaceID: "7"},
			[]map[string]any{
				{"callIds": many[:MaxCallIDs], "workspaceId": "7"},
				{"callIds": many[MaxCallIDs : 2*MaxCallIDs], "workspaceId": "7"},
				{"callIds": many[2*MaxCallIDs:], "workspaceId": "7"}}},
		"open": {Unit{}, []map[string]any{{}}},
	}
	for name, tc := range tests {
		if got := windowFilters(tc.u); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: windowFilters = %v, want %v", name, got, tc.want)
		}
	}
}

// ---- test helpers shared by the stream tests ----

// row is one row a stream sent, by column name.
type row map[string]any

// scopeCall is one Sink.Scope call.
type scopeCall struct {
	Table string
	Keys  []string
}

// rowSink is a Sink that records what a stream sends, as Go values. It
// keeps no batch (the caller owns them).
type rowSink struct {
	t         testing.TB
	mu        sync.Mutex
	rows      map[string][]row
	writes    map[string]int
	scopes    []scopeCall
	completes []string
	failOn    string // table whose Write fails
	keys      map[string]bool
}

func newRowSink(t testing.TB) *rowSink {
	return &rowSink{t: t, rows: map[string][]row{}, writes: map[string]int{}, keys: map[string]bool{}}
}

func (s *rowSink) Write(ctx context.Context, tb *models.Table, rec arrow.RecordBatch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !rec.Schema().Equal(tb.Schema()) || !rec.Schema().Metadata().Equal(tb.Schema().Metadata()) {
		s.t.Errorf("Write(%s): schema\n%v\nwant\n%v", tb.Name, rec.Schema(), tb.Schema())
	}
	if s.failOn == tb.Name {
		return fmt.Errorf("sink refuses %s", tb.Name)
	}
	s.writes[tb.Name]++
	rows := batchRows(s.t, rec)
	for _, r := range rows {
		// A Tx must not stage a key twice.
		k := tb.Name
		for _, c := range tb.Key {
			k += fmt.Sprintf("|%#v", r[c])
		}
		if s.keys[k] {
			s.t.Errorf("Write(%s): key %s staged twice", tb.Name, k)
		}
		s.keys[k] = true
		for _, c := range tb.ParentKey {
			if r[c] == nil {
				s.t.Errorf("Write(%s): NULL parent key %s", tb.Name, c)
			}
		}
		if tb.IsEntity() && r[tb.Key[0]] == nil {
			s.t.Errorf("Write(%s): NULL key", tb.Name)
		}
	}
	s.rows[tb.Name] = append(s.rows[tb.Name], rows...)
	return nil
}

func (s *rowSink) Scope(ctx context.Context, tb *models.Table, keys arrow.RecordBatch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !keys.Schema().Equal(tb.KeySchema()) {
		s.t.Errorf("Scope(%s): key schema %v, want %v", tb.Name, keys.Schema(), tb.KeySchema())
	}
	var ks []string
	for _, r := range batchRows(s.t, keys) {
		var parts []string
		for _, f := range keys.Schema().Fields() {
			switch v := r[f.Name].(type) {
			case string:
				parts = append(parts, v)
			case time.Time:
				parts = append(parts, v.Format(time.DateOnly))
			default:
				parts = append(parts, fmt.Sprint(v))
			}
		}
		ks = append(ks, strings.Join(parts, "|"))
	}
	s.scopes = append(s.scopes, scopeCall{tb.Name, ks})
	return nil
}

func (s *rowSink) Complete(ctx context.Context, tb *models.Table, r models.Range) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := tb.Name
	if !r.IsZero() {
		c += fmt.Sprintf(" %s [%s, %s)", r.Column, r.From.UTC().Format(time.RFC3339), r.To.UTC().Format(time.RFC3339))
	}
	s.completes = append(s.completes, c)
	return nil
}

// scopedKeys returns the keys scoped for table, in order.
func (s *rowSink) scopedKeys(table string) []string {
	var out []string
	for _, c := range s.scopes {
		if c.Table == table {
			out = append(out, c.Keys...)
		}
	}
	return out
}

// batchRows converts a batch to rows of Go values: string, int32, int64,
// float64, bool, time.Time (UTC), []string, []float64, nil for NULL.
func batchRows(t testing.TB, rec arrow.RecordBatch) []row {
	t.Helper()
	rows := make([]row, rec.NumRows())
	for i := range rows {
		rows[i] = row{}
	}
	for c, f := range rec.Schema().Fields() {
		col := rec.Column(c)
		if int64(col.Len()) != rec.NumRows() {
			t.Fatalf("column %s has %d rows, the batch %d", f.Name, col.Len(), rec.NumRows())
		}
		for i := range rows {
			rows[i][f.Name] = cell(t, col, i)
		}
	}
	return rows
}

func cell(t testing.TB, a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Int32:
		return a.Value(i)
	case *array.Int64:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Boolean:
		return a.Value(i)
	case *array.Timestamp:
		return time.UnixMicro(int64(a.Value(i))).UTC()
	case *array.Date32:
		return a.Value(i).ToTime()
	case *array.List:
		from, to := a.ValueOffsets(i)
		switch v := a.ListValues().(type) {
		case *array.String:
			out := []string{}
			for j := from; j < to; j++ {
				out = append(out, v.Value(int(j)))
			}
			return out
		case *array.Float64:
			out := []float64{}
			for j := from; j < to; j++ {
				out = append(out, v.Value(int(j)))
			}
			return out
		}
	}
	t.Fatalf("no conversion for %T", a)
	return nil
}

// diffRows describes how got differs from want ("" when equal), row by row
// and column by column.
func diffRows(want, got []row) string {
	var sb strings.Builder
	if len(want) != len(got) {
		fmt.Fprintf(&sb, "%d rows, want %d\n", len(got), len(want))
	}
	for i := range max(len(want), len(got)) {
		switch {
		case i >= len(got):
			fmt.Fprintf(&sb, "row %d missing: %v\n", i, want[i])
			continue
		case i >= len(want):
			fmt.Fprintf(&sb, "row %d extra: %v\n", i, got[i])
			continue
		}
		var cols []string
		for k := range want[i] {
			cols = append(cols, k)
		}
		for k := range got[i] {
			if _, ok := want[i][k]; !ok {
				cols = append(cols, k)
			}
		}
		sort.Strings(cols)
		for _, k := range cols {
			w, wok := want[i][k]
			g, gok := got[i][k]
			if !wok || !gok || !reflect.DeepEqual(w, g) {
				fmt.Fprintf(&sb, "row %d %s: got %#v, want %#v\n", i, k, g, w)
			}
		}
	}
	return sb.String()
}

// gongFile returns a recorded-shape answer from testdata/gong.
func gongFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "gong", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// envelopeRecords returns the records of an answer's envelope as the raw
// bytes a Decoder reads.
func envelopeRecords(t *testing.T, page []byte, envelope string) []string {
	t.Helper()
	dec := jsontext.NewDecoder(bytes.NewReader(page))
	var out []string
	if _, err := dec.ReadToken(); err != nil {
		t.Fatal(err)
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadToken()
		if err != nil {
			t.Fatal(err)
		}
		if name.String() != envelope {
			if err := dec.SkipValue(); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := dec.ReadToken(); err != nil {
			t.Fatal(err)
		}
		for dec.PeekKind() != ']' {
			v, err := dec.ReadValue()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, string(v))
		}
		if _, err := dec.ReadToken(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// drivePage walks one answer the way the client does, without HTTP: the
// envelope's records go to h.Record, then EndPage. It is what the fuzz
// targets and the decode benchmark use.
func drivePage(page []byte, envelope string, h PageHandler) error {
	dec := jsontext.NewDecoder(bytes.NewReader(page), unmarshalOptions)
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	n := 0
	for {
		k := dec.PeekKind()
		if k == '}' {
			break
		}
		if k == 0 {
			_, err := dec.ReadToken()
			return err
		}
		name, err := dec.ReadToken()
		if err != nil {
			return err
		}
		if name.String() != envelope {
			if err := dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		if dec.PeekKind() != '[' {
			return fmt.Errorf("%s is not an array", envelope)
		}
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		for {
			k := dec.PeekKind()
			if k == ']' {
				break
			}
			if k == 0 {
				_, err := dec.ReadToken()
				return err
			}
			depth := dec.StackDepth()
			_, before := dec.StackIndex(depth)
			if err := h.Record(dec); err != nil {
				return err
			}
			if _, after := dec.StackIndex(depth); dec.StackDepth() != depth || after != before+1 {
				return fmt.Errorf("Record read more or less than one value")
			}
			n++
		}
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	return h.EndPage(PageInfo{Records: n, TotalRecords: n})
}

// gongServer serves answers from a handler and records the requests: for
// each, the method, path, query and JSON body.
type gongServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []gongRequest
}

type gongRequest struct {
	Method, Path string
	Query        url.Values
	Body         map[string]any
}

// newGongServer starts a server whose handler gets the request number
// (0-based) and the decoded request.
func newGongServer(t *testing.T, h func(w http.ResponseWriter, n int, req gongRequest)) *gongServer {
	t.Helper()
	s := &gongServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if r.Method == http.MethodPost {
			dec := json.NewDecoder(r.Body)
			dec.UseNumber()
			if err := dec.Decode(&body); err != nil {
				t.Errorf("request body: %v", err)
			}
		}
		req := gongRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body}
		s.mu.Lock()
		n := len(s.requests)
		s.requests = append(s.requests, req)
		s.mu.Unlock()
		h(w, n, req)
	}))
	t.Cleanup(s.Close)
	return s
}

// client returns a fast client of the server: no rate limit, millisecond
// backoff.
func (s *gongServer) client(t *testing.T) *Client {
	t.Helper()
	c, err := New(Options{
		BaseURL:    s.URL,
		RateLimit:  math.Inf(1),
		Backoff:    time.Millisecond,
		MaxBackoff: 2 * time.Millisecond,
		Transport:  s.Client().Transport,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// reqs returns the requests served so far.
func (s *gongServer) reqs() []gongRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// writeJSON answers with status and a JSON body.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// writeCut answers 200 with the first n bytes of body, then breaks the
// connection: a truncated page.
func writeCut(w http.ResponseWriter, body []byte, n int) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body[:n])
	w.(http.Flusher).Flush()
	panic(http.ErrAbortHandler)
}

// notFound is Gong's real answer to an empty listing.
var notFound = []byte(`{"requestId":"6z1ptav6gtwfkdnwqai","errors":["No calls found corresponding to the provided filters"]}`)

// checkedMem returns an allocator that fails the test if a batch leaks.
func checkedMem(t *testing.T) *memory.CheckedAllocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// ts parses an RFC 3339 time and returns it in UTC.
func ts(s string) time.Time {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return v.UTC().Truncate(time.Microsecond)
}

// newBenchServer serves the same answer to every request.
func newBenchServer(tb testing.TB, page []byte) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		writeJSON(w, 200, page)
	}))
	tb.Cleanup(srv.Close)
	return srv
}
