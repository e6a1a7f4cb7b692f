//go:build pqarrowbench

package parquet

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pq "github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/gongload/gongload/models"
)

// The arrow-go (pqarrow) variants of BenchmarkCommitParquet and
// BenchmarkWriteParquet. Run them with
//
//	go get github.com/apache/arrow-go/v18/parquet/pqarrow
//	go test -tags 'duckdb_arrow pqarrowbench' -run '^$' -bench Parquet ./load/parquet
func init() {
	commitWriters = append(commitWriters, benchWriter{"pqarrow", benchCommitArrow})
	writeWriters = append(writeWriters, benchWriter{"pqarrow", benchWriteArrow})
}

// benchCommitArrow is the commit of benchCommitDuckDB done with pqarrow.
func benchCommitArrow(b *testing.B) {
	mem := memory.NewGoAllocator()
	recs := sentences(mem, benchRows, benchPerCall, benchBatch)
	defer releaseAll(recs)
	scoped := map[string]bool{}
	for _, id := range callIDs(benchRows / benchPerCall) {
		scoped[id] = true
	}
	dir := b.TempDir()
	final := filepath.Join(dir, dataFile)
	schema := withMeta(models.TranscriptSentences.Schema())
	commit := func() {
		tmp := filepath.Join(dir, ".tmp-bench.parquet.part")
		f, err := os.Create(tmp)
		if err != nil {
			b.Fatal(err)
		}
		w, err := pqarrow.NewFileWriter(schema, f, writerProps(), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := os.Stat(final); err == nil {
			keepRows(b, mem, final, scoped, func(rec arrow.RecordBatch) {
				if err := w.WriteBuffered(rec); err != nil {
					b.Fatal(err)
				}
			})
		}
		at := time.Now()
		for _, r := range recs {
			rec := addMeta(mem, schema, r, at, "bench")
			if err := w.WriteBuffered(rec); err != nil {
				b.Fatal(err)
			}
			rec.Release()
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		if err := syncFile(tmp); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, final); err != nil {
			b.Fatal(err)
		}
	}
	commit()
	b.ReportAllocs()
	start, cpu0 := time.Now(), cpuTime()
	for b.Loop() {
		commit()
	}
	reportRates(b, start, cpu0)
}

// keepRows reads the file at path with pqarrow and passes on the rows whose
// call_id is not scoped.
func keepRows(b *testing.B, mem memory.Allocator, path string, scoped map[string]bool, fn func(arrow.RecordBatch)) {
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		b.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: benchBatch}, mem)
	if err != nil {
		b.Fatal(err)
	}
	rr, err := fr.GetRecordReader(context.Background(), nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		ids := rec.Column(0).(*array.String)
		start := -1
		for i := 0; i <= ids.Len(); i++ { // runs of kept rows, as slices
			keep := i < ids.Len() && !scoped[ids.Value(i)]
			switch {
			case keep && start < 0:
				start = i
			case !keep && start >= 0:
				s := rec.NewSlice(int64(start), int64(i))
				fn(s)
				s.Release()
				start = -1
			}
		}
	}
	if err := rr.Err(); err != nil {
		b.Fatal(err)
	}
}

func benchWriteArrow(b *testing.B) {
	mem := memory.NewGoAllocator()
	recs := sentences(mem, benchRows, benchPerCall, benchBatch)
	defer releaseAll(recs)
	out := filepath.Join(b.TempDir(), "out.parquet")
	schema := models.TranscriptSentences.Schema()
	b.ReportAllocs()
	start, cpu0 := time.Now(), cpuTime()
	for b.Loop() {
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		w, err := pqarrow.NewFileWriter(schema, f, writerProps(), pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			if err := w.WriteBuffered(r); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, start, cpu0)
}

func writerProps() *pq.WriterProperties {
	return pq.NewWriterProperties(
		pq.WithCompression(compress.Codecs.Zstd),
		pq.WithMaxRowGroupLength(DefaultRowGroupRows),
		pq.WithDictionaryDefault(true),
	)
}

// withMeta appends _loaded_at and _run_id to a table's schema.
func withMeta(s *arrow.Schema) *arrow.Schema {
	fields := s.Fields()
	for _, c := range models.MetaColumns() {
		fields = append(fields, arrow.Field{Name: c.Name, Type: c.Type, Nullable: true})
	}
	md := s.Metadata()
	return arrow.NewSchema(fields, &md)
}

// addMeta returns rec with the meta columns appended.
func addMeta(mem memory.Allocator, schema *arrow.Schema, rec arrow.RecordBatch, at time.Time, run string) arrow.RecordBatch {
	n := int(rec.NumRows())
	tb := array.NewTimestampBuilder(mem, models.Timestamp)
	defer tb.Release()
	sb := array.NewStringBuilder(mem)
	defer sb.Release()
	ts := arrow.Timestamp(at.UnixMicro())
	for range n {
		tb.Append(ts)
		sb.Append(run)
	}
	t, s := tb.NewArray(), sb.NewArray()
	defer t.Release()
	defer s.Release()
	cols := append(append([]arrow.Array{}, rec.Columns()...), t, s)
	return array.NewRecordBatch(schema, cols, int64(n))
}
