package cli

import (
	"context"
	dbsql "database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/urfave/cli/v3"

	"github.com/gongload/gongload/load/parquet"
)

func sqlCommand(_ *globals) *cli.Command {
	return &cli.Command{
		Name:      "sql",
		Usage:     "run SQL over the destination; with no query, list tables and views with row counts",
		ArgsUsage: "[QUERY | - (read it from stdin)]",
		Description: "A query that starts with a SQL comment (--) must follow a -- separator, or come from\n" +
			"--file or stdin: gongload sql -- \"-- my query\nSELECT 1\"; gongload sql - < query.sql",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "dest", Usage: "destination: duckdb:PATH or parquet:DIR", Value: DefaultDest, Sources: cli.EnvVars("GONGLOAD_DEST")},
			&cli.StringFlag{Name: "format", Usage: "table, csv or json", Value: "table"},
			&cli.StringFlag{Name: "file", Aliases: []string{"f"}, Usage: "read the query from this file"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			d, err := ParseDest(cmd.String("dest"))
			if err != nil {
				return err
			}
			format := cmd.String("format")
			if format != "table" && format != "csv" && format != "json" {
				return userError("bad --format %q: use table, csv or json", format)
			}
			if cmd.NArg() > 1 {
				return userError("sql takes one query (quote it): got %d arguments", cmd.NArg())
			}
			db, err := openQueryDB(d)
			if err != nil {
				return err
			}
			defer db.Close()
			w := cmd.Root().Writer
			query := cmd.Args().First()
			switch {
			case cmd.String("file") != "":
				b, err := os.ReadFile(cmd.String("file"))
				if err != nil {
					return userError("reading the query: %v", err)
				}
				query = string(b)
			case query == "-":
				b, err := io.ReadAll(cmd.Root().Reader)
				if err != nil {
					return userError("reading the query from stdin: %v", err)
				}
				query = string(b)
			}
			if strings.TrimSpace(query) == "" {
				return listTables(ctx, db, w, format)
			}
			return runQuery(ctx, db, w, query, format)
		},
	}
}

// openQueryDB opens the destination read-only for queries.
func openQueryDB(d Dest) (*dbsql.DB, error) {
	if d.Kind == "parquet" {
		if !destExists(d) {
			return nil, userError("destination %s is not a gongload Parquet directory (no _gongload/state.json): run gongload apply first", absPath(d.Path))
		}
		db, err := parquet.OpenQuery(context.Background(), d.Path)
		if err != nil {
			return nil, userError("%v", err)
		}
		return db, nil
	}
	if _, err := os.Stat(d.Path); err != nil {
		return nil, userError("destination %s does not exist: run gongload apply (or make demo) first", absPath(d.Path))
	}
	c, err := duckdb.NewConnector(d.Path+"?access_mode=read_only", nil)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", d.Path, err)
	}
	return dbsql.OpenDB(c), nil
}

// listTables prints every table and view with its row count.
func listTables(ctx context.Context, db *dbsql.DB, w io.Writer, format string) error {
	return runQuery(ctx, db, w, listTablesSQL, format)
}

const listTablesSQL = `SELECT table_name AS name, lower(table_type) AS kind, estimated_size AS rows, column_count AS columns
FROM (SELECT table_name, 'table' AS table_type, estimated_size, column_count FROM duckdb_tables() WHERE NOT internal AND schema_name = 'main'
      UNION ALL
      SELECT view_name, 'view', NULL, column_count FROM duckdb_views() WHERE NOT internal AND schema_name = 'main')
ORDER BY kind, name`

// runQuery runs q and prints its rows.
func runQuery(ctx context.Context, db *dbsql.DB, w io.Writer, q, format string) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("query failed: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query failed: %w", err)
	}
	return printRows(w, cols, out, format)
}

func printRows(w io.Writer, cols []string, rows [][]any, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		for _, r := range rows {
			m := make(map[string]any, len(cols))
			for i, c := range cols {
				m[c] = jsonValue(r[i])
			}
			if err := enc.Encode(m); err != nil {
				return err
			}
		}
		return nil
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write(cols)
		for _, r := range rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cell(v)
			}
			_ = cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	default:
		t := newTable(w, cols...)
		for _, r := range rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cell(v)
			}
			t.row(rec...)
		}
		t.flush()
		fmt.Fprintf(w, "(%d rows)\n", len(rows))
		return nil
	}
}

func jsonValue(v any) any {
	switch v := v.(type) {
	case []byte:
		return string(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	case duckdb.OrderedMap:
		m := make(map[string]any, v.Len())
		for _, k := range v.Keys() {
			val, _ := v.Get(k)
			m[fmt.Sprint(k)] = jsonValue(val)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = jsonValue(x)
		}
		return out
	default:
		return v
	}
}

// cell renders a value for the table and CSV views.
func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	case float64:
		return fmt.Sprintf("%g", v)
	case []byte:
		return string(v)
	case string:
		return v
	case bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, int:
		return fmt.Sprint(v)
	default:
		if b, err := json.Marshal(jsonValue(v)); err == nil {
			return string(b)
		}
		return fmt.Sprint(v)
	}
}
