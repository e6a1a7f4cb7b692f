package cli

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/internal/gongsim"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds gongload once for the tests that run it as a child process.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gongload-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "gongload")
		out, err := exec.Command("go", "build", "-tags=duckdb_arrow", "-o", binPath, "github.com/gongload/gongload").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// liveSim is a simulated account ending now, so the lookback applies to it.
// Its clock stands still at the test's start: late reviews and media URL
// expiries do not change what it serves between two runs of a test.
func liveSim(t *testing.T, cfg gongsim.Config) (*gongsim.Sim, string) {
	t.Helper()
	start := time.Now()
	cfg.Now = func() time.Time { return start }
	return newSim(t, cfg)
}

func applyArgs(base, dest string, days int, extra ...string) []string {
	return append([]string{"apply", "--base-url", base, "--dest", "duckdb:" + dest,
		"--from", time.Now().UTC().AddDate(0, 0, -days-1).Format("2006-01-02"), "--rate-limit", "500"}, extra...)
}

func mustApply(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := run(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, errOut)
	}
	return out
}

func count(t *testing.T, dest, q string) string {
	t.Helper()
	db := openDB(t, dest)
	defer db.Close()
	return rows(t, db, q)[0][0]
}

// TestIncrementalLookbackDeleteAndStateRm: late calls and late transcripts
// inside the lookback are loaded by the next apply, those outside are not
// (their windows are committed; `state rm` or a wider lookback re-reads
// them); a call deleted in Gong disappears with its child rows.
func TestIncrementalLookbackDeleteAndStateRm(t *testing.T) {
	sim, base := liveSim(t, gongsim.Config{Seed: 11, Users: 8, Calls: 120, Days: 30, Sentences: 12})
	credentials(t)
	dest := filepath.Join(t.TempDir(), "gong.duckdb")
	mustApply(t, applyArgs(base, dest, 30)...)
	pending := sim.PendingTranscripts()
	if len(pending) == 0 {
		t.Fatal("the simulator should hold back some transcripts (late processing)")
	}
	now := time.Now()
	recent := sim.AddCalls(3, now.Add(-48*time.Hour), true)
	old := sim.AddCalls(2, now.AddDate(0, 0, -20), true)
	var recentPending, oldPending []string
	for _, id := range pending {
		c, _ := sim.Call(id)
		started, _ := time.Parse(time.RFC3339Nano, c.MetaData.Started)
		if now.Sub(started) < 6*24*time.Hour {
			recentPending = append(recentPending, id)
		} else if now.Sub(started) > 8*24*time.Hour {
			oldPending = append(oldPending, id)
		}
	}
	sim.ReleaseTranscripts(pending)
	// Delete a call inside the lookback that has children.
	var victim string
	for _, c := range sim.Calls() {
		started, _ := time.Parse(time.RFC3339Nano, c.MetaData.Started)
		if _, ok := sim.Transcript(c.MetaData.ID); ok && now.Sub(started) < 5*24*time.Hour && !contains(recent, c.MetaData.ID) {
			victim = c.MetaData.ID
			break
		}
	}
	if victim == "" {
		t.Fatal("no call with a transcript inside the lookback")
	}
	if n := count(t, dest, fmt.Sprintf(`SELECT count(*) FROM transcript_sentences WHERE call_id = '%s'`, victim)); n == "0" {
		t.Fatal("the victim call's transcript should be loaded before it is deleted")
	}
	sim.DeleteCall(victim)

	mustApply(t, applyArgs(base, dest, 30)...)
	in := func(table, col string, ids []string) string {
		if len(ids) == 0 {
			return "0"
		}
		return count(t, dest, fmt.Sprintf(`SELECT count(DISTINCT %s) FROM %s WHERE %s IN ('%s')`, col, table, col, strings.Join(ids, "','")))
	}
	if got := in("calls", "id", recent); got != "3" {
		t.Errorf("late calls inside the lookback: %s of 3 loaded", got)
	}
	if got := in("transcript_sentences", "call_id", recent); got != "3" {
		t.Errorf("transcripts of late calls inside the lookback: %s of 3 loaded", got)
	}
	if got := in("calls", "id", old); got != "0" {
		t.Errorf("late calls outside the lookback must wait for a re-read: %s loaded", got)
	}
	if got := in("transcript_sentences", "call_id", recentPending); got != fmt.Sprint(len(recentPending)) {
		t.Errorf("late transcripts inside the lookback: %s of %d loaded", got, len(recentPending))
	}
	if got := in("transcript_sentences", "call_id", oldPending); got != "0" {
		t.Errorf("late transcripts outside the lookback must wait for a re-read: %s loaded", got)
	}
	for _, table := range []string{"calls", "call_parties", "call_trackers", "transcript_sentences"} {
		col := "call_id"
		if table == "calls" {
			col = "id"
		}
		if n := in(table, col, []string{victim}); n != "0" {
			t.Errorf("deleted call still in %s", table)
		}
	}

	// state rm calls: the next apply re-reads the whole calls history (the
	// old late calls appear), transcripts keep their state.
	code, out, errOut := run(t, "state", "rm", "calls", "--dest", "duckdb:"+dest)
	if code != 0 {
		t.Fatalf("state rm: %d %s %s", code, out, errOut)
	}
	out = mustApply(t, applyArgs(base, dest, 30)...)
	if got := in("calls", "id", old); got != "2" {
		t.Errorf("after state rm calls: %s of 2 old late calls loaded\n%s", got, out)
	}
	if got := in("transcript_sentences", "call_id", oldPending); got != "0" {
		t.Errorf("state rm calls must not re-read transcripts: %s old transcripts loaded", got)
	}
	db := openDB(t, dest)
	assertNoDuplicateKeys(t, db)
	if n := rows(t, db, `SELECT count(*) FROM calls`)[0][0]; n != fmt.Sprint(len(sim.CallIDs())) {
		t.Errorf("calls: %s rows, simulator serves %d", n, len(sim.CallIDs()))
	}
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestPlanDetailedExitcodeAndStalePlan: plan exits 2 on an empty destination
// and 0 right after an apply of the same range; a saved plan is refused once
// the state moved.
func TestPlanDetailedExitcodeAndStalePlan(t *testing.T) {
	_, base := liveSim(t, gongsim.Config{Seed: 5, Users: 5, Calls: 40, Days: 10, Sentences: 5})
	credentials(t)
	dir := t.TempDir()
	dest := filepath.Join(dir, "gong.duckdb")
	planArgs := func(extra ...string) []string {
		return append([]string{"plan", "--base-url", base, "--dest", "duckdb:" + dest,
			"--from", time.Now().UTC().AddDate(0, 0, -11).Format("2006-01-02"), "--detailed-exitcode"}, extra...)
	}
	code, out, errOut := run(t, planArgs("--out", filepath.Join(dir, "plan.json"))...)
	if code != ExitChanges {
		t.Fatalf("plan on an empty destination: exit %d, want 2\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(dest); err == nil {
		t.Fatal("plan must not create the destination")
	}
	if !strings.Contains(out, "+ calls") || !strings.Contains(out, "records") {
		t.Errorf("plan should list table creations and probed record counts:\n%s", out)
	}
	// Apply exactly the saved plan.
	code, out, errOut = run(t, "apply", filepath.Join(dir, "plan.json"), "--base-url", base, "--rate-limit", "500")
	if code != 0 {
		t.Fatalf("apply plan.json: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run(t, planArgs()...)
	if code != 0 {
		t.Fatalf("plan right after apply: exit %d, want 0\n%s\n%s", code, out, errOut)
	}
	// The saved plan is now stale: the state serial moved.
	code, _, errOut = run(t, "apply", filepath.Join(dir, "plan.json"), "--base-url", base)
	if code != ExitError || !strings.Contains(errOut, "plan is stale") {
		t.Fatalf("stale plan: exit %d\n%s", code, errOut)
	}
	// JSON view.
	code, out, _ = run(t, planArgs("--json", "--offline")...)
	if code != 0 || !strings.Contains(out, `"format_version": 1`) {
		t.Fatalf("plan --json: exit %d\n%s", code, out)
	}
}

// TestPartialQuotaExitCodes: a stream refused by Gong (missing scope) fails
// alone (exit 3, the others commit); a spent daily quota checkpoints and
// exits 4.
func TestPartialQuotaExitCodes(t *testing.T) {
	sim, _ := liveSim(t, gongsim.Config{Seed: 9, Users: 5, Calls: 30, Days: 10, Sentences: 5})
	credentials(t)
	// A loopback front that refuses the transcript endpoint like Gong does
	// for an OAuth token without the scope, and passes the rest through.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/calls/transcript" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"requestId":"x1","errors":["You don't have permission to use 'api:calls:read:transcript' in your app."]}`)
			return
		}
		sim.ServeHTTP(w, r)
	}))
	defer front.Close()
	dest := filepath.Join(t.TempDir(), "gong.duckdb")
	code, out, errOut := run(t, applyArgs(front.URL, dest, 10)...)
	if code != ExitPartial {
		t.Fatalf("exit %d, want 3\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "transcripts") || !strings.Contains(errOut, "api:calls:read:transcript") {
		t.Errorf("the message should name the stream and the scope:\n%s", errOut)
	}
	if n := count(t, dest, `SELECT count(*) FROM calls`); n != fmt.Sprint(len(sim.CallIDs())) {
		t.Errorf("the other streams must commit: calls %s of %d", n, len(sim.CallIDs()))
	}

	// Quota: 3 requests a day allowed, more are needed.
	dest2 := filepath.Join(t.TempDir(), "gong.duckdb")
	code, out, errOut = run(t, append(applyArgs(front.URL, dest2, 10, "--daily-quota", "3", "--concurrency", "1"), "--streams", "users,workspaces,calls")...)
	if code != ExitQuota || !strings.Contains(errOut, "resume after") {
		t.Fatalf("quota: exit %d, want 4\n%s\n%s", code, out, errOut)
	}
	if n := count(t, dest2, `SELECT count(*) FROM _gongload_state`); n == "0" {
		t.Error("work done before the quota must be committed")
	}
}

// childApply starts gongload apply as a child process; lines of its output
// are sent on the returned channel.
func childApply(t *testing.T, args []string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "GONG_ACCESS_KEY=key-for-tests", "GONG_ACCESS_KEY_SECRET=s3cret-for-tests", "CI=true")
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1000)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	go func() { cmd.Wait(); pw.Close() }()
	return cmd, lines
}

// TestKillAndResume kills `gongload apply` with SIGKILL after several
// commits, resumes, and compares every table with an uninterrupted run;
// then interrupts one with SIGINT (exit 130, committed work kept).
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	sim, base := liveSim(t, gongsim.Config{Seed: 21, Users: 10, Calls: 500, Days: 60, Sentences: 20, Latency: 15 * time.Millisecond})
	_ = sim
	credentials(t)
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref.duckdb")
	mustApply(t, applyArgs(base, ref, 60, "--concurrency", "4")...)
	db := openDB(t, ref)
	want := digests(t, db)
	db.Close()

	for _, killAfter := range []int{1, 4, 9} {
		dest := filepath.Join(dir, fmt.Sprintf("kill%d.duckdb", killAfter))
		cmd, lines := childApply(t, append([]string{"-v"}, applyArgs(base, dest, 60, "--concurrency", "4")...))
		seen := 0
		for line := range lines {
			if strings.Contains(line, "duckdb commit") {
				seen++
				if seen == killAfter {
					cmd.Process.Signal(syscall.SIGKILL)
					break
				}
			}
		}
		for range lines {
		}
		mustApply(t, applyArgs(base, dest, 60, "--concurrency", "4")...)
		db := openDB(t, dest)
		if diff := cmp.Diff(want, digests(t, db)); diff != "" {
			t.Errorf("killed after %d commits, resumed: tables differ from an uninterrupted run (-want +got):\n%s", killAfter, diff)
		}
		assertNoDuplicateKeys(t, db)
		db.Close()
	}

	// SIGINT: the windows in flight commit, exit 130.
	dest := filepath.Join(dir, "int.duckdb")
	cmd, lines := childApply(t, append([]string{"-v"}, applyArgs(base, dest, 60, "--concurrency", "2")...))
	var out strings.Builder
	for line := range lines {
		out.WriteString(line + "\n")
		if strings.Contains(line, "duckdb commit") {
			cmd.Process.Signal(syscall.SIGINT)
			break
		}
	}
	for line := range lines {
		out.WriteString(line + "\n")
	}
	if code := cmd.ProcessState.ExitCode(); code != ExitInterrupted {
		t.Fatalf("SIGINT: exit %d, want 130\n%s", code, out.String())
	}
	if n := count(t, dest, `SELECT count(*) FROM _gongload_state`); n == "0" {
		t.Error("committed windows must survive an interrupt")
	}
	mustApply(t, applyArgs(base, dest, 60)...)
	db = openDB(t, dest)
	if diff := cmp.Diff(want, digests(t, db)); diff != "" {
		t.Errorf("interrupted then resumed (-want +got):\n%s", diff)
	}
}
