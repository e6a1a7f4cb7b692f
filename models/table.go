package models

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// Column is one column of a table.
type Column struct {
	Name string         // snake_case of the API field; units in the name (duration_s, start_ms)
	Type arrow.DataType // Arrow type; loaders map it to their own (VARCHAR, TIMESTAMPTZ, DATE, …)
	Doc  string         // one line for `gongload sql` and the README
}

// Table declares one warehouse table.
type Table struct {
	Name    string   // table name in the destination
	Doc     string   // one line: what a row is (the grain)
	Stream  string   // the stream that fills it
	Columns []Column // data columns, in order; entity tables end with RawColumn
	Key     []string // primary key columns; enforced by the pipeline, not by an index

	// Parent is the name of the parent table of a child table ("" for an
	// entity table). ParentKey names this table's columns that hold the
	// parent's Key, in the order of the parent's Key.
	Parent    string
	ParentKey []string

	// CallScoped marks tables whose rows belong to one call (call_id column):
	// the Parquet destination partitions them by the call's start month.
	CallScoped bool
}

// Column names every table carries besides its data columns.
const (
	RawColumn      = "_raw"       // entity tables: the record as received (JSON)
	LoadedAtColumn = "_loaded_at" // added by the loader: commit time of the window (UTC)
	RunIDColumn    = "_run_id"    // added by the loader: the apply run that wrote the row
)

// Arrow types used by the tables.
var (
	String    = arrow.BinaryTypes.String
	Int64     = arrow.PrimitiveTypes.Int64
	Int32     = arrow.PrimitiveTypes.Int32
	Float64   = arrow.PrimitiveTypes.Float64
	Bool      = arrow.FixedWidthTypes.Boolean
	Date      = arrow.FixedWidthTypes.Date32
	Timestamp = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	// JSON is text holding a JSON document (DuckDB reads it with its JSON functions).
	JSON = arrow.BinaryTypes.String
	// StringList and Float64List are lists of strings and of doubles.
	StringList  = arrow.ListOf(arrow.BinaryTypes.String)
	Float64List = arrow.ListOf(arrow.PrimitiveTypes.Float64)
)

// MetaColumns are the columns a loader appends to every table after the data
// columns. Streams never produce them.
func MetaColumns() []Column {
	return []Column{
		{Name: LoadedAtColumn, Type: Timestamp, Doc: "when the row was committed (UTC)"},
		{Name: RunIDColumn, Type: String, Doc: "the apply run that wrote the row"},
	}
}

// IsEntity reports whether the table is an entity table (upsert by key).
func (t *Table) IsEntity() bool { return t.Parent == "" }

// Column returns the named column and whether it exists.
func (t *Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// ColumnIndex returns the position of the named data column, or -1.
func (t *Table) ColumnIndex(name string) int {
	return slices.IndexFunc(t.Columns, func(c Column) bool { return c.Name == name })
}

// AllColumns returns the data columns followed by MetaColumns: the columns of
// the table in the destination.
func (t *Table) AllColumns() []Column {
	return append(slices.Clone(t.Columns), MetaColumns()...)
}

// Schema metadata keys set by Schema.
const (
	MetaTable     = "gongload.table"
	MetaKey       = "gongload.key"
	MetaParent    = "gongload.parent"
	MetaParentKey = "gongload.parent_key"
)

// Schema returns the Arrow schema of the batches a stream produces for the
// table: the data columns (all nullable), with the table name, key, parent and
// parent key in the schema metadata.
func (t *Table) Schema() *arrow.Schema {
	fields := make([]arrow.Field, len(t.Columns))
	for i, c := range t.Columns {
		fields[i] = arrow.Field{Name: c.Name, Type: c.Type, Nullable: true}
	}
	md := arrow.NewMetadata(
		[]string{MetaTable, MetaKey, MetaParent, MetaParentKey},
		[]string{t.Name, strings.Join(t.Key, ","), t.Parent, strings.Join(t.ParentKey, ",")},
	)
	return arrow.NewSchema(fields, &md)
}

// KeySchema returns the schema of a batch of parent keys for a child table:
// the ParentKey columns with their types. Streams send such batches to scope a
// replace-by-parent.
func (t *Table) KeySchema() *arrow.Schema {
	fields := make([]arrow.Field, len(t.ParentKey))
	for i, name := range t.ParentKey {
		c, _ := t.Column(name)
		fields[i] = arrow.Field{Name: c.Name, Type: c.Type}
	}
	return arrow.NewSchema(fields, nil)
}

// Validate checks the declaration: unique column names, key and parent key
// columns present, entity tables ending with _raw.
func (t *Table) Validate() error {
	seen := map[string]bool{}
	for _, c := range t.Columns {
		if c.Name == "" || c.Type == nil {
			return fmt.Errorf("models: table %s: column %q without a name or type", t.Name, c.Name)
		}
		if seen[c.Name] {
			return fmt.Errorf("models: table %s: column %s declared twice", t.Name, c.Name)
		}
		seen[c.Name] = true
	}
	if len(t.Key) == 0 {
		return fmt.Errorf("models: table %s has no key", t.Name)
	}
	for _, k := range append(slices.Clone(t.Key), t.ParentKey...) {
		if !seen[k] {
			return fmt.Errorf("models: table %s: key column %s is not a column", t.Name, k)
		}
	}
	if (t.Parent == "") != (len(t.ParentKey) == 0) {
		return fmt.Errorf("models: table %s: Parent and ParentKey go together", t.Name)
	}
	if t.IsEntity() && (len(t.Columns) == 0 || t.Columns[len(t.Columns)-1].Name != RawColumn) {
		return fmt.Errorf("models: entity table %s must end with %s", t.Name, RawColumn)
	}
	return nil
}

// Range is a half-open time range on a timestamp column of a table; the zero
// Range means the whole table.
type Range struct {
	Column   string    // e.g. "started"
	From, To time.Time // From inclusive, To exclusive
}

// IsZero reports whether r is the zero Range (the whole table).
func (r Range) IsZero() bool { return r.Column == "" }

// SnakeCase turns a JSON field name into a column name: callsAsHost →
// calls_as_host, speakerID → speaker_id.
func SnakeCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		upper := r >= 'A' && r <= 'Z'
		if upper {
			prevLower := i > 0 && s[i-1] >= 'a' && s[i-1] <= 'z'
			nextLower := i+1 < len(s) && s[i+1] >= 'a' && s[i+1] <= 'z'
			if i > 0 && (prevLower || (nextLower && s[i-1] >= 'A' && s[i-1] <= 'Z')) {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
