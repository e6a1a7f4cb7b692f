package parquet

import (
	"context"
	"crypto/rand"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/models"
)

// startedColumn is the column of the calls table whose month partitions it.
const startedColumn = "started"

// errCrash marks an error returned by the test hook: the commit stops where
// it is, as if the process had died.
var errCrash = errors.New("parquet: commit stopped by the test hook")

// Commit merges the staged rows into the partitions they touch, writes each
// rewritten partition to a temporary file, records the set of renames in
// the commit journal, renames the files into place and writes state.json
// last (see the package documentation). On an error before the journal is
// written, nothing of the Tx is visible and the state is unchanged.
//
// Tx committed at the same time are committed together (a group commit,
// see commitGroup): Commit returns when its Tx is committed, or failed.
func (tx *Tx) Commit(ctx context.Context, w load.Window) (map[string]int64, error) {
	l := tx.l
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if err := tx.usable(); err != nil {
		if !tx.done {
			tx.finish()
		}
		return nil, err
	}
	defer tx.finish()
	// A Tx returns as soon as its group is committed (see commitq).
	m := &member{tx: tx, w: w, ctx: ctx}
	l.commits.Commit(m, &l.mu, l.pickGroup, l.commitGroup)
	if m.err != nil {
		return nil, fmt.Errorf("parquet: commit: %w", m.err)
	}
	return m.counts, nil
}

// serial is the committed serial. The caller holds l.mu.
func (l *Loader) serial() int64 {
	if l.state == nil {
		return 0
	}
	return l.state.Serial
}

// commit is the work of one commit: of one Tx, or of a group of Tx
// committed together.
type commit struct {
	l   *Loader
	ms  []*member // in commit order: ms[i] stages its rows with _tx = i+1
	tag string    // in the names of the commit's temporary files
	n   int       // the last number used in a TEMP table or file name
	tmp []string  // the TEMP tables created

	order  []string                 // the tables of the Tx, first touched first
	decl   map[string]*models.Table // their declarations
	staged map[string]int64         // rows staged by table, over the Tx

	stages map[string]string  // table → TEMP table of its staged rows
	keys   map[string]string  // child table → TEMP table of its replaced parents
	gone   map[string]string  // entity table → TEMP table of the keys its Completes delete
	months string             // TEMP table: the month of every call touched; "" when none
	moved  string             // TEMP table: the calls whose month changes; "" when none
	counts []map[string]int64 // rows inserted by table, by Tx

	temps   []string                   // temporary files written (absolute)
	renames []rename                   // temporary → final, relative to the lake; state.json last
	removes []string                   // final files to remove (their partition became empty)
	parts   map[string]map[string]bool // table → partition → holds a file after the commit
	cols    map[string]map[string]bool // data file (absolute) written → its columns
}

// commitMembers commits ms together in one journal, in the context of the
// first; on success each member gets its counts. The caller holds l.mu.
func (l *Loader) commitMembers(ms []*member) error {
	ctx := ms[0].ctx
	if err := ctx.Err(); err != nil {
		return err
	}
	start := time.Now()
	c := &commit{
		l: l, ms: ms,
		tag:  strconv.FormatInt(l.serial()+1, 10) + "-" + randomHex(4),
		decl: map[string]*models.Table{}, staged: map[string]int64{},
		stages: map[string]string{}, keys: map[string]string{}, gone: map[string]string{},
		parts: map[string]map[string]bool{}, cols: map[string]map[string]bool{},
	}
	for _, m := range ms {
		at := m.w.CommittedAt
		if at.IsZero() {
			at = start
		}
		m.at = at.UTC().Truncate(time.Microsecond)
	}
	if err := c.run(ctx); err != nil {
		return err
	}
	for i, m := range ms {
		m.counts = c.counts[i]
		l.log.Debug("parquet commit", "stream", m.w.Stream, "from", m.w.From, "to", m.w.To, "rows", m.counts,
			"group", len(ms), "files", len(c.renames)-1, "removed", len(c.removes), "elapsed", time.Since(start))
	}
	return nil
}

// run does the commit inside a transaction of the in-memory DuckDB (the
// TEMP tables and the call index change go with it). The caller holds
// l.mu; the owners of the Tx wait for it.
func (c *commit) run(ctx context.Context) error {
	l := c.l
	if _, err := l.exec(ctx, "begin.sql", nil); err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			_, _ = l.exec(context.Background(), "rollback.sql", nil)
		}
	}()
	st, err := c.prepare(ctx)
	if err != nil {
		if !errors.Is(err, errCrash) {
			c.removeTemps()
		}
		return err
	}
	if err := c.step("files"); err != nil {
		return err
	}

	// The commit point: once the journal is on disk, the commit happens,
	// now or at the next Open.
	j := journal{Serial: st.Serial, Renames: c.renames, Removes: c.removes}
	if err := writeJournal(l.dir, j); err != nil {
		c.removeTemps()
		return err
	}
	if err := c.step("journal"); err != nil {
		return err
	}
	if err := rollForward(l.dir, j, c.step); err != nil {
		l.broken = err
		return err
	}
	if err := removeJournal(l.dir); err != nil {
		l.broken = err
		return err
	}
	committed = true
	if len(c.tmp) > 0 {
		_, err = l.exec(context.Background(), "drop_tables.sql", struct{ Names []string }{c.tmp})
	}
	if err == nil {
		_, err = l.exec(context.Background(), "commit.sql", nil)
	}
	if err != nil {
		l.broken = fmt.Errorf("call index: %w", err)
		return l.broken
	}
	l.setState(st)
	for _, r := range c.removes {
		delete(l.fileCols, filepath.Join(l.dir, filepath.FromSlash(r)))
	}
	maps.Copy(l.fileCols, c.cols)
	for t, ps := range c.parts {
		if l.parts[t] == nil {
			l.parts[t] = map[string]bool{}
		}
		for p, ok := range ps {
			if ok {
				l.parts[t][p] = true
			} else {
				delete(l.parts[t], p)
			}
		}
	}
	return nil
}

// step calls the test hook; its error is a simulated crash.
func (c *commit) step(name string) error {
	if c.l.hook == nil {
		return nil
	}
	if err := c.l.hook(name); err != nil {
		c.l.broken = errCrash
		return fmt.Errorf("%w at %s: %v", errCrash, name, err)
	}
	return nil
}

// prepare stages the Tx in DuckDB, writes every rewritten partition, the
// call index and the new state to temporary files, and returns the new
// state. Nothing is visible yet. A group whose Tx overlap returns
// errConflict.
func (c *commit) prepare(ctx context.Context) (*stateData, error) {
	l := c.l
	if err := c.collect(); err != nil {
		return nil, err
	}
	if err := c.stage(ctx); err != nil {
		return nil, err
	}
	if err := c.callMonths(ctx); err != nil {
		return nil, err
	}
	if err := c.deleteStale(ctx); err != nil {
		return nil, err
	}
	if len(c.ms) > 1 {
		if err := c.conflicts(ctx); err != nil {
			return nil, err
		}
	}
	for _, name := range c.affected() {
		if err := c.rewrite(ctx, name); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if err := c.writeIndex(ctx); err != nil {
		return nil, fmt.Errorf("call index: %w", err)
	}

	// The windows, in commit order, each as its own commit would record it.
	st := l.current()
	for i, m := range c.ms {
		w := m.w
		if w.Stream != "" {
			full := w.From.IsZero() && w.To.IsZero()
			st.Windows = slices.DeleteFunc(st.Windows, func(o windowJSON) bool {
				return o.Stream == w.Stream && (full || (o.From.Equal(w.From) && o.To.Equal(w.To)))
			})
			rows := w.Rows
			if rows == 0 {
				for _, n := range c.counts[i] {
					rows += n
				}
			}
			runID := w.RunID
			if runID == "" {
				runID = m.tx.runID
			}
			st.Windows = append(st.Windows, windowJSON{
				Stream: w.Stream, From: utc(w.From), To: utc(w.To), RunID: runID,
				Rows: rows, Requests: w.Requests, CommittedAt: m.at,
			})
		}
		st.Serial++
	}
	b, err := st.encode()
	if err != nil {
		return nil, err
	}
	tmp, err := writeTemp(filepath.Join(l.dir, metaDir), stateFile, b)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	c.temps = append(c.temps, tmp)
	c.addRename(tmp, filepath.Join(l.dir, metaDir, stateFile))
	return st, ctx.Err()
}

// collect lists the tables of the Tx and counts their rows. Tx that declare
// a table differently are not committed together (errConflict).
func (c *commit) collect() error {
	c.counts = make([]map[string]int64, len(c.ms))
	for i, m := range c.ms {
		c.counts[i] = map[string]int64{}
		for _, name := range m.tx.order {
			p := m.tx.parts[name]
			if d, ok := c.decl[name]; !ok {
				c.decl[name] = p.table
				c.order = append(c.order, name)
			} else if d != p.table && !sameDeclaration(d, p.table) {
				return fmt.Errorf("%w: table %s declared differently", errConflict, name)
			}
			if p.written {
				c.counts[i][name] += 0
			}
			if n := p.rows.total(); n > 0 {
				c.counts[i][name] += n
				c.staged[name] += n
			}
		}
	}
	return nil
}

// sameDeclaration reports whether a and b declare a table alike: columns,
// key, parent.
func sameDeclaration(a, b *models.Table) bool {
	return slices.EqualFunc(a.Columns, b.Columns, sameColumn) && slices.Equal(a.Key, b.Key) &&
		a.Parent == b.Parent && slices.Equal(a.ParentKey, b.ParentKey)
}

// stage copies the rows and keys of every part into TEMP tables, one per
// table for all the Tx (their rows told apart by _tx).
func (c *commit) stage(ctx context.Context) error {
	for _, name := range c.order {
		t := c.decl[name]
		var rows, scoped string
		var rs, ks []*stager
		var rtx, ktx []int
		for i, m := range c.ms {
			p := m.tx.parts[name]
			if p == nil {
				continue
			}
			if p.rows.total() > 0 {
				rs, rtx = append(rs, &p.rows), append(rtx, i+1)
			}
			if !t.IsEntity() && p.keys.total() > 0 {
				ks, ktx = append(ks, &p.keys), append(ktx, i+1)
			}
		}
		if len(rs) > 0 {
			rows = c.temp("s")
			if err := loadStaged(ctx, c.l, rows, rs, rtx); err != nil {
				return fmt.Errorf("%s: stage: %w", name, err)
			}
			c.stages[name] = rows
		}
		if len(ks) > 0 {
			scoped = c.temp("kv")
			if err := loadStaged(ctx, c.l, scoped, ks, ktx); err != nil {
				return fmt.Errorf("%s: stage keys: %w", name, err)
			}
		}
		if t.IsEntity() || (scoped == "" && rows == "") {
			continue
		}
		k := c.temp("k")
		if _, err := c.l.exec(ctx, "stage_keys.sql", struct {
			Name, Scoped, Rows string
			Columns            []string
		}{k, scoped, rows, t.ParentKey}); err != nil {
			return fmt.Errorf("%s: stage keys: %w", name, err)
		}
		c.keys[name] = k
	}
	return nil
}

// temp returns a new TEMP table name.
func (c *commit) temp(prefix string) string {
	c.n++
	name := "_" + prefix + strconv.Itoa(c.n)
	c.tmp = append(c.tmp, name)
	return name
}

// callMonths decides the partition of every call the commit touches (see
// the package documentation), and finds the calls that move.
func (c *commit) callMonths(ctx context.Context) error {
	type source struct{ Name, Column, Started string }
	var srcs []source
	for _, name := range c.order {
		t := c.decl[name]
		if !c.partitioned(name) {
			continue
		}
		switch {
		case t.IsEntity() && c.stages[name] != "":
			started := ""
			if _, ok := t.Column(startedColumn); ok {
				started = startedColumn
			}
			srcs = append(srcs, source{c.stages[name], t.Key[0], started})
		case !t.IsEntity() && c.keys[name] != "":
			srcs = append(srcs, source{c.keys[name], t.ParentKey[0], ""})
		}
	}
	if len(srcs) == 0 {
		return nil
	}
	type window struct {
		Tx    int
		Month string
	}
	var windows []window // of the Tx that have one
	for i, m := range c.ms {
		if !m.w.From.IsZero() {
			windows = append(windows, window{i + 1, m.w.From.UTC().Format("2006-01")})
		}
	}
	c.months = c.temp("m")
	if _, err := c.l.exec(ctx, "months.sql", struct {
		Name    string
		Sources []source
		Windows []window
		Default string
	}{c.months, srcs, windows, defaultPartition}); err != nil {
		return err
	}
	mv := c.temp("mv")
	if _, err := c.l.exec(ctx, "moved.sql", struct{ Name, Months string }{mv, c.months}); err != nil {
		return err
	}
	if n, err := c.count(ctx, mv); err != nil {
		return err
	} else if n > 0 {
		c.moved = mv
	}
	return nil
}

// partitioned reports whether table is partitioned by call_month in the
// lake.
func (c *commit) partitioned(table string) bool {
	t, ok := c.l.state.Tables[table]
	return ok && t.Partitioned
}

// deleteStale collects, for every entity table with Completes, the keys in
// their ranges that were not staged, for each Tx (_tx) apart.
func (c *commit) deleteStale(ctx context.Context) error {
	for _, name := range c.order {
		t := c.decl[name]
		var parts []gonePart
		for i, m := range c.ms {
			p := m.tx.parts[name]
			if p == nil || len(p.completes) == 0 {
				continue
			}
			ranges, months, all := c.ranges(name, p.completes)
			if len(ranges) == 0 {
				continue
			}
			var files []string
			if all {
				files = c.l.files(name, nil)
			} else if len(months) > 0 {
				files = c.l.files(name, months)
			}
			if len(files) == 0 {
				continue
			}
			parts = append(parts, gonePart{Tx: i + 1, Files: files, Ranges: ranges})
		}
		if len(parts) == 0 {
			continue
		}
		g := c.temp("g")
		if _, err := c.l.exec(ctx, "gone.sql", struct {
			Name, Stage string
			Key         []string
			Parts       []gonePart
		}{g, c.stages[name], t.Key, parts}); err != nil {
			return fmt.Errorf("%s: delete stale: %w", name, err)
		}
		if n, err := c.count(ctx, g); err != nil {
			return fmt.Errorf("%s: delete stale: %w", name, err)
		} else if n > 0 {
			c.gone[name] = g
		}
	}
	return nil
}

// rng is a complete range in SQL: a column and its bounds (RFC 3339), or
// the whole table (no column).
type rng struct{ Column, From, To string }

// gonePart is what one Tx's Completes delete from a table: the keys of
// Files in Ranges.
type gonePart struct {
	Tx     int
	Files  []string
	Ranges []rng
}

// ranges returns the non-empty ranges of completes, the partitions they
// cover, and whether they cover every partition.
func (c *commit) ranges(name string, completes []load.Range) (ranges []rng, months []string, all bool) {
	all = !c.partitioned(name)
	for _, r := range completes {
		if r.IsZero() {
			ranges = append(ranges, rng{})
			all = true
			continue
		}
		if !r.From.Before(r.To) {
			continue // empty
		}
		ranges = append(ranges, rng{r.Column, r.From.UTC().Format(time.RFC3339Nano), r.To.UTC().Format(time.RFC3339Nano)})
		if r.Column != startedColumn {
			all = true
		}
		months = append(months, monthsOf(r.From, r.To)...)
	}
	return ranges, months, all
}

// txValue is the _loaded_at (RFC 3339) and _run_id of the rows of one Tx
// of a commit.
type txValue struct {
	Tx              int
	LoadedAt, RunID string
}

func (c *commit) txValues() []txValue {
	out := make([]txValue, len(c.ms))
	for i, m := range c.ms {
		out[i] = txValue{i + 1, m.at.Format(time.RFC3339Nano), m.tx.runID}
	}
	return out
}

// count returns the rows of a TEMP table.
func (c *commit) count(ctx context.Context, table string) (int64, error) {
	var n int64
	err := c.l.query(ctx, "count.sql", struct{ Name string }{table}, func(v []driver.Value) error {
		n = asInt(v[0])
		return nil
	})
	return n, err
}

// monthsOf returns the months ("2006-01") that [from, to) covers.
func monthsOf(from, to time.Time) []string {
	from, to = from.UTC(), to.UTC().Add(-time.Microsecond)
	var out []string
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// affected returns the tables the commit may change: those of the Tx, the
// child tables of tables with deleted keys, and, when calls move, every
// partitioned table.
func (c *commit) affected() []string {
	var out []string
	add := func(name string) {
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	for _, name := range c.order {
		if c.stages[name] != "" || c.keys[name] != "" || c.gone[name] != "" {
			add(name)
		}
	}
	c.l.regMu.RLock()
	for parent := range c.gone {
		for _, ch := range c.l.children(parent) {
			add(ch.Name)
		}
	}
	c.l.regMu.RUnlock()
	if c.moved != "" {
		var names []string
		for name, t := range c.l.state.Tables {
			if t.Partitioned {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		for _, name := range names {
			add(name)
		}
	}
	return out
}

// match is a deletion condition: the row's Columns are among the
// SourceColumns of Source.
type match struct {
	Columns       []string
	Source        string
	SourceColumns []string
}

// deleted is the data of the "deleted" template: a row of the old files is
// deleted when it matches one of Deletes, or, with Moved, belongs to a call
// that leaves (or is rewritten in) its partition.
type deleted struct {
	Deletes []match
	Moved   string
	CallKey string
}

// rewrite writes the new version of every partition of table name that the
// commit changes.
func (c *commit) rewrite(ctx context.Context, name string) error {
	l := c.l
	rec := l.state.Tables[name]
	l.regMu.RLock()
	t := l.tables[name]
	l.regMu.RUnlock()
	var callKey string // the column holding the call ID (partitioned tables)
	switch {
	case t == nil: // a table of a newer gongload that only moves
		if !rec.Partitioned {
			return nil
		}
		callKey = "call_id"
	case t.IsEntity():
		callKey = t.Key[0]
	default:
		callKey = t.ParentKey[0]
	}

	var dels []match
	if t != nil && t.IsEntity() {
		if s := c.stages[name]; s != "" {
			dels = append(dels, match{t.Key, s, t.Key})
		}
		if g := c.gone[name]; g != "" {
			dels = append(dels, match{t.Key, g, t.Key})
		}
	} else if t != nil {
		if k := c.keys[name]; k != "" {
			dels = append(dels, match{t.ParentKey, k, t.ParentKey})
		}
		if g := c.gone[t.Parent]; g != "" {
			l.regMu.RLock()
			parent := l.tables[t.Parent]
			l.regMu.RUnlock()
			dels = append(dels, match{t.ParentKey, g, parent.Key})
		}
	}
	moved := ""
	if rec.Partitioned {
		moved = c.moved
	}
	stage := c.stages[name]

	// The partitions to consider, with the staged rows each gets.
	type candidate struct {
		partition string
		staged    int64
	}
	var cands []candidate
	if !rec.Partitioned {
		var n int64
		if stage != "" {
			n = c.staged[name]
		}
		cands = append(cands, candidate{"", n})
	} else {
		type source struct{ Kind, Name, Column, Rows string }
		var srcs []source
		switch {
		case stage != "" && t != nil && !t.IsEntity():
			srcs = append(srcs, source{"stage", c.keys[name], callKey, "_rows"})
		case stage != "":
			srcs = append(srcs, source{"stage", stage, callKey, ""})
		}
		for _, d := range dels {
			srcs = append(srcs, source{"index", d.Source, d.SourceColumns[0], ""})
		}
		if moved != "" {
			srcs = append(srcs, source{"moved", moved, "", ""})
		}
		if len(srcs) == 0 {
			return nil
		}
		err := l.query(ctx, "candidates.sql", struct {
			Sources         []source
			Months, Default string
		}{srcs, c.months, defaultPartition}, func(v []driver.Value) error {
			cands = append(cands, candidate{asString(v[0]), asInt(v[1])})
			return nil
		})
		if err != nil {
			return err
		}
	}

	for _, cand := range cands {
		p := cand.partition
		final := filepath.Join(l.partitionDir(name, p), dataFile)
		old := ""
		if l.parts[name][p] {
			old = final
		}
		var movedFiles []string
		if moved != "" {
			var from []string
			err := l.query(ctx, "moved_from.sql", struct{ Moved, Partition string }{moved, p}, func(v []driver.Value) error {
				from = append(from, asString(v[0]))
				return nil
			})
			if err != nil {
				return err
			}
			if len(from) > 0 {
				movedFiles = l.files(name, from)
			}
		}
		del := deleted{Deletes: dels, Moved: moved, CallKey: callKey}
		var hits int64 // rows of the old file that go; counted only when nothing else changes the partition
		if old != "" && (len(dels) > 0 || moved != "") && cand.staged == 0 && len(movedFiles) == 0 {
			err := l.query(ctx, "hits.sql", struct {
				File string
				Del  deleted
			}{old, del}, func(v []driver.Value) error {
				hits = asInt(v[0])
				return nil
			})
			if err != nil {
				return err
			}
		}
		if hits == 0 && cand.staged == 0 && len(movedFiles) == 0 {
			continue // nothing changes in this partition
		}
		oldCols, err := c.fileColumns(ctx, []string{old})
		if err != nil {
			return err
		}
		movedCols, err := c.fileColumns(ctx, movedFiles)
		if err != nil {
			return err
		}
		stageCols := map[string]bool{}
		if stage != "" {
			for _, col := range c.decl[name].Columns {
				stageCols[col.Name] = true
			}
		}
		dir := l.partitionDir(name, p)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		c.n++
		tmp := filepath.Join(dir, tmpPrefix+c.tag+"-"+strconv.Itoa(c.n)+".parquet"+tmpSuffix)
		c.temps = append(c.temps, tmp)
		partFilter := ""
		if rec.Partitioned {
			partFilter = p
		}
		n, err := l.exec(ctx, "rewrite.sql", rewriteData{
			Tmp: tmp, Columns: rec.Columns, RowGroupRows: l.opts.RowGroupRows,
			Old: old, OldCols: oldCols, Del: del,
			Stage: stage, StageCols: stageCols, Months: c.months, CallKey: callKey,
			Partitioned: rec.Partitioned, Partition: partFilter, Default: defaultPartition,
			LoadedAtName: models.LoadedAtColumn, RunIDName: models.RunIDColumn, Txs: c.txValues(),
			MovedFiles: movedFiles, MovedCols: movedCols, Moved: moved,
			DelNoMove: deleted{Deletes: dels, CallKey: callKey},
		})
		if err != nil {
			return err
		}
		if c.parts[name] == nil {
			c.parts[name] = map[string]bool{}
		}
		if n == 0 {
			os.Remove(tmp)
			if old != "" {
				c.removes = append(c.removes, c.rel(final))
			}
			c.parts[name][p] = false
			continue
		}
		if err := syncFile(tmp); err != nil {
			return err
		}
		c.addRename(tmp, final)
		c.parts[name][p] = true
		cols := map[string]bool{}
		for _, col := range rec.Columns {
			cols[col.Name] = true
		}
		c.cols[final] = cols
	}
	return nil
}

// rewriteData is the data of rewrite.sql.
type rewriteData struct {
	Tmp          string       // the file written
	Columns      []columnJSON // of the table, in file order
	RowGroupRows int

	Old     string          // the partition's current file, "" if none
	OldCols map[string]bool // its columns
	Del     deleted         // which of its rows go

	Stage       string          // TEMP table of staged rows, "" if none
	StageCols   map[string]bool // its columns
	Months      string          // TEMP table of call months (partitioned tables)
	CallKey     string          // the column holding the call ID
	Partitioned bool
	Partition   string // the partition written (partitioned tables)
	Default     string // the partition of a call without a month

	LoadedAtName, RunIDName string    // _loaded_at and _run_id
	Txs                     []txValue // their values, by Tx of the commit

	MovedFiles []string        // files holding rows of calls that move here
	MovedCols  map[string]bool // their columns
	Moved      string          // TEMP table of the moving calls
	DelNoMove  deleted         // which of the moving rows go
}

// fileColumns returns the columns of Parquet files (their union). The
// columns of a file this Loader wrote are known; the others are read once.
// The caller holds l.mu.
func (c *commit) fileColumns(ctx context.Context, files []string) (map[string]bool, error) {
	out := map[string]bool{}
	var unknown []string
	for _, f := range files {
		if f == "" {
			continue
		}
		cols, ok := c.l.fileCols[f]
		if !ok {
			unknown = append(unknown, f)
			continue
		}
		for col := range cols {
			out[col] = true
		}
	}
	for _, f := range unknown {
		cols := map[string]bool{}
		err := c.l.query(ctx, "describe.sql", struct{ Files []string }{[]string{f}}, func(v []driver.Value) error {
			cols[asString(v[0])] = true
			return nil
		})
		if err != nil {
			return nil, err
		}
		c.l.fileCols[f] = cols
		for col := range cols {
			out[col] = true
		}
	}
	return out, nil
}

// writeIndex updates the call index (in the transaction) and writes it to
// a temporary file, when the commit touched or deleted calls.
func (c *commit) writeIndex(ctx context.Context) error {
	type source struct{ Name, Column string }
	var srcs []source
	if c.months != "" {
		srcs = append(srcs, source{c.months, "call_id"})
	}
	for name, g := range c.gone {
		if t := c.decl[name]; c.partitioned(name) {
			srcs = append(srcs, source{g, t.Key[0]})
		}
	}
	if len(srcs) == 0 {
		return nil
	}
	if _, err := c.l.exec(ctx, "index_update.sql", struct {
		Sources []source
		Months  string
	}{srcs, c.months}); err != nil {
		return err
	}
	dir := filepath.Join(c.l.dir, metaDir)
	tmp := filepath.Join(dir, tmpPrefix+c.tag+"-"+indexFile+tmpSuffix)
	c.temps = append(c.temps, tmp)
	if _, err := c.l.exec(ctx, "index_write.sql", struct{ File string }{tmp}); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	c.addRename(tmp, filepath.Join(dir, indexFile))
	return nil
}

// addRename records a rename, relative to the lake.
func (c *commit) addRename(from, to string) {
	c.renames = append(c.renames, rename{From: c.rel(from), To: c.rel(to)})
}

func (c *commit) rel(path string) string {
	r, err := filepath.Rel(c.l.dir, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(r)
}

// removeTemps removes the temporary files of a commit that did not reach
// its commit point.
func (c *commit) removeTemps() {
	for _, f := range c.temps {
		os.Remove(f)
		removeEmptyPartition(filepath.Dir(f))
	}
}

// children returns the child tables of parent that exist in the lake, by
// name. The caller holds l.mu and l.regMu.
func (l *Loader) children(parent string) []*models.Table {
	var out []*models.Table
	for _, t := range l.tables {
		if _, ok := l.state.Tables[t.Name]; ok && t.Parent == parent {
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

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
