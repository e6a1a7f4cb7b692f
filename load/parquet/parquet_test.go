package parquet

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/load/loadertest"
)

func openAt(t testing.TB, dir string) *Loader {
	t.Helper()
	l, err := Open(context.Background(), dir, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func openTemp(t testing.TB) *Loader {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "lake"))
}

// queryRows reads every row of a table of the lake in dir through
// OpenQuery: DuckDB's read_parquet with Hive partitioning, an independent
// reader of the files.
func queryRows(t testing.TB, dir, table string) []map[string]any {
	t.Helper()
	db, err := OpenQuery(context.Background(), dir)
	if err != nil {
		t.Fatalf("OpenQuery: %v", err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT * FROM "` + table + `"`)
	if err != nil {
		t.Fatalf("rows of %s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		r := map[string]any{}
		for i, c := range cols {
			r[c] = vals[i]
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestConformance(t *testing.T) {
	loadertest.Run(t, loadertest.Harness{
		Open: func(t *testing.T) load.Loader { return openTemp(t) },
		Rows: func(t *testing.T, l load.Loader, table string) []map[string]any {
			return queryRows(t, l.(*Loader).Dir(), table)
		},
		Reopen: func(t *testing.T, l load.Loader) load.Loader {
			dir := l.(*Loader).Dir()
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			return openAt(t, dir)
		},
	})
}
