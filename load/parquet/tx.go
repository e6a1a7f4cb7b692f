package parquet

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/models"
)

var _ load.Tx = (*Tx)(nil)

// Tx is a unit of work on a Parquet lake. Write, Scope and Complete only
// stage (in Go, then in spill files); Commit merges and writes the files.
// See the package documentation.
type Tx struct {
	l     *Loader
	id    uint64
	runID string

	// mu guards the fields below. Lock order: tx.mu, then the committer
	// token (in l.commits), then l.mu, then l.regMu. Staging
	// takes only tx.mu, so a Tx keeps writing while another commits; a Tx
	// waiting in the commit queue holds its mu until its group is
	// committed, so the committer reads its parts unchanged.
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
	keys      stager // child table: the scoped parent keys
	completes []load.Range
}

// Begin starts a unit of work whose rows carry runID in _run_id.
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
		return errors.New("parquet: the Tx is over (committed or rolled back)")
	case tx.err != nil:
		return fmt.Errorf("parquet: the Tx failed earlier: %w", tx.err)
	}
	return nil
}

// part returns the part of table t, creating it. The caller holds tx.mu.
func (tx *Tx) part(t *models.Table) (*part, error) {
	if p, ok := tx.parts[t.Name]; ok {
		if p.table != t && !slices.EqualFunc(p.table.Columns, t.Columns, sameColumn) {
			return nil, fmt.Errorf("parquet: table %s used with two different declarations in one Tx", t.Name)
		}
		return p, nil
	}
	if err := tx.l.checkTable(t); err != nil {
		return nil, err
	}
	p := &part{table: t, rows: stager{schema: t.Schema()}}
	if !t.IsEntity() {
		p.keys = stager{schema: t.KeySchema()}
	}
	tx.parts[t.Name] = p
	tx.order = append(tx.order, t.Name)
	return p, nil
}

// checkTable checks that the lake has table t with every column of t. It
// reads the state's snapshot: a Tx need not wait for another's commit.
func (l *Loader) checkTable(t *models.Table) error {
	have := columnNames(l.snapshot.Load(), t.Name)
	if have == nil {
		return fmt.Errorf("parquet: table %s does not exist in %s: Migrate first", t.Name, l.dir)
	}
	for _, c := range t.Columns {
		if !slices.Contains(have, c.Name) {
			return fmt.Errorf("parquet: table %s of %s has no column %s: Migrate first", t.Name, l.dir, c.Name)
		}
	}
	return nil
}

// Write stages rec (t.Schema()) for table t: it is retained, not copied,
// until it is spilled or the Tx ends. For a child table, the parents of the
// rows are replaced too (implicit scope).
func (tx *Tx) Write(ctx context.Context, t *models.Table, rec arrow.RecordBatch) error {
	if err := sameFields(t.Schema(), rec.Schema()); err != nil {
		return fmt.Errorf("parquet: write %s: %w", t.Name, err)
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
	if err := p.rows.add(tx.l, rec); err != nil {
		tx.err = err
		return fmt.Errorf("parquet: write %s: %w", t.Name, err)
	}
	return nil
}

// Scope stages parent keys (t.KeySchema()) whose rows in child table t are
// replaced at commit.
func (tx *Tx) Scope(ctx context.Context, t *models.Table, keys arrow.RecordBatch) error {
	if t.IsEntity() {
		return fmt.Errorf("parquet: scope %s: not a child table", t.Name)
	}
	if err := sameFields(t.KeySchema(), keys.Schema()); err != nil {
		return fmt.Errorf("parquet: scope %s: %w", t.Name, err)
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
	if err := p.keys.add(tx.l, keys); err != nil {
		tx.err = err
		return fmt.Errorf("parquet: scope %s: %w", t.Name, err)
	}
	return nil
}

// Complete records that the listing of entity table t was complete over r.
func (tx *Tx) Complete(ctx context.Context, t *models.Table, r load.Range) error {
	if !t.IsEntity() {
		return fmt.Errorf("parquet: complete %s: not an entity table", t.Name)
	}
	if !r.IsZero() {
		if _, ok := t.Column(r.Column); !ok {
			return fmt.Errorf("parquet: complete %s: no column %s", t.Name, r.Column)
		}
		if r.To.Before(r.From) {
			return fmt.Errorf("parquet: complete %s: range ends (%s) before it starts (%s)", t.Name, r.To, r.From)
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

// Rollback discards everything staged. It is a no-op after Commit.
func (tx *Tx) Rollback() error {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if !tx.done {
		tx.finish()
	}
	return nil
}

// finish ends the Tx: its buffers and spill files are released and it
// leaves the Loader's open set. The caller holds tx.mu.
func (tx *Tx) finish() {
	tx.l.regMu.Lock()
	delete(tx.l.txs, tx.id)
	tx.l.regMu.Unlock()
	tx.discard()
}

// discard releases the Tx's buffers and spill files. The caller holds
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
