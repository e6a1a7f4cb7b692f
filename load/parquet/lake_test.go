package parquet

import (
	"bufio"
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gongload/gongload/load/internal/spill"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/models"
	"github.com/gongload/gongload/sql"
)

// batch builds a batch of t from rows given as leading column values.
func batch(mem memory.Allocator, t *models.Table, rows ...[]any) arrow.RecordBatch {
	b := models.NewBuilder(mem, t)
	defer b.Release()
	for _, r := range rows {
		vals := make([]any, len(t.Columns))
		copy(vals, r)
		b.Append(vals...)
	}
	return b.NewBatch()
}

func write(t *testing.T, mem memory.Allocator, tx load.Tx, tbl *models.Table, rows ...[]any) {
	t.Helper()
	rec := batch(mem, tbl, rows...)
	defer rec.Release()
	if err := tx.Write(t.Context(), tbl, rec); err != nil {
		t.Fatal(err)
	}
}

func scope(t *testing.T, mem memory.Allocator, tx load.Tx, tbl *models.Table, keys ...string) {
	t.Helper()
	rec := models.KeyBatch(mem, tbl, keys)
	defer rec.Release()
	if err := tx.Scope(t.Context(), tbl, rec); err != nil {
		t.Fatal(err)
	}
}

// callRow is a calls row with an id, a title and a start.
func callRow(id, title string, started time.Time) []any {
	vals := make([]any, len(models.Calls.Columns))
	vals[models.Calls.ColumnIndex("id")] = id
	vals[models.Calls.ColumnIndex("title")] = title
	vals[models.Calls.ColumnIndex("started")] = started
	vals[models.Calls.ColumnIndex(models.RawColumn)] = `{"id":"` + id + `"}`
	return vals
}

func partyRow(callID, partyID string) []any {
	vals := make([]any, len(models.CallParties.Columns))
	vals[0], vals[1] = callID, partyID
	vals[models.CallParties.ColumnIndex("methods")] = []string{"Invitee", "Attendee"}
	return vals
}

func sentenceRow(callID string, i int, text string) []any {
	return []any{callID, i, 0, "s1", nil, int64(i * 1000), int64(i*1000 + 900), text}
}

var (
	march = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	april = time.Date(2025, 4, 2, 23, 30, 0, 0, time.UTC)
)

func monthWindow(stream string, m time.Time) load.Window {
	from := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC)
	return load.Window{Stream: stream, From: from, To: from.AddDate(0, 0, 7), RunID: "r", CommittedAt: from.Add(time.Hour)}
}

func commitTx(t *testing.T, tx load.Tx, w load.Window) map[string]int64 {
	t.Helper()
	n, err := tx.Commit(t.Context(), w)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// dataFiles lists the files of the lake (relative, sorted), _gongload's
// included.
func dataFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// noTemps fails if the lake holds a temporary or spill file.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	for _, f := range dataFiles(t, dir) {
		if isTemp(filepath.Base(f)) || strings.HasPrefix(f, metaDir+"/"+tmpDir+"/") || strings.HasSuffix(f, journalFile) {
			t.Errorf("left behind: %s", f)
		}
	}
}

// duck opens a plain in-memory DuckDB: an independent reader of the files.
func duck(t *testing.T) *dbsql.DB {
	t.Helper()
	db, err := dbsql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec("SET TimeZone = 'UTC'"); err != nil {
		t.Fatal(err)
	}
	return db
}

// strings1 runs a query whose rows are one string each, joined by "|"
// per row's columns.
func queryStrings(t *testing.T, db *dbsql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if tm, ok := v.(time.Time); ok {
				v = tm.UTC().Format(time.RFC3339)
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// loadSample commits calls in March and April with parties and
// transcripts, and users.
func loadSample(t *testing.T, mem memory.Allocator, l *Loader) {
	t.Helper()
	ctx := t.Context()
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		at  time.Time
		ids []string
	}{{march, []string{"1", "2"}}, {april, []string{"3"}}} {
		tx, _ := l.Begin(ctx, "r1")
		for _, id := range m.ids {
			write(t, mem, tx, models.Calls, callRow(id, "call "+id, m.at))
			write(t, mem, tx, models.CallParties, partyRow(id, "p1"), partyRow(id, "p2"))
		}
		scope(t, mem, tx, models.CallTopics, m.ids...)
		commitTx(t, tx, monthWindow("calls", m.at))
		tx, _ = l.Begin(ctx, "r1")
		for _, id := range m.ids {
			write(t, mem, tx, models.TranscriptSentences, sentenceRow(id, 0, "hello"), sentenceRow(id, 1, "bye"))
		}
		commitTx(t, tx, monthWindow("transcripts", m.at))
	}
	tx, _ := l.Begin(ctx, "r1")
	write(t, mem, tx, models.Users, []any{"u1", "a@x", march, true, []string{"a@x", "b@x"}})
	if err := tx.Complete(ctx, models.Users, load.Range{}); err != nil {
		t.Fatal(err)
	}
	commitTx(t, tx, load.Window{Stream: "users", RunID: "r1", CommittedAt: march})
}

// Call-scoped tables are Hive-partitioned by the call's start month, other
// tables are not; every file is zstd Parquet that an independent reader
// reads with the models' types.
func TestLayout(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	l := openTemp(t)
	loadSample(t, mem, l)
	dir := l.Dir()
	want := []string{
		"_gongload/call_index.parquet",
		"_gongload/lock",
		"_gongload/state.json",
		"call_parties/call_month=2025-03/data.parquet",
		"call_parties/call_month=2025-04/data.parquet",
		"calls/call_month=2025-03/data.parquet",
		"calls/call_month=2025-04/data.parquet",
		"transcript_sentences/call_month=2025-03/data.parquet",
		"transcript_sentences/call_month=2025-04/data.parquet",
		"users/data.parquet",
	}
	if d := cmp.Diff(want, dataFiles(t, dir)); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}

	db := duck(t)
	got := queryStrings(t, db, fmt.Sprintf(`SELECT id, started, call_month, typeof(started), typeof(call_month)
		FROM read_parquet('%s/calls/**/*.parquet', hive_partitioning = true) ORDER BY id`, dir))
	if d := cmp.Diff([]string{
		"1|2025-03-10T09:00:00Z|2025-03|TIMESTAMP WITH TIME ZONE|VARCHAR",
		"2|2025-03-10T09:00:00Z|2025-03|TIMESTAMP WITH TIME ZONE|VARCHAR",
		"3|2025-04-02T23:30:00Z|2025-04|TIMESTAMP WITH TIME ZONE|VARCHAR",
	}, got); d != "" {
		t.Errorf("calls read back (-want +got):\n%s", d)
	}
	got = queryStrings(t, db, fmt.Sprintf(`SELECT call_id, party_id, methods, typeof(methods), call_month
		FROM read_parquet('%s/call_parties/**/*.parquet', hive_partitioning = true) ORDER BY ALL`, dir))
	if len(got) != 6 || got[0] != "1|p1|[Invitee Attendee]|VARCHAR[]|2025-03" {
		t.Errorf("call_parties read back: %q", got)
	}
	got = queryStrings(t, db, fmt.Sprintf(`SELECT name, logical_type FROM parquet_schema('%s/calls/call_month=2025-03/data.parquet')
		WHERE name IN ('started', '_loaded_at')`, dir))
	for _, g := range got {
		if !strings.Contains(g, "isAdjustedToUTC=1") || !strings.Contains(g, "MICROS") {
			t.Errorf("timestamp column %s is not a UTC microsecond timestamp", g)
		}
	}
	got = queryStrings(t, db, fmt.Sprintf(`SELECT DISTINCT compression FROM parquet_metadata('%s/transcript_sentences/**/*.parquet')`, dir))
	if d := cmp.Diff([]string{"ZSTD"}, got); d != "" {
		t.Errorf("compression (-want +got):\n%s", d)
	}
	got = queryStrings(t, db, fmt.Sprintf(`SELECT id, email_aliases, created FROM read_parquet('%s/users/**/*.parquet', hive_partitioning = true)`, dir))
	if d := cmp.Diff([]string{"u1|[a@x b@x]|2025-03-10T09:00:00Z"}, got); d != "" {
		t.Errorf("users (-want +got):\n%s", d)
	}
	noTemps(t, dir)
}

// A column added later: old files lack it, readers fill NULL with
// union_by_name, and a rewritten partition carries it.
func TestAddColumnUnionByName(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	old := *models.Calls
	old.Columns = slices.DeleteFunc(slices.Clone(models.Calls.Columns), func(c models.Column) bool { return c.Name == "brief" })
	if err := l.Migrate(ctx, []*models.Table{&old}); err != nil {
		t.Fatal(err)
	}
	tx, _ := l.Begin(ctx, "r1")
	for _, m := range []time.Time{march, april} {
		vals := callRow(m.Month().String(), "t", m)
		vals = slices.Delete(vals, models.Calls.ColumnIndex("brief"), models.Calls.ColumnIndex("brief")+1)
		write(t, mem, tx, &old, vals)
	}
	commitTx(t, tx, load.Window{})
	if err := l.Migrate(ctx, []*models.Table{models.Calls}); err != nil {
		t.Fatal(err)
	}
	tx, _ = l.Begin(ctx, "r2")
	vals := callRow("March", "t2", march)
	vals[models.Calls.ColumnIndex("brief")] = "a brief"
	write(t, mem, tx, models.Calls, vals)
	commitTx(t, tx, load.Window{})

	db := duck(t)
	got := queryStrings(t, db, fmt.Sprintf(`SELECT id, title, brief, call_month FROM read_parquet('%s/calls/**/*.parquet',
		hive_partitioning = true, union_by_name = true) ORDER BY id`, l.Dir()))
	if d := cmp.Diff([]string{"April|t|<nil>|2025-04", "March|t2|a brief|2025-03"}, got); d != "" {
		t.Errorf("calls with union_by_name (-want +got):\n%s", d)
	}
	// the column comes last in the files, as in a DuckDB destination
	got = queryStrings(t, db, fmt.Sprintf(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('%s/calls/call_month=2025-03/data.parquet', hive_partitioning = false))`, l.Dir()))
	if got[len(got)-1] != "brief" {
		t.Errorf("columns of the rewritten file end with %s, want brief", got[len(got)-1])
	}
}

// A call whose start moves to another month takes all its rows along,
// whatever the table; an emptied partition disappears.
func TestCallMoves(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	loadSample(t, mem, l)
	tx, _ := l.Begin(ctx, "r2")
	write(t, mem, tx, models.Calls, callRow("1", "moved", april), callRow("2", "stays", march))
	scope(t, mem, tx, models.CallParties, "1", "2")
	write(t, mem, tx, models.CallParties, partyRow("1", "p9"), partyRow("2", "p1"))
	commitTx(t, tx, monthWindow("calls", march))
	tx, _ = l.Begin(ctx, "r2")
	write(t, mem, tx, models.Calls, callRow("2", "moved too", april))
	commitTx(t, tx, load.Window{})

	for _, c := range []struct{ table, key, want string }{
		{"calls", "id", "1|2025-04,2|2025-04,3|2025-04"},
		{"call_parties", "call_id", "1|2025-04,2|2025-04,3|2025-04,3|2025-04"},
		{"transcript_sentences", "call_id", "1|2025-04,1|2025-04,2|2025-04,2|2025-04,3|2025-04,3|2025-04"},
	} {
		got := queryStrings(t, duck(t), fmt.Sprintf(`SELECT %s, call_month FROM read_parquet('%s/%s/**/*.parquet', hive_partitioning = true) ORDER BY ALL`,
			sql.Ident(c.key), l.Dir(), c.table))
		if strings.Join(got, ",") != c.want {
			t.Errorf("%s: %v, want %s", c.table, got, c.want)
		}
		if _, err := os.Stat(filepath.Join(l.Dir(), c.table, "call_month=2025-03")); !os.IsNotExist(err) {
			t.Errorf("%s: the emptied March partition is still there (%v)", c.table, err)
		}
	}
	parties := queryRows(t, l.Dir(), "call_parties")
	if len(parties) != 4 {
		t.Errorf("%d call_parties, want 4: %v", len(parties), parties)
	}
	noTemps(t, l.Dir())
}

// Rows of a call whose month is unknown (a targeted resync of a call never
// loaded) land in the default partition, read as NULL, and move to the
// call's month once its calls row arrives.
func TestUnknownMonth(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	tx, _ := l.Begin(ctx, "r1")
	write(t, mem, tx, models.TranscriptSentences, sentenceRow("X", 0, "a"), sentenceRow("X", 1, "b"))
	commitTx(t, tx, load.Window{})
	if _, err := os.Stat(filepath.Join(l.Dir(), "transcript_sentences", "call_month="+defaultPartition, dataFile)); err != nil {
		t.Fatalf("no file in the default partition: %v", err)
	}
	rows := queryRows(t, l.Dir(), "transcript_sentences")
	if len(rows) != 2 || rows[0]["call_month"] != nil {
		t.Errorf("rows of an unknown month: %v, want 2 with a NULL call_month", rows)
	}
	tx, _ = l.Begin(ctx, "r2")
	write(t, mem, tx, models.Calls, callRow("X", "x", march))
	commitTx(t, tx, load.Window{})
	got := queryStrings(t, duck(t), fmt.Sprintf(`SELECT call_id, sentence_index, call_month FROM read_parquet('%s/transcript_sentences/**/*.parquet', hive_partitioning = true) ORDER BY ALL`, l.Dir()))
	if d := cmp.Diff([]string{"X|0|2025-03", "X|1|2025-03"}, got); d != "" {
		t.Errorf("sentences after the call arrived (-want +got):\n%s", d)
	}
}

// Without _gongload/call_index.parquet, Open rebuilds the index from the
// files, so replace by parent still finds the old rows.
func TestIndexRebuilt(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	loadSample(t, mem, l)
	dir := l.Dir()
	l.Close()
	if err := os.Remove(filepath.Join(dir, metaDir, indexFile)); err != nil {
		t.Fatal(err)
	}
	l = openAt(t, dir)
	// a targeted resync (no window month): the index must say March
	tx, _ := l.Begin(ctx, "r2")
	write(t, mem, tx, models.TranscriptSentences, sentenceRow("1", 0, "again"))
	commitTx(t, tx, load.Window{})
	got := queryStrings(t, duck(t), fmt.Sprintf(`SELECT call_id, sentence_index, text, call_month FROM read_parquet('%s/transcript_sentences/**/*.parquet', hive_partitioning = true) WHERE call_id = '1'`, dir))
	if d := cmp.Diff([]string{"1|0|again|2025-03"}, got); d != "" {
		t.Errorf("sentences of call 1 (-want +got):\n%s", d)
	}
}

// OpenQuery: a view per table (empty ones included), the analysis views and
// the state tables.
func TestOpenQuery(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	loadSample(t, mem, l)
	if err := l.RecordRun(ctx, load.Run{ID: "r1", Started: march, Status: "ok", Rows: map[string]int64{"calls": 3}}); err != nil {
		t.Fatal(err)
	}
	if err := l.CountRequests(ctx, march, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenQuery(ctx, t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a gongload Parquet directory") {
		t.Errorf("OpenQuery of an empty directory: %v", err)
	}
	db, err := OpenQuery(ctx, l.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tbl := range models.All() {
		var n int64
		if err := db.QueryRow(`SELECT count(*) FROM ` + sql.Ident(tbl.Name)).Scan(&n); err != nil {
			t.Errorf("table %s: %v", tbl.Name, err)
		}
	}
	for _, v := range sql.Views() {
		if _, err := db.Exec(`SELECT * FROM ` + sql.Ident(v.Name) + ` LIMIT 1`); err != nil {
			t.Errorf("view %s: %v", v.Name, err)
		}
	}
	got := queryStrings(t, db, `SELECT count(*) FROM transcript_labeled`)
	if d := cmp.Diff([]string{"6"}, got); d != "" {
		t.Errorf("transcript_labeled (-want +got):\n%s", d)
	}
	got = queryStrings(t, db, `SELECT column_name FROM (DESCRIBE call_topics)`)
	if d := cmp.Diff([]string{"call_id", "name", "duration_s", "_loaded_at", "_run_id", "call_month"}, got); d != "" {
		t.Errorf("columns of the empty call_topics view (-want +got):\n%s", d)
	}
	got = queryStrings(t, db, `SELECT stream, window_from, "rows" FROM _gongload_state ORDER BY ALL`)
	if d := cmp.Diff([]string{"calls|2025-03-01T00:00:00Z|6", "calls|2025-04-01T00:00:00Z|3", "transcripts|2025-03-01T00:00:00Z|4", "transcripts|2025-04-01T00:00:00Z|2", "users|<nil>|1"}, got); d != "" {
		t.Errorf("_gongload_state (-want +got):\n%s", d)
	}
	got = queryStrings(t, db, `SELECT run_id, "rows"['calls'] FROM _gongload_runs`)
	if d := cmp.Diff([]string{"r1|3"}, got); d != "" {
		t.Errorf("_gongload_runs (-want +got):\n%s", d)
	}
	got = queryStrings(t, db, `SELECT (SELECT serial FROM _gongload_meta) > 0, (SELECT sum(requests) FROM _gongload_requests)`)
	if d := cmp.Diff([]string{"true|7"}, got); d != "" {
		t.Errorf("meta and requests (-want +got):\n%s", d)
	}
}

// Staging spills to Arrow IPC files under _gongload/tmp; every row lands
// once, and no spill file stays after Commit or Rollback.
func TestStagingSpills(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	l.flushRows = 7
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	spills := func() int {
		m, _ := filepath.Glob(filepath.Join(l.Dir(), metaDir, tmpDir, spillPattern))
		return len(m)
	}
	recs := sentences(mem, 50, 10, 4)
	tx, _ := l.Begin(ctx, "r")
	tx2, _ := l.Begin(ctx, "r")
	write(t, mem, tx2, models.TranscriptSentences, sentenceRow("z", 0, "z"))
	for _, r := range recs {
		if err := tx.Write(ctx, models.TranscriptSentences, r); err != nil {
			t.Fatal(err)
		}
		r.Release()
	}
	if spills() != 1 {
		t.Errorf("%d spill files, want 1", spills())
	}
	n := commitTx(t, tx, monthWindow("transcripts", march))
	if n["transcript_sentences"] != 50 {
		t.Errorf("committed %v, want 50 sentences", n)
	}
	if err := tx2.Rollback(); err != nil {
		t.Fatal(err)
	}
	if spills() != 0 {
		t.Errorf("%d spill files after Commit and Rollback", spills())
	}
	if got := spill.AllocatedBytes(); got != 0 {
		t.Errorf("%d bytes of spilled batches still allocated", got)
	}
	got := queryStrings(t, duck(t), fmt.Sprintf(`SELECT count(DISTINCT (call_id, sentence_index)), count(*) FROM read_parquet('%s/transcript_sentences/**/*.parquet')`, l.Dir()))
	if d := cmp.Diff([]string{"50|50"}, got); d != "" {
		t.Errorf("sentences (-want +got):\n%s", d)
	}
	noTemps(t, l.Dir())
}

// snapshot is the content of every table and the state, to compare lakes.
func snapshot(t *testing.T, dir string) map[string][]string {
	t.Helper()
	db, err := OpenQuery(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string][]string{}
	for _, tbl := range models.All() {
		out[tbl.Name] = queryStrings(t, db, `SELECT * FROM `+sql.Ident(tbl.Name)+` ORDER BY ALL`)
	}
	out["_gongload_state"] = queryStrings(t, db, `SELECT * EXCLUDE (committed_at) FROM _gongload_state ORDER BY ALL`)
	out["_gongload_meta"] = queryStrings(t, db, `SELECT serial FROM _gongload_meta`)
	return out
}

// crashCommit is the commit the crash tests interrupt: it rewrites calls,
// call_parties and transcripts in March (call 1 replaced, 2 deleted by the
// complete listing) and moves call 3 from April to March.
func crashCommit(t *testing.T, mem memory.Allocator, l *Loader) (map[string]int64, error) {
	ctx := context.Background()
	tx, err := l.Begin(ctx, "r2")
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	for _, w := range []struct {
		tbl *models.Table
		row []any
	}{
		{models.Calls, callRow("1", "one again", march)},
		{models.Calls, callRow("3", "three moved", march)},
		{models.CallParties, partyRow("1", "p7")},
		{models.Users, []any{"u2", "u2@x"}},
	} {
		rec := batch(mem, w.tbl, w.row)
		err := tx.Write(ctx, w.tbl, rec)
		rec.Release()
		if err != nil {
			return nil, err
		}
	}
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := tx.Complete(ctx, models.Calls, load.Range{Column: "started", From: from, To: from.AddDate(0, 1, 0)}); err != nil {
		return nil, err
	}
	return tx.Commit(ctx, load.Window{Stream: "calls", From: from, To: from.AddDate(0, 0, 7), RunID: "r2", CommittedAt: from.Add(2 * time.Hour)})
}

// A crash at any step of a commit leaves readable files only: before the
// journal, the next Open discards the commit (state not advanced, the next
// apply redoes the window); after it, the next Open finishes it. Either
// way, redoing the window ends as an uninterrupted run does.
func TestCrashBetweenFiles(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	// the uninterrupted run, and the steps of its commit
	ref := openTemp(t)
	loadSample(t, mem, ref)
	before := snapshot(t, ref.Dir())
	var steps []string
	ref.hook = func(s string) error { steps = append(steps, s); return nil }
	if _, err := crashCommit(t, mem, ref); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, ref.Dir())
	if len(steps) < 6 || steps[0] != "files" || steps[1] != "journal" {
		t.Fatalf("steps %v", steps)
	}
	t.Logf("steps: %v", steps)

	for i, step := range steps {
		t.Run(step, func(t *testing.T) {
			l := openTemp(t)
			loadSample(t, mem, l)
			dir := l.Dir()
			l.hook = func(s string) error {
				if s == step {
					return errors.New("crash")
				}
				return nil
			}
			if _, err := crashCommit(t, mem, l); !errors.Is(err, errCrash) {
				t.Fatalf("commit: %v, want the simulated crash", err)
			}
			// Readers of the crashed lake see whole files only.
			if _, err := os.Stat(filepath.Join(dir, metaDir, journalFile)); (err == nil) != (i > 0) {
				t.Errorf("journal present = %v after a crash at %s", err == nil, step)
			}
			got := queryStrings(t, duck(t), fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s/*/**/*.parquet', union_by_name = true)`, dir))
			if len(got) != 1 {
				t.Errorf("reading the crashed lake: %v", got)
			}
			l.Close()

			l = openAt(t, dir) // recovers
			noTemps(t, dir)
			st, _ := l.State(t.Context())
			after := snapshot(t, dir)
			if i == 0 {
				if d := cmp.Diff(before, after); d != "" {
					t.Errorf("a crash before the journal changed the lake (-before +after):\n%s", d)
				}
				if _, err := crashCommit(t, mem, l); err != nil { // the next apply redoes the window
					t.Fatal(err)
				}
				after = snapshot(t, dir)
			}
			if d := cmp.Diff(want, after); d != "" {
				t.Errorf("after the crash at %s and recovery (-uninterrupted +got):\n%s", step, d)
			}
			if st.Serial == 0 {
				t.Error("no state after recovery")
			}
		})
	}
}

// TestKillHelper is the process TestKill kills: it loads the sample, then
// runs crashCommit and stops at the step named by GONGLOAD_KILL_AT.
func TestKillHelper(t *testing.T) {
	dir, step := os.Getenv("GONGLOAD_KILL_DIR"), os.Getenv("GONGLOAD_KILL_AT")
	if dir == "" {
		t.Skip("helper process of TestKill")
	}
	mem := memory.NewGoAllocator()
	l, err := Open(context.Background(), dir, Options{})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	loadSample(t, mem, l)
	l.hook = func(s string) error {
		if s == step {
			fmt.Println("at", s)
			time.Sleep(time.Hour) // until killed
		}
		return nil
	}
	if _, err := crashCommit(t, mem, l); err != nil {
		fmt.Println("error:", err)
	}
	fmt.Println("done")
}

// A gongload killed (SIGKILL) in the middle of a commit leaves no temporary
// or half-written file visible, and the next Open and apply complete.
func TestKill(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ref := openTemp(t)
	loadSample(t, mem, ref)
	if _, err := crashCommit(t, mem, ref); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, ref.Dir())

	for _, step := range []string{"files", "rename 2"} {
		t.Run(step, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "lake")
			cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$")
			cmd.Env = append(os.Environ(), "GONGLOAD_KILL_DIR="+dir, "GONGLOAD_KILL_AT="+step)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil || strings.TrimSpace(line) != "at "+step {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("helper: %q, %v", line, err)
			}
			// The lock is held: a second gongload is told so.
			if _, err := Open(context.Background(), dir, Options{}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("is in use by another process (PID %d)", cmd.Process.Pid)) {
				t.Errorf("Open of a lake in use: %v", err)
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()

			// Readers never see the temporary files.
			got := queryStrings(t, duck(t), fmt.Sprintf(`SELECT count(*) FROM read_parquet('%s/*/**/*.parquet', union_by_name = true)`, dir))
			if len(got) != 1 {
				t.Errorf("reading the killed lake: %v", got)
			}
			l := openAt(t, dir)
			noTemps(t, dir)
			if step == "files" { // the next apply redoes the window
				if _, err := crashCommit(t, mem, l); err != nil {
					t.Fatal(err)
				}
			}
			if d := cmp.Diff(want, snapshot(t, dir)); d != "" {
				t.Errorf("after the kill at %s (-uninterrupted +got):\n%s", step, d)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), file, Options{}); err == nil || !strings.Contains(err.Error(), "is a file") {
		t.Errorf("Open of a file: %v", err)
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(context.Background(), filepath.Join(ro, "lake"), Options{}); err == nil || !strings.Contains(err.Error(), "cannot be created") {
			t.Errorf("Open in a read-only directory: %v", err)
		}
	}
	lake := filepath.Join(dir, "lake")
	l := openAt(t, lake)
	if _, err := Open(context.Background(), lake, Options{}); err == nil || !strings.Contains(err.Error(), "already open in this process") {
		t.Errorf("second Open in one process: %v", err)
	}
	l.Close()
	if _, err := l.State(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("State after Close: %v", err)
	}
	openAt(t, lake).Close() // free again
}

// TestLockHelper holds a lake open for TestLocked.
func TestLockHelper(t *testing.T) {
	dir := os.Getenv("GONGLOAD_LOCK_HELPER")
	if dir == "" {
		t.Skip("helper process of TestLocked")
	}
	l, err := Open(context.Background(), dir, Options{})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer l.Close()
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
}

func TestLocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lake")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
	cmd.Env = append(os.Environ(), "GONGLOAD_LOCK_HELPER="+dir)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "ready" {
		t.Fatalf("helper: %q, %v", line, err)
	}
	_, err = Open(context.Background(), dir, Options{})
	if err == nil {
		t.Fatal("Open of a lake held by another process succeeded")
	}
	for _, want := range []string{"destination " + dir + " is in use by another process", fmt.Sprintf("PID %d", cmd.Process.Pid), "wait for the other gongload to finish"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// readers need no lock
	db, err := OpenQuery(context.Background(), dir)
	if err == nil {
		db.Close()
	} else if !strings.Contains(err.Error(), "not a gongload Parquet directory") {
		t.Errorf("OpenQuery of a lake in use: %v", err)
	}
}
