package parquet

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"

	"github.com/gongload/gongload/load/internal/spill"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Staging thresholds: a stager keeps the batches of a table in Go
// (retained, not copied) until it holds flushRows rows or flushBytes bytes,
// then appends them to an Arrow IPC file in DIR/_gongload/tmp. Go memory is
// thus bounded per table of a Tx, however many rows a window holds.
const (
	flushRows  = 245_760
	flushBytes = 32 << 20
)

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
	s.bytes += spill.RecordBytes(rec)
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

// loadStaged copies every row staged by ss (the stagers of one table in
// the Tx of a commit, ss[i] of the Tx numbered txs[i]) into the new TEMP
// table name of the in-memory DuckDB, with their Tx in column _tx: it reads
// each spill file, then Go buffer, through one registered Arrow view. The
// caller holds l.mu, inside a transaction.
func loadStaged(ctx context.Context, l *Loader, name string, ss []*stager, txs []int) error {
	r := &txReader{schema: txSchema(ss[0].schema), txs: txs}
	r.refs.Store(1)
	for _, s := range ss {
		var file *os.File
		if s.spilled > 0 {
			if err := s.finishSpill(); err != nil {
				r.Release()
				return err
			}
			file = s.file
		}
		sr, err := spill.NewReader(s.schema, file, s.buf)
		if err != nil {
			r.Release()
			return err
		}
		r.readers = append(r.readers, sr)
	}
	view := "_arrow_" + name
	release, err := l.arrow.RegisterView(r, view)
	if err != nil {
		r.Release()
		return err
	}
	_, err = l.exec(ctx, "stage.sql", struct{ Name, View string }{name, view})
	_, derr := l.exec(context.Background(), "drop_view.sql", struct{ Name string }{view})
	release()
	r.Release()
	if err != nil {
		return err
	}
	return derr
}

// txSchema is schema with the column _tx (the Tx of a commit) appended.
func txSchema(schema *arrow.Schema) *arrow.Schema {
	fields := append(slices.Clone(schema.Fields()), arrow.Field{Name: "_tx", Type: arrow.PrimitiveTypes.Int32})
	return arrow.NewSchema(fields, nil)
}

// txReader reads several spill.Readers one after the other, the batches of
// readers[i] with a column _tx holding txs[i]. It implements
// array.RecordReader.
type txReader struct {
	refs    atomic.Int64
	schema  *arrow.Schema
	readers []*spill.Reader
	txs     []int
	cur     arrow.RecordBatch
	err     error
}

func (r *txReader) Retain() { r.refs.Add(1) }

func (r *txReader) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	r.releaseCur()
	for _, sr := range r.readers {
		sr.Release()
	}
	r.readers, r.txs = nil, nil
}

func (r *txReader) releaseCur() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}

func (r *txReader) Schema() *arrow.Schema { return r.schema }

func (r *txReader) Next() bool {
	r.releaseCur()
	for len(r.readers) > 0 {
		sr := r.readers[0]
		if sr.Next() {
			rec := sr.RecordBatch()
			b := array.NewInt32Builder(memory.DefaultAllocator)
			b.Reserve(int(rec.NumRows()))
			for range rec.NumRows() {
				b.UnsafeAppend(int32(r.txs[0]))
			}
			tx := b.NewArray()
			b.Release()
			r.cur = array.NewRecordBatch(r.schema, append(slices.Clone(rec.Columns()), tx), rec.NumRows())
			tx.Release()
			return true
		}
		if err := sr.Err(); err != nil {
			r.err = err
			return false
		}
		sr.Release()
		r.readers, r.txs = r.readers[1:], r.txs[1:]
	}
	return false
}

func (r *txReader) RecordBatch() arrow.RecordBatch { return r.cur }

func (r *txReader) Record() arrow.RecordBatch { return r.cur }

func (r *txReader) Err() error { return r.err }

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
