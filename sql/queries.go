package sql

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed queries/*.sql
var queryFS embed.FS

// Query is an analysis query shipped with gongload.
type Query struct {
	Name  string // file name without extension
	Title string // the first comment line
	SQL   string
}

// DemoQueries returns the queries `gongload demo` prints, in order.
func DemoQueries() []Query {
	entries, _ := fs.ReadDir(queryFS, "queries")
	var out []Query
	for _, e := range entries {
		b, _ := queryFS.ReadFile(path.Join("queries", e.Name()))
		text := string(b)
		title, _, _ := strings.Cut(text, "\n")
		out = append(out, Query{
			Name:  strings.TrimSuffix(e.Name(), ".sql"),
			Title: strings.TrimSpace(strings.TrimPrefix(title, "--")),
			SQL:   text,
		})
	}
	return out
}
