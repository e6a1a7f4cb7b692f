package duckdb

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gongload/gongload/load"
)

// ensureState creates the state tables if they are missing (a state write
// before the first Migrate). The caller holds l.mu, inside a transaction.
func (l *Loader) ensureState(ctx context.Context) error {
	if l.hasTable("_gongload_meta") {
		return nil
	}
	if _, err := l.exec(ctx, "duckdb/state_tables.sql", nil); err != nil {
		return err
	}
	_, err := l.readColumns(ctx)
	return err
}

// State reads the serial, the lineage, the committed windows (by stream,
// then From) and the requests per day. A destination never migrated has a
// zero State.
func (l *Loader) State(ctx context.Context) (load.State, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		return load.State{}, ErrClosed
	}
	var st load.State
	var n int64
	err := l.query(ctx, "duckdb/state_exists.sql", nil, func(v []driver.Value) error {
		n = asInt(v[0])
		return nil
	})
	if err != nil || n == 0 {
		return st, wrap("state", err)
	}
	err = l.query(ctx, "duckdb/meta_select.sql", nil, func(v []driver.Value) error {
		st.Serial = asInt(v[0])
		st.Lineage = asString(v[1])
		return nil
	})
	if err != nil {
		return st, wrap("state", err)
	}
	err = l.query(ctx, "duckdb/windows_select.sql", nil, func(v []driver.Value) error {
		st.Windows = append(st.Windows, load.Window{
			Stream:      asString(v[0]),
			From:        asTime(v[1]),
			To:          asTime(v[2]),
			RunID:       asString(v[3]),
			Rows:        asInt(v[4]),
			Requests:    asInt(v[5]),
			CommittedAt: asTime(v[6]),
		})
		return nil
	})
	if err != nil {
		return st, wrap("state", err)
	}
	err = l.query(ctx, "duckdb/requests_select.sql", nil, func(v []driver.Value) error {
		if st.Requests == nil {
			st.Requests = map[string]int64{}
		}
		st.Requests[asString(v[0])] = asInt(v[1])
		return nil
	})
	for d, n := range l.pending { // counted, not yet written
		if st.Requests == nil {
			st.Requests = map[string]int64{}
		}
		st.Requests[d.Format(time.DateOnly)] += n
	}
	return st, wrap("state", err)
}

// ResetStream deletes the committed windows of stream and increments the
// serial. Rows are kept.
func (l *Loader) ResetStream(ctx context.Context, stream string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		return ErrClosed
	}
	err := l.inTx(ctx, func() error {
		if err := l.ensureState(ctx); err != nil {
			return err
		}
		if _, err := l.exec(ctx, "duckdb/reset_stream.sql", nil, stream); err != nil {
			return err
		}
		if _, err := l.exec(ctx, "duckdb/serial_bump.sql", nil); err != nil {
			return err
		}
		return l.flushRequests(ctx)
	})
	if err == nil {
		l.requestsWritten()
	}
	return wrap("reset stream "+stream, err)
}

// CountRequests adds n requests to the count of day's UTC date. It does not
// change the serial: counting is bookkeeping, not a change of what is
// loaded. The count is kept in memory and written by the next transaction
// of the Loader (a Commit, RecordRun, ResetStream) or by Close, so counting
// after every unit costs no transaction of its own; State includes it.
// A crash loses the count of the requests made since the last of those.
func (l *Loader) CountRequests(ctx context.Context, day time.Time, n int64) error {
	day = day.UTC()
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		return ErrClosed
	}
	if n == 0 {
		return nil
	}
	if l.pending == nil {
		l.pending = map[time.Time]int64{}
	}
	l.pending[d] += n
	return nil
}

// flushRequests writes the counted requests. The caller holds l.mu, inside
// a transaction; the count is forgotten once that transaction commits
// (requestsWritten).
func (l *Loader) flushRequests(ctx context.Context) error {
	if len(l.pending) == 0 {
		return nil
	}
	if err := l.ensureState(ctx); err != nil {
		return err
	}
	for d, n := range l.pending {
		if _, err := l.exec(ctx, "duckdb/requests_update.sql", nil, d, n); err != nil {
			return err
		}
		if _, err := l.exec(ctx, "duckdb/requests_insert.sql", nil, d, n); err != nil {
			return err
		}
	}
	return nil
}

// requestsWritten forgets the counts flushRequests wrote, after a commit.
// The caller holds l.mu.
func (l *Loader) requestsWritten() { clear(l.pending) }

// writeRequests writes the counted requests in a transaction of their own.
// The caller holds l.mu.
func (l *Loader) writeRequests(ctx context.Context) error {
	if len(l.pending) == 0 {
		return nil
	}
	if err := l.inTx(ctx, func() error { return l.flushRequests(ctx) }); err != nil {
		return wrap("count requests", err)
	}
	l.requestsWritten()
	return nil
}

// RecordRun inserts or replaces the record of run r.ID. It does not change
// the serial.
func (l *Loader) RecordRun(ctx context.Context, r load.Run) error {
	var rows any
	if r.Rows != nil {
		b, err := json.Marshal(r.Rows)
		if err != nil {
			return fmt.Errorf("duckdb: record run: %w", err)
		}
		rows = string(b)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		return ErrClosed
	}
	err := l.inTx(ctx, func() error {
		if err := l.ensureState(ctx); err != nil {
			return err
		}
		if _, err := l.exec(ctx, "duckdb/run_delete.sql", nil, r.ID); err != nil {
			return err
		}
		if _, err := l.exec(ctx, "duckdb/run_insert.sql", nil,
			r.ID, nullTime(r.Started), nullTime(r.Ended), r.Status, r.Requests, rows, r.Error); err != nil {
			return err
		}
		return l.flushRequests(ctx)
	})
	if err == nil {
		l.requestsWritten()
	}
	return wrap("record run "+r.ID, err)
}

// Runs returns the recorded runs, oldest first.
func (l *Loader) Runs(ctx context.Context) ([]load.Run, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		return nil, ErrClosed
	}
	if !l.hasTable("_gongload_runs") {
		return nil, nil
	}
	var out []load.Run
	err := l.query(ctx, "duckdb/runs_select.sql", nil, func(v []driver.Value) error {
		r := load.Run{
			ID:       asString(v[0]),
			Started:  asTime(v[1]),
			Ended:    asTime(v[2]),
			Status:   asString(v[3]),
			Requests: asInt(v[4]),
			Error:    asString(v[6]),
		}
		if s, ok := v[5].(string); ok {
			if err := json.Unmarshal([]byte(s), &r.Rows); err != nil {
				return fmt.Errorf("run %s: rows: %w", r.ID, err)
			}
		}
		out = append(out, r)
		return nil
	})
	return out, wrap("runs", err)
}

// hasTable reports whether the destination has the table, as last read.
func (l *Loader) hasTable(name string) bool {
	l.regMu.RLock()
	defer l.regMu.RUnlock()
	return l.exists[name]
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("duckdb: %s: %w", what, err)
}

func asString(v driver.Value) string {
	s, _ := v.(string)
	return s
}

func asInt(v driver.Value) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case int32:
		return int64(v)
	}
	return 0
}

func asTime(v driver.Value) time.Time {
	t, _ := v.(time.Time)
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}
