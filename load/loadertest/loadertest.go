package loadertest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/models"
)

// Harness adapts one Loader implementation to the suite.
type Harness struct {
	// Open returns a Loader on a new, empty destination (typically in
	// t.TempDir()). The suite closes it at the end of the case; Close must
	// tolerate being called again by the harness's own cleanup.
	Open func(t *testing.T) load.Loader

	// Rows returns every row of a table of l, in any order, as column name →
	// value, the meta columns (_loaded_at, _run_id) included. NULL is nil.
	// Values may be of the Go types a database driver returns: the suite
	// normalises integers to int64, floats to float64, times to UTC, []byte
	// to string and slices (lists) to []any before comparing.
	Rows func(t *testing.T, l load.Loader, table string) []map[string]any

	// Reopen, if set, closes l and opens the same destination again; the
	// suite then checks that data and state survive. The suite closes the
	// Loader it returns.
	Reopen func(t *testing.T, l load.Loader) load.Loader
}

// row is one row: column name → value.
type row = map[string]any

// The tables of the suite: two entity tables and two child tables of calls
// (of two streams, so a delete stale cascades across streams).
var tables = []*models.Table{models.Users, models.Calls, models.CallParties, models.TranscriptSentences}

// day0 is the start of the windows of the suite.
var day0 = time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)

const week = 7 * 24 * time.Hour

// Run runs every case of the suite as a subtest of t.
func Run(t *testing.T, h Harness) {
	if h.Open == nil || h.Rows == nil {
		t.Fatal("loadertest: Harness needs Open and Rows")
	}
	cases := []struct {
		name string
		fn   func(*testing.T, *env)
	}{
		{"Create", testCreate},
		{"UpsertIdempotent", testUpsert},
		{"ReplaceByParent", testReplaceByParent},
		{"DeleteStaleRange", testDeleteStaleRange},
		{"DeleteStaleWholeTable", testDeleteStaleWhole},
		{"AddColumn", testAddColumn},
		{"EmptyBatch", testEmptyBatch},
		{"CancelledContext", testCancelled},
		{"Rollback", testRollback},
		{"ConcurrentTx", testConcurrent},
		{"StateRoundTrip", testState},
		{"Reopen", testReopen},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "Reopen" && h.Reopen == nil {
				t.Skip("the harness has no Reopen")
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			l := h.Open(t)
			e := &env{h: h, l: l, mem: mem, ctx: t.Context()}
			defer func() {
				if err := e.l.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			}()
			c.fn(t, e)
		})
	}
}

// env is what a case works with.
type env struct {
	h   Harness
	l   load.Loader
	mem *memory.CheckedAllocator
	ctx context.Context
}

func (e *env) migrate(t *testing.T, ts ...*models.Table) {
	t.Helper()
	if len(ts) == 0 {
		ts = tables
	}
	if err := e.l.Migrate(e.ctx, ts); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
}

func (e *env) begin(t *testing.T, runID string) load.Tx {
	t.Helper()
	tx, err := e.l.Begin(e.ctx, runID)
	if err != nil {
		t.Fatalf("Begin: %v", err)
	}
	return tx
}

// batch builds a batch of tbl from rows (column name → value; absent
// columns are NULL). The caller releases it.
func (e *env) batch(t *testing.T, tbl *models.Table, rows ...row) arrow.RecordBatch {
	t.Helper()
	b := models.NewBuilder(e.mem, tbl)
	defer b.Release()
	for _, r := range rows {
		vals := make([]any, len(tbl.Columns))
		for k, v := range r {
			i := tbl.ColumnIndex(k)
			if i < 0 {
				t.Fatalf("table %s has no column %s", tbl.Name, k)
			}
			vals[i] = v
		}
		b.Append(vals...)
	}
	return b.NewBatch()
}

func (e *env) write(t *testing.T, tx load.Tx, tbl *models.Table, rows ...row) {
	t.Helper()
	rec := e.batch(t, tbl, rows...)
	defer rec.Release()
	if err := tx.Write(e.ctx, tbl, rec); err != nil {
		t.Fatalf("Write %s: %v", tbl.Name, err)
	}
}

func (e *env) scope(t *testing.T, tx load.Tx, tbl *models.Table, keys ...string) {
	t.Helper()
	rec := models.KeyBatch(e.mem, tbl, keys)
	defer rec.Release()
	if err := tx.Scope(e.ctx, tbl, rec); err != nil {
		t.Fatalf("Scope %s: %v", tbl.Name, err)
	}
}

func (e *env) complete(t *testing.T, tx load.Tx, tbl *models.Table, r load.Range) {
	t.Helper()
	if err := tx.Complete(e.ctx, tbl, r); err != nil {
		t.Fatalf("Complete %s: %v", tbl.Name, err)
	}
}

func (e *env) commit(t *testing.T, tx load.Tx, w load.Window) map[string]int64 {
	t.Helper()
	n, err := tx.Commit(e.ctx, w)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	return n
}

func (e *env) state(t *testing.T) load.State {
	t.Helper()
	st, err := e.l.State(e.ctx)
	if err != nil {
		t.Fatalf("State: %v", err)
	}
	return st
}

// rows returns the rows of table projected on cols (all columns when none),
// normalised and sorted.
func (e *env) rows(t *testing.T, table string, cols ...string) []row {
	t.Helper()
	var out []row
	for _, r := range e.h.Rows(t, e.l, table) {
		p := row{}
		if len(cols) == 0 {
			for k, v := range r {
				p[k] = normalize(v)
			}
		} else {
			for _, c := range cols {
				v, ok := r[c]
				if !ok {
					t.Fatalf("table %s: no column %s in %v", table, c, keys(r))
				}
				p[c] = normalize(v)
			}
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b row) int { return strings.Compare(sortKey(a, cols), sortKey(b, cols)) })
	return out
}

// check compares the rows of table on cols with want.
func (e *env) check(t *testing.T, table string, want []row, cols ...string) {
	t.Helper()
	got := e.rows(t, table, cols...)
	slices.SortFunc(want, func(a, b row) int { return strings.Compare(sortKey(a, cols), sortKey(b, cols)) })
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rows of %s (-want +got):\n%s", table, d)
	}
}

func keys(r row) []string {
	var out []string
	for k := range r {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sortKey(r row, cols []string) string {
	if len(cols) == 0 {
		cols = keys(r)
	}
	var b strings.Builder
	for _, c := range cols {
		fmt.Fprintf(&b, "%v\x00", r[c])
	}
	return b.String()
}

// normalize maps a driver value to the suite's types.
func normalize(v any) any {
	switch v := v.(type) {
	case nil, string, bool, int64, float64:
		return v
	case []byte:
		return string(v)
	case time.Time:
		return v.UTC()
	case int:
		return int64(v)
	case int8:
		return int64(v)
	case int16:
		return int64(v)
	case int32:
		return int64(v)
	case uint8:
		return int64(v)
	case uint16:
		return int64(v)
	case uint32:
		return int64(v)
	case float32:
		return float64(v)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice {
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = normalize(rv.Index(i).Interface())
		}
		return out
	}
	return v
}

// call returns a calls row.
func call(id, title string, started time.Time) row {
	return row{"id": id, "title": title, "started": started, "duration_s": 60, models.RawColumn: `{"id":"` + id + `"}`}
}

func party(callID, partyID, name string) row {
	return row{"call_id": callID, "party_id": partyID, "name": name, "methods": []string{"Attendee"}}
}

func sentence(callID string, i int, text string) row {
	return row{"call_id": callID, "sentence_index": i, "monologue_index": 0, "speaker_id": "s1", "start_ms": int64(i * 1000), "end_ms": int64(i*1000 + 900), "text": text}
}

func user(id, email string) row {
	return row{"id": id, "email_address": email, "active": true, "email_aliases": []string{email}, models.RawColumn: `{}`}
}

func callsWindow(run string, from time.Time) load.Window {
	return load.Window{Stream: "calls", From: from, To: from.Add(week), RunID: run, CommittedAt: time.Now().UTC().Truncate(time.Microsecond)}
}

func testCreate(t *testing.T, e *env) {
	st := e.state(t)
	if st.Serial != 0 || st.Lineage != "" || len(st.Windows) != 0 || len(st.Requests) != 0 {
		t.Errorf("State of an empty destination = %+v, want zero", st)
	}
	ch, err := e.l.Changes(e.ctx, tables)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	var got []string
	for _, c := range ch {
		got = append(got, c.Action.String()+" "+c.Table.Name)
	}
	want := []string{"create table users", "create table calls", "create table call_parties", "create table transcript_sentences"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Changes before Migrate (-want +got):\n%s", d)
	}
	e.migrate(t)
	if ch, err := e.l.Changes(e.ctx, tables); err != nil || len(ch) != 0 {
		t.Errorf("Changes after Migrate = %v, %v; want none", ch, err)
	}
	st = e.state(t)
	if st.Lineage == "" {
		t.Error("no lineage after Migrate")
	}
	e.migrate(t)
	if st2 := e.state(t); st2.Lineage != st.Lineage || st2.Serial != st.Serial {
		t.Errorf("a Migrate without changes moved the state: %+v → %+v", st, st2)
	}
	for _, tbl := range tables {
		if rows := e.rows(t, tbl.Name); len(rows) != 0 {
			t.Errorf("new table %s has rows: %v", tbl.Name, rows)
		}
	}
	if runs, err := e.l.Runs(e.ctx); err != nil || len(runs) != 0 {
		t.Errorf("Runs = %v, %v; want none", runs, err)
	}
}

func testUpsert(t *testing.T, e *env) {
	e.migrate(t)
	loadCalls := func(run string, calls []row, parties []row) map[string]int64 {
		tx := e.begin(t, run)
		e.write(t, tx, models.Calls, calls...)
		var ids []string
		for _, c := range calls {
			ids = append(ids, c["id"].(string))
		}
		e.scope(t, tx, models.CallParties, ids...)
		e.write(t, tx, models.CallParties, parties...)
		return e.commit(t, tx, callsWindow(run, day0))
	}
	calls := []row{call("1", "one", day0.Add(time.Hour)), call("2", "two", day0.Add(2*time.Hour))}
	parties := []row{party("1", "p1", "Ann"), party("1", "p2", "Bob"), party("2", "p1", "Cy")}

	n := loadCalls("run1", calls, parties)
	if d := cmp.Diff(map[string]int64{"calls": 2, "call_parties": 3}, n); d != "" {
		t.Errorf("Commit rows (-want +got):\n%s", d)
	}
	cols := []string{"id", "title", "started", "duration_s", models.RawColumn}
	first := e.rows(t, "calls", cols...)
	firstParties := e.rows(t, "call_parties", "call_id", "party_id", "name", "methods")

	loadCalls("run2", calls, parties)
	if d := cmp.Diff(first, e.rows(t, "calls", cols...)); d != "" {
		t.Errorf("calls after the same batch twice (-first +second):\n%s", d)
	}
	if d := cmp.Diff(firstParties, e.rows(t, "call_parties", "call_id", "party_id", "name", "methods")); d != "" {
		t.Errorf("call_parties after the same batch twice (-first +second):\n%s", d)
	}
	e.check(t, "call_parties", []row{
		{"call_id": "1", "party_id": "p1", "methods": []any{"Attendee"}},
		{"call_id": "1", "party_id": "p2", "methods": []any{"Attendee"}},
		{"call_id": "2", "party_id": "p1", "methods": []any{"Attendee"}},
	}, "call_id", "party_id", "methods")

	loadCalls("run3", []row{call("1", "uno", day0.Add(time.Hour))}, []row{party("1", "p1", "Ann"), party("1", "p2", "Bob")})
	e.check(t, "calls", []row{
		{"id": "1", "title": "uno", "started": day0.Add(time.Hour), models.RunIDColumn: "run3"},
		{"id": "2", "title": "two", "started": day0.Add(2 * time.Hour), models.RunIDColumn: "run2"},
	}, "id", "title", "started", models.RunIDColumn)
	for _, r := range e.rows(t, "calls", models.LoadedAtColumn) {
		if tm, ok := r[models.LoadedAtColumn].(time.Time); !ok || tm.IsZero() {
			t.Errorf("_loaded_at = %#v, want the commit time", r[models.LoadedAtColumn])
		}
	}
}

func testReplaceByParent(t *testing.T, e *env) {
	e.migrate(t)
	tx := e.begin(t, "run1")
	e.write(t, tx, models.Calls, call("X", "x", day0), call("Y", "y", day0))
	e.scope(t, tx, models.CallParties, "X", "Y")
	e.write(t, tx, models.CallParties, party("X", "p1", "a"), party("X", "p2", "b"), party("X", "p3", "c"), party("Y", "q1", "d"), party("Y", "q2", "e"))
	e.scope(t, tx, models.TranscriptSentences, "X", "Y")
	e.write(t, tx, models.TranscriptSentences, sentence("X", 0, "hi"), sentence("X", 1, "there"), sentence("X", 2, "bye"), sentence("Y", 0, "yo"))
	e.commit(t, tx, callsWindow("run1", day0))

	// X loaded again with fewer children: the dropped ones go, Y's stay.
	tx = e.begin(t, "run2")
	e.write(t, tx, models.Calls, call("X", "x", day0))
	e.scope(t, tx, models.CallParties, "X")
	e.write(t, tx, models.CallParties, party("X", "p1", "a2"))
	e.scope(t, tx, models.TranscriptSentences, "X")
	e.write(t, tx, models.TranscriptSentences, sentence("X", 0, "hello"))
	n := e.commit(t, tx, callsWindow("run2", day0))
	if n["call_parties"] != 1 || n["transcript_sentences"] != 1 {
		t.Errorf("Commit rows = %v, want 1 call_parties and 1 transcript_sentences", n)
	}
	e.check(t, "call_parties", []row{
		{"call_id": "X", "party_id": "p1", "name": "a2"},
		{"call_id": "Y", "party_id": "q1", "name": "d"},
		{"call_id": "Y", "party_id": "q2", "name": "e"},
	}, "call_id", "party_id", "name")
	e.check(t, "transcript_sentences", []row{
		{"call_id": "X", "sentence_index": int64(0), "text": "hello"},
		{"call_id": "Y", "sentence_index": int64(0), "text": "yo"},
	}, "call_id", "sentence_index", "text")

	// Y scoped with no children now: all of them go.
	tx = e.begin(t, "run3")
	e.scope(t, tx, models.CallParties, "Y")
	e.commit(t, tx, load.Window{})
	e.check(t, "call_parties", []row{{"call_id": "X", "party_id": "p1"}}, "call_id", "party_id")
	e.check(t, "calls", []row{{"id": "X"}, {"id": "Y"}}, "id")
}

func testDeleteStaleRange(t *testing.T, e *env) {
	e.migrate(t)
	ids := map[string]time.Time{
		"A": day0.Add(time.Hour),       // in the window
		"B": day0.Add(2 * time.Hour),   // in the window, Gong no longer returns it
		"C": day0.Add(-24 * time.Hour), // before the window
		"D": day0.Add(week),            // at the window's end: outside (exclusive)
	}
	tx := e.begin(t, "run1")
	for _, id := range []string{"A", "B", "C", "D"} {
		e.write(t, tx, models.Calls, call(id, id, ids[id]))
		e.write(t, tx, models.CallParties, party(id, "p", id))
		e.write(t, tx, models.TranscriptSentences, sentence(id, 0, id))
	}
	e.commit(t, tx, callsWindow("run1", day0))

	tx = e.begin(t, "run2")
	e.write(t, tx, models.Calls, call("A", "A2", ids["A"]))
	e.complete(t, tx, models.Calls, load.Range{Column: "started", From: day0, To: day0.Add(week)})
	e.commit(t, tx, callsWindow("run2", day0))
	want := []row{{"id": "A", "title": "A2"}, {"id": "C", "title": "C"}, {"id": "D", "title": "D"}}
	e.check(t, "calls", want, "id", "title")
	e.check(t, "call_parties", []row{{"call_id": "A"}, {"call_id": "C"}, {"call_id": "D"}}, "call_id")
	e.check(t, "transcript_sentences", []row{{"call_id": "A"}, {"call_id": "C"}, {"call_id": "D"}}, "call_id")

	// An empty listing of the previous week deletes all of it, children too.
	tx = e.begin(t, "run3")
	e.complete(t, tx, models.Calls, load.Range{Column: "started", From: day0.Add(-week), To: day0})
	e.commit(t, tx, callsWindow("run3", day0.Add(-week)))
	e.check(t, "calls", []row{{"id": "A"}, {"id": "D"}}, "id")
	e.check(t, "call_parties", []row{{"call_id": "A"}, {"call_id": "D"}}, "call_id")
	e.check(t, "transcript_sentences", []row{{"call_id": "A"}, {"call_id": "D"}}, "call_id")
}

func testDeleteStaleWhole(t *testing.T, e *env) {
	e.migrate(t)
	users := load.Window{Stream: "users", RunID: "run1"}
	tx := e.begin(t, "run1")
	e.write(t, tx, models.Users, user("u1", "a@x"), user("u2", "b@x"), user("u3", "c@x"))
	e.complete(t, tx, models.Users, load.Range{})
	e.commit(t, tx, users)
	e.check(t, "users", []row{{"id": "u1"}, {"id": "u2"}, {"id": "u3"}}, "id")

	tx = e.begin(t, "run2")
	e.write(t, tx, models.Users, user("u1", "a2@x"), user("u4", "d@x"))
	e.complete(t, tx, models.Users, load.Range{})
	e.commit(t, tx, users)
	e.check(t, "users", []row{{"id": "u1", "email_address": "a2@x"}, {"id": "u4", "email_address": "d@x"}}, "id", "email_address")

	// A Complete of the whole calls table cascades to every child.
	tx = e.begin(t, "run3")
	e.write(t, tx, models.Calls, call("A", "A", day0), call("B", "B", day0.Add(-400*24*time.Hour)))
	e.write(t, tx, models.CallParties, party("A", "p", "a"), party("B", "p", "b"))
	e.write(t, tx, models.TranscriptSentences, sentence("A", 0, "a"), sentence("B", 0, "b"))
	e.commit(t, tx, load.Window{})
	tx = e.begin(t, "run4")
	e.write(t, tx, models.Calls, call("A", "A", day0))
	e.complete(t, tx, models.Calls, load.Range{})
	e.commit(t, tx, load.Window{})
	e.check(t, "calls", []row{{"id": "A"}}, "id")
	e.check(t, "call_parties", []row{{"call_id": "A"}}, "call_id")
	e.check(t, "transcript_sentences", []row{{"call_id": "A"}}, "call_id")

	// An empty complete listing empties the table.
	tx = e.begin(t, "run5")
	e.complete(t, tx, models.Users, load.Range{})
	e.commit(t, tx, users)
	e.check(t, "users", nil, "id")
}

func testAddColumn(t *testing.T, e *env) {
	old := *models.Users
	old.Columns = slices.DeleteFunc(slices.Clone(models.Users.Columns), func(c models.Column) bool {
		return c.Name == "title" || c.Name == "phone_number"
	})
	e.migrate(t, &old)
	tx := e.begin(t, "run1")
	e.write(t, tx, &old, user("u1", "a@x"))
	e.commit(t, tx, load.Window{Stream: "users", RunID: "run1"})

	ch, err := e.l.Changes(e.ctx, []*models.Table{models.Users})
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	var got []string
	for _, c := range ch {
		got = append(got, fmt.Sprintf("%s %s.%s", c.Action, c.Table.Name, c.Column.Name))
	}
	if d := cmp.Diff([]string{"add column users.title", "add column users.phone_number"}, got); d != "" {
		t.Errorf("Changes (-want +got):\n%s", d)
	}
	e.migrate(t, models.Users)
	if ch, err := e.l.Changes(e.ctx, []*models.Table{models.Users}); err != nil || len(ch) != 0 {
		t.Errorf("Changes after Migrate = %v, %v; want none", ch, err)
	}
	e.check(t, "users", []row{{"id": "u1", "email_address": "a@x", "title": nil}}, "id", "email_address", "title")

	tx = e.begin(t, "run2")
	u2 := user("u2", "b@x")
	u2["title"] = "CEO"
	e.write(t, tx, models.Users, u2)
	e.commit(t, tx, load.Window{Stream: "users", RunID: "run2"})
	e.check(t, "users", []row{
		{"id": "u1", "email_address": "a@x", "title": nil, "phone_number": nil},
		{"id": "u2", "email_address": "b@x", "title": "CEO", "phone_number": nil},
	}, "id", "email_address", "title", "phone_number")
}

func testEmptyBatch(t *testing.T, e *env) {
	e.migrate(t)
	tx := e.begin(t, "run1")
	e.write(t, tx, models.Calls, call("1", "one", day0))
	e.write(t, tx, models.CallParties, party("1", "p", "a"))
	e.commit(t, tx, callsWindow("run1", day0))

	tx = e.begin(t, "run2")
	e.write(t, tx, models.Calls)
	e.write(t, tx, models.CallParties)
	e.scope(t, tx, models.CallParties)
	n := e.commit(t, tx, callsWindow("run2", day0.Add(week)))
	for tbl, v := range n {
		if v != 0 {
			t.Errorf("Commit rows[%s] = %d for empty batches, want 0", tbl, v)
		}
	}
	e.check(t, "calls", []row{{"id": "1", "title": "one"}}, "id", "title")
	e.check(t, "call_parties", []row{{"call_id": "1"}}, "call_id")
	if st := e.state(t); len(st.Windows) != 2 {
		t.Errorf("windows = %+v, want 2 (a unit without rows is still committed)", st.Windows)
	}
}

func testCancelled(t *testing.T, e *env) {
	e.migrate(t)
	tx := e.begin(t, "run1")
	e.write(t, tx, models.Calls, call("1", "one", day0))
	e.write(t, tx, models.CallParties, party("1", "p", "a"))
	e.commit(t, tx, callsWindow("run1", day0))
	before := e.state(t)

	tx = e.begin(t, "run2")
	e.write(t, tx, models.Calls, call("1", "changed", day0), call("2", "two", day0))
	e.scope(t, tx, models.CallParties, "1")
	e.complete(t, tx, models.Calls, load.Range{})
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	if _, err := tx.Commit(ctx, callsWindow("run2", day0.Add(week))); err == nil {
		t.Fatal("Commit with a cancelled context succeeded")
	}
	if err := tx.Rollback(); err != nil {
		t.Errorf("Rollback after a failed Commit: %v", err)
	}
	e.check(t, "calls", []row{{"id": "1", "title": "one"}}, "id", "title")
	e.check(t, "call_parties", []row{{"call_id": "1"}}, "call_id")
	after := e.state(t)
	if after.Serial != before.Serial || len(after.Windows) != len(before.Windows) {
		t.Errorf("state moved by a failed Commit: %+v → %+v", before, after)
	}

	// The destination still works.
	tx = e.begin(t, "run3")
	e.write(t, tx, models.Calls, call("2", "two", day0))
	e.commit(t, tx, callsWindow("run3", day0.Add(week)))
	e.check(t, "calls", []row{{"id": "1"}, {"id": "2"}}, "id")
}

func testRollback(t *testing.T, e *env) {
	e.migrate(t)
	tx := e.begin(t, "run1")
	e.write(t, tx, models.Calls, call("1", "one", day0))
	e.write(t, tx, models.CallParties, party("1", "p", "a"))
	e.commit(t, tx, callsWindow("run1", day0))
	if err := tx.Rollback(); err != nil {
		t.Errorf("Rollback after Commit: %v", err)
	}
	e.check(t, "calls", []row{{"id": "1"}}, "id")
	before := e.state(t)

	tx = e.begin(t, "run2")
	e.write(t, tx, models.Calls, call("1", "changed", day0), call("2", "two", day0))
	e.scope(t, tx, models.CallParties, "1")
	e.write(t, tx, models.TranscriptSentences, sentence("2", 0, "x"))
	e.complete(t, tx, models.Calls, load.Range{})
	if err := tx.Rollback(); err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Errorf("second Rollback: %v", err)
	}
	if _, err := tx.Commit(e.ctx, callsWindow("run2", day0)); err == nil {
		t.Error("Commit after Rollback succeeded")
	}
	e.check(t, "calls", []row{{"id": "1", "title": "one"}}, "id", "title")
	e.check(t, "call_parties", []row{{"call_id": "1"}}, "call_id")
	e.check(t, "transcript_sentences", nil, "call_id")
	if after := e.state(t); after.Serial != before.Serial || len(after.Windows) != len(before.Windows) {
		t.Errorf("state moved by a Rollback: %+v → %+v", before, after)
	}
}

func testConcurrent(t *testing.T, e *env) {
	e.migrate(t)
	before := e.state(t)
	const n = 8
	txs := make([]load.Tx, n)
	for i := range txs {
		txs[i] = e.begin(t, fmt.Sprintf("run%d", i))
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i, tx := range txs {
		wg.Go(func() {
			id := fmt.Sprintf("c%d", i)
			err := func() error {
				for _, w := range []struct {
					tbl *models.Table
					r   row
				}{
					{models.Calls, call(id, id, day0.Add(time.Duration(i)*week))},
					{models.CallParties, party(id, "p", id)},
					{models.TranscriptSentences, sentence(id, 0, id)},
				} {
					rec := e.batchNoT(w.tbl, w.r)
					err := tx.Write(e.ctx, w.tbl, rec)
					rec.Release()
					if err != nil {
						return err
					}
				}
				_, err := tx.Commit(e.ctx, callsWindow(fmt.Sprintf("run%d", i), day0.Add(time.Duration(i)*week)))
				return err
			}()
			if err != nil {
				errs <- fmt.Errorf("tx %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var want []row
	for i := range n {
		want = append(want, row{"id": fmt.Sprintf("c%d", i), models.RunIDColumn: fmt.Sprintf("run%d", i)})
	}
	e.check(t, "calls", want, "id", models.RunIDColumn)
	if got := len(e.rows(t, "call_parties")); got != n {
		t.Errorf("%d call_parties, want %d", got, n)
	}
	if got := len(e.rows(t, "transcript_sentences")); got != n {
		t.Errorf("%d transcript_sentences, want %d", got, n)
	}
	st := e.state(t)
	if st.Serial != before.Serial+n {
		t.Errorf("serial %d → %d after %d commits", before.Serial, st.Serial, n)
	}
	if len(st.Windows) != n {
		t.Fatalf("%d windows, want %d", len(st.Windows), n)
	}
	for i, w := range st.Windows {
		if !w.From.Equal(day0.Add(time.Duration(i) * week)) {
			t.Errorf("window %d from %s: windows not ordered by From", i, w.From)
		}
	}
}

// batchNoT is batch for goroutines (no t.Fatal).
func (e *env) batchNoT(tbl *models.Table, r row) arrow.RecordBatch {
	b := models.NewBuilder(e.mem, tbl)
	defer b.Release()
	vals := make([]any, len(tbl.Columns))
	for k, v := range r {
		vals[tbl.ColumnIndex(k)] = v
	}
	b.Append(vals...)
	return b.NewBatch()
}

func testState(t *testing.T, e *env) {
	e.migrate(t)
	st0 := e.state(t)
	at := time.Date(2025, 4, 1, 12, 0, 0, 123456000, time.UTC)
	windows := []load.Window{
		{Stream: "calls", From: day0, To: day0.Add(week), RunID: "run1", Rows: 10, Requests: 3, CommittedAt: at},
		{Stream: "calls", From: day0.Add(-week), To: day0, RunID: "run1", Rows: 20, Requests: 4, CommittedAt: at.Add(time.Second)},
		{Stream: "users", RunID: "run1", Rows: 5, Requests: 1, CommittedAt: at.Add(2 * time.Second)},
		{Stream: "users", RunID: "run2", Rows: 6, Requests: 2, CommittedAt: at.Add(3 * time.Second)},
		{Stream: "calls", From: day0, To: day0.Add(week), RunID: "run2", Rows: 11, Requests: 5, CommittedAt: at.Add(4 * time.Second)},
	}
	for i, w := range windows {
		tx := e.begin(t, w.RunID)
		e.commit(t, tx, w)
		if st := e.state(t); st.Serial != st0.Serial+int64(i)+1 {
			t.Errorf("serial after commit %d = %d, want %d", i+1, st.Serial, st0.Serial+int64(i)+1)
		}
	}
	st := e.state(t)
	want := []load.Window{windows[1], windows[4], windows[3]}
	if d := cmp.Diff(want, st.Windows); d != "" {
		t.Errorf("windows (-want +got):\n%s", d)
	}
	if st.Lineage != st0.Lineage || st.Lineage == "" {
		t.Errorf("lineage %q → %q", st0.Lineage, st.Lineage)
	}

	if err := e.l.ResetStream(e.ctx, "calls"); err != nil {
		t.Fatalf("ResetStream: %v", err)
	}
	st2 := e.state(t)
	if d := cmp.Diff([]load.Window{windows[3]}, st2.Windows); d != "" {
		t.Errorf("windows after ResetStream(calls) (-want +got):\n%s", d)
	}
	if st2.Serial != st.Serial+1 {
		t.Errorf("serial after ResetStream = %d, want %d", st2.Serial, st.Serial+1)
	}

	d1 := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		at time.Time
		n  int64
	}{{d1.Add(10 * time.Hour), 5}, {d1.Add(23 * time.Hour), 7}, {d1.Add(25 * time.Hour), 1}} {
		if err := e.l.CountRequests(e.ctx, c.at, c.n); err != nil {
			t.Fatalf("CountRequests: %v", err)
		}
	}
	if d := cmp.Diff(map[string]int64{"2025-04-01": 12, "2025-04-02": 1}, e.state(t).Requests); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}

	r1 := load.Run{ID: "run1", Started: at, Status: "running"}
	r2 := load.Run{ID: "run2", Started: at.Add(time.Hour), Ended: at.Add(2 * time.Hour), Status: "failed", Requests: 9, Error: "boom"}
	for _, r := range []load.Run{r1, r2} {
		if err := e.l.RecordRun(e.ctx, r); err != nil {
			t.Fatalf("RecordRun: %v", err)
		}
	}
	r1.Ended, r1.Status, r1.Requests = at.Add(30*time.Minute), "ok", 42
	r1.Rows = map[string]int64{"calls": 3, "call_parties": 12}
	if err := e.l.RecordRun(e.ctx, r1); err != nil {
		t.Fatalf("RecordRun (replace): %v", err)
	}
	runs, err := e.l.Runs(e.ctx)
	if err != nil {
		t.Fatalf("Runs: %v", err)
	}
	if d := cmp.Diff([]load.Run{r1, r2}, runs); d != "" {
		t.Errorf("runs (-want +got):\n%s", d)
	}
}

func testReopen(t *testing.T, e *env) {
	e.migrate(t)
	tx := e.begin(t, "run1")
	e.write(t, tx, models.Calls, call("1", "one", day0))
	e.write(t, tx, models.CallParties, party("1", "p", "a"))
	e.commit(t, tx, callsWindow("run1", day0))
	if err := e.l.CountRequests(e.ctx, day0, 3); err != nil {
		t.Fatal(err)
	}
	if err := e.l.RecordRun(e.ctx, load.Run{ID: "run1", Started: day0, Status: "ok", Rows: map[string]int64{"calls": 1}}); err != nil {
		t.Fatal(err)
	}
	before := e.state(t)

	e.l = e.h.Reopen(t, e.l)
	if d := cmp.Diff(before, e.state(t)); d != "" {
		t.Errorf("state after reopen (-before +after):\n%s", d)
	}
	if ch, err := e.l.Changes(e.ctx, tables); err != nil || len(ch) != 0 {
		t.Errorf("Changes after reopen = %v, %v; want none", ch, err)
	}
	e.check(t, "calls", []row{{"id": "1", "title": "one"}}, "id", "title")
	e.check(t, "call_parties", []row{{"call_id": "1", "party_id": "p"}}, "call_id", "party_id")
	if runs, err := e.l.Runs(e.ctx); err != nil || len(runs) != 1 || runs[0].ID != "run1" {
		t.Errorf("Runs after reopen = %v, %v", runs, err)
	}
	// and it takes new work
	tx = e.begin(t, "run2")
	e.write(t, tx, models.Calls, call("2", "two", day0))
	e.commit(t, tx, callsWindow("run2", day0))
	e.check(t, "calls", []row{{"id": "1"}, {"id": "2"}}, "id")
}
