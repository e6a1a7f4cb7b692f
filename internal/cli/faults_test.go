package cli

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/internal/gongsim"
)

// faultAccount is the account of the fault test: a little over 100 users
// and about 100 calls a week, so that some listings (users, activity,
// calls and transcripts windows) take two pages and follow a cursor.
var faultAccount = gongsim.Config{Seed: 17, Users: 110, Calls: 400, Days: 30, Sentences: 6,
	OAuthClientID: oauthClientID, OAuthClientSecret: oauthClientSecret}

// faultMix turns on every fault the simulator injects, at modest rates.
//
// The rates are per request, and which request gets which fault is drawn
// from (Seed, request number), so over the ~220 requests of the backfill
// every kind is injected a few times in every run. The client keeps its
// default backoff (1 s base, full jitter): the ~35 faults and 2 storms
// cost about 10 s in all, which keeps the test well under a minute
// without a test-only knob in apply.
//
// Cursors: CursorExpireRate refuses the first cursor of every paginated
// listing once (users, the two-page windows), so those windows restart in
// every run; CursorTTL, on the wall clock since the simulator's clock stands
// still, is longer than a normal listing but shorter than a listing caught
// by a 2 s storm, so that path is taken now and then too. apply restarts a
// window three times at most: a short TTL alone (say 300 ms) lets a few
// storms expire the same window four times in a row, a flaky test.
//
// Tokens: the backfill runs with OAuth, access tokens living 3 s (so they
// are refreshed before expiry several times) and 20% of the requests whose
// token has been in use for a second revoked early (401, refresh, retry):
// at most one a second, since a new token is spared for a second. The
// backfill starts once the login's token is a second old, so that its first
// burst of requests is exposed too.
func faultMix(cfg gongsim.Config) gongsim.Config {
	cfg.Latency, cfg.LatencyJitter = 5*time.Millisecond, 5*time.Millisecond
	cfg.FailRate, cfg.TruncateRate, cfg.MalformedRate, cfg.ResetRate, cfg.StormRate = 0.05, 0.05, 0.03, 0.03, 0.02
	cfg.CursorExpireRate, cfg.CursorTTL = 1, 1500*time.Millisecond
	cfg.TokenTTL, cfg.TokenExpireRate = 3*time.Second, 0.2
	return cfg
}

// TestFaultsLeaveContentsEqual is the reliability acceptance: a backfill of
// every stream under the mix of every fault the simulator injects (latency
// with jitter, 5xx, truncated and malformed bodies, connection resets, 429
// storms, expired cursors, access tokens revoked early) gives, table by
// table, the same contents (count and hash of all rows) as a fault-free
// backfill of the same account and clock, with no duplicate key; and every
// kind of fault was actually injected.
func TestFaultsLeaveContentsEqual(t *testing.T) {
	if testing.Short() {
		t.Skip("a backfill under faults takes a while")
	}
	dir := t.TempDir()
	from, to := simNow.AddDate(0, 0, -faultAccount.Days-1).Format(time.RFC3339), simNow.Format(time.RFC3339)
	args := func(dest string, extra ...string) []string {
		return append([]string{"apply", "--dest", "duckdb:" + filepath.Join(dir, dest), "--from", from, "--to", to,
			"--rate-limit", "500"}, extra...)
	}

	_, refBase := newSim(t, faultAccount)
	credentials(t)
	start := time.Now()
	mustApply(t, args("ref.duckdb", "--base-url", refBase)...)
	t.Logf("fault-free backfill: %s", time.Since(start).Round(time.Millisecond))
	db := openDB(t, filepath.Join(dir, "ref.duckdb"))
	want := digests(t, db)
	db.Close()
	if len(want) < 20 {
		t.Fatalf("only %d tables loaded: the backfill does not cover every stream", len(want))
	}

	oauthEnv(t)
	sim, base := newSim(t, faultMix(faultAccount))
	var o outputs
	cliLogin(t, base, &o)
	time.Sleep(1100 * time.Millisecond)
	start = time.Now()
	code, out, errOut := runLocked(t, args("faults.duckdb", "--auth", "oauth")...) // the token's base URL
	st, ost := sim.Stats(), sim.OAuthStats()
	t.Logf("backfill under faults: %s, exit %d\nsimulator: %d API requests, %d faults: %d 5xx, %d truncated, %d malformed, %d resets, "+
		"%d storms (%d 429s), %d cursors refused (%d expired in all), %d tokens revoked early, %d delayed (%d ms); OAuth %+v",
		time.Since(start).Round(time.Millisecond), code, st.APIRequests, st.Faults, st.Faults5xx, st.Truncated, st.Malformed, st.Resets,
		st.Storms, st.StormRejected, st.CursorFaults, st.CursorsExpired, st.TokensExpired, st.Delayed, st.DelayMs, ost)
	o.add(out, errOut)
	if code != 0 {
		t.Fatalf("apply under faults: exit %d\n%s\n%s", code, out, errOut)
	}
	db = openDB(t, filepath.Join(dir, "faults.duckdb"))
	if diff := cmp.Diff(want, digests(t, db)); diff != "" {
		t.Errorf("tables differ from the fault-free backfill (-want +got):\n%s", diff)
	}
	assertNoDuplicateKeys(t, db)
	db.Close()

	for name, n := range map[string]int64{
		"5xx": st.Faults5xx, "truncated bodies": st.Truncated, "malformed bodies": st.Malformed, "connection resets": st.Resets,
		"429 storms": st.Storms, "refused cursors": st.CursorFaults, "tokens revoked early": st.TokensExpired,
		"delayed requests": st.Delayed, "token refreshes": ost.Refreshes,
	} {
		if n == 0 {
			t.Errorf("no %s: that fault went untested", name)
		}
	}
	if ost.InvalidGrants != 0 {
		t.Errorf("OAuth %+v: a refresh token was reused", ost)
	}
	o.assertNoSecrets(t, sim)
}
