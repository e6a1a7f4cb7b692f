package duckdb

import (
	"bufio"
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gongload/gongload/load/internal/spill"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/load/loadertest"
	"github.com/gongload/gongload/models"
	"github.com/gongload/gongload/sql"
)

func openTemp(t testing.TB) *Loader {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "gong.duckdb"))
}

// benchHook adjusts the Loader of a benchmark (thresholds, when profiling).
var benchHook = func(*Loader) {}

// openTempHook gives the Options of openAt (a Logger, when profiling).
var openTempHook = func(path string) Options { return Options{} }

func openAt(t testing.TB, path string) *Loader {
	t.Helper()
	l, err := Open(context.Background(), path, openTempHook(path))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// selectAll returns every row of table as column → value.
func (l *Loader) selectAll(ctx context.Context, table string) ([]map[string]any, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	q, err := sql.Render("duckdb/select_table.sql", struct{ Table string }{table})
	if err != nil {
		return nil, err
	}
	rows, err := l.conn.(driver.QueryerContext).QueryContext(ctx, q, nil)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols := rows.Columns()
	vals := make([]driver.Value, len(cols))
	var out []map[string]any
	for {
		if err := rows.Next(vals); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		r := make(map[string]any, len(cols))
		for i, c := range cols {
			r[c] = vals[i]
		}
		out = append(out, r)
	}
}

// queryInts runs a one-off test query returning one integer.
func (l *Loader) queryInt(t *testing.T, q string) int64 {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	rows, err := l.conn.(driver.QueryerContext).QueryContext(context.Background(), q, nil)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	v := make([]driver.Value, 1)
	if err := rows.Next(v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return asInt(v[0])
}

func rowsHook(t *testing.T, l load.Loader, table string) []map[string]any {
	t.Helper()
	rows, err := l.(*Loader).selectAll(context.Background(), table)
	if err != nil {
		t.Fatalf("rows of %s: %v", table, err)
	}
	return rows
}

func TestConformance(t *testing.T) {
	loadertest.Run(t, loadertest.Harness{
		Open: func(t *testing.T) load.Loader { return openTemp(t) },
		Rows: rowsHook,
		Reopen: func(t *testing.T, l load.Loader) load.Loader {
			path := l.(*Loader).Path()
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			return openAt(t, path)
		},
	})
}

// TestLockHelper holds a destination open for TestLocked, in a process of
// its own: DuckDB's file lock is per process.
func TestLockHelper(t *testing.T) {
	path := os.Getenv("GONGLOAD_LOCK_HELPER")
	if path == "" {
		t.Skip("helper process of TestLocked")
	}
	l, err := Open(context.Background(), path, Options{})
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer l.Close()
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin) // until the parent closes stdin
}

func TestLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gong.duckdb")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$")
	cmd.Env = append(os.Environ(), "GONGLOAD_LOCK_HELPER="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
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

	_, err = Open(context.Background(), path, Options{})
	if err == nil {
		t.Fatal("Open of a destination held by another process succeeded")
	}
	msg := err.Error()
	t.Log(msg)
	for _, want := range []string{"destination " + path + " is in use by another process", fmt.Sprintf("PID %d", cmd.Process.Pid), "wait for the other gongload to finish"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), filepath.Join(file, "gong.duckdb"), Options{})
	if err == nil || !strings.Contains(err.Error(), "destination directory "+file) {
		t.Errorf("Open under a regular file: %v, want an error naming %s", err, file)
	}

	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		_, err = Open(context.Background(), filepath.Join(ro, "gong.duckdb"), Options{})
		if err == nil || !strings.Contains(err.Error(), "destination directory "+ro+" is not writable") {
			t.Errorf("Open in a read-only directory: %v, want an error naming %s", err, ro)
		}
	}

	path := filepath.Join(dir, "gong.duckdb")
	l := openAt(t, path)
	if _, err := Open(context.Background(), path, Options{}); err == nil || !strings.Contains(err.Error(), "already open in this process") {
		t.Errorf("second Open in one process: %v", err)
	}
	l.Close()
	l2 := openAt(t, path) // free again after Close
	l2.Close()
}

func TestReopenKeepsData(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "gong.duckdb")
	l := openAt(t, path)
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	tx, _ := l.Begin(ctx, "run1")
	write(t, mem, tx, models.Calls, callRow("1", day(0)))
	w := load.Window{Stream: "calls", From: day(0), To: day(7), RunID: "run1", Rows: 1, CommittedAt: day(8)}
	if _, err := tx.Commit(ctx, w); err != nil {
		t.Fatal(err)
	}
	before, _ := l.State(ctx)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.State(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("State after Close: %v, want ErrClosed", err)
	}

	l = openAt(t, path)
	after, err := l.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lineage != before.Lineage || after.Serial != before.Serial || len(after.Windows) != 1 {
		t.Errorf("state after reopen = %+v, want %+v", after, before)
	}
	if ch, err := l.Changes(ctx, models.All()); err != nil || len(ch) != 0 {
		t.Errorf("Changes after reopen = %v, %v", ch, err)
	}
	if n := l.queryInt(t, "SELECT count(*) FROM calls"); n != 1 {
		t.Errorf("%d calls after reopen, want 1", n)
	}
}

func TestStagingDropped(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	l.flushRows = 1 // stage every batch at once
	temps := func() int64 {
		// staging: TEMP tables, and registered Arrow views (not the analysis views)
		var analysis []string
		for _, v := range sql.Views() {
			analysis = append(analysis, "'"+v.Name+"'")
		}
		return l.queryInt(t, "SELECT (SELECT count(*) FROM duckdb_tables() WHERE temporary) + (SELECT count(*) FROM duckdb_views() WHERE NOT internal AND view_name NOT IN ("+strings.Join(analysis, ",")+"))")
	}
	spills := func() int {
		names, _ := filepath.Glob(filepath.Join(l.tempDir, spillPattern))
		return len(names)
	}
	tx1, _ := l.Begin(ctx, "r")
	tx2, _ := l.Begin(ctx, "r")
	write(t, mem, tx1, models.Calls, callRow("1", day(0)))
	write(t, mem, tx2, models.Calls, callRow("2", day(0)))
	scope(t, mem, tx2, models.CallParties, "2")
	write(t, mem, tx2, models.CallParties, []any{"2", "p"})
	if got := temps(); got != 2 {
		t.Errorf("%d TEMP tables for two Tx, want 2 (calls twice)", got)
	}
	if got := spills(); got != 2 {
		t.Errorf("%d spill files, want 2 (call_parties: keys and rows)", got)
	}
	if err := tx1.Complete(ctx, models.Calls, load.Range{Column: "started", From: day(0), To: day(7)}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx1.Commit(ctx, load.Window{}); err != nil {
		t.Fatal(err)
	}
	if err := tx2.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got := temps(); got != 0 {
		t.Errorf("%d temporary tables or views left after Commit and Rollback", got)
	}
	if got := spills(); got != 0 {
		t.Errorf("%d spill files left after Commit and Rollback", got)
	}
	l.Close()
	if _, err := os.Stat(l.tempDir); !os.IsNotExist(err) {
		t.Errorf("temp directory %s left after Close: %v", l.tempDir, err)
	}
}

// Batches are buffered, then spilled (child tables) or staged by whole row
// groups (entity tables): with tiny thresholds, batches are split across
// flushes and every row still lands once.
func TestStagingFlushes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	l.rowGroupRows, l.flushRows = 3, 7
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	recs := sentences(mem, 50, 10, 4) // 5 calls of 10 sentences, batches of 4
	var users [][]any
	for i := range 50 {
		users = append(users, []any{fmt.Sprint(i)})
	}
	tx, _ := l.Begin(ctx, "r")
	for i, r := range recs {
		err := tx.Write(ctx, models.TranscriptSentences, r)
		r.Release()
		if err != nil {
			t.Fatal(err)
		}
		u := batch(mem, models.Users, users[i*4:min(i*4+4, 50)]...)
		err = tx.Write(ctx, models.Users, u)
		u.Release()
		if err != nil {
			t.Fatal(err)
		}
		if i == 5 {
			ptx := tx.(*Tx)
			if got := ptx.parts["transcript_sentences"].rows.spilled; got != 24 {
				t.Errorf("after 24 rows, %d spilled, want 24 (three spills of 8)", got)
			}
			if got := l.queryInt(t, "SELECT count(*) FROM temp.main._stage_1_users"); got != 24 {
				t.Errorf("after 24 rows, %d staged, want 24 (three flushes of whole row groups)", got)
			}
		}
	}
	n, err := tx.Commit(ctx, load.Window{})
	if err != nil {
		t.Fatal(err)
	}
	if n["transcript_sentences"] != 50 || n["users"] != 50 {
		t.Errorf("committed %v, want 50 transcript_sentences and 50 users", n)
	}
	if got := spill.AllocatedBytes(); got != 0 {
		t.Errorf("%d bytes of spilled batches read back still allocated", got)
	}
	if got := l.queryInt(t, "SELECT count(DISTINCT (call_id, sentence_index)) FROM transcript_sentences"); got != 50 {
		t.Errorf("%d distinct sentences, want 50", got)
	}
	if got := l.queryInt(t, "SELECT CAST(sum(sentence_index) AS BIGINT) FROM transcript_sentences"); got != 5*45 {
		t.Errorf("sum of sentence_index %d, want %d", got, 5*45)
	}
	if got := l.queryInt(t, "SELECT count(DISTINCT id) FROM users"); got != 50 {
		t.Errorf("%d distinct users, want 50", got)
	}
}

// A table with a composite parent key of a DATE column, and a Complete over
// a DATE column.
func TestCompositeKeys(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	daily, calls := models.UserActivityDaily, models.UserActivityDailyCalls
	if err := l.Migrate(ctx, []*models.Table{daily, calls}); err != nil {
		t.Fatal(err)
	}
	dayRow := func(user string, d int) []any { return []any{user, day(d)} }
	callRow := func(user string, d int, call string) []any { return []any{user, day(d), "calls_as_host", call} }

	tx, _ := l.Begin(ctx, "r1")
	write(t, mem, tx, daily, dayRow("u1", 0), dayRow("u1", 1), dayRow("u2", 0))
	write(t, mem, tx, calls, callRow("u1", 0, "a"), callRow("u1", 0, "b"), callRow("u1", 1, "c"), callRow("u2", 0, "d"))
	if _, err := tx.Commit(ctx, load.Window{}); err != nil {
		t.Fatal(err)
	}
	// Reload u1's day 0 with one call, without Scope (implicit replace),
	// and complete day 1 with nothing: u1's day 1 goes with its calls.
	tx, _ = l.Begin(ctx, "r2")
	write(t, mem, tx, daily, dayRow("u1", 0))
	write(t, mem, tx, calls, callRow("u1", 0, "b"))
	if err := tx.Complete(ctx, daily, load.Range{Column: "day", From: day(1), To: day(2)}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(ctx, load.Window{}); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	rows, err := l.selectAll(ctx, calls.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		got[r["user_id"].(string)+"/"+r["call_id"].(string)] = true
	}
	if len(got) != 2 || !got["u1/b"] || !got["u2/d"] {
		t.Errorf("user_activity_daily_calls = %v, want u1/b and u2/d", got)
	}
	if n := l.queryInt(t, "SELECT count(*) FROM user_activity_daily"); n != 2 {
		t.Errorf("%d user_activity_daily rows, want 2", n)
	}
}

// A Complete cascades to the child tables present in the file even when
// Migrate was given only the parent (apply --streams calls).
func TestCascadeToChildrenOfOtherStreams(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "gong.duckdb")
	l := openAt(t, path)
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	tx, _ := l.Begin(ctx, "r1")
	write(t, mem, tx, models.Calls, callRow("1", day(0)))
	write(t, mem, tx, models.TranscriptSentences, []any{"1", 0})
	if _, err := tx.Commit(ctx, load.Window{}); err != nil {
		t.Fatal(err)
	}
	l.Close()

	l = openAt(t, path)
	if err := l.Migrate(ctx, []*models.Table{models.Calls}); err != nil {
		t.Fatal(err)
	}
	tx, _ = l.Begin(ctx, "r2")
	if err := tx.Complete(ctx, models.Calls, load.Range{}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(ctx, load.Window{}); err != nil {
		t.Fatal(err)
	}
	if n := l.queryInt(t, "SELECT count(*) FROM transcript_sentences"); n != 0 {
		t.Errorf("%d transcript_sentences of a deleted call left", n)
	}
}

func TestMisuse(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	tx, _ := l.Begin(ctx, "r")
	rec := batch(mem, models.Calls, []any{"1"})
	defer rec.Release()
	if err := tx.Write(ctx, models.Calls, rec); err == nil || !strings.Contains(err.Error(), "Migrate first") {
		t.Errorf("Write before Migrate: %v", err)
	}
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	if err := tx.Write(ctx, models.Users, rec); err == nil {
		t.Error("Write of a calls batch to users succeeded")
	}
	if err := tx.Scope(ctx, models.Calls, rec); err == nil {
		t.Error("Scope of an entity table succeeded")
	}
	if err := tx.Complete(ctx, models.CallParties, load.Range{}); err == nil {
		t.Error("Complete of a child table succeeded")
	}
	if err := tx.Complete(ctx, models.Calls, load.Range{Column: "nope"}); err == nil {
		t.Error("Complete on a missing column succeeded")
	}
	if err := tx.Write(ctx, models.Calls, rec); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(ctx, load.Window{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Commit after Close: %v, want ErrClosed", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Errorf("Rollback after Close: %v", err)
	}
	if _, err := l.Begin(ctx, "r"); !errors.Is(err, ErrClosed) {
		t.Errorf("Begin after Close: %v", err)
	}
}

// callRow is a calls row with an id and a start.
func callRow(id string, started time.Time) []any {
	vals := make([]any, len(models.Calls.Columns))
	vals[models.Calls.ColumnIndex("id")] = id
	vals[models.Calls.ColumnIndex("started")] = started
	return vals
}

func day(n int) time.Time { return time.Date(2025, 3, 3+n, 0, 0, 0, 0, time.UTC) }

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

// sentences builds n transcript_sentences rows in batches of size: calls of
// perCall sentences each.
func sentences(mem memory.Allocator, n, perCall, size int) []arrow.RecordBatch {
	tbl := models.TranscriptSentences
	b := models.NewBuilder(mem, tbl)
	defer b.Release()
	callID := b.Field(0).(*array.StringBuilder)
	idx := b.Field(1).(*array.Int32Builder)
	mono := b.Field(2).(*array.Int32Builder)
	speaker := b.Field(3).(*array.StringBuilder)
	topic := b.Field(4).(*array.StringBuilder)
	start := b.Field(5).(*array.Int64Builder)
	end := b.Field(6).(*array.Int64Builder)
	text := b.Field(7).(*array.StringBuilder)
	var out []arrow.RecordBatch
	for i := range n {
		c, s := i/perCall, i%perCall
		callID.Append(fmt.Sprintf("%019d", 7000000000000000000+c))
		idx.Append(int32(s))
		mono.Append(int32(s / 4))
		speaker.Append(fmt.Sprintf("%019d", 1000+s%3))
		topic.Append("Pricing")
		start.Append(int64(s) * 3000)
		end.Append(int64(s)*3000 + 2900)
		text.Append("so what we are really looking for is a way to get this done by the end of the quarter")
		if b.Len() == size {
			out = append(out, b.NewBatch())
		}
	}
	if b.Len() > 0 {
		out = append(out, b.NewBatch())
	}
	return out
}

// BenchmarkWriteCommit stages and commits 1 M transcript_sentences rows
// (1,000 calls of 1,000 sentences) into a table that already holds them:
// replace by parent, as a lookback re-read does. rows/s is the wall-clock
// rate; rows/cpu-s counts the CPU time of every thread (DuckDB's included),
// which a busy machine disturbs less.
func BenchmarkWriteCommit(b *testing.B) {
	for _, size := range []int{10_000, 1_000} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) { benchWriteCommit(b, size) })
	}
}

func benchWriteCommit(b *testing.B, size int) {
	const n, perCall = 1_000_000, 1_000
	mem := memory.NewGoAllocator()
	recs := sentences(mem, n, perCall, size)
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	var ids []string
	for c := range n / perCall {
		ids = append(ids, fmt.Sprintf("%019d", 7000000000000000000+c))
	}
	keys := models.KeyBatch(mem, models.TranscriptSentences, ids)
	defer keys.Release()

	ctx := context.Background()
	l := openTemp(b)
	benchHook(l)
	if err := l.Migrate(ctx, models.All()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; b.Loop(); i++ {
		tx, err := l.Begin(ctx, "bench")
		if err != nil {
			b.Fatal(err)
		}
		if err := tx.Scope(ctx, models.TranscriptSentences, keys); err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			if err := tx.Write(ctx, models.TranscriptSentences, r); err != nil {
				b.Fatal(err)
			}
		}
		rows, err := tx.Commit(ctx, load.Window{Stream: "transcripts", From: day(i), To: day(i + 1)})
		if err != nil {
			b.Fatal(err)
		}
		if rows["transcript_sentences"] != n {
			b.Fatalf("committed %v", rows)
		}
		if m := spill.AllocatedBytes(); m != 0 {
			b.Fatalf("%d bytes of spilled batches still allocated after Commit", m)
		}
	}
	rows := float64(n) * float64(b.N)
	b.ReportMetric(rows/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric(rows/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
}

// cpuTime is the CPU time of the process, DuckDB's threads included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSmallCommit commits a calls window of 100 calls with 3 parties
// each and every other child table of calls scoped: the statement overhead
// of a commit.
func BenchmarkSmallCommit(b *testing.B) {
	mem := memory.NewGoAllocator()
	ctx := context.Background()
	l := openTemp(b)
	if err := l.Migrate(ctx, models.All()); err != nil {
		b.Fatal(err)
	}
	var calls, parties [][]any
	var ids []string
	for i := range 100 {
		id := fmt.Sprintf("%019d", 1000+i)
		ids = append(ids, id)
		calls = append(calls, callRow(id, day(0).Add(time.Duration(i)*time.Minute)))
		for p := range 3 {
			parties = append(parties, []any{id, fmt.Sprint(p)})
		}
	}
	callRec, partyRec := batch(mem, models.Calls, calls...), batch(mem, models.CallParties, parties...)
	defer callRec.Release()
	defer partyRec.Release()
	b.ReportAllocs()
	for b.Loop() {
		tx, _ := l.Begin(ctx, "bench")
		if err := tx.Write(ctx, models.Calls, callRec); err != nil {
			b.Fatal(err)
		}
		for _, c := range models.CallChildren {
			keys := models.KeyBatch(mem, c, ids)
			if err := tx.Scope(ctx, c, keys); err != nil {
				b.Fatal(err)
			}
			keys.Release()
		}
		if err := tx.Write(ctx, models.CallParties, partyRec); err != nil {
			b.Fatal(err)
		}
		if err := tx.Complete(ctx, models.Calls, load.Range{Column: "started", From: day(0), To: day(1)}); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Commit(ctx, load.Window{Stream: "calls", From: day(0), To: day(1)}); err != nil {
			b.Fatal(err)
		}
	}
}

// A child table that was empty when the Loader first committed to it skips
// the DELETE for parents it never staged, and still replaces the children
// of the parents it did; a table that had rows at that point is not
// tracked, so after a reopen every replacement deletes again.
func TestFreshChildren(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "gong.duckdb")
	l := openAt(t, path)
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	load3 := func(l *Loader, call string, n int) {
		t.Helper()
		tx, _ := l.Begin(ctx, "r")
		scope(t, mem, tx, models.TranscriptSentences, call)
		var rows [][]any
		for i := range n {
			rows = append(rows, []any{call, int32(i)})
		}
		if n > 0 {
			write(t, mem, tx, models.TranscriptSentences, rows...)
		}
		if _, err := tx.Commit(ctx, load.Window{}); err != nil {
			t.Fatal(err)
		}
	}
	count := func(l *Loader, call string) int64 {
		return l.queryInt(t, "SELECT count(*) FROM transcript_sentences WHERE call_id = '"+call+"'")
	}
	load3(l, "1", 3)
	load3(l, "2", 2)
	if !l.fresh.checked["transcript_sentences"] || l.fresh.bit["transcript_sentences"] == 0 {
		t.Fatalf("transcript_sentences is not tracked: %+v", l.fresh)
	}
	for _, k := range []string{"1", "2"} {
		if l.fresh.keys[k]&l.fresh.bit["transcript_sentences"] == 0 {
			t.Errorf("parent %s not recorded", k)
		}
	}
	load3(l, "1", 1) // a known parent: its three rows are replaced
	load3(l, "2", 0) // scoped, no rows: its children go
	if got := count(l, "1"); got != 1 {
		t.Errorf("call 1 has %d sentences, want 1", got)
	}
	if got := count(l, "2"); got != 0 {
		t.Errorf("call 2 has %d sentences, want 0", got)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openAt(t, path)
	load3(l, "1", 2)
	if got := count(l, "1"); got != 2 {
		t.Errorf("after reopen, call 1 has %d sentences, want 2", got)
	}
	if _, ok := l.fresh.bit["transcript_sentences"]; ok {
		t.Error("a table with rows at the first commit is tracked")
	}
}

// Past Options.StageMemory, batches leave Go at once: child rows and keys
// to spill files, entity rows to their TEMP table; every row still lands
// once, and the Loader's count of held bytes returns to zero.
func TestStageMemory(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	l.stageMemory = 1
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	recs := sentences(mem, 20_000, 1_000, 5_000) // batches of well over minSpillBytes
	var ids []string
	var users [][]any
	for i := range 2_000 {
		users = append(users, []any{fmt.Sprintf("%0100d", i)})
	}
	tx, _ := l.Begin(ctx, "r")
	for _, r := range recs {
		err := tx.Write(ctx, models.TranscriptSentences, r)
		r.Release()
		if err != nil {
			t.Fatal(err)
		}
	}
	write(t, mem, tx, models.Users, users...)
	ptx := tx.(*Tx)
	if got := ptx.parts["transcript_sentences"].rows.spilled; got != 20_000 {
		t.Errorf("%d sentences spilled over the budget, want 20000", got)
	}
	if got := l.queryInt(t, "SELECT count(*) FROM temp.main._stage_1_users"); got != 2_000 {
		t.Errorf("%d users staged over the budget, want 2000", got)
	}
	n, err := tx.Commit(ctx, load.Window{})
	if err != nil {
		t.Fatal(err)
	}
	if n["transcript_sentences"] != 20_000 || n["users"] != 2_000 {
		t.Errorf("committed %v", n)
	}
	if got := l.held.Load(); got != 0 {
		t.Errorf("%d bytes still counted as held after Commit", got)
	}
	// A Tx rolled back releases its count too.
	tx, _ = l.Begin(ctx, "r")
	for i := range 10 {
		ids = append(ids, fmt.Sprint(i))
	}
	scope(t, mem, tx, models.CallParties, ids...)
	if l.held.Load() == 0 {
		t.Error("scoped keys not counted as held")
	}
	tx.Rollback()
	if got := l.held.Load(); got != 0 {
		t.Errorf("%d bytes still counted as held after Rollback", got)
	}
}

// CountRequests writes nothing by itself: State shows the count at once,
// the next transaction (or Close) writes it.
func TestCountRequestsDeferred(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "gong.duckdb")
	l := openAt(t, path)
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	d := time.Date(2025, 4, 1, 10, 0, 0, 0, time.UTC)
	for range 3 {
		if err := l.CountRequests(ctx, d, 2); err != nil {
			t.Fatal(err)
		}
	}
	if n := l.queryInt(t, "SELECT count(*) FROM _gongload_requests"); n != 0 {
		t.Errorf("%d rows in _gongload_requests before any transaction, want 0", n)
	}
	st, err := l.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Requests["2025-04-01"] != 6 {
		t.Errorf("State().Requests = %v, want 6 on 2025-04-01", st.Requests)
	}
	tx, _ := l.Begin(ctx, "r")
	if _, err := tx.Commit(ctx, load.Window{Stream: "users"}); err != nil {
		t.Fatal(err)
	}
	if n := l.queryInt(t, "SELECT CAST(sum(requests) AS BIGINT) FROM _gongload_requests"); n != 6 {
		t.Errorf("%d requests written by the commit, want 6", n)
	}
	if err := l.CountRequests(ctx, d, 1); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openAt(t, path)
	if st, err := l.State(ctx); err != nil || st.Requests["2025-04-01"] != 7 {
		t.Errorf("after Close and reopen: %v, %v; want 7 on 2025-04-01", st.Requests, err)
	}
}

// Commits waiting for the writer together are applied in one DuckDB
// transaction, in the order they queued, exactly as if committed one after
// the other: the last upsert of a key wins, the last Tx to scope a parent
// owns its children, and each Tx's window is recorded.
func TestGroupCommit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	const n = 5
	l.mu.Lock() // hold the writer until every Commit has queued
	errs := make(chan error, n)
	for i := range n {
		tx, _ := l.Begin(ctx, fmt.Sprintf("r%d", i))
		row := callRow("shared", day(i))
		row[models.Calls.ColumnIndex("title")] = fmt.Sprintf("title %d", i)
		write(t, mem, tx, models.Calls, row, callRow(fmt.Sprintf("own%d", i), day(i)))
		var sents [][]any
		for j := range i + 1 { // Tx i gives the shared call i+1 sentences
			sents = append(sents, []any{"shared", int32(j)})
		}
		write(t, mem, tx, models.TranscriptSentences, sents...)
		w := load.Window{Stream: "calls", From: day(i), To: day(i + 1)}
		go func() {
			_, err := tx.Commit(ctx, w)
			errs <- err
		}()
	}
	for {
		if len(l.commits.Waiting()) == n {
			break
		}
		time.Sleep(time.Millisecond)
	}
	last := l.commits.Waiting()[n-1].tx.runID // the Tx applied last
	serial := func() int64 { return l.queryInt(t, "SELECT serial FROM _gongload_meta") }
	l.mu.Unlock()
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	want := int64(last[1] - '0')
	if got := l.queryInt(t, "SELECT count(*) FROM calls WHERE id = 'shared'"); got != 1 {
		t.Fatalf("%d rows of the shared call, want 1", got)
	}
	if got := l.queryInt(t, "SELECT CAST(right(title, 1) AS BIGINT) FROM calls WHERE id = 'shared'"); got != want {
		t.Errorf("shared call has the title of Tx %d, want the last queued, %d", got, want)
	}
	if got := l.queryInt(t, "SELECT count(*) FROM transcript_sentences"); got != want+1 {
		t.Errorf("%d sentences of the shared call, want the %d of the last Tx", got, want+1)
	}
	if got := l.queryInt(t, "SELECT count(*) FROM calls"); got != n+1 {
		t.Errorf("%d calls, want %d", got, n+1)
	}
	if got := l.queryInt(t, "SELECT count(*) FROM _gongload_state WHERE stream = 'calls'"); got != n {
		t.Errorf("%d windows recorded, want %d", got, n)
	}
	if got := serial(); got < n {
		t.Errorf("serial %d after %d commits", got, n)
	}
}

// A group fails whole: every Tx of it gets the error, nothing of any is
// applied, and the Loader keeps working.
func TestGroupCommitFails(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := t.Context()
	l := openTemp(t)
	if err := l.Migrate(ctx, models.All()); err != nil {
		t.Fatal(err)
	}
	l.mu.Lock()
	errs := make(chan error, 2)
	for i := range 2 {
		tx, _ := l.Begin(ctx, "r")
		write(t, mem, tx, models.Calls, callRow(fmt.Sprintf("c%d", i), day(i)))
		write(t, mem, tx, models.CallParties, []any{fmt.Sprintf("c%d", i), "p"})
		go func() {
			_, err := tx.Commit(ctx, load.Window{Stream: "calls", From: day(i), To: day(i + 1)})
			errs <- err
		}()
	}
	for {
		if len(l.commits.Waiting()) == 2 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	// The second Tx's child table is gone under it: its insert fails.
	if _, err := l.conn.(driver.ExecerContext).ExecContext(ctx, "ALTER TABLE call_parties RENAME TO call_parties_x", nil); err != nil {
		t.Fatal(err)
	}
	l.mu.Unlock()
	for range 2 {
		if err := <-errs; err == nil {
			t.Error("a Tx of the failed group committed")
		}
	}
	if _, err := l.conn.(driver.ExecerContext).ExecContext(ctx, "ALTER TABLE call_parties_x RENAME TO call_parties", nil); err != nil {
		t.Fatal(err)
	}
	if got := l.queryInt(t, "SELECT count(*) FROM calls"); got != 0 {
		t.Errorf("%d calls of a failed group applied", got)
	}
	if got := l.queryInt(t, "SELECT count(*) FROM _gongload_state"); got != 0 {
		t.Errorf("%d windows of a failed group recorded", got)
	}
	tx, _ := l.Begin(ctx, "r")
	write(t, mem, tx, models.Calls, callRow("c9", day(9)))
	if _, err := tx.Commit(ctx, load.Window{Stream: "calls", From: day(9), To: day(10)}); err != nil {
		t.Fatalf("a commit after the failed group: %v", err)
	}
}
