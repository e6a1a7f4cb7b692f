package duckdb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"

	"github.com/gongload/gongload/load/internal/spill"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/gongload/gongload/models"
)

// Staging thresholds. A stager keeps the batches of a table in Go
// (retained, not copied) until it holds flushRows rows or flushBytes bytes,
// then moves them out of Go's heap:
//
//   - rows read once at commit (child tables, parent keys) go to an Arrow IPC
//     file in the temp directory, read back through a registered view by the
//     one statement that needs them. That costs no DuckDB work: measured on
//     1 M sentences, staging through a TEMP table took 0.4 s more CPU than
//     reading the rows straight from Arrow;
//   - rows read several times (entity tables) go to a TEMP table, by whole row
//     groups (122,880 rows): a smaller INSERT pays for copying its partial row
//     group again (1 M sentences staged in 10,000-row views took 1 s of CPU, in
//     245,760-row views 0.3 s).
//
// Go memory is thus bounded per table of a Tx, and over all Tx by
// Options.StageMemory: past it, rows read once spill at once.
const (
	rowGroupRows = 122_880
	flushRows    = 2 * rowGroupRows
	flushBytes   = 32 << 20
)

// DefaultStageMemory is the default of Options.StageMemory: the Go memory
// the staged batches of all open Tx may hold before rows read once spill.
const DefaultStageMemory = 32 << 20

// Spilling over the budget leaves out stagers holding less than
// minSpillBytes (a Tx's small child tables and its parent keys: tables × Tx
// × 64 KiB at most), so that it does not open a spill file, with its
// spillBuffer, per table.
const (
	minSpillBytes = 64 << 10
	spillBuffer   = 64 << 10
)

// spillPattern names the spill files in the temp directory.
const spillPattern = "gongload-stage-*.arrows"

// stager holds the batches of one table of a Tx: in Go until there are
// enough of them, then in a spill file or a TEMP table.
type stager struct {
	name   string        // the TEMP table, and the prefix of the view
	schema *arrow.Schema // of the batches
	once   bool          // read once: spill to a file, not to a TEMP table

	// the TEMP table
	created bool  // it exists
	staged  int64 // rows in it

	// the spill file
	file    *os.File
	bw      *bufio.Writer
	w       *ipc.Writer
	spilled int64 // rows in it

	buf   []buffered // batches not yet moved out
	rows  int64      // rows in buf
	bytes int64      // bytes in buf

	held *atomic.Int64 // the Loader's count of the bytes in every stager's buf
}

type buffered struct {
	rec   arrow.RecordBatch
	bytes int64
}

func newStager(name string, schema *arrow.Schema, once bool, held *atomic.Int64) stager {
	return stager{name: name, schema: schema, once: once, held: held}
}

// setBuf sets the totals of buf, keeping the Loader's count current.
func (s *stager) setBuf(rows, bytes int64) {
	if s.held != nil { // nil: the unused keys stager of an entity table
		s.held.Add(bytes - s.bytes)
	}
	s.rows, s.bytes = rows, bytes
}

// table returns the name of the TEMP table, or "" when it holds nothing.
func (s *stager) table() string {
	if s.staged == 0 {
		return ""
	}
	return s.name
}

// add buffers rec (retaining it) and moves the buffer out of Go once it is
// full. The caller holds tx.mu, not l.mu.
func (s *stager) add(ctx context.Context, l *Loader, rec arrow.RecordBatch) error {
	if rec.NumRows() == 0 {
		return nil
	}
	if rec.Schema().Equal(s.schema) {
		rec.Retain()
	} else { // same fields, other metadata or nullability
		rec = array.NewRecordBatch(s.schema, rec.Columns(), rec.NumRows())
	}
	b := spill.RecordBytes(rec)
	s.buf = append(s.buf, buffered{rec, b})
	s.setBuf(s.rows+rec.NumRows(), s.bytes+b)
	// Over the Loader's budget, the buffer leaves Go's heap now (if it is
	// not tiny), so Go memory stays bounded however many Tx wait to commit.
	over := s.bytes >= minSpillBytes && s.held.Load() > l.stageMemory
	if !over && s.rows < l.flushRows && s.bytes < l.flushBytes {
		return nil
	}
	if s.once {
		return s.spill(l.tempDir)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		return ErrClosed
	}
	return l.inTx(ctx, func() error { return s.flush(ctx, l, false) })
}

// spill appends the buffered batches to the spill file, creating it.
func (s *stager) spill(dir string) error {
	if s.w == nil {
		f, err := os.CreateTemp(dir, spillPattern)
		if err != nil {
			return fmt.Errorf("spill: %w", err)
		}
		s.file = f
		s.bw = bufio.NewWriterSize(f, spillBuffer)
		s.w = ipc.NewWriter(s.bw, ipc.WithSchema(s.schema))
	}
	for _, b := range s.buf {
		if err := s.w.Write(b.rec); err != nil {
			return fmt.Errorf("spill %s: %w", s.file.Name(), err)
		}
		s.spilled += b.rec.NumRows()
	}
	s.releaseBuf()
	return nil
}

// flush moves buffered rows into the TEMP table, creating it, in one
// INSERT: all of them, or else the largest whole number of row groups (all
// when the buffer holds less than one, having hit the byte limit). The
// caller holds l.mu, inside a transaction.
func (s *stager) flush(ctx context.Context, l *Loader, all bool) error {
	if s.rows == 0 {
		return nil
	}
	n := s.rows
	if !all && n >= l.rowGroupRows {
		n -= n % l.rowGroupRows
	}
	var out []arrow.RecordBatch
	var keep []buffered
	var rows, bytes, taken int64
	for _, b := range s.buf {
		m := b.rec.NumRows()
		switch {
		case taken >= n:
			keep = append(keep, b)
			rows += m
			bytes += b.bytes
		case taken+m <= n:
			out = append(out, b.rec)
			taken += m
		default: // split the batch at the boundary
			cut := n - taken
			out = append(out, b.rec.NewSlice(0, cut))
			tail := b.rec.NewSlice(cut, m)
			tb := b.bytes * (m - cut) / m
			keep = append(keep, buffered{tail, tb})
			rows += m - cut
			bytes += tb
			taken = n
			b.rec.Release()
		}
	}
	s.buf = keep
	s.setBuf(rows, bytes)
	defer func() {
		for _, r := range out {
			r.Release()
		}
	}()
	if !s.created {
		cols := make([]models.Column, s.schema.NumFields())
		for i, f := range s.schema.Fields() {
			cols[i] = models.Column{Name: f.Name, Type: f.Type}
		}
		if _, err := l.exec(ctx, "duckdb/create_stage.sql", tableData{Stage: s.name, Columns: cols}); err != nil {
			return err
		}
		s.created = true
	}
	rdr, err := array.NewRecordReader(s.schema, out)
	if err != nil {
		return err
	}
	view, closeView, err := l.view(s.name, rdr)
	if err != nil {
		return err
	}
	_, err = l.exec(ctx, "duckdb/stage_insert.sql", struct{ Stage, View string }{s.name, view})
	if err := errors.Join(err, closeView()); err != nil {
		return err
	}
	s.staged += n
	return nil
}

// open makes all the rows of a read-once stager readable, once, by one
// statement, as the relation it returns ("" when there are none): a view
// over the spill file, then the Go buffer. The caller holds l.mu, inside a
// transaction, and calls done afterwards.
func (s *stager) open(l *Loader) (rel string, done func() error, err error) {
	if s.spilled == 0 && s.rows == 0 {
		return "", func() error { return nil }, nil
	}
	var rest []arrow.RecordBatch
	for _, b := range s.buf {
		rest = append(rest, b.rec)
	}
	var file *os.File
	if s.spilled > 0 {
		if err := s.finishSpill(); err != nil {
			return "", nil, err
		}
		file = s.file
	}
	cr, err := spill.NewReader(s.schema, file, rest)
	if err != nil {
		return "", nil, err
	}
	return l.view(s.name, cr)
}

// finishSpill ends the spill file's stream so it can be read.
func (s *stager) finishSpill() error {
	if s.w == nil {
		return nil
	}
	err := s.w.Close()
	s.w = nil
	if err == nil {
		err = s.bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("spill %s: %w", s.file.Name(), err)
	}
	return nil
}

// drop drops the TEMP table if it was created. The caller holds l.mu.
func (s *stager) drop(ctx context.Context, l *Loader) error {
	if !s.created {
		return nil
	}
	_, err := l.exec(ctx, "duckdb/drop_stage.sql", struct{ Name string }{s.name})
	return err
}

// release drops the buffered batches and removes the spill file.
func (s *stager) release() {
	s.releaseBuf()
	if s.file != nil {
		if s.w != nil {
			s.w.Close()
			s.w = nil
		}
		s.file.Close()
		os.Remove(s.file.Name())
		s.file = nil
	}
}

func (s *stager) releaseBuf() {
	for _, b := range s.buf {
		b.rec.Release()
	}
	s.buf = nil
	s.setBuf(0, 0)
}

// view registers rdr as the view _arrow<name>, readable once, and takes
// over the caller's reference to rdr. duckdb_arrow_scan creates the view in
// the main schema, so the caller holds l.mu inside a transaction and calls
// done (which drops the view and releases the stream) before it ends: the
// view never reaches the file.
func (l *Loader) view(name string, rdr array.RecordReader) (view string, done func() error, err error) {
	view = "_arrow" + name
	release, err := l.arrow.RegisterView(rdr, view)
	if err != nil {
		rdr.Release()
		return "", nil, err
	}
	return view, func() error {
		_, err := l.exec(context.Background(), "duckdb/drop_view.sql", struct{ Name string }{view})
		release()
		rdr.Release()
		return err
	}, nil
}

// cleanSpills removes the spill files a crashed gongload left in dir (the
// file lock guarantees no other process uses them).
func cleanSpills(dir string) { spill.Clean(dir, spillPattern) }
