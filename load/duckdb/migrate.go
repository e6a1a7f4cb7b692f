package duckdb

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"

	"github.com/gongload/gongload/models"
	"github.com/gongload/gongload/sql"
)

// readColumns reads the columns of every table of the destination and
// refreshes l.exists. The caller holds l.mu.
func (l *Loader) readColumns(ctx context.Context) (map[string][]string, error) {
	cols := map[string][]string{}
	err := l.query(ctx, "duckdb/columns.sql", nil, func(v []driver.Value) error {
		t, _ := v[0].(string)
		c, _ := v[1].(string)
		cols[t] = append(cols[t], c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.regMu.Lock()
	defer l.regMu.Unlock()
	l.exists = make(map[string]bool, len(cols))
	for t := range cols {
		l.exists[t] = true
	}
	return cols, nil
}

// Changes reports the tables Migrate would create and the columns it would
// add, in the order of tables.
func (l *Loader) Changes(ctx context.Context, tables []*models.Table) ([]models.Change, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		return nil, ErrClosed
	}
	cols, err := l.readColumns(ctx)
	if err != nil {
		return nil, fmt.Errorf("duckdb: changes: %w", err)
	}
	var out []models.Change
	for _, t := range tables {
		out = append(out, models.Diff(t, cols[t.Name])...)
	}
	return out, nil
}

// Migrate creates the state tables (with a new lineage the first time), the
// missing tables and the missing columns, in one transaction. It increments
// the serial when it changed a table. It never drops anything.
//
// The tables given are remembered: a Complete on a table cascades to its
// child tables among them (and among models.All) that exist in the
// destination.
func (l *Loader) Migrate(ctx context.Context, tables []*models.Table) error {
	for _, t := range tables {
		if err := t.Validate(); err != nil {
			return err
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		return ErrClosed
	}
	err := l.inTx(ctx, func() error {
		if _, err := l.exec(ctx, "duckdb/state_tables.sql", nil); err != nil {
			return err
		}
		cols, err := l.readColumns(ctx)
		if err != nil {
			return err
		}
		changed := false
		for _, t := range tables {
			for _, c := range models.Diff(t, cols[t.Name]) {
				changed = true
				switch c.Action {
				case models.CreateTable:
					_, err = l.exec(ctx, "duckdb/create_table.sql", tableData{Table: t.Name, Columns: t.AllColumns()})
				case models.AddColumn:
					_, err = l.exec(ctx, "duckdb/add_column.sql", struct {
						Table  string
						Column models.Column
					}{t.Name, c.Column})
				}
				if err != nil {
					return fmt.Errorf("%s: %w", c, err)
				}
			}
		}
		if changed {
			if _, err = l.exec(ctx, "duckdb/serial_bump.sql", nil); err != nil {
				return err
			}
		}
		return l.createViews(ctx, tables, cols)
	})
	if err != nil {
		// the cached table set may describe the rolled-back transaction
		_, _ = l.readColumns(context.Background())
		return fmt.Errorf("duckdb: migrate %s: %w", l.path, err)
	}
	l.regMu.Lock()
	defer l.regMu.Unlock()
	for _, t := range tables {
		l.tables[t.Name] = t
		l.exists[t.Name] = true
	}
	return nil
}

// tableData is the data of create_table.sql and create_stage.sql.
type tableData struct {
	Table   string
	Stage   string
	Columns []models.Column
}

// createViews (re)creates the analysis views of package sql when every model
// table exists after this migration, so each apply leaves them current. The
// caller holds l.mu inside a transaction.
func (l *Loader) createViews(ctx context.Context, migrated []*models.Table, cols map[string][]string) error {
	for _, t := range models.All() {
		if cols[t.Name] == nil && !slices.Contains(migrated, t) {
			return nil // a partial schema: the views would not resolve
		}
	}
	for _, v := range sql.Views() {
		if _, err := l.conn.(driver.ExecerContext).ExecContext(ctx, v.SQL, nil); err != nil {
			return fmt.Errorf("creating view %s: %w", v.Name, err)
		}
	}
	return nil
}
