package parquet

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/gongload/gongload/load"
)

// Limits of a group commit: the Tx it takes from the queue, and the rows
// (and scoped keys) they stage. A Tx beyond them waits for the next group.
const (
	maxGroupTx   = 16
	maxGroupRows = 2_000_000
)

// errConflict stops a group commit whose Tx overlap: they are committed one
// by one instead.
var errConflict = errors.New("parquet: the Tx of a group commit overlap")

// member is a Tx waiting in the commit queue, with its window and the
// outcome of its commit. Its owner holds tx.mu until its group is
// committed, so the Tx does not change; the fields after ctx are written
// by the committer, under l.mu.
type member struct {
	tx  *Tx
	w   load.Window
	ctx context.Context

	at     time.Time        // the _loaded_at of its rows
	counts map[string]int64 // rows written by table, once committed
	err    error
}

// Gathering: before a group is taken, while other Tx are open and more of
// them join the queue, the committer waits gatherPoll at a time, at most
// gatherMax in all. The Tx that were waiting for a commit to end (apply
// hands a fetched unit to a commit when one ends) join the next group
// instead of waiting for it.
const (
	gatherPoll = 250 * time.Microsecond
	gatherMax  = 2 * time.Millisecond
)

// gather waits, briefly, for the open Tx that are about to commit. The
// caller holds l.mu.
func (l *Loader) gather() {
	queued := func() int { return len(l.commits.Waiting()) }
	open := func() int {
		l.regMu.RLock()
		defer l.regMu.RUnlock()
		return len(l.txs)
	}
	n := queued()
	for waited := time.Duration(0); waited < gatherMax && n < maxGroupTx && open() > n; waited += gatherPoll {
		time.Sleep(gatherPoll)
		m := queued()
		if m == n && waited > 0 {
			return
		}
		n = m
	}
}

// pickGroup gathers the Tx about to commit, then returns how many of the
// waiting Tx the next group takes: as many as the group limits allow (at
// least one). The caller holds l.mu.
func (l *Loader) pickGroup() int {
	l.gather()
	var rows int64
	n := 0
	for _, m := range l.commits.Waiting() {
		var r int64
		for _, p := range m.tx.parts {
			r += p.rows.total() + p.keys.total()
		}
		if n == maxGroupTx || (n > 0 && rows+r > maxGroupRows) {
			break
		}
		rows += r
		n++
	}
	return n
}

// commitGroup commits the Tx of group, which Commit queued, and records
// each one's outcome. The caller holds l.mu.
//
// Tx committed at the same time are committed together, as one commit:
// their rows are staged in the same TEMP tables (told apart by _tx), each
// partition they change is rewritten once, and one journal makes the
// files and the state (every Tx's window, the serial incremented once per
// Tx) visible together. The result is that of committing them one after
// the other in queue order, which the group checks: when two Tx overlap (a
// key or a parent both write, a row in another's complete range, a key
// one deletes that another writes; see conflicts.sql) or declare a table
// differently, or when the group commit fails before its commit point,
// the Tx are committed one by one, so one bad Tx does not fail the others.
func (l *Loader) commitGroup(group []*member) {
	var live []*member
	for _, m := range group {
		if err := l.usable(); err != nil {
			m.err = err
		} else if err := m.ctx.Err(); err != nil {
			m.err = err
		} else {
			live = append(live, m)
		}
	}
	if len(live) > 1 {
		err := l.commitMembers(live)
		if err == nil {
			return
		}
		if l.broken != nil { // after the commit point, or a simulated crash
			for _, m := range live {
				m.err = err
			}
			return
		}
		l.log.Debug("parquet group commit: committing its Tx one by one", "group", len(live), "err", err)
	}
	for _, m := range live {
		if err := l.usable(); err != nil {
			m.err = err
			continue
		}
		m.err = l.commitMembers([]*member{m})
	}
}

// check is one test of conflicts.sql.
type check struct {
	Kind    string // dup, range or gone
	Table   string // TEMP table of staged rows or parent keys
	Columns []string
	Tx      int   // range: the Tx whose ranges
	Ranges  []rng // range
	Gone    string
	On      []pair // gone: Table's column = Gone's column
}

type pair struct{ X, G string }

// conflicts returns errConflict when the Tx of the group overlap so that
// their union differs from committing them one after the other. The caller
// holds l.mu.
func (c *commit) conflicts(ctx context.Context) error {
	var checks []check
	for _, name := range c.order {
		t := c.decl[name]
		writers := 0
		for _, m := range c.ms {
			if p := m.tx.parts[name]; p != nil && (p.rows.total() > 0 || p.keys.total() > 0) {
				writers++
			}
		}
		switch {
		case t.IsEntity() && c.stages[name] != "" && writers > 1:
			checks = append(checks, check{Kind: "dup", Table: c.stages[name], Columns: t.Key})
		case !t.IsEntity() && c.keys[name] != "" && writers > 1:
			checks = append(checks, check{Kind: "dup", Table: c.keys[name], Columns: t.ParentKey})
		}
		if !t.IsEntity() {
			continue
		}
		if s := c.stages[name]; s != "" {
			for i, m := range c.ms {
				p := m.tx.parts[name]
				if p == nil || len(p.completes) == 0 {
					continue
				}
				if ranges, _, _ := c.ranges(name, p.completes); len(ranges) > 0 {
					checks = append(checks, check{Kind: "range", Table: s, Tx: i + 1, Ranges: ranges})
				}
			}
		}
		g := c.gone[name]
		if g == "" {
			continue
		}
		if s := c.stages[name]; s != "" {
			var on []pair
			for _, k := range t.Key {
				on = append(on, pair{k, k})
			}
			checks = append(checks, check{Kind: "gone", Table: s, Gone: g, On: on})
		}
		c.l.regMu.RLock()
		children := c.l.children(name)
		c.l.regMu.RUnlock()
		for _, ch := range children {
			k := c.keys[ch.Name]
			if k == "" {
				continue
			}
			var on []pair
			for i, col := range ch.ParentKey {
				on = append(on, pair{col, t.Key[i]})
			}
			checks = append(checks, check{Kind: "gone", Table: k, Gone: g, On: on})
		}
	}
	if len(checks) == 0 {
		return nil
	}
	var n int64
	err := c.l.query(ctx, "conflicts.sql", struct{ Checks []check }{checks}, func(v []driver.Value) error {
		n = asInt(v[0])
		return nil
	})
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%w (%d overlaps)", errConflict, n)
	}
	return nil
}
