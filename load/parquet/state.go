package parquet

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gongload/gongload/load"
)

// stateVersion is the version of state.json this package writes and reads.
const stateVersion = 1

// stateData is DIR/_gongload/state.json.
type stateData struct {
	Version  int                   `json:"version"`
	Lineage  string                `json:"lineage"`
	Serial   int64                 `json:"serial"`
	Windows  []windowJSON          `json:"windows"`
	Requests map[string]int64      `json:"requests,omitempty"` // by UTC day, 2006-01-02
	Tables   map[string]*tableJSON `json:"tables"`
}

// windowJSON is a committed window; zero times are left out.
type windowJSON struct {
	Stream      string    `json:"stream"`
	From        time.Time `json:"from,omitzero"`
	To          time.Time `json:"to,omitzero"`
	RunID       string    `json:"run_id,omitempty"`
	Rows        int64     `json:"rows"`
	Requests    int64     `json:"requests"`
	CommittedAt time.Time `json:"committed_at,omitzero"`
}

// tableJSON is the schema of a table of the lake: its columns in file
// order (a column added later comes last) with their DuckDB types, and
// whether it is partitioned by call_month.
type tableJSON struct {
	Columns     []columnJSON `json:"columns"`
	Partitioned bool         `json:"partitioned,omitempty"`
}

type columnJSON struct {
	Name string `json:"name"`
	Type string `json:"type"` // DuckDB type, from sql.DuckType
}

// runJSON is one line of DIR/_gongload/runs.jsonl.
type runJSON struct {
	ID       string           `json:"run_id"`
	Started  time.Time        `json:"started,omitzero"`
	Ended    time.Time        `json:"ended,omitzero"`
	Status   string           `json:"status"`
	Requests int64            `json:"requests"`
	Rows     map[string]int64 `json:"rows,omitempty"`
	Error    string           `json:"error,omitempty"`
}

// duckTypeRE is what a column type read from state.json may look like: it is
// spliced into SQL.
var duckTypeRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*(\[\])*$`)

// readState reads state.json; a lake without one has a nil state.
func readState(dir string) (*stateData, error) {
	b, err := os.ReadFile(filepath.Join(dir, metaDir, stateFile))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	var st stateData
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("state %s: %w", filepath.Join(dir, metaDir, stateFile), err)
	}
	if st.Version > stateVersion {
		return nil, fmt.Errorf("state %s: version %d was written by a newer gongload", filepath.Join(dir, metaDir, stateFile), st.Version)
	}
	for name, t := range st.Tables {
		for _, c := range t.Columns {
			if !duckTypeRE.MatchString(c.Type) {
				return nil, fmt.Errorf("state: table %s: column %s has an unknown type %q", name, c.Name, c.Type)
			}
		}
	}
	return &st, nil
}

// newState is the state of a lake written for the first time.
func newState() *stateData {
	return &stateData{Version: stateVersion, Lineage: newLineage(), Tables: map[string]*tableJSON{}}
}

// clone copies the state deeply enough to change windows, requests and
// tables without touching st.
func (st *stateData) clone() *stateData {
	c := *st
	c.Windows = slices.Clone(st.Windows)
	c.Requests = make(map[string]int64, len(st.Requests))
	for k, v := range st.Requests {
		c.Requests[k] = v
	}
	c.Tables = make(map[string]*tableJSON, len(st.Tables))
	for k, v := range st.Tables {
		t := *v
		t.Columns = slices.Clone(v.Columns)
		c.Tables[k] = &t
	}
	return &c
}

// encode renders state.json.
func (st *stateData) encode() ([]byte, error) {
	slices.SortStableFunc(st.Windows, compareWindows)
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// compareWindows orders windows by stream, then From (zero first), then To.
func compareWindows(a, b windowJSON) int {
	if c := strings.Compare(a.Stream, b.Stream); c != 0 {
		return c
	}
	if c := a.From.Compare(b.From); c != 0 {
		return c
	}
	return a.To.Compare(b.To)
}

// newLineage returns a random UUID (version 4).
func newLineage() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// writeState writes st to state.json atomically and makes it the
// committed state. The caller holds l.mu.
func (l *Loader) writeState(st *stateData) error {
	b, err := st.encode()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(l.dir, metaDir, stateFile), b); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	l.setState(st)
	return nil
}

// setState makes st the committed state. st is never changed afterwards
// (changes are made to a clone). The caller holds l.mu.
func (l *Loader) setState(st *stateData) {
	l.state = st
	l.snapshot.Store(st)
}

// State returns the committed state. A lake never written has a zero State.
func (l *Loader) State(ctx context.Context) (load.State, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usable(); err != nil {
		return load.State{}, err
	}
	var out load.State
	st := l.state
	if st == nil {
		return out, nil
	}
	out.Serial, out.Lineage = st.Serial, st.Lineage
	for _, w := range st.Windows {
		out.Windows = append(out.Windows, load.Window{
			Stream: w.Stream, From: w.From, To: w.To, RunID: w.RunID,
			Rows: w.Rows, Requests: w.Requests, CommittedAt: w.CommittedAt,
		})
	}
	if len(st.Requests) > 0 {
		out.Requests = make(map[string]int64, len(st.Requests))
		for k, v := range st.Requests {
			out.Requests[k] = v
		}
	}
	return out, nil
}

// current returns a copy of the committed state to change, a new one when
// there is none. The caller holds l.mu.
func (l *Loader) current() *stateData {
	if l.state == nil {
		return newState()
	}
	return l.state.clone()
}

// ResetStream forgets the committed windows of stream and increments the
// serial. Rows are kept.
func (l *Loader) ResetStream(ctx context.Context, stream string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usable(); err != nil {
		return err
	}
	st := l.current()
	st.Windows = slices.DeleteFunc(st.Windows, func(w windowJSON) bool { return w.Stream == stream })
	st.Serial++
	if err := l.writeState(st); err != nil {
		return fmt.Errorf("parquet: reset stream %s: %w", stream, err)
	}
	return nil
}

// CountRequests adds n requests to the count of day's UTC date. It does not
// change the serial.
func (l *Loader) CountRequests(ctx context.Context, day time.Time, n int64) error {
	key := day.UTC().Format(time.DateOnly)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usable(); err != nil {
		return err
	}
	st := l.current()
	st.Requests[key] += n
	if err := l.writeState(st); err != nil {
		return fmt.Errorf("parquet: count requests: %w", err)
	}
	return nil
}

// RecordRun inserts or replaces the record of run r.ID in runs.jsonl, which
// is rewritten atomically. It does not change the serial.
func (l *Loader) RecordRun(ctx context.Context, r load.Run) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usable(); err != nil {
		return err
	}
	rec := runJSON{
		ID: r.ID, Started: r.Started.UTC(), Ended: r.Ended.UTC(), Status: r.Status,
		Requests: r.Requests, Rows: r.Rows, Error: r.Error,
	}
	runs := slices.DeleteFunc(slices.Clone(l.runs), func(x runJSON) bool { return x.ID == r.ID })
	runs = append(runs, rec)
	slices.SortStableFunc(runs, func(a, b runJSON) int {
		if c := a.Started.Compare(b.Started); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, x := range runs {
		if err := enc.Encode(x); err != nil {
			return fmt.Errorf("parquet: record run %s: %w", r.ID, err)
		}
	}
	if err := writeFileAtomic(filepath.Join(l.dir, metaDir, runsFile), buf.Bytes()); err != nil {
		return fmt.Errorf("parquet: record run %s: %w", r.ID, err)
	}
	l.runs = runs
	return nil
}

// Runs returns the recorded runs, oldest first.
func (l *Loader) Runs(ctx context.Context) ([]load.Run, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.usable(); err != nil {
		return nil, err
	}
	var out []load.Run
	for _, r := range l.runs {
		out = append(out, load.Run{
			ID: r.ID, Started: r.Started, Ended: r.Ended, Status: r.Status,
			Requests: r.Requests, Rows: r.Rows, Error: r.Error,
		})
	}
	return out, nil
}

// readRuns reads runs.jsonl.
func readRuns(dir string) ([]runJSON, error) {
	path := filepath.Join(dir, metaDir, runsFile)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("runs: %w", err)
	}
	defer f.Close()
	var out []runJSON
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r runJSON
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("runs %s:%d: %w", path, n, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("runs %s: %w", path, err)
	}
	return out, nil
}

// writeFileAtomic writes b to a temporary file beside path, syncs it, and
// renames it over path: a reader, or a crash, sees the old file or the new
// one, never a part of it.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := writeTemp(filepath.Dir(path), filepath.Base(path), b)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes b to a new synced temporary file in dir named after name
// and returns its path.
func writeTemp(dir, name string, b []byte) (string, error) {
	f, err := os.CreateTemp(dir, tmpPrefix+name+"-*"+tmpSuffix)
	if err != nil {
		return "", err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// syncFile flushes a file written by someone else (DuckDB) to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes the renames in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
