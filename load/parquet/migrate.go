package parquet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gongload/gongload/models"
	"github.com/gongload/gongload/sql"
)

// Changes reports the tables Migrate would create and the columns it would
// add, in the order of tables.
func (l *Loader) Changes(ctx context.Context, tables []*models.Table) ([]models.Change, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usable(); err != nil {
		return nil, err
	}
	var out []models.Change
	for _, t := range tables {
		out = append(out, models.Diff(t, columnNames(l.state, t.Name))...)
	}
	return out, nil
}

// columnNames returns the columns of a table of st, nil when it does not
// exist.
func columnNames(st *stateData, table string) []string {
	if st == nil {
		return nil
	}
	t, ok := st.Tables[table]
	if !ok {
		return nil
	}
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

// Migrate records the missing tables (and makes their directories) and the
// missing columns in state.json, with a new lineage the first time. A
// column is only recorded: files written before keep their columns, and
// readers fill the new one with NULL (union_by_name); the next rewrite of a
// partition writes it. It increments the serial when it changed a table,
// and never drops anything.
//
// The tables given are remembered: a Complete on a table cascades to its
// child tables among them (and among models.All) that exist in the lake.
func (l *Loader) Migrate(ctx context.Context, tables []*models.Table) error {
	for _, t := range tables {
		if err := t.Validate(); err != nil {
			return err
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usable(); err != nil {
		return err
	}
	st := l.current()
	changed := false
	for _, t := range tables {
		for _, c := range models.Diff(t, columnNames(st, t.Name)) {
			changed = true
			switch c.Action {
			case models.CreateTable:
				cols, err := columnsOf(t.AllColumns())
				if err != nil {
					return fmt.Errorf("parquet: migrate: %s: %w", t.Name, err)
				}
				st.Tables[t.Name] = &tableJSON{Columns: cols, Partitioned: t.CallScoped}
				if err := os.MkdirAll(filepath.Join(l.dir, t.Name), 0o755); err != nil {
					return fmt.Errorf("parquet: migrate: %s: %w", t.Name, err)
				}
			case models.AddColumn:
				cols, err := columnsOf([]models.Column{c.Column})
				if err != nil {
					return fmt.Errorf("parquet: migrate: %s: %w", c, err)
				}
				st.Tables[t.Name].Columns = append(st.Tables[t.Name].Columns, cols...)
			}
		}
	}
	if changed {
		st.Serial++
	}
	if changed || l.stateMissing() {
		if err := l.writeState(st); err != nil {
			return fmt.Errorf("parquet: migrate %s: %w", l.dir, err)
		}
	}
	l.regMu.Lock()
	defer l.regMu.Unlock()
	for _, t := range tables {
		l.tables[t.Name] = t
	}
	return nil
}

// stateMissing reports whether state.json has never been written. The
// caller holds l.mu.
func (l *Loader) stateMissing() bool {
	_, err := os.Stat(filepath.Join(l.dir, metaDir, stateFile))
	return os.IsNotExist(err)
}

// columnsOf maps model columns to the lake's column records.
func columnsOf(cols []models.Column) ([]columnJSON, error) {
	out := make([]columnJSON, len(cols))
	for i, c := range cols {
		typ, err := sql.DuckType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		out[i] = columnJSON{Name: c.Name, Type: typ}
	}
	return out, nil
}

// partitionDir is the directory of a partition of a table: DIR/table for an
// unpartitioned table (partition ""), DIR/table/call_month=2025-03 otherwise.
func (l *Loader) partitionDir(table, partition string) string {
	return partitionDir(l.dir, table, partition)
}

func partitionDir(dir, table, partition string) string {
	if partition == "" {
		return filepath.Join(dir, table)
	}
	return filepath.Join(dir, table, partitionCol+"="+partition)
}

// scanPartitions lists the partitions of every table of st that hold a data
// file.
func scanPartitions(dir string, st *stateData) map[string]map[string]bool {
	out := map[string]map[string]bool{}
	if st == nil {
		return out
	}
	for name, t := range st.Tables {
		parts := map[string]bool{}
		out[name] = parts
		if !t.Partitioned {
			if _, err := os.Stat(filepath.Join(dir, name, dataFile)); err == nil {
				parts[""] = true
			}
			continue
		}
		entries, _ := os.ReadDir(filepath.Join(dir, name))
		for _, e := range entries {
			p, ok := strings.CutPrefix(e.Name(), partitionCol+"=")
			if !ok || !e.IsDir() {
				continue
			}
			if _, err := os.Stat(filepath.Join(dir, name, e.Name(), dataFile)); err == nil {
				parts[p] = true
			}
		}
	}
	return out
}

// files returns the data files of table in the given partitions (all of
// them when partitions is nil), sorted. The caller holds l.mu.
func (l *Loader) files(table string, partitions []string) []string {
	var out []string
	for p := range l.parts[table] {
		if partitions == nil || slices.Contains(partitions, p) {
			out = append(out, filepath.Join(l.partitionDir(table, p), dataFile))
		}
	}
	slices.Sort(out)
	return out
}
