package parquet

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gongload/gongload/load/internal/spill"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
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

// load copies every staged row into the new TEMP table name of the
// in-memory DuckDB, reading the spill file, then the Go buffer, through a
// registered Arrow view. The caller holds l.mu, inside a transaction.
func (s *stager) load(ctx context.Context, l *Loader, name string) error {
	var file *os.File
	if s.spilled > 0 {
		if err := s.finishSpill(); err != nil {
			return err
		}
		file = s.file
	}
	cr, err := spill.NewReader(s.schema, file, s.buf)
	if err != nil {
		return err
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
