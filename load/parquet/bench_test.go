package parquet

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/models"
)

// The benchmarks compare the two ways to write the lake on 1 M
// transcript_sentences rows (1,000 calls of 1,000 sentences), in batches of
// 10,000 rows:
//
//   - BenchmarkCommitParquet: a lookback re-read of a month that already
//     holds the same calls (replace by parent: every old row goes, every
//     staged row comes). writer=duckdb is the Loader's Commit (stage to
//     spill files, copy into the in-memory DuckDB, merge with the old file
//     and write with COPY … TO); writer=pqarrow does the same merge with
//     arrow-go alone (read the old file with pqarrow, drop the rows of the
//     scoped calls, write the rest and the staged batches with pqarrow's
//     FileWriter), the batches kept in memory;
//   - BenchmarkWriteParquet: writing the 1 M rows from Arrow batches to a
//     new file, nothing else: DuckDB (registered Arrow view, COPY … TO)
//     against pqarrow.
//
// Both write zstd with row groups of DefaultRowGroupRows. rows/s is the
// wall-clock rate; rows/cpu-s counts the CPU time of every thread. The
// figures measured, and the choice they led to, are in the package
// documentation.
//
// The pqarrow variants are in bench_pqarrow_test.go, built with -tags
// pqarrowbench: arrow-go's parquet packages need modules (apache/thrift,
// andybalholm/brotli, cespare/xxhash, …) that gongload does not otherwise
// require, so they are not in go.mod.
func BenchmarkCommitParquet(b *testing.B) {
	for _, w := range commitWriters {
		b.Run("writer="+w.name, w.fn)
	}
}

func BenchmarkWriteParquet(b *testing.B) {
	for _, w := range writeWriters {
		b.Run("writer="+w.name, w.fn)
	}
}

// benchWriter is one way to write the lake's files.
type benchWriter struct {
	name string
	fn   func(*testing.B)
}

var (
	commitWriters = []benchWriter{{"duckdb", benchCommitDuckDB}}
	writeWriters  = []benchWriter{{"duckdb", benchWriteDuckDB}}
)

const benchRows, benchPerCall, benchBatch = 1_000_000, 1_000, 10_000

func benchCommitDuckDB(b *testing.B) {
	mem := memory.NewGoAllocator()
	recs := sentences(mem, benchRows, benchPerCall, benchBatch)
	defer releaseAll(recs)
	keys := models.KeyBatch(mem, models.TranscriptSentences, callIDs(benchRows/benchPerCall))
	defer keys.Release()
	ctx := context.Background()
	l := openTemp(b)
	if err := l.Migrate(ctx, models.All()); err != nil {
		b.Fatal(err)
	}
	commit := func(i int) {
		tx, err := l.Begin(ctx, "bench")
		if err != nil {
			b.Fatal(err)
		}
		if err := tx.Scope(ctx, models.TranscriptSentences, keys); err != nil {
			b.Fatal(err)
		}
		for _, r := range recs {
			if err := tx.Write(ctx, models.TranscriptSentences, r); err != nil {
				b.Fatal(err)
			}
		}
		from := day(0).AddDate(0, 0, i%20)
		rows, err := tx.Commit(ctx, load.Window{Stream: "transcripts", From: from, To: from.Add(24 * time.Hour)})
		if err != nil {
			b.Fatal(err)
		}
		if rows["transcript_sentences"] != benchRows {
			b.Fatalf("committed %v", rows)
		}
	}
	commit(0) // the month holds the calls already
	b.ReportAllocs()
	start, cpu0 := time.Now(), cpuTime()
	for i := 0; b.Loop(); i++ {
		commit(i)
	}
	reportRates(b, start, cpu0)
	if n := len(l.files("transcript_sentences", nil)); n != 1 {
		b.Fatalf("%d files, want 1", n)
	}
}

func benchWriteDuckDB(b *testing.B) {
	mem := memory.NewGoAllocator()
	recs := sentences(mem, benchRows, benchPerCall, benchBatch)
	defer releaseAll(recs)
	l := openTemp(b)
	out := filepath.Join(b.TempDir(), "out.parquet")
	ctx := context.Background()
	b.ReportAllocs()
	start, cpu0 := time.Now(), cpuTime()
	for b.Loop() {
		rdr, err := array.NewRecordReader(models.TranscriptSentences.Schema(), recs)
		if err != nil {
			b.Fatal(err)
		}
		release, err := l.arrow.RegisterView(rdr, "_bench")
		if err != nil {
			b.Fatal(err)
		}
		l.mu.Lock()
		_, err = l.exec(ctx, "bench_copy.sql", struct {
			View, File   string
			RowGroupRows int
		}{"_bench", out, l.opts.RowGroupRows})
		_, _ = l.exec(ctx, "drop_view.sql", struct{ Name string }{"_bench"})
		l.mu.Unlock()
		release()
		rdr.Release()
		if err != nil {
			b.Fatal(err)
		}
	}
	reportRates(b, start, cpu0)
}

func reportRates(b *testing.B, start time.Time, cpu0 time.Duration) {
	rows := float64(benchRows) * float64(b.N)
	b.ReportMetric(rows/time.Since(start).Seconds(), "rows/s")
	b.ReportMetric(rows/(cpuTime()-cpu0).Seconds(), "rows/cpu-s")
}

// cpuTime is the CPU time of the process, DuckDB's threads included.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func releaseAll(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

func callIDs(n int) []string {
	out := make([]string, n)
	for c := range out {
		out[c] = fmt.Sprintf("%019d", 7000000000000000000+c)
	}
	return out
}

// sentences builds n transcript_sentences rows in batches of size: calls of
// perCall sentences each (the call IDs of callIDs).
func sentences(mem memory.Allocator, n, perCall, size int) []arrow.RecordBatch {
	tbl := models.TranscriptSentences
	b := models.NewBuilder(mem, tbl)
	defer b.Release()
	callID := b.Field(0).(*array.StringBuilder)
	idx := b.Field(1).(*array.Int32Builder)
	mono := b.Field(2).(*array.Int32Builder)
	speaker := b.Field(3).(*array.StringBuilder)
	topic := b.Field(4).(*array.StringBuilder)
	start := b.Field(5).(*array.Int64Builder)
	end := b.Field(6).(*array.Int64Builder)
	text := b.Field(7).(*array.StringBuilder)
	var out []arrow.RecordBatch
	for i := range n {
		c, s := i/perCall, i%perCall
		callID.Append(fmt.Sprintf("%019d", 7000000000000000000+c))
		idx.Append(int32(s))
		mono.Append(int32(s / 4))
		speaker.Append(fmt.Sprintf("%019d", 1000+s%3))
		topic.Append("Pricing")
		start.Append(int64(s) * 3000)
		end.Append(int64(s)*3000 + 2900)
		text.Append(fmt.Sprintf("so what we are really looking for is a way to get this done by the end of quarter %d", s%50))
		if b.Len() == size {
			out = append(out, b.NewBatch())
		}
	}
	if b.Len() > 0 {
		out = append(out, b.NewBatch())
	}
	return out
}

// day is a day of March 2025.
func day(n int) time.Time { return time.Date(2025, 3, 3+n, 0, 0, 0, 0, time.UTC) }
