package main

import (
	"bytes"
	"context"
	dbsql "database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/gongload/gongload/internal/auth"
	"github.com/gongload/gongload/internal/gongsim"
	"github.com/gongload/gongload/internal/secret"
	"github.com/gongload/gongload/models"
)

// Exit codes of gongload apply that the soak expects (internal/cli/exit.go).
const (
	exitOK      = 0
	exitPartial = 3
)

// finalAttempts bounds the applies after the last kill: one is enough
// unless a stream failed (exit 3) or the token file had to be replaced.
const finalAttempts = 5

type options struct {
	bin, dir                               string
	keep, oauth                            bool
	seed                                   int64
	users, calls, days, sentences          int
	kills                                  int
	minDelay, maxDelay                     time.Duration
	killSeed                               uint64
	rateLimit, concurrency                 int
	latency, jitter, cursorTTL, tokenTTL   time.Duration
	failRate, truncateRate, malformedRate  float64
	resetRate, stormRate, cursorExpireRate float64
	tokenExpireRate                        float64
}

// report is the JSON line the soak prints.
type report struct {
	Soak           string           `json:"soak"`
	FaultsInjected map[string]int64 `json:"faults_injected"`
	Kills          int              `json:"kills"`
	Restarts       int              `json:"restarts"`
	Runs           int              `json:"runs"`
	PartialRuns    int              `json:"partial_runs"`
	Relogins       int              `json:"relogins"`
	Crashes        []string         `json:"crashes,omitempty"`
	Equal          bool             `json:"equal"`
	Tables         int              `json:"tables"`
	Differ         []string         `json:"tables_differing,omitempty"`
	KillSeed       uint64           `json:"kill_seed"`
	RefSeconds     float64          `json:"reference_seconds"`
	Seconds        float64          `json:"seconds"`
	WorkDir        string           `json:"work_dir,omitempty"`
}

func main() { os.Exit(run()) }

func run() int {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/gongload", "the gongload binary (make build)")
	flag.StringVar(&o.dir, "dir", "", "work directory (default: a new temporary one, removed unless -keep or a failure)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work directory (DuckDB files, logs)")
	flag.BoolVar(&o.oauth, "oauth", true, "run the soak applies with OAuth (token expiry faults), the reference with the access key")
	flag.Int64Var(&o.seed, "seed", 1, "simulator seed")
	flag.IntVar(&o.users, "users", 120, "simulated users")
	flag.IntVar(&o.calls, "calls", 2000, "simulated calls")
	flag.IntVar(&o.days, "days", 60, "days of history")
	flag.IntVar(&o.sentences, "sentences", 30, "mean transcript sentences per call")
	flag.IntVar(&o.kills, "kills", 10, "SIGKILLs of gongload apply before the final run")
	flag.DurationVar(&o.minDelay, "min-delay", 200*time.Millisecond, "shortest time from start to kill")
	flag.DurationVar(&o.maxDelay, "max-delay", 3*time.Second, "longest time from start to kill")
	flag.Uint64Var(&o.killSeed, "kill-seed", 0, "seed of the kill delays (0: from the clock)")
	flag.IntVar(&o.rateLimit, "rate-limit", 200, "apply --rate-limit")
	flag.IntVar(&o.concurrency, "concurrency", 8, "apply --concurrency")
	flag.DurationVar(&o.latency, "latency", 5*time.Millisecond, "simulator latency")
	flag.DurationVar(&o.jitter, "latency-jitter", 5*time.Millisecond, "simulator latency jitter")
	flag.Float64Var(&o.failRate, "fail-rate", 0.03, "fraction of requests answered 5xx")
	flag.Float64Var(&o.truncateRate, "truncate-rate", 0.03, "fraction of 200s cut short")
	flag.Float64Var(&o.malformedRate, "malformed-rate", 0.02, "fraction of 200s with invalid JSON")
	flag.Float64Var(&o.resetRate, "reset-rate", 0.02, "fraction of requests whose connection is reset")
	flag.Float64Var(&o.stormRate, "storm-rate", 0.005, "fraction of requests that start a 429 storm")
	flag.Float64Var(&o.cursorExpireRate, "cursor-expire-rate", 0.5, "fraction of listings whose first cursor is refused once")
	flag.DurationVar(&o.cursorTTL, "cursor-ttl", 2*time.Second, "cursor lifetime (wall clock; the simulator clock stands still)")
	flag.DurationVar(&o.tokenTTL, "token-ttl", 5*time.Second, "OAuth access token lifetime")
	flag.Float64Var(&o.tokenExpireRate, "token-expire-rate", 0.02, "fraction of OAuth requests whose token is revoked early")
	flag.Parse()
	if o.kills < 0 || o.minDelay <= 0 || o.maxDelay < o.minDelay {
		fmt.Fprintln(os.Stderr, "soak: want -kills >= 0 and 0 < -min-delay <= -max-delay")
		return 2
	}
	if _, err := os.Stat(o.bin); err != nil {
		fmt.Fprintf(os.Stderr, "soak: %v: run `make build` first\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := soak(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
	}
	if rep != nil {
		b, _ := json.Marshal(rep)
		fmt.Println(string(b))
	}
	if err != nil || rep == nil || !rep.Equal || len(rep.Crashes) > 0 {
		return 1
	}
	return 0
}

// soaker runs the applies.
type soaker struct {
	o         options
	bin       string
	dir, logf string
	from, to  string
	tokenFile string
	base      string // the faulty simulator
	log       *os.File
}

func soak(ctx context.Context, o options) (*report, error) {
	began := time.Now()
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return nil, err
	}
	dir := o.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "gongload-soak-"); err != nil {
			return nil, err
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := &soaker{o: o, bin: bin, dir: dir, logf: filepath.Join(dir, "applies.log")}
	if s.log, err = os.Create(s.logf); err != nil {
		return nil, err
	}
	defer s.log.Close()
	r := &report{Soak: fmt.Sprintf("%d calls, %d days, %d users, seed %d, oauth %v", o.calls, o.days, o.users, o.seed, o.oauth)}
	keep := o.keep
	defer func() {
		if keep || o.dir != "" {
			return
		}
		os.RemoveAll(dir)
	}()

	// Both simulators: the same account and a clock standing still.
	anchor := time.Now().UTC().Truncate(time.Second)
	cfg := gongsim.Config{Seed: o.seed, Users: o.users, Calls: o.calls, Days: o.days, Sentences: o.sentences,
		Now: func() time.Time { return anchor }}
	s.from, s.to = anchor.AddDate(0, 0, -o.days-1).Format(time.RFC3339), anchor.Format(time.RFC3339)
	clean, err := gongsim.New(cfg)
	if err != nil {
		return nil, err
	}
	cleanBase, err := clean.Start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer clean.Close()
	fcfg := cfg
	fcfg.Latency, fcfg.LatencyJitter = o.latency, o.jitter
	fcfg.FailRate, fcfg.TruncateRate, fcfg.MalformedRate, fcfg.ResetRate = o.failRate, o.truncateRate, o.malformedRate, o.resetRate
	fcfg.StormRate, fcfg.CursorExpireRate, fcfg.CursorTTL = o.stormRate, o.cursorExpireRate, o.cursorTTL
	if o.oauth {
		fcfg.TokenTTL, fcfg.TokenExpireRate = o.tokenTTL, o.tokenExpireRate
	}
	faulty, err := gongsim.New(fcfg)
	if err != nil {
		return nil, err
	}
	if s.base, err = faulty.Start("127.0.0.1:0"); err != nil {
		return nil, err
	}
	defer faulty.Close()

	// The reference: a fault-free backfill.
	refDest := filepath.Join(dir, "ref.duckdb")
	t0 := time.Now()
	code, out, err := s.apply(ctx, s.args(refDest, "--base-url", cleanBase), s.basicEnv(), 0)
	r.RefSeconds = round(time.Since(t0).Seconds())
	if err != nil {
		return nil, err
	}
	if code != exitOK {
		keep = true
		return nil, fmt.Errorf("the fault-free reference apply ended with exit %d (log %s):\n%s", code, s.logf, tail(out))
	}

	// The soak: kills, then applies until one finishes.
	if o.oauth {
		s.tokenFile = filepath.Join(dir, "token.json")
		if err := s.login(ctx); err != nil {
			return nil, err
		}
	}
	r.KillSeed = o.killSeed
	if r.KillSeed == 0 {
		r.KillSeed = uint64(time.Now().UnixNano())
	}
	rnd := rand.New(rand.NewPCG(r.KillSeed, r.KillSeed^0x9e3779b97f4a7c15))
	dest := filepath.Join(dir, "soak.duckdb")
	outcome := func(code int, out string) (again bool, err error) {
		switch {
		case code == exitOK:
			return false, nil
		case code == exitPartial:
			r.PartialRuns++
			return true, nil
		case o.oauth && strings.Contains(out, "auth login again"):
			r.Relogins++
			return true, s.login(ctx)
		}
		r.Crashes = append(r.Crashes, fmt.Sprintf("apply run %d: exit %d: %s", r.Runs, code, lastLine(out)))
		return true, nil
	}
	for r.Kills < o.kills && r.Runs < 3*o.kills {
		delay := o.minDelay + time.Duration(rnd.Int64N(int64(o.maxDelay-o.minDelay)+1))
		code, out, err := s.apply(ctx, s.args(dest), s.env(), delay)
		r.Runs++
		if err != nil {
			return nil, err
		}
		if code == -1 {
			r.Kills++
			continue
		}
		if _, err := outcome(code, out); err != nil {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		if attempt == finalAttempts {
			r.Crashes = append(r.Crashes, fmt.Sprintf("no apply finished in %d attempts after the kills", finalAttempts))
			break
		}
		code, out, err := s.apply(ctx, s.args(dest), s.env(), 0)
		r.Runs++
		if err != nil {
			return nil, err
		}
		again, err := outcome(code, out)
		if err != nil {
			return nil, err
		}
		if !again {
			break
		}
	}
	r.Restarts = r.Runs - 1

	st := faulty.Stats()
	r.FaultsInjected = map[string]int64{
		"5xx": st.Faults5xx, "truncated": st.Truncated, "malformed": st.Malformed, "resets": st.Resets,
		"storms": st.Storms, "storm_429s": st.StormRejected, "cursors_refused": st.CursorFaults,
		"cursors_expired": st.CursorsExpired, "tokens_revoked": st.TokensExpired, "delayed": st.Delayed,
		"total": st.Faults, "api_requests": st.APIRequests,
	}

	want, err := digests(refDest)
	if err != nil {
		return nil, err
	}
	got, err := digests(dest)
	if err != nil {
		return nil, err
	}
	r.Tables = len(want)
	for _, t := range slices.Sorted(maps.Keys(want)) {
		if got[t] != want[t] {
			r.Differ = append(r.Differ, fmt.Sprintf("%s: want %s, got %s", t, want[t], got[t]))
		}
	}
	for t := range got {
		if _, ok := want[t]; !ok {
			r.Differ = append(r.Differ, t+": not in the reference")
		}
	}
	r.Equal = len(r.Differ) == 0 && len(want) > 0
	r.Seconds = round(time.Since(began).Seconds())
	if !r.Equal || len(r.Crashes) > 0 {
		keep = true
	}
	if keep {
		r.WorkDir = dir
	}
	return r, nil
}

func (s *soaker) args(dest string, extra ...string) []string {
	a := []string{"apply", "--dest", "duckdb:" + dest, "--from", s.from, "--to", s.to,
		"--rate-limit", fmt.Sprint(s.o.rateLimit), "--concurrency", fmt.Sprint(s.o.concurrency)}
	return append(a, extra...)
}

// env is the environment of a soak apply: the faulty simulator, with the
// OAuth token file or the access key.
func (s *soaker) env() []string {
	if s.o.oauth {
		return append(baseEnv(), "GONG_CLIENT_ID=demo", "GONG_CLIENT_SECRET=demo", "GONGLOAD_AUTH=oauth", "GONGLOAD_TOKEN_FILE="+s.tokenFile)
	}
	return append(s.basicEnv(), "GONG_BASE_URL="+s.base)
}

func (s *soaker) basicEnv() []string {
	return append(baseEnv(), "GONG_ACCESS_KEY=demo", "GONG_ACCESS_KEY_SECRET=demo")
}

// baseEnv is the soak's environment without any Gong or gongload setting.
func baseEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GONG_") && !strings.HasPrefix(kv, "GONGLOAD_") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") {
			out = append(out, kv)
		}
	}
	return append(out, "CI=true")
}

// apply runs gongload with args and returns its exit code and output; with
// killAfter > 0 it SIGKILLs the process then if it is still running, and
// returns code -1.
func (s *soaker) apply(ctx context.Context, args, env []string, killAfter time.Duration) (int, string, error) {
	cmd := exec.Command(s.bin, args...)
	cmd.Env = env
	cmd.Dir = s.dir // no gongload.hcl of the caller's
	var out bytes.Buffer
	w := io.MultiWriter(&out, s.log)
	cmd.Stdout, cmd.Stderr = w, w
	fmt.Fprintf(s.log, "\n=== %s gongload %s (kill after %s)\n", time.Now().Format(time.RFC3339Nano), strings.Join(args, " "), killAfter)
	if err := cmd.Start(); err != nil {
		return 0, "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var timer <-chan time.Time
	if killAfter > 0 {
		t := time.NewTimer(killAfter)
		defer t.Stop()
		timer = t.C
	}
	killed := false
	for {
		select {
		case <-done:
			if killed {
				fmt.Fprintf(s.log, "=== killed (SIGKILL)\n")
				return -1, out.String(), nil
			}
			code := cmd.ProcessState.ExitCode()
			fmt.Fprintf(s.log, "=== exit %d\n", code)
			return code, out.String(), nil
		case <-timer:
			timer = nil
			killed = cmd.Process.Signal(syscall.SIGKILL) == nil
		case <-ctx.Done():
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			return 0, out.String(), ctx.Err()
		}
	}
}

// login writes a fresh OAuth token file for the faulty simulator, the way
// `gongload auth login` would: authorize (the simulator approves at once),
// then exchange the code.
func (s *soaker) login(ctx context.Context) error {
	const redirect = "http://127.0.0.1:9/callback"
	q := url.Values{"client_id": {"demo"}, "response_type": {"code"}, "redirect_uri": {redirect}, "state": {"soak"}}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/oauth2/authorize?"+q.Encode(), nil)
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("OAuth authorize: %w", err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		return fmt.Errorf("OAuth authorize: HTTP %d without a code", resp.StatusCode)
	}
	app := &auth.App{ClientID: "demo", ClientSecret: secret.String("demo"), AuthURL: s.base + "/oauth2/authorize",
		TokenURL: s.base + "/oauth2/generate-customer-token"}
	tok, err := app.Exchange(ctx, loc.Query().Get("code"), redirect)
	if err != nil {
		return err
	}
	return auth.WriteFile(s.tokenFile, tok)
}

// digests returns, per table of the models in the DuckDB file at path, the
// row count and the sum of the hashes of its rows without _loaded_at and
// _run_id: the tests' digest.
func digests(path string) (map[string]string, error) {
	c, err := duckdb.NewConnector(path+"?access_mode=read_only", nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	db := dbsql.OpenDB(c)
	defer db.Close()
	out := map[string]string{}
	for _, tb := range models.All() {
		var exists int
		if err := db.QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE table_name = ?`, tb.Name).Scan(&exists); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if exists == 0 {
			continue
		}
		var n, sum string
		q := fmt.Sprintf(`SELECT count(*)::VARCHAR, coalesce(sum(hash(x)), 0)::VARCHAR FROM (SELECT * EXCLUDE (_loaded_at, _run_id) FROM %q) x`, tb.Name)
		if err := db.QueryRow(q).Scan(&n, &sum); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, tb.Name, err)
		}
		out[tb.Name] = n + "/" + sum
	}
	if len(out) == 0 {
		return nil, errors.New(path + ": no table of the models")
	}
	return out, nil
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func round(x float64) float64 { return float64(int64(x*10+0.5)) / 10 }
