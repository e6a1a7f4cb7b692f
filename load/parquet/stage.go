package parquet

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"
)

// Staging thresholds: a stager keeps the batches of a table in Go
// (retained, not copied) until it holds flushRows rows or flushBytes bytes,
// then appends them to an Arrow IPC file in DIR/_gongload/tmp. Go memory is
// thus bounded per table of a Tx, however many rows a window holds.
const (
	flushRows  = 245_760
	flushBytes = 32 << 20
)

// spillAllocator allocates the batches read back from spill files: C
// memory, freed as soon as DuckDB releases them.
var spillAllocator = mallocator.NewMallocator()

// spillPattern names the spill files.
const spillPattern = "stage-*.arrows"

// stager holds the batches of one table of a Tx: in Go until there are
// enough of them, then in a spill file. Commit reads them once.
type stager struct {
	schema *arrow.Schema

	file    *os.File
	bw      *bufio.Writer
	w       *ipc.Writer
	spilled int64 // rows in the file

	buf   []arrow.RecordBatch // not yet spilled
	rows  int64               // rows in buf
	bytes int64               // bytes in buf
}

// add buffers rec (retaining it) and spills the buffer once it is full. The
// caller holds tx.mu.
func (s *stager) add(l *Loader, rec arrow.RecordBatch) error {
	if rec.NumRows() == 0 {
		return nil
	}
	if rec.Schema().Equal(s.schema) {
		rec.Retain()
	} else { // same fields, other metadata or nullability
		rec = array.NewRecordBatch(s.schema, rec.Columns(), rec.NumRows())
	}
	s.buf = append(s.buf, rec)
	s.rows += rec.NumRows()
	s.bytes += recordBytes(rec)
	if s.rows < l.flushRows && s.bytes < l.flushBytes {
		return nil
	}
	return s.spill(filepath.Join(l.dir, metaDir, tmpDir))
}

// total is the number of rows staged.
func (s *stager) total() int64 { return s.spilled + s.rows }

// spill appends the buffered batches to the spill file, creating it.
func (s *stager) spill(dir string) error {
	if s.w == nil {
		f, err := os.CreateTemp(dir, spillPattern)
		if err != nil {
			return fmt.Errorf("spill: %w", err)
		}
		s.file = f
		s.bw = bufio.NewWriterSize(f, 1<<20)
		s.w = ipc.NewWriter(s.bw, ipc.WithSchema(s.schema))
	}
	for _, b := range s.buf {
		if err := s.w.Write(b); err != nil {
			return fmt.Errorf("spill %s: %w", s.file.Name(), err)
		}
		s.spilled += b.NumRows()
	}
	s.releaseBuf()
	return nil
}

// load copies every staged row into the new TEMP table name of the
// in-memory DuckDB, reading the spill file, then the Go buffer, through a
// registered Arrow view. The caller holds l.mu, inside a transaction.
func (s *stager) load(ctx context.Context, l *Loader, name string) error {
	cr := &chainReader{schema: s.schema, rest: s.buf}
	cr.refs.Store(1)
	if s.spilled > 0 {
		if err := s.finishSpill(); err != nil {
			return err
		}
		if _, err := s.file.Seek(0, 0); err != nil {
			return fmt.Errorf("spill %s: %w", s.file.Name(), err)
		}
		r, err := ipc.NewReader(bufio.NewReaderSize(s.file, 1<<20), ipc.WithAllocator(spillAllocator))
		if err != nil {
			return fmt.Errorf("spill %s: %w", s.file.Name(), err)
		}
		cr.spill = r
	}
	view := "_arrow_" + name
	release, err := l.arrow.RegisterView(cr, view)
	if err != nil {
		cr.Release()
		return err
	}
	_, err = l.exec(ctx, "stage.sql", struct{ Name, View string }{name, view})
	_, derr := l.exec(context.Background(), "drop_view.sql", struct{ Name string }{view})
	release()
	cr.Release()
	if err != nil {
		return err
	}
	return derr
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
	s.spilled = 0
}

func (s *stager) releaseBuf() {
	for _, b := range s.buf {
		b.Release()
	}
	s.buf, s.rows, s.bytes = nil, 0, 0
}

// chainReader reads a spill file, then batches still in Go (which belong to
// the stager).
type chainReader struct {
	refs   atomic.Int64
	schema *arrow.Schema
	spill  *ipc.Reader
	rest   []arrow.RecordBatch
	cur    arrow.RecordBatch
	err    error
}

func (c *chainReader) Retain() { c.refs.Add(1) }

func (c *chainReader) Release() {
	if c.refs.Add(-1) == 0 && c.spill != nil {
		c.spill.Release()
		c.spill = nil
	}
}

func (c *chainReader) Schema() *arrow.Schema { return c.schema }

func (c *chainReader) Next() bool {
	if c.spill != nil {
		if c.spill.Next() {
			c.cur = c.spill.RecordBatch()
			return true
		}
		c.err = c.spill.Err()
		c.spill.Release()
		c.spill = nil
		if c.err != nil {
			c.cur = nil
			return false
		}
	}
	if len(c.rest) > 0 {
		c.cur, c.rest = c.rest[0], c.rest[1:]
		return true
	}
	c.cur = nil
	return false
}

func (c *chainReader) RecordBatch() arrow.RecordBatch { return c.cur }

// Record is RecordBatch (array.RecordReader still requires it).
func (c *chainReader) Record() arrow.RecordBatch { return c.cur }

func (c *chainReader) Err() error { return c.err }

// recordBytes is the size of the buffers of rec (of the whole buffers when
// rec is a slice: an upper bound).
func recordBytes(rec arrow.RecordBatch) int64 {
	var n int64
	for _, c := range rec.Columns() {
		n += dataBytes(c.Data())
	}
	return n
}

func dataBytes(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(b.Len())
		}
	}
	for _, c := range d.Children() {
		n += dataBytes(c)
	}
	return n
}
