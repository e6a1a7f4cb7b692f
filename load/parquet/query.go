package parquet

import (
	"context"
	dbsql "database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/gongload/gongload/models"
	"github.com/gongload/gongload/sql"
)

// OpenQuery opens the lake in dir for queries: an in-memory DuckDB (times in
// UTC) with
//
//   - one view per table, over DIR/<table>/**/*.parquet with
//     hive_partitioning and union_by_name, selecting the table's columns in
//     their order (NULL where no file has a column yet) and, for
//     call-scoped tables, call_month last. Every table of models.All is
//     there: one without files is an empty view with its columns, so the
//     analysis views always work;
//   - the analysis views of sql.Views();
//   - the state as the tables _gongload_meta, _gongload_state,
//     _gongload_requests and _gongload_runs (a snapshot taken at open).
//
// It never writes the lake, except to finish a commit a crash interrupted
// when no other process holds the lake. A directory without
// _gongload/state.json is an error that says so.
func OpenQuery(ctx context.Context, dir string) (*dbsql.DB, error) {
	if strings.ContainsAny(dir, "*?[]{}'\"") {
		return nil, fmt.Errorf("parquet: destination %s: a directory with *, ?, [, ], {, } or quotes is not supported", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("parquet: destination %s: %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(abs, metaDir, stateFile)); err != nil {
		return nil, fmt.Errorf("destination %s is not a gongload Parquet directory (no %s/%s): run gongload apply first", abs, metaDir, stateFile)
	}
	if _, err := os.Stat(filepath.Join(abs, metaDir, journalFile)); err == nil {
		if lock := tryLock(abs); lock != nil { // else the writer finishes it
			err := recoverLake(abs)
			releaseLock(lock)
			if err != nil {
				return nil, fmt.Errorf("parquet: destination %s: recover an interrupted commit: %w", dir, err)
			}
		}
	}
	st, err := readState(abs)
	if err != nil {
		return nil, fmt.Errorf("parquet: destination %s: %w", dir, err)
	}
	runs, err := readRuns(abs)
	if err != nil {
		return nil, fmt.Errorf("parquet: destination %s: %w", dir, err)
	}
	connector, err := duckdb.NewConnector("", func(execer driver.ExecerContext) error {
		q, err := render("settings.sql", nil)
		if err != nil {
			return err
		}
		_, err = execer.ExecContext(context.Background(), q, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("parquet: query database: %w", err)
	}
	db := dbsql.OpenDB(connector)
	if err := createQueryViews(ctx, db, abs, st, runs); err != nil {
		db.Close()
		return nil, fmt.Errorf("parquet: destination %s: %w", dir, err)
	}
	return db, nil
}

// createQueryViews creates the views and state tables of OpenQuery.
func createQueryViews(ctx context.Context, db *dbsql.DB, dir string, st *stateData, runs []runJSON) error {
	exec := func(name string, data any, args ...any) error {
		q, err := render(name, data)
		if err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}

	tables := map[string]*tableJSON{}
	for name, t := range st.Tables {
		tables[name] = t
	}
	for _, t := range models.All() {
		if _, ok := tables[t.Name]; !ok {
			cols, err := columnsOf(t.AllColumns())
			if err != nil {
				return err
			}
			tables[t.Name] = &tableJSON{Columns: cols, Partitioned: t.CallScoped}
		}
	}
	names := make([]string, 0, len(tables))
	for name := range tables {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t := tables[name]
		data := struct {
			Name, Glob  string
			Columns     []columnJSON
			Have        map[string]bool
			Partitioned bool
		}{Name: name, Columns: t.Columns, Have: map[string]bool{}, Partitioned: t.Partitioned}
		if hasParquet(filepath.Join(dir, name)) {
			data.Glob = filepath.Join(dir, name, "**", "*.parquet")
			q, err := render("describe_glob.sql", data)
			if err != nil {
				return err
			}
			rows, err := db.QueryContext(ctx, q)
			if err != nil {
				return fmt.Errorf("table %s: %w", name, err)
			}
			for rows.Next() {
				var col, typ string
				var null, key, def, extra any
				if err := rows.Scan(&col, &typ, &null, &key, &def, &extra); err != nil {
					rows.Close()
					return fmt.Errorf("table %s: %w", name, err)
				}
				data.Have[col] = true
			}
			if err := rows.Close(); err != nil {
				return fmt.Errorf("table %s: %w", name, err)
			}
		}
		if err := exec("view.sql", data); err != nil {
			return fmt.Errorf("table %s: %w", name, err)
		}
	}

	if err := exec("query_state.sql", nil); err != nil {
		return err
	}
	if err := exec("query_meta_insert.sql", nil, st.Serial, st.Lineage); err != nil {
		return err
	}
	for _, w := range st.Windows {
		if err := exec("query_window_insert.sql", nil, w.Stream, nullTime(w.From), nullTime(w.To), w.RunID, w.Rows, w.Requests, nullTime(w.CommittedAt)); err != nil {
			return err
		}
	}
	for day, n := range st.Requests {
		if err := exec("query_requests_insert.sql", nil, day, n); err != nil {
			return err
		}
	}
	for _, r := range runs {
		var rows any
		if r.Rows != nil {
			b, err := json.Marshal(r.Rows)
			if err != nil {
				return err
			}
			rows = string(b)
		}
		if err := exec("query_run_insert.sql", nil, r.ID, nullTime(r.Started), nullTime(r.Ended), r.Status, r.Requests, rows, r.Error); err != nil {
			return err
		}
	}

	for _, v := range sql.Views() {
		if _, err := db.ExecContext(ctx, v.SQL); err != nil {
			return fmt.Errorf("view %s: %w", v.Name, err)
		}
	}
	return nil
}

// hasParquet reports whether a table directory holds a Parquet file,
// itself or in a partition directory.
func hasParquet(dir string) bool {
	for _, pattern := range []string{"*.parquet", filepath.Join("*", "*.parquet")} {
		if m, _ := filepath.Glob(filepath.Join(dir, pattern)); len(m) > 0 {
			return true
		}
	}
	return false
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}
