package duckdb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/models"
)

var _ load.Tx = (*Tx)(nil)

// Tx is a unit of work on a DuckDB destination. See the package
// documentation for how it stages and commits.
type Tx struct {
	l     *Loader
	id    uint64
	runID string

	// mu guards the fields below. Lock order: tx.mu, then l.mu, then
	// l.regMu. Buffering a batch takes only tx.mu, so a Tx keeps writing
	// while another commits; staging into DuckDB takes l.mu as well.
	mu    sync.Mutex
	done  bool             // committed, rolled back, or discarded by Close
	err   error            // a failed Write or Scope: the Tx can only roll back
	parts map[string]*part // by table name
	order []string         // table names, first touched first
}

// part is what a Tx holds for one table.
type part struct {
	table     *models.Table
	written   bool   // Write was called, even with an empty batch
	rows      stager // the rows
	keys      stager // child table: the parent keys to replace (scoped, and those of the rows)
	completes []load.Range
}

// Begin starts a unit of work whose rows carry runID in _run_id. It runs no
// SQL.
func (l *Loader) Begin(ctx context.Context, runID string) (load.Tx, error) {
	l.regMu.Lock()
	defer l.regMu.Unlock()
	if l.closed.Load() {
		return nil, ErrClosed
	}
	l.nextTx++
	tx := &Tx{l: l, id: l.nextTx, runID: runID, parts: map[string]*part{}}
	l.txs[l.nextTx] = tx
	return tx, nil
}

// usable reports why the Tx cannot take more work. The caller holds tx.mu.
func (tx *Tx) usable() error {
	switch {
	case tx.l.closed.Load():
		return ErrClosed
	case tx.done:
		return errors.New("duckdb: the Tx is over (committed or rolled back)")
	case tx.err != nil:
		return fmt.Errorf("duckdb: the Tx failed earlier: %w", tx.err)
	}
	return nil
}

// part returns the part of table t, creating it. The caller holds tx.mu.
func (tx *Tx) part(t *models.Table) (*part, error) {
	if p, ok := tx.parts[t.Name]; ok {
		if p.table != t && !slices.EqualFunc(p.table.Columns, t.Columns, sameColumn) {
			return nil, fmt.Errorf("duckdb: table %s used with two different declarations in one Tx", t.Name)
		}
		return p, nil
	}
	if !tx.l.hasTable(t.Name) {
		return nil, fmt.Errorf("duckdb: table %s does not exist in %s: Migrate first", t.Name, tx.l.path)
	}
	tag := strconv.FormatUint(tx.id, 10) + "_" + t.Name
	p := &part{table: t, rows: newStager("_stage_"+tag, t.Schema(), !t.IsEntity(), &tx.l.held)}
	if !t.IsEntity() {
		p.keys = newStager("_scope_"+tag, t.KeySchema(), true, &tx.l.held)
	}
	tx.parts[t.Name] = p
	tx.order = append(tx.order, t.Name)
	return p, nil
}

// Write buffers rec (t.Schema()) for table t. Write retains rec (it does not
// copy it) until the rows are staged in DuckDB, at the latest at Commit or
// Rollback. For a child table, the parents of the rows are scoped too.
func (tx *Tx) Write(ctx context.Context, t *models.Table, rec arrow.RecordBatch) error {
	if err := sameFields(t.Schema(), rec.Schema()); err != nil {
		return fmt.Errorf("duckdb: write %s: %w", t.Name, err)
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if err := tx.usable(); err != nil {
		return err
	}
	p, err := tx.part(t)
	if err != nil {
		return err
	}
	p.written = true
	if rec.NumRows() == 0 {
		return nil
	}
	if !t.IsEntity() {
		keys := parentKeys(t, p.keys.schema, rec)
		err := p.keys.add(ctx, tx.l, keys)
		keys.Release()
		if err != nil {
			tx.err = err
			return fmt.Errorf("duckdb: write %s: %w", t.Name, err)
		}
	}
	if err := p.rows.add(ctx, tx.l, rec); err != nil {
		tx.err = err
		return fmt.Errorf("duckdb: write %s: %w", t.Name, err)
	}
	return nil
}

// Scope buffers parent keys (t.KeySchema()) whose rows in child table t are
// replaced at commit.
func (tx *Tx) Scope(ctx context.Context, t *models.Table, keys arrow.RecordBatch) error {
	if t.IsEntity() {
		return fmt.Errorf("duckdb: scope %s: not a child table", t.Name)
	}
	if err := sameFields(t.KeySchema(), keys.Schema()); err != nil {
		return fmt.Errorf("duckdb: scope %s: %w", t.Name, err)
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if err := tx.usable(); err != nil {
		return err
	}
	p, err := tx.part(t)
	if err != nil {
		return err
	}
	if err := p.keys.add(ctx, tx.l, keys); err != nil {
		tx.err = err
		return fmt.Errorf("duckdb: scope %s: %w", t.Name, err)
	}
	return nil
}

// Complete records that the listing of entity table t was complete over r.
func (tx *Tx) Complete(ctx context.Context, t *models.Table, r load.Range) error {
	if !t.IsEntity() {
		return fmt.Errorf("duckdb: complete %s: not an entity table", t.Name)
	}
	if !r.IsZero() {
		if _, ok := t.Column(r.Column); !ok {
			return fmt.Errorf("duckdb: complete %s: no column %s", t.Name, r.Column)
		}
		if r.To.Before(r.From) {
			return fmt.Errorf("duckdb: complete %s: range ends (%s) before it starts (%s)", t.Name, r.To, r.From)
		}
	}
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if err := tx.usable(); err != nil {
		return err
	}
	p, err := tx.part(t)
	if err != nil {
		return err
	}
	p.completes = append(p.completes, r)
	return nil
}

// Commit applies the Tx in one DuckDB transaction (see the package
// documentation for the statements). On any error nothing of the Tx is
// applied and the Tx is over.
//
// Commits that wait for the writer at the same time are grouped: the first
// to get it applies every waiting Tx (up to maxGroup), one after the other
// as if committed in turn, in one DuckDB transaction, so that a backfill
// pays DuckDB's COMMIT (a WAL sync) once per group rather than per window.
// A group succeeds or fails whole: every Tx of a failed group gets the
// error and nothing of any of them is applied.
func (tx *Tx) Commit(ctx context.Context, w load.Window) (map[string]int64, error) {
	l := tx.l
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if err := tx.usable(); err != nil {
		if !tx.done {
			tx.end()
		}
		return nil, err
	}
	c := &pendingCommit{tx: tx, w: w}
	l.commits.Commit(c, &l.mu, l.pickGroup, func(group []*pendingCommit) { l.commitGroup(ctx, group) })
	return c.counts, c.err
}

// maxGroup and maxGroupRows bound the Tx one DuckDB transaction commits:
// a group takes Tx while it has fewer rows than maxGroupRows (its first Tx
// whatever its size), so that DuckDB's transaction-local storage stays
// within the memory limit.
const (
	maxGroup     = 64
	maxGroupRows = 1 << 17
)

// pickGroup returns how many of the waiting commits the next group takes.
func (l *Loader) pickGroup() int {
	n, rows := 0, int64(0)
	for _, c := range l.commits.Waiting() {
		if n == maxGroup || (n > 0 && rows >= maxGroupRows) {
			break
		}
		rows += c.tx.rows()
		n++
	}
	return n
}

// rows returns the rows the Tx holds (buffered, spilled or staged). The
// caller holds tx.mu or is its committer.
func (tx *Tx) rows() int64 {
	var n int64
	for _, p := range tx.parts {
		n += p.rows.rows + p.rows.spilled + p.rows.staged
	}
	return n
}

// pendingCommit is a Commit waiting for the writer. Its owner holds tx.mu
// until its group is committed, so the committer may use the Tx.
type pendingCommit struct {
	tx     *Tx
	w      load.Window
	counts map[string]int64
	err    error
}

// commitGroup applies the Tx of group in one DuckDB transaction, in order,
// and ends them. The caller holds l.mu.
func (l *Loader) commitGroup(ctx context.Context, group []*pendingCommit) {
	defer func() {
		for _, c := range group {
			c.tx.finish()
		}
	}()
	if l.closed.Load() {
		for _, c := range group {
			c.err = ErrClosed
		}
		return
	}
	start := time.Now()
	err := l.inTx(ctx, func() error {
		for _, c := range group {
			at := c.w.CommittedAt
			if at.IsZero() {
				at = start
			}
			c.counts = map[string]int64{}
			if err := c.tx.apply(ctx, at.UTC().Truncate(time.Microsecond), c.w, c.counts); err != nil {
				return err
			}
			// The next Tx of the group must see these parents. Should the
			// transaction roll back, fresh knows a superset, which only
			// costs a DELETE.
			for _, p := range c.tx.parts {
				if !p.table.IsEntity() {
					l.fresh.add(p.table.Name, &p.keys)
				}
			}
		}
		return l.flushRequests(ctx)
	})
	if err != nil {
		for _, c := range group {
			c.counts, c.err = nil, fmt.Errorf("duckdb: commit: %w", err)
		}
		return
	}
	l.requestsWritten()
	for _, c := range group {
		for _, p := range c.tx.parts {
			p.rows.created, p.keys.created = false, false // dropped by apply
		}
		l.log.Debug("duckdb commit", "stream", c.w.Stream, "from", c.w.From, "to", c.w.To, "rows", c.counts,
			"group", len(group), "elapsed", time.Since(start))
	}
}

// apply runs the statements of a commit inside the transaction. The caller
// holds tx.mu and l.mu.
func (tx *Tx) apply(ctx context.Context, at time.Time, w load.Window, counts map[string]int64) error {
	l := tx.l
	order := slices.Clone(tx.order)
	l.regMu.RLock()
	slices.SortStableFunc(order, func(a, b string) int { return l.depth(a) - l.depth(b) })
	l.regMu.RUnlock()
	for _, name := range order {
		p := tx.parts[name]
		t := p.table
		if p.written {
			counts[t.Name] += 0
		}
		var err error
		if t.IsEntity() {
			err = tx.applyEntity(ctx, p, at, counts)
		} else {
			err = tx.applyChild(ctx, p, at, counts)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", t.Name, err)
		}
	}
	if w.Stream != "" {
		full := w.From.IsZero() && w.To.IsZero()
		args := []any{w.Stream}
		if !full {
			args = append(args, w.From.UTC(), w.To.UTC())
		}
		if _, err := l.exec(ctx, "duckdb/window_delete.sql", struct{ Full bool }{full}, args...); err != nil {
			return err
		}
		rows := w.Rows
		if rows == 0 {
			for _, n := range counts {
				rows += n
			}
		}
		runID := w.RunID
		if runID == "" {
			runID = tx.runID
		}
		if _, err := l.exec(ctx, "duckdb/window_insert.sql", nil,
			w.Stream, nullTime(w.From), nullTime(w.To), runID, rows, w.Requests, at); err != nil {
			return err
		}
	}
	if _, err := l.exec(ctx, "duckdb/serial_bump.sql", nil); err != nil {
		return err
	}
	for _, name := range tx.order {
		p := tx.parts[name]
		for _, s := range []*stager{&p.rows, &p.keys} {
			if err := s.drop(ctx, l); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyEntity upserts the staged rows of an entity table (their keys are
// deleted, then they are inserted) and applies its Completes. The rows are
// read several times, so they are all staged in the TEMP table first.
func (tx *Tx) applyEntity(ctx context.Context, p *part, at time.Time, counts map[string]int64) error {
	l := tx.l
	t := p.table
	if err := p.rows.flush(ctx, l, true); err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	stage := p.rows.table()
	if stage != "" {
		src := []source{{Name: stage, Columns: t.Key}}
		if _, err := l.exec(ctx, "duckdb/delete_in.sql", deleteData{Table: t.Name, Columns: t.Key, Sources: src}); err != nil {
			return fmt.Errorf("upsert: %w", err)
		}
		n, err := tx.insert(ctx, t, stage, at)
		if err != nil {
			return err
		}
		counts[t.Name] += n
	}
	for i, r := range p.completes {
		if err := tx.deleteStale(ctx, p, i, r); err != nil {
			return fmt.Errorf("delete stale: %w", err)
		}
	}
	return nil
}

// applyChild replaces the children of the scoped parents: their rows are
// deleted (unless fresh knows the table has none of them), then the staged
// rows inserted. Keys and rows are read once each, through a registered
// view over their spill file and Go buffer.
func (tx *Tx) applyChild(ctx context.Context, p *part, at time.Time, counts map[string]int64) error {
	l := tx.l
	t := p.table
	absent, err := l.fresh.absent(ctx, l, t.Name, &p.keys)
	if err != nil {
		return fmt.Errorf("replace by parent: %w", err)
	}
	if !absent {
		keys, closeKeys, err := p.keys.open(l)
		if err != nil {
			return fmt.Errorf("stage keys: %w", err)
		}
		if keys != "" {
			src := []source{{Name: keys, Columns: t.ParentKey}}
			_, err = l.exec(ctx, "duckdb/delete_in.sql", deleteData{Table: t.Name, Columns: t.ParentKey, Sources: src})
		}
		if err := errors.Join(err, closeKeys()); err != nil {
			return fmt.Errorf("replace by parent: %w", err)
		}
	}
	rows, closeRows, err := p.rows.open(l)
	if err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	var n int64
	if rows != "" {
		n, err = tx.insert(ctx, t, rows, at)
	}
	if err := errors.Join(err, closeRows()); err != nil {
		return err
	}
	counts[t.Name] += n
	return nil
}

// insert inserts the rows of the TEMP relation src into t with the commit
// time and the run.
func (tx *Tx) insert(ctx context.Context, t *models.Table, src string, at time.Time) (int64, error) {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = c.Name
	}
	n, err := tx.l.exec(ctx, "duckdb/insert_staged.sql", insertData{
		Table: t.Name, Columns: cols, Stage: src,
		LoadedAt: models.LoadedAtColumn, RunID: models.RunIDColumn,
	}, at, tx.runID)
	if err != nil {
		return 0, fmt.Errorf("insert: %w", err)
	}
	return n, nil
}

// deleteStale applies one Complete of p's entity table: the keys in range r
// that were not staged are collected in a TEMP table, their rows in every
// existing child table are deleted, then their own rows.
func (tx *Tx) deleteStale(ctx context.Context, p *part, i int, r load.Range) error {
	l := tx.l
	t := p.table
	gone := "_gone_" + strconv.FormatUint(tx.id, 10) + "_" + strconv.Itoa(i) + "_" + t.Name
	var args []any
	if !r.IsZero() {
		args = []any{r.From.UTC(), r.To.UTC()}
	}
	if _, err := l.exec(ctx, "duckdb/create_gone.sql", goneData{Gone: gone, Table: t.Name, Key: t.Key, Stage: p.rows.table(), Column: r.Column}, args...); err != nil {
		return err
	}
	// Nothing gone (always so in a backfill): one count instead of a
	// DELETE per child table.
	var n int64
	err := l.query(ctx, "duckdb/count_rows.sql", struct{ Name string }{gone}, func(v []driver.Value) error {
		n = asInt(v[0])
		return nil
	})
	if err != nil || n == 0 {
		_, derr := l.exec(ctx, "duckdb/drop_stage.sql", struct{ Name string }{gone})
		return errors.Join(err, derr)
	}
	src := []source{{Name: gone, Columns: t.Key}}
	l.regMu.RLock()
	children := l.children(t.Name)
	l.regMu.RUnlock()
	for _, c := range children {
		if _, err := l.exec(ctx, "duckdb/delete_in.sql", deleteData{Table: c.Name, Columns: c.ParentKey, Sources: src}); err != nil {
			return fmt.Errorf("child %s: %w", c.Name, err)
		}
	}
	if _, err := l.exec(ctx, "duckdb/delete_in.sql", deleteData{Table: t.Name, Columns: t.Key, Sources: src}); err != nil {
		return err
	}
	_, err = l.exec(ctx, "duckdb/drop_stage.sql", struct{ Name string }{gone})
	return err
}

// Rollback discards everything staged. It is a no-op after Commit.
func (tx *Tx) Rollback() error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if !tx.done {
		tx.end()
	}
	return nil
}

// end ends the Tx. The caller holds tx.mu, not l.mu.
func (tx *Tx) end() {
	tx.l.mu.Lock()
	defer tx.l.mu.Unlock()
	tx.finish()
}

// finish ends the Tx: its buffers are released, its staging tables dropped
// (with a fresh context: a cancelled run still cleans up), and it leaves the
// Loader's open set. The caller holds tx.mu and l.mu.
func (tx *Tx) finish() {
	l := tx.l
	l.regMu.Lock()
	delete(l.txs, tx.id)
	l.regMu.Unlock()
	if !l.closed.Load() { // else the staging tables went with the connection
		for _, name := range tx.order {
			p := tx.parts[name]
			for _, s := range []*stager{&p.rows, &p.keys} {
				if err := s.drop(context.Background(), l); err != nil {
					l.log.Warn("duckdb: could not drop a staging table", "table", s.name, "err", err)
				}
			}
		}
	}
	tx.discard()
}

// discard ends the Tx without SQL and releases its buffers. The caller holds
// tx.mu.
func (tx *Tx) discard() {
	for _, p := range tx.parts {
		p.rows.release()
		p.keys.release()
	}
	tx.done = true
	tx.parts = nil
	tx.order = nil
}

// parentKeys returns the parent keys of the rows of rec, a batch of child
// table t, as a batch of schema (t.KeySchema()). A one-column string key
// (call_id) is deduplicated over consecutive rows, since a stream writes the
// rows of a parent together; other keys are the key columns as they are.
func parentKeys(t *models.Table, schema *arrow.Schema, rec arrow.RecordBatch) arrow.RecordBatch {
	idx := make([]int, len(t.ParentKey))
	for i, k := range t.ParentKey {
		idx[i] = t.ColumnIndex(k)
	}
	if col, ok := rec.Column(idx[0]).(*array.String); ok && len(idx) == 1 {
		b := array.NewStringBuilder(memory.DefaultAllocator)
		defer b.Release()
		prev, have := "", false
		for i := range col.Len() {
			if col.IsNull(i) {
				continue
			}
			if v := col.Value(i); !have || v != prev {
				b.Append(v)
				prev, have = v, true
			}
		}
		arr := b.NewArray()
		defer arr.Release()
		return array.NewRecordBatch(schema, []arrow.Array{arr}, int64(arr.Len()))
	}
	cols := make([]arrow.Array, len(idx))
	for i, j := range idx {
		cols[i] = rec.Column(j)
	}
	return array.NewRecordBatch(schema, cols, rec.NumRows())
}

// depth is 0 for an entity table, 1 for its child tables, and so on.
// The caller holds l.regMu.
func (l *Loader) depth(name string) int {
	d := 0
	for t, ok := l.tables[name]; ok && t.Parent != "" && d < 8; t, ok = l.tables[t.Parent] {
		d++
	}
	return d
}

// children returns the child tables of parent that exist in the destination,
// by name. The caller holds l.regMu.
func (l *Loader) children(parent string) []*models.Table {
	var out []*models.Table
	for _, t := range l.tables {
		if t.Parent == parent && l.exists[t.Name] {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b *models.Table) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

// source is a staging table and the columns to read from it.
type source struct {
	Name    string
	Columns []string
}

// deleteData is the data of delete_in.sql.
type deleteData struct {
	Table   string
	Columns []string
	Sources []source
}

// insertData is the data of insert_staged.sql.
type insertData struct {
	Table, Stage    string
	Columns         []string
	LoadedAt, RunID string
}

// goneData is the data of create_gone.sql.
type goneData struct {
	Gone, Table, Stage, Column string
	Key                        []string
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// sameFields checks that got has the fields of want (names and types; the
// metadata may differ).
func sameFields(want, got *arrow.Schema) error {
	if got.NumFields() != want.NumFields() {
		return fmt.Errorf("batch has %d columns, the table %d", got.NumFields(), want.NumFields())
	}
	for i, f := range want.Fields() {
		g := got.Field(i)
		if g.Name != f.Name || !arrow.TypeEqual(g.Type, f.Type) {
			return fmt.Errorf("column %d is %s %s, want %s %s", i, g.Name, g.Type, f.Name, f.Type)
		}
	}
	return nil
}

func sameColumn(a, b models.Column) bool {
	return a.Name == b.Name && arrow.TypeEqual(a.Type, b.Type)
}
