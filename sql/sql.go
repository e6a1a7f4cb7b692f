package sql

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"text/template"

	"github.com/apache/arrow-go/v18/arrow"
)

//go:embed duckdb/*.sql
var loaderFS embed.FS

// templates holds the parsed loader templates by path ("duckdb/x.sql").
var templates = mustParse(loaderFS)

// Ident quotes name as a SQL identifier: it is wrapped in double quotes and
// every double quote inside is doubled, so any string is safe to splice.
func Ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Idents quotes each name with Ident and joins them with ", ".
func Idents(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = Ident(n)
	}
	return strings.Join(q, ", ")
}

// DuckType returns the DuckDB type of an Arrow type used by models: string →
// VARCHAR, int64 → BIGINT, int32 → INTEGER, float64 → DOUBLE, bool → BOOLEAN,
// date32 → DATE, timestamp (any unit) with a time zone → TIMESTAMPTZ, and
// lists of those → T[]. Any other type is an error.
func DuckType(t arrow.DataType) (string, error) {
	switch t := t.(type) {
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType:
		return "VARCHAR", nil
	case *arrow.Int64Type:
		return "BIGINT", nil
	case *arrow.Int32Type:
		return "INTEGER", nil
	case *arrow.Int16Type:
		return "SMALLINT", nil
	case *arrow.Float64Type:
		return "DOUBLE", nil
	case *arrow.Float32Type:
		return "REAL", nil
	case *arrow.BooleanType:
		return "BOOLEAN", nil
	case *arrow.Date32Type:
		return "DATE", nil
	case *arrow.TimestampType:
		if t.TimeZone == "" {
			return "TIMESTAMP", nil
		}
		return "TIMESTAMPTZ", nil
	case *arrow.ListType:
		elem, err := DuckType(t.Elem())
		if err != nil {
			return "", err
		}
		return elem + "[]", nil
	}
	if t == nil {
		return "", fmt.Errorf("sql: no DuckDB type for a nil Arrow type")
	}
	return "", fmt.Errorf("sql: no DuckDB type for Arrow type %s", t)
}

// funcs are the functions templates may call.
var funcs = template.FuncMap{
	"ident":    Ident,
	"idents":   Idents,
	"duckType": DuckType,
	"tuple":    tuple,
	"list":     func(s ...string) []string { return s },
}

// tuple quotes names as a row value: "a" for one name, ("a", "b") for more.
func tuple(names []string) string {
	if len(names) == 1 {
		return Ident(names[0])
	}
	return "(" + Idents(names) + ")"
}

// Render executes the named template (its path under this package, such as
// "duckdb/insert_staged.sql") with data and returns the SQL text.
func Render(name string, data any) (string, error) {
	t, ok := templates[name]
	if !ok {
		return "", fmt.Errorf("sql: no template %q", name)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("sql: render %s: %w", name, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// Names returns the paths of the loader templates, sorted.
func Names() []string {
	out := make([]string, 0, len(templates))
	for n := range templates {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func mustParse(fsys fs.FS) map[string]*template.Template {
	out := map[string]*template.Template{}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".sql") {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		t, err := template.New(path).Funcs(funcs).Option("missingkey=error").Parse(string(b))
		if err != nil {
			return err
		}
		out[path] = t
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("sql: parse templates: %v", err))
	}
	return out
}
