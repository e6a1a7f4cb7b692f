package sql

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
)

//go:embed views/*.sql
var viewFS embed.FS

// View is an analysis view shipped with gongload: one file views/NAME.sql
// holding one CREATE OR REPLACE VIEW NAME statement over the warehouse
// tables. Its first line is the header comment "-- NAME: Doc".
type View struct {
	Name string // the view's name, also its file name without .sql
	Doc  string // one line: what a row is and what it adds
	SQL  string // the CREATE OR REPLACE VIEW statement, with its comments
}

// views holds the parsed views in creation order.
var views = mustViews(viewFS)

// Views returns the analysis views in creation order: a view comes after the
// views it reads (FROM or JOIN), and views that read no other view are in name
// order (today none reads another, so the order is by name). Each View's SQL can be
// run as is on a DuckDB destination whose tables are those of models.All().
func Views() []View {
	return append([]View(nil), views...)
}

// mustViews reads and orders the views of fsys; a malformed view file is a
// build defect and panics at start-up (the package's tests read every one).
func mustViews(fsys fs.FS) []View {
	out, err := readViews(fsys)
	if err != nil {
		panic(fmt.Sprintf("sql: views: %v", err))
	}
	return out
}

// readViews parses every views/*.sql of fsys and orders them by dependency.
func readViews(fsys fs.FS) ([]View, error) {
	entries, err := fs.ReadDir(fsys, "views")
	if err != nil {
		return nil, err
	}
	var all []View
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		b, err := fs.ReadFile(fsys, path.Join("views", e.Name()))
		if err != nil {
			return nil, err
		}
		v, err := parseView(strings.TrimSuffix(e.Name(), ".sql"), string(b))
		if err != nil {
			return nil, err
		}
		all = append(all, v)
	}
	return orderViews(all)
}

// parseView checks a view file: the header names the view and describes it,
// and the statement creates the view of that name.
func parseView(name, text string) (View, error) {
	header, _, _ := strings.Cut(text, "\n")
	doc, ok := strings.CutPrefix(strings.TrimSpace(header), "-- "+name+":")
	doc = strings.TrimSpace(doc)
	if !ok || doc == "" {
		return View{}, fmt.Errorf("%s.sql: the first line must be \"-- %s: description\"", name, name)
	}
	create := regexp.MustCompile(`(?im)^CREATE OR REPLACE VIEW ` + regexp.QuoteMeta(name) + ` AS$`)
	if !create.MatchString(text) {
		return View{}, fmt.Errorf("%s.sql: no line \"CREATE OR REPLACE VIEW %s AS\"", name, name)
	}
	return View{Name: name, Doc: doc, SQL: strings.TrimSpace(text) + "\n"}, nil
}

// lineComment matches a -- comment up to the end of its line.
var lineComment = regexp.MustCompile(`--[^\n]*`)

// relationRef matches a relation named after FROM or JOIN; the second group
// is "." when the name is a qualifier (IS DISTINCT FROM t.col), not a relation.
var relationRef = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)(\.?)`)

// relations returns the names that the SQL, without its comments, reads
// after FROM or JOIN: tables, views and CTEs.
func relations(sql string) []string {
	var out []string
	for _, m := range relationRef.FindAllStringSubmatch(lineComment.ReplaceAllString(sql, ""), -1) {
		if m[2] == "" && !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// orderViews sorts views by name, then moves each after the views it reads
// (FROM or JOIN), so dependencies are created first.
func orderViews(all []View) ([]View, error) {
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	deps := make(map[string][]string, len(all))
	for _, v := range all {
		for _, r := range relations(v.SQL) {
			if r != v.Name && slices.ContainsFunc(all, func(o View) bool { return o.Name == r }) {
				deps[v.Name] = append(deps[v.Name], r)
			}
		}
	}
	var out []View
	done := map[string]bool{}
	for len(out) < len(all) {
		progress := false
		for _, v := range all {
			if done[v.Name] {
				continue
			}
			ready := true
			for _, d := range deps[v.Name] {
				ready = ready && done[d]
			}
			if ready {
				out = append(out, v)
				done[v.Name] = true
				progress = true
			}
		}
		if !progress {
			return nil, fmt.Errorf("views depend on each other in a cycle: %v", deps)
		}
	}
	return out, nil
}
