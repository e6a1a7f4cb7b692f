package spill

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory/mallocator"
)

// allocator holds batches read back from spill files in C memory: they are
// freed as soon as their reader releases them, and never grow Go's heap.
var allocator = mallocator.NewMallocator()

// Reader reads a spill file, then batches still in Go. It implements
// array.RecordReader; the batches in rest stay owned by the caller.
type Reader struct {
	refs   atomic.Int64
	schema *arrow.Schema
	spill  *ipc.Reader
	rest   []arrow.RecordBatch
	cur    arrow.RecordBatch
	err    error
}

// NewReader returns a Reader over file (nil: no spill file; it must hold a
// finished IPC stream of schema) and then rest. The caller releases it.
func NewReader(schema *arrow.Schema, file *os.File, rest []arrow.RecordBatch) (*Reader, error) {
	r := &Reader{schema: schema, rest: rest}
	r.refs.Store(1)
	if file != nil {
		if _, err := file.Seek(0, 0); err != nil {
			return nil, fmt.Errorf("spill %s: %w", file.Name(), err)
		}
		ir, err := ipc.NewReader(bufio.NewReaderSize(file, 1<<20), ipc.WithAllocator(allocator))
		if err != nil {
			return nil, fmt.Errorf("spill %s: %w", file.Name(), err)
		}
		r.spill = ir
	}
	return r, nil
}

// Retain adds a reference.
func (r *Reader) Retain() { r.refs.Add(1) }

// Release drops a reference; the last one closes the spill reader.
func (r *Reader) Release() {
	if r.refs.Add(-1) == 0 && r.spill != nil {
		r.spill.Release()
		r.spill = nil
	}
}

// Schema is the batches' schema.
func (r *Reader) Schema() *arrow.Schema { return r.schema }

// Next moves to the next batch: the spill file's, then the Go ones.
func (r *Reader) Next() bool {
	if r.spill != nil {
		if r.spill.Next() {
			r.cur = r.spill.RecordBatch()
			return true
		}
		r.err = r.spill.Err()
		r.spill.Release()
		r.spill = nil
		if r.err != nil {
			r.cur = nil
			return false
		}
	}
	if len(r.rest) > 0 {
		r.cur, r.rest = r.rest[0], r.rest[1:]
		return true
	}
	r.cur = nil
	return false
}

// RecordBatch is the current batch.
func (r *Reader) RecordBatch() arrow.RecordBatch { return r.cur }

// Record is RecordBatch (array.RecordReader still requires it).
func (r *Reader) Record() arrow.RecordBatch { return r.cur }

// Err is the error that ended Next, if any.
func (r *Reader) Err() error { return r.err }

// Clean removes the spill files matching pattern a crashed gongload left in
// dir (the destination's lock guarantees no other process uses them).
func Clean(dir, pattern string) {
	names, _ := filepath.Glob(filepath.Join(dir, pattern))
	for _, n := range names {
		os.Remove(n)
	}
}

// RecordBytes is the size of the buffers of rec (of the whole buffers when
// rec is a slice: an upper bound).
func RecordBytes(rec arrow.RecordBatch) int64 {
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

// AllocatedBytes is the C memory held by batches read back and not yet
// released (tests assert it returns to zero).
func AllocatedBytes() int64 { return int64(allocator.AllocatedBytes()) }
