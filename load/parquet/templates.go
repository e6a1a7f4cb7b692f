package parquet

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"

	gsql "github.com/gongload/gongload/sql"
)

// The SQL this package runs on its in-memory DuckDB: text/template files,
// parsed together (deleted.sql defines fragments the others use).
// Identifiers are quoted with ident (sql.Ident); values are statement
// parameters where DuckDB takes them, and string literals quoted by lit
// where it does not (COPY … TO, read_parquet file lists, views).
//
//go:embed sql/*.sql
var sqlFS embed.FS

var templates = template.Must(template.New("").Funcs(template.FuncMap{
	"ident":      gsql.Ident,
	"idents":     gsql.Idents,
	"lit":        literal,
	"lits":       literals,
	"qualified":  qualified,
	"tupleOf":    tupleOf,
	"projection": projection,
}).Option("missingkey=error").ParseFS(sqlFS, "sql/*.sql"))

// render executes the named template (its file name, "rewrite.sql").
func render(name string, data any) (string, error) {
	t := templates.Lookup(name)
	if t == nil {
		return "", fmt.Errorf("parquet: no template %q", name)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("parquet: render %s: %w", name, err)
	}
	return strings.TrimSpace(b.String()), nil
}

// literal quotes s as a SQL string literal: 'it”s'.
func literal(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// literals quotes and comma-joins strings: 'a', 'b'.
func literals(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = literal(s)
	}
	return strings.Join(q, ", ")
}

// qualified quotes names with a table alias and comma-joins them:
// o."a", o."b".
func qualified(alias string, names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = alias + "." + gsql.Ident(n)
	}
	return strings.Join(q, ", ")
}

// tupleOf is a row value of qualified names: o."a", or (o."a", o."b").
func tupleOf(alias string, names []string) string {
	if len(names) == 1 {
		return qualified(alias, names)
	}
	return "(" + qualified(alias, names) + ")"
}

// projected is the data of the "project" template.
type projected struct {
	Columns []columnJSON
	Have    map[string]bool
}

func projection(cols []columnJSON, have map[string]bool) projected {
	return projected{cols, have}
}
