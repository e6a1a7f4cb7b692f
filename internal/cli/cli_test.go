package cli

import (
	"bytes"
	"context"
	dbsql "database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/internal/gongsim"
	"github.com/gongload/gongload/models"
)

// simNow anchors the simulated account, so tests are deterministic.
var simNow = time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)

func newSim(t *testing.T, cfg gongsim.Config) (*gongsim.Sim, string) {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return simNow }
	}
	cfg.AccessKey, cfg.AccessKeySecret = "key-for-tests", "s3cret-for-tests"
	sim, err := gongsim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	base, err := sim.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim, base
}

// run runs gongload in-process and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"gongload"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func credentials(t *testing.T) {
	t.Setenv("GONG_ACCESS_KEY", "key-for-tests")
	t.Setenv("GONG_ACCESS_KEY_SECRET", "s3cret-for-tests")
}

func openDB(t *testing.T, path string) *dbsql.DB {
	t.Helper()
	c, err := duckdb.NewConnector(path+"?access_mode=read_only", nil)
	if err != nil {
		t.Fatal(err)
	}
	db := dbsql.OpenDB(c)
	t.Cleanup(func() { db.Close() })
	return db
}

// rows returns the rows of q as strings (NULL as "<nil>").
func rows(t *testing.T, db *dbsql.DB, q string) [][]string {
	t.Helper()
	r, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer r.Close()
	cols, _ := r.Columns()
	var out [][]string
	for r.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			switch v := v.(type) {
			case time.Time:
				row[i] = v.UTC().Format(time.RFC3339Nano)
			default:
				row[i] = fmt.Sprint(v)
			}
		}
		out = append(out, row)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// digests returns, per table of the models present in db, the row count and
// a hash of all data columns: equal digests mean equal contents.
func digests(t *testing.T, db *dbsql.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tb := range models.All() {
		var exists int
		if err := db.QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE table_name = ?`, tb.Name).Scan(&exists); err != nil {
			t.Fatal(err)
		}
		if exists == 0 {
			continue
		}
		r := rows(t, db, fmt.Sprintf(`SELECT count(*), coalesce(sum(hash(x)), 0)::VARCHAR FROM (SELECT * EXCLUDE (_loaded_at, _run_id) FROM %q) x`, tb.Name))
		out[tb.Name] = r[0][0] + "/" + r[0][1]
	}
	return out
}

// assertNoDuplicateKeys checks every table's key is unique.
func assertNoDuplicateKeys(t *testing.T, db *dbsql.DB) {
	t.Helper()
	for _, tb := range models.All() {
		var exists int
		_ = db.QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE table_name = ?`, tb.Name).Scan(&exists)
		if exists == 0 {
			continue
		}
		key := `"` + strings.Join(tb.Key, `","`) + `"`
		r := rows(t, db, fmt.Sprintf(`SELECT count(*) - count(DISTINCT (%s)) FROM %q`, key, tb.Name))
		if r[0][0] != "0" {
			t.Errorf("%s: %s rows share a key", tb.Name, r[0][0])
		}
	}
}

func ptr(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func isoUTC(t *testing.T, s string) string {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("simulator time %q: %v", s, err)
	}
	return v.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano)
}

// TestApplyLoadsWhatTheAPIServes is the walking skeleton's acceptance: users,
// workspaces, calls, parties and transcript sentences in the destination are
// exactly what the simulator serves for the range, across several pages, and
// a second apply (re-reading everything) changes nothing.
func TestApplyLoadsWhatTheAPIServes(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{Seed: 7, Users: 130, Calls: 420, Days: 14, Sentences: 25})
	credentials(t)
	dest := filepath.Join(t.TempDir(), "gong.duckdb")
	from, to := simNow.AddDate(0, 0, -10), simNow // a sub-range: calls before it must not load
	args := []string{"apply", "--base-url", base, "--dest", "duckdb:" + dest,
		"--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339), "--rate-limit", "200", "--lookback", "0s"}
	code, out, errOut := run(t, args...)
	if code != 0 {
		t.Fatalf("apply exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	db := openDB(t, dest)

	// Users (130: two pages of GET /v2/users).
	var wantUsers [][]string
	for _, u := range sim.Users() {
		wantUsers = append(wantUsers, []string{u.ID, u.EmailAddress, u.FirstName, u.LastName, ptr(u.Title), ptr(u.ManagerID), fmt.Sprint(u.Active), isoUTC(t, u.Created)})
	}
	slices.SortFunc(wantUsers, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	gotUsers := rows(t, db, `SELECT id, email_address, first_name, last_name, title, manager_id, active, created FROM users ORDER BY id`)
	if diff := cmp.Diff(wantUsers, gotUsers); diff != "" {
		t.Errorf("users (-sim +db):\n%s", diff)
	}
	var wantWS [][]string
	for _, w := range sim.Workspaces() {
		wantWS = append(wantWS, []string{w.ID, w.Name})
	}
	slices.SortFunc(wantWS, func(a, b []string) int { return strings.Compare(a[0], b[0]) })
	if diff := cmp.Diff(wantWS, rows(t, db, `SELECT id, name FROM workspaces ORDER BY id`)); diff != "" {
		t.Errorf("workspaces (-sim +db):\n%s", diff)
	}

	// Calls in [from, to), their parties and their transcripts.
	var wantCalls, wantParties, wantSentences [][]string
	for _, c := range sim.Calls() {
		started, _ := time.Parse(time.RFC3339Nano, c.MetaData.Started)
		if started.Before(from) || !started.Before(to) {
			continue
		}
		m := c.MetaData
		wantCalls = append(wantCalls, []string{m.ID, isoUTC(t, m.Started), fmt.Sprint(m.Duration), m.PrimaryUserID, m.WorkspaceID, m.Title})
		for _, p := range c.Parties {
			uid := p.UserID
			if uid == "" {
				uid = "<nil>"
			}
			wantParties = append(wantParties, []string{m.ID, p.ID, p.SpeakerID, uid, p.Affiliation})
		}
		tr, ok := sim.Transcript(m.ID)
		if !ok {
			continue
		}
		i := 0
		for mi, mono := range tr.Transcript {
			for _, s := range mono.Sentences {
				wantSentences = append(wantSentences, []string{m.ID, fmt.Sprint(i), fmt.Sprint(mi), mono.SpeakerID, fmt.Sprint(s.Start), fmt.Sprint(s.End), s.Text})
				i++
			}
		}
	}
	byKey := func(a, b []string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return strings.Compare(a[1], b[1])
	}
	slices.SortFunc(wantCalls, byKey)
	slices.SortFunc(wantParties, byKey)
	if len(wantCalls) < 250 {
		t.Fatalf("the range should hold several pages of calls, got %d", len(wantCalls))
	}
	if diff := cmp.Diff(wantCalls, rows(t, db, `SELECT id, started, duration_s, primary_user_id, workspace_id, title FROM calls ORDER BY id`)); diff != "" {
		t.Errorf("calls (-sim +db):\n%s", diff)
	}
	if diff := cmp.Diff(wantParties, rows(t, db, `SELECT call_id, party_id, speaker_id, user_id, affiliation FROM call_parties ORDER BY call_id, party_id`)); diff != "" {
		t.Errorf("call_parties (-sim +db):\n%s", diff)
	}
	gotSentences := rows(t, db, `SELECT call_id, sentence_index, monologue_index, speaker_id, start_ms, end_ms, text FROM transcript_sentences ORDER BY call_id, sentence_index`)
	slices.SortFunc(wantSentences, func(a, b []string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		var x, y int
		fmt.Sscan(a[1], &x)
		fmt.Sscan(b[1], &y)
		return x - y
	})
	if len(gotSentences) != len(wantSentences) {
		t.Errorf("transcript_sentences: %d rows, simulator serves %d", len(gotSentences), len(wantSentences))
	}
	if diff := cmp.Diff(wantSentences, gotSentences); diff != "" {
		t.Errorf("transcript_sentences (-sim +db):\n%.3000s", diff)
	}
	st := sim.Stats()
	if st.ByPath["POST /v2/calls/extensive"] < 4 {
		t.Errorf("expected several pages of calls/extensive, stats %v", st.ByPath)
	}
	assertNoDuplicateKeys(t, db)
	before := digests(t, db)
	db.Close()

	// A second apply re-reading every window (lookback over the whole range)
	// leaves every table as it was.
	args[len(args)-1] = "10000h"
	if code, out, errOut := run(t, args...); code != 0 {
		t.Fatalf("second apply exit %d\n%s\n%s", code, out, errOut)
	}
	db = openDB(t, dest)
	if diff := cmp.Diff(before, digests(t, db)); diff != "" {
		t.Errorf("second apply changed tables (-first +second):\n%s", diff)
	}
	assertNoDuplicateKeys(t, db)
	if n := rows(t, db, `SELECT count(*) FROM _gongload_runs WHERE status = 'ok'`)[0][0]; n != "2" {
		t.Errorf("want 2 ok runs recorded, got %s", n)
	}
}

// TestApplyEmptyRangeAnd429 covers a window with no calls (Gong answers 404)
// and a rate-limited API (429 with Retry-After honoured, nothing lost).
func TestApplyEmptyRangeAnd429(t *testing.T) {
	sim, base := newSim(t, gongsim.Config{Seed: 3, Users: 5, Calls: 60, Days: 10, Sentences: 10, RateLimit: 4})
	credentials(t)
	dest := filepath.Join(t.TempDir(), "gong.duckdb")
	// History before the account's first call: every window is empty (404).
	code, out, errOut := run(t, "apply", "--base-url", base, "--dest", "duckdb:"+dest,
		"--from", simNow.AddDate(0, 0, -60).Format("2006-01-02"), "--to", simNow.AddDate(0, 0, -30).Format("2006-01-02"),
		"--rate-limit", "50", "--streams", "calls,transcripts")
	if code != 0 {
		t.Fatalf("apply over an empty range: exit %d\n%s\n%s", code, out, errOut)
	}
	db := openDB(t, dest)
	if n := rows(t, db, `SELECT count(*) FROM calls`)[0][0]; n != "0" {
		t.Errorf("calls in an empty range: %s", n)
	}
	if n := rows(t, db, `SELECT count(*) FROM _gongload_state WHERE stream = 'calls'`)[0][0]; n == "0" {
		t.Error("empty windows must be committed to the state")
	}
	if sim.Stats().ByStatus["404"] == 0 {
		t.Error("the simulator answered no 404: the empty range was not exercised")
	}
	db.Close()

	// The whole account at 50 requests/s against a limit of 4/s: 429s come
	// back, are honoured, and everything loads.
	code, out, errOut = run(t, "apply", "--base-url", base, "--dest", "duckdb:"+dest,
		"--from", simNow.AddDate(0, 0, -11).Format("2006-01-02"), "--to", simNow.Format(time.RFC3339), "--rate-limit", "50")
	if code != 0 {
		t.Fatalf("rate-limited apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if sim.Stats().RateLimited == 0 {
		t.Error("no 429 was answered: raise the client's rate or lower the simulator's")
	}
	db = openDB(t, dest)
	if n := rows(t, db, `SELECT count(*) FROM calls`)[0][0]; n != fmt.Sprint(len(sim.Calls())) {
		t.Errorf("calls: %s rows, simulator serves %d", n, len(sim.Calls()))
	}
	assertNoDuplicateKeys(t, db)
}

// TestBadInput: clear messages and exit code 1 for common mistakes, before
// any request.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct {
		args []string
		env  bool
		want string
	}{
		"from after to":  {[]string{"apply", "--from", "2026-02-01", "--to", "2026-01-01"}, true, "is not before --to"},
		"bad date":       {[]string{"apply", "--from", "yesterday"}, true, "bad --from"},
		"unknown stream": {[]string{"apply", "--streams", "calls,emails"}, true, `unknown stream "emails"`},
		"bad dest":       {[]string{"apply", "--dest", "postgres://x"}, true, "bad destination"},
		"no credentials": {[]string{"apply", "--dest", "duckdb:" + filepath.Join(dir, "x.duckdb")}, false, "GONG_ACCESS_KEY"},
		"plain http":     {[]string{"apply", "--base-url", "http://api.example.com", "--dest", "duckdb:" + filepath.Join(dir, "y.duckdb")}, true, "https"},
		"unknown flag":   {[]string{"apply", "--frmo", "2026-01-01"}, true, "frmo"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if tc.env {
				credentials(t)
			} else {
				t.Setenv("GONG_ACCESS_KEY", "")
				t.Setenv("GONG_ACCESS_KEY_SECRET", "")
			}
			code, out, errOut := run(t, tc.args...)
			if code != ExitError {
				t.Errorf("exit %d, want %d", code, ExitError)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, errOut)
			}
			if strings.Contains(out+errOut, "s3cret-for-tests") || strings.Contains(out+errOut, "goroutine ") {
				t.Errorf("output leaks a secret or a stack trace:\n%s\n%s", out, errOut)
			}
		})
	}
}
