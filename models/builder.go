package models

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Builder builds Arrow record batches for one table. Append is the easy path
// (values in column order, any Go value that fits); hot paths use Field and
// append to the typed builders directly. A Builder is not safe for concurrent
// use.
type Builder struct {
	table *Table
	rb    *array.RecordBuilder
}

// NewBuilder returns a Builder for t's Schema.
func NewBuilder(mem memory.Allocator, t *Table) *Builder {
	return &Builder{table: t, rb: array.NewRecordBuilder(mem, t.Schema())}
}

// Table returns the table the builder is for.
func (b *Builder) Table() *Table { return b.table }

// Field returns the builder of column i, for typed appends.
func (b *Builder) Field(i int) array.Builder { return b.rb.Field(i) }

// Len returns the number of rows appended since the last NewBatch.
func (b *Builder) Len() int { return b.rb.Field(0).Len() }

// NewBatch returns the rows appended so far as a batch (the caller releases
// it) and starts a new one.
func (b *Builder) NewBatch() arrow.RecordBatch { return b.rb.NewRecordBatch() }

// Reset drops the rows appended since the last NewBatch, column by column,
// so it also recovers from a row that failed half-way.
func (b *Builder) Reset() {
	for i := range b.table.Columns {
		b.rb.Field(i).NewArray().Release()
	}
}

// Release frees the builder.
func (b *Builder) Release() { b.rb.Release() }

// Append adds one row; vals are in column order. nil, a nil pointer, an empty
// ID, a zero time and an invalid Number are NULL. It panics on a value that
// does not fit its column: that is a bug in the stream, not bad data.
func (b *Builder) Append(vals ...any) {
	if len(vals) != len(b.table.Columns) {
		panic(fmt.Sprintf("models: %s: Append got %d values for %d columns", b.table.Name, len(vals), len(b.table.Columns)))
	}
	for i, v := range vals {
		appendValue(b.rb.Field(i), v, b.table, i)
	}
}

func appendValue(fb array.Builder, v any, t *Table, i int) {
	switch fb := fb.(type) {
	case *array.StringBuilder:
		switch v := v.(type) {
		case nil:
			fb.AppendNull()
		case string:
			fb.Append(v)
		case *string:
			if v == nil {
				fb.AppendNull()
			} else {
				fb.Append(*v)
			}
		case ID:
			if v == "" {
				fb.AppendNull()
			} else {
				fb.Append(string(v))
			}
		case []byte:
			if v == nil {
				fb.AppendNull()
			} else {
				fb.Append(string(v))
			}
		default:
			badValue(t, i, v)
		}
	case *array.Int64Builder:
		switch v := v.(type) {
		case nil:
			fb.AppendNull()
		case int64:
			fb.Append(v)
		case int:
			fb.Append(int64(v))
		case *int64:
			if v == nil {
				fb.AppendNull()
			} else {
				fb.Append(*v)
			}
		case *Number:
			if n, ok := v.intValue(); ok {
				fb.Append(n)
			} else {
				fb.AppendNull()
			}
		default:
			badValue(t, i, v)
		}
	case *array.Int32Builder:
		switch v := v.(type) {
		case nil:
			fb.AppendNull()
		case int32:
			fb.Append(v)
		case int:
			fb.Append(int32(v))
		default:
			badValue(t, i, v)
		}
	case *array.Float64Builder:
		switch v := v.(type) {
		case nil:
			fb.AppendNull()
		case float64:
			fb.Append(v)
		case *float64:
			if v == nil {
				fb.AppendNull()
			} else {
				fb.Append(*v)
			}
		case *Number:
			if v == nil || !v.Valid {
				fb.AppendNull()
			} else {
				fb.Append(v.Float())
			}
		default:
			badValue(t, i, v)
		}
	case *array.BooleanBuilder:
		switch v := v.(type) {
		case nil:
			fb.AppendNull()
		case bool:
			fb.Append(v)
		case *bool:
			if v == nil {
				fb.AppendNull()
			} else {
				fb.Append(*v)
			}
		default:
			badValue(t, i, v)
		}
	case *array.TimestampBuilder:
		var tm time.Time
		switch v := v.(type) {
		case nil:
		case time.Time:
			tm = v
		case Time:
			tm = v.Time
		default:
			badValue(t, i, v)
		}
		if tm.IsZero() {
			fb.AppendNull()
		} else {
			fb.Append(arrow.Timestamp(tm.UnixMicro()))
		}
	case *array.Date32Builder:
		switch v := v.(type) {
		case nil:
			fb.AppendNull()
		case time.Time:
			if v.IsZero() {
				fb.AppendNull()
			} else {
				fb.Append(arrow.Date32FromTime(v))
			}
		default:
			badValue(t, i, v)
		}
	case *array.ListBuilder:
		switch v := v.(type) {
		case nil:
			fb.AppendNull()
		case []string:
			if v == nil {
				fb.AppendNull()
				return
			}
			fb.Append(true)
			vb := fb.ValueBuilder().(*array.StringBuilder)
			for _, s := range v {
				vb.Append(s)
			}
		case []float64:
			if v == nil {
				fb.AppendNull()
				return
			}
			fb.Append(true)
			vb := fb.ValueBuilder().(*array.Float64Builder)
			for _, f := range v {
				vb.Append(f)
			}
		default:
			badValue(t, i, v)
		}
	default:
		panic(fmt.Sprintf("models: %s.%s: no Append support for %T", t.Name, t.Columns[i].Name, fb))
	}
}

func (n *Number) intValue() (int64, bool) {
	if n == nil {
		return 0, false
	}
	return n.Int()
}

func badValue(t *Table, i int, v any) {
	panic(fmt.Sprintf("models: %s.%s (%s): cannot append %T", t.Name, t.Columns[i].Name, t.Columns[i].Type, v))
}

// KeyBatch returns a batch of parent keys for child table t, whose ParentKey
// must be a single string column (call_id): one row per key. The caller
// releases it.
func KeyBatch(mem memory.Allocator, t *Table, keys []string) arrow.RecordBatch {
	if len(t.ParentKey) != 1 {
		panic(fmt.Sprintf("models: KeyBatch: %s has a %d-column parent key", t.Name, len(t.ParentKey)))
	}
	rb := array.NewRecordBuilder(mem, t.KeySchema())
	defer rb.Release()
	sb := rb.Field(0).(*array.StringBuilder)
	for _, k := range keys {
		sb.Append(k)
	}
	return rb.NewRecordBatch()
}
