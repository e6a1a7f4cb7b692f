package duckdb

import (
	"context"
	"database/sql/driver"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// maxFreshKeys bounds the parent keys fresh remembers (about 60 bytes each);
// beyond it every child table is replaced with a DELETE again.
const maxFreshKeys = 1 << 18

// fresh remembers, for the child tables that were empty when this Loader
// first committed to them, the parent keys they have rows for. The Loader
// is their only writer (DuckDB locks the file for one process, and a path
// is open once in a process), so every row such a table holds was inserted
// by a Tx of this Loader, whose parents fresh recorded: the children of a
// parent it does not know need no DELETE. That is every parent of a
// backfill, where replacing children by parent would otherwise cost a
// scan of the table per table and window. fresh knows a superset (rows
// deleted since are still counted), which only costs a DELETE.
//
// The fields are guarded by Loader.mu.
type fresh struct {
	checked map[string]bool   // tables whose emptiness was checked
	bit     map[string]uint64 // tracked tables: their bit in keys
	keys    map[string]uint64 // parent key → the tracked tables with rows of it
	full    bool              // stopped tracking (too many keys)
}

// tracked reports whether table t is tracked, checking on first use that
// it is empty. The caller holds l.mu, inside a transaction.
func (f *fresh) tracked(ctx context.Context, l *Loader, t string) (bool, error) {
	if f.full {
		return false, nil
	}
	if f.checked[t] {
		_, ok := f.bit[t]
		return ok, nil
	}
	var n int64
	err := l.query(ctx, "duckdb/count_rows.sql", struct{ Name string }{t}, func(v []driver.Value) error {
		n = asInt(v[0])
		return nil
	})
	if err != nil {
		return false, err
	}
	if f.checked == nil {
		f.checked, f.bit, f.keys = map[string]bool{}, map[string]uint64{}, map[string]uint64{}
	}
	f.checked[t] = true
	if n > 0 || len(f.bit) == 64 {
		return false, nil
	}
	f.bit[t] = 1 << len(f.bit)
	return true, nil
}

// untrack stops tracking table t: its children are deleted by parent again.
func (f *fresh) untrack(t string) { delete(f.bit, t) }

// absent reports whether table t is tracked and has no rows of the parent
// keys in s (a keys stager): then replacing them needs no DELETE. The
// caller holds l.mu, inside a transaction.
func (f *fresh) absent(ctx context.Context, l *Loader, t string, s *stager) (bool, error) {
	ok, err := f.tracked(ctx, l, t)
	if !ok || err != nil {
		return false, err
	}
	if s.spilled > 0 { // its keys are not at hand: they could not be recorded either
		f.untrack(t)
		return false, nil
	}
	bit := f.bit[t]
	for _, b := range s.buf {
		none := true
		if !eachKey(b.rec, func(k string) bool {
			if f.keys[k]&bit != 0 {
				none = false
				return false
			}
			return true
		}) {
			f.untrack(t)
			return false, nil
		}
		if !none {
			return false, nil
		}
	}
	return true, nil
}

// add records that table t now has rows of the parent keys in s (after a
// commit). The caller holds l.mu.
func (f *fresh) add(t string, s *stager) {
	bit, ok := f.bit[t]
	if !ok || f.full {
		return
	}
	if s.spilled > 0 {
		f.untrack(t)
		return
	}
	for _, b := range s.buf {
		if !eachKey(b.rec, func(k string) bool {
			if _, seen := f.keys[k]; !seen {
				k = strings.Clone(k)
			}
			f.keys[k] |= bit
			return true
		}) {
			f.untrack(t)
			return
		}
	}
	if len(f.keys) > maxFreshKeys {
		f.full = true
		f.bit, f.keys = nil, nil
	}
}

// eachKey calls fn with the key of every row of rec, whose columns are
// strings (the columns of a multi-column key joined by NUL), until fn
// returns false. It returns false when rec has another column type or a
// NULL, whose key it cannot tell.
func eachKey(rec arrow.RecordBatch, fn func(string) bool) bool {
	cols := make([]*array.String, rec.NumCols())
	for i := range cols {
		c, ok := rec.Column(i).(*array.String)
		if !ok || c.NullN() > 0 {
			return false
		}
		cols[i] = c
	}
	var sb strings.Builder
	for r := range int(rec.NumRows()) {
		k := cols[0].Value(r)
		if len(cols) > 1 {
			sb.Reset()
			for i, c := range cols {
				if i > 0 {
					sb.WriteByte(0)
				}
				sb.WriteString(c.Value(r))
			}
			k = sb.String()
		}
		if !fn(k) {
			break
		}
	}
	return true
}
