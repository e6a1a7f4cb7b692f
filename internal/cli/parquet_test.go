package cli

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/internal/gongsim"
	"github.com/gongload/gongload/load/parquet"
	"github.com/gongload/gongload/models"
)

// lakeDigests digests every table of a Parquet lake read back through
// DuckDB's read_parquet with Hive partitioning (the partition column
// excluded), in the same form as digests.
func lakeDigests(t *testing.T, dir string) map[string]string {
	t.Helper()
	db, err := parquet.OpenQuery(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	for _, tb := range models.All() {
		exclude := "_loaded_at, _run_id"
		if tb.CallScoped {
			exclude += ", call_month"
		}
		r := rows(t, db, fmt.Sprintf(`SELECT count(*), coalesce(sum(hash(x)), 0)::VARCHAR FROM (SELECT * EXCLUDE (%s) FROM %q) x`, exclude, tb.Name))
		out[tb.Name] = r[0][0] + "/" + r[0][1]
	}
	return out
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && (strings.Contains(d.Name(), ".tmp") || strings.HasSuffix(d.Name(), ".part")) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// TestParquetEqualsDuckDB: an apply of the same simulator data into Parquet
// and into DuckDB gives identical table contents; a second apply into the
// lake changes nothing and leaves no temporary file.
func TestParquetEqualsDuckDB(t *testing.T) {
	_, base := newSim(t, gongsim.Config{Seed: 17, Users: 15, Calls: 140, Days: 45, Sentences: 10})
	credentials(t)
	dir := t.TempDir()
	duck, lake := filepath.Join(dir, "gong.duckdb"), filepath.Join(dir, "lake")
	args := func(dest string) []string {
		return []string{"apply", "--base-url", base, "--dest", dest,
			"--from", simNow.AddDate(0, 0, -50).Format("2006-01-02"), "--to", simNow.Format(time.RFC3339), "--rate-limit", "500"}
	}
	mustApply(t, args("duckdb:"+duck)...)
	mustApply(t, args("parquet:"+lake)...)
	db := openDB(t, duck)
	want := digests(t, db)
	db.Close()
	got := lakeDigests(t, lake)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Parquet differs from DuckDB (-duckdb +parquet):\n%s", diff)
	}
	// Call-scoped tables are partitioned by month, the others are not.
	if m, _ := filepath.Glob(filepath.Join(lake, "transcript_sentences", "call_month=*", "*.parquet")); len(m) < 2 {
		t.Errorf("transcript_sentences should span several call_month partitions: %v", m)
	}
	if m, _ := filepath.Glob(filepath.Join(lake, "users", "*.parquet")); len(m) != 1 {
		t.Errorf("users should be one unpartitioned file: %v", m)
	}
	if tmp := tempFiles(t, lake); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	// A second apply re-reading everything changes nothing.
	mustApply(t, append(args("parquet:"+lake), "--lookback", "10000h")...)
	if diff := cmp.Diff(got, lakeDigests(t, lake)); diff != "" {
		t.Errorf("second apply changed the lake (-first +second):\n%s", diff)
	}
	if tmp := tempFiles(t, lake); len(tmp) > 0 {
		t.Errorf("temporary files left after the second apply: %v", tmp)
	}
	// gongload sql reads the lake, views included.
	code, out, errOut := run(t, "sql", "--dest", "parquet:"+lake, "SELECT count(*) AS n FROM call_facts")
	if code != 0 || !strings.Contains(out, "(1 rows)") {
		t.Errorf("sql over the lake: exit %d\n%s%s", code, out, errOut)
	}
	var _ *dbsql.DB
}
