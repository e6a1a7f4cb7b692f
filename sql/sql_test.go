package sql

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
)

func TestIdent(t *testing.T) {
	for in, want := range map[string]string{
		"calls":         `"calls"`,
		"":              `""`,
		`a"b`:           `"a""b"`,
		`"; DROP x; --`: `"""; DROP x; --"`,
		"call id":       `"call id"`,
	} {
		if got := Ident(in); got != want {
			t.Errorf("Ident(%q) = %s, want %s", in, got, want)
		}
	}
	if got := Idents([]string{"a", `b"`}); got != `"a", "b"""` {
		t.Errorf("Idents = %s", got)
	}
	if got := tuple([]string{"a"}); got != `"a"` {
		t.Errorf("tuple of one = %s", got)
	}
	if got := tuple([]string{"a", "b"}); got != `("a", "b")` {
		t.Errorf("tuple of two = %s", got)
	}
}

// FuzzIdent checks that a quoted identifier is one token: it starts and
// ends with a double quote and every quote inside is doubled.
func FuzzIdent(f *testing.F) {
	for _, s := range []string{"calls", `a"b`, `"`, `""`, "x\x00y", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := Ident(s)
		if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
			t.Fatalf("Ident(%q) = %s: not quoted", s, q)
		}
		inner := q[1 : len(q)-1]
		if strings.ReplaceAll(inner, `""`, "") != strings.ReplaceAll(s, `"`, "") {
			t.Fatalf("Ident(%q) = %s: a quote is not doubled", s, q)
		}
		if strings.ReplaceAll(inner, `""`, `"`) != s {
			t.Fatalf("Ident(%q) = %s does not unquote to the name", s, q)
		}
	})
}

func TestDuckType(t *testing.T) {
	for _, c := range []struct {
		typ  arrow.DataType
		want string
	}{
		{arrow.BinaryTypes.String, "VARCHAR"},
		{arrow.PrimitiveTypes.Int64, "BIGINT"},
		{arrow.PrimitiveTypes.Int32, "INTEGER"},
		{arrow.PrimitiveTypes.Float64, "DOUBLE"},
		{arrow.FixedWidthTypes.Boolean, "BOOLEAN"},
		{arrow.FixedWidthTypes.Date32, "DATE"},
		{&arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}, "TIMESTAMPTZ"},
		{arrow.ListOf(arrow.BinaryTypes.String), "VARCHAR[]"},
		{arrow.ListOf(arrow.PrimitiveTypes.Float64), "DOUBLE[]"},
	} {
		got, err := DuckType(c.typ)
		if err != nil || got != c.want {
			t.Errorf("DuckType(%s) = %q, %v; want %s", c.typ, got, err, c.want)
		}
	}
	if _, err := DuckType(arrow.BinaryTypes.Binary); err == nil {
		t.Error("DuckType(binary) succeeded")
	}
	if _, err := DuckType(nil); err == nil {
		t.Error("DuckType(nil) succeeded")
	}
}

type tcol struct {
	Name string
	Type arrow.DataType
}

// data holds, for every template, representative data (nil: none).
var templateData = map[string]any{
	"duckdb/add_column.sql":   map[string]any{"Table": "calls", "Column": tcol{"brief", arrow.BinaryTypes.String}},
	"duckdb/create_table.sql": map[string]any{"Table": "t", "Columns": []tcol{{"id", arrow.BinaryTypes.String}, {"n", arrow.PrimitiveTypes.Int64}}},
	"duckdb/create_stage.sql": map[string]any{"Stage": "_stage_1_t", "Columns": []tcol{{"id", arrow.BinaryTypes.String}}},
	"duckdb/stage_insert.sql": map[string]any{"Stage": "_stage_1_t", "View": "_arrow_stage_1_t"},
	"duckdb/drop_view.sql":    map[string]any{"Name": "v"},
	"duckdb/drop_stage.sql":   map[string]any{"Name": "s"},
	"duckdb/count_rows.sql":   map[string]any{"Name": "g"},
	"duckdb/delete_in.sql": map[string]any{"Table": "t", "Columns": []string{"a", "b"}, "Sources": []map[string]any{
		{"Name": "s1", "Columns": []string{"a", "b"}}, {"Name": "s2", "Columns": []string{"x", "y"}},
	}},
	"duckdb/insert_staged.sql": map[string]any{"Table": "t", "Columns": []string{"id", "n"}, "Stage": "s", "LoadedAt": "_loaded_at", "RunID": "_run_id"},
	"duckdb/create_gone.sql":   map[string]any{"Gone": "g", "Table": "calls", "Key": []string{"id"}, "Stage": "s", "Column": "started"},
	"duckdb/window_delete.sql": map[string]any{"Full": false},
	"duckdb/select_table.sql":  map[string]any{"Table": "calls"},
}

func TestRenderAll(t *testing.T) {
	for _, name := range Names() {
		q, err := Render(name, templateData[name])
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if strings.TrimSpace(q) == "" {
			t.Errorf("%s renders empty", name)
		}
	}
	if _, err := Render("duckdb/nope.sql", nil); err == nil {
		t.Error("Render of a missing template succeeded")
	}
	if _, err := Render("duckdb/create_table.sql", map[string]any{"Table": "t"}); err == nil {
		t.Error("Render with missing data succeeded")
	}
}

func TestRender(t *testing.T) {
	for _, c := range []struct {
		name string
		data any
		want string
	}{
		{"duckdb/create_table.sql", templateData["duckdb/create_table.sql"],
			"CREATE TABLE IF NOT EXISTS \"t\" (\n    \"id\" VARCHAR,\n    \"n\" BIGINT\n)"},
		{"duckdb/delete_in.sql", templateData["duckdb/delete_in.sql"],
			"DELETE FROM \"t\"\nWHERE (\"a\", \"b\") IN (\n    SELECT \"a\", \"b\" FROM \"s1\"\n    UNION ALL SELECT \"x\", \"y\" FROM \"s2\"\n)"},
		{"duckdb/create_gone.sql", map[string]any{"Gone": "g", "Table": "users", "Key": []string{"id"}, "Stage": "", "Column": ""},
			"CREATE TEMP TABLE \"g\" AS\nSELECT t.\"id\"\nFROM \"users\" AS t\nWHERE TRUE"},
	} {
		got, err := Render(c.name, c.data)
		if err != nil {
			t.Fatal(err)
		}
		// drop the leading comment lines
		var lines []string
		for _, l := range strings.Split(got, "\n") {
			if !strings.HasPrefix(l, "--") {
				lines = append(lines, l)
			}
		}
		if got := strings.Join(lines, "\n"); got != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.name, got, c.want)
		}
	}
}
