package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongload/gongload/internal/gongsim"
)

// TestBadInputCatalogue runs the real binary on bad input: each case gets
// its exit code, a message that names the problem and what to do, no stack
// trace, no secret, and nothing committed that should not be.
func TestBadInputCatalogue(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	bin := binary(t)
	sim, base := liveSim(t, gongsim.Config{Seed: 2, Users: 4, Calls: 20, Days: 5, Sentences: 4})
	// A loopback front that answers some paths with what Gong should never
	// send, and passes the rest to the simulator.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/users": // a number where the spec has a string, an object where it has a list
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"requestId":"r1","records":{"totalRecords":1,"currentPageSize":1,"currentPageNumber":0},"users":[{"id":"1","emailAddress":5,"emailAliases":{"a":1}}]}`)
		case "/v2/workspaces": // an HTML page with status 200
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<!doctype html><html><body>Sign in</body></html>")
		case "/v2/calls/transcript": // an empty body with status 200
			w.WriteHeader(http.StatusOK)
		default:
			sim.ServeHTTP(w, r)
		}
	}))
	defer front.Close()

	dir := t.TempDir()
	hcl := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	notDir := filepath.Join(dir, "a-file")
	os.WriteFile(notDir, []byte("x"), 0o644)
	from := time.Now().UTC().AddDate(0, 0, -6).Format("2006-01-02")
	good := []string{"GONG_ACCESS_KEY=key-for-tests", "GONG_ACCESS_KEY_SECRET=s3cret-for-tests"}
	type tc struct {
		args []string
		env  []string
		code int
		want []string
		dest string // a destination that must hold no committed window afterwards
	}
	destOf := func(name string) string { return filepath.Join(dir, name+".duckdb") }
	cases := map[string]tc{
		"malformed HCL": {args: []string{"--config", hcl("m.hcl", "source \"gong\" {\n  rate_limit = \n}\n"), "validate"}, env: good, code: 1,
			want: []string{"m.hcl:2:"}},
		"unknown attribute": {args: []string{"--config", hcl("u.hcl", "source \"gong\" {\n  rate_limt = 3\n}\n"), "validate"}, env: good, code: 1,
			want: []string{"u.hcl:2:3", "rate_limt"}},
		"secret in the config": {args: []string{"--config", hcl("s.hcl", "source \"gong\" {\n  access_key_secret = \"s3cret-for-tests\"\n}\n"), "validate"}, env: good, code: 1,
			want: []string{"s.hcl:2:3", "GONG_ACCESS_KEY_SECRET"}},
		"bad date":       {args: []string{"apply", "--from", "31/01/2026", "--dest", "duckdb:" + destOf("bd")}, env: good, code: 1, want: []string{"bad --from", "2026-01-31"}},
		"from after to":  {args: []string{"apply", "--from", "2026-02-01", "--to", "2026-01-01", "--dest", "duckdb:" + destOf("fa")}, env: good, code: 1, want: []string{"not before --to"}},
		"unknown stream": {args: []string{"apply", "--streams", "calls,emails", "--dest", "duckdb:" + destOf("us")}, env: good, code: 1, want: []string{`unknown stream "emails"`, "transcripts"}},
		"bad dest":       {args: []string{"apply", "--dest", "mysql:x"}, env: good, code: 1, want: []string{"bad destination", "duckdb:PATH"}},
		"missing credentials": {args: []string{"apply", "--base-url", base, "--dest", "duckdb:" + destOf("mc")}, code: 1,
			want: []string{"GONG_ACCESS_KEY", "GONG_ACCESS_KEY_SECRET"}},
		"wrong credentials": {args: []string{"apply", "--base-url", base, "--from", from, "--dest", "duckdb:" + destOf("wc")},
			env: []string{"GONG_ACCESS_KEY=key-for-tests", "GONG_ACCESS_KEY_SECRET=wrong-s3cret"}, code: 1,
			want: []string{"401", "GONG_ACCESS_KEY"}, dest: destOf("wc")},
		"plain http to a remote host": {args: []string{"apply", "--base-url", "http://api.gong.io", "--dest", "duckdb:" + destOf("ph")}, env: good, code: 1,
			want: []string{"https"}},
		"unreachable host": {args: []string{"apply", "--base-url", "http://127.0.0.1:1", "--from", from, "--dest", "duckdb:" + destOf("uh")}, env: good, code: 1,
			want: []string{"127.0.0.1:1", "refused"}, dest: destOf("uh")},
		"destination not writable": {args: []string{"apply", "--base-url", base, "--dest", "duckdb:" + filepath.Join(notDir, "x.duckdb")}, env: good, code: 1,
			want: []string{notDir}},
		"wrong types in an API answer": {args: []string{"apply", "--base-url", front.URL, "--streams", "users", "--dest", "duckdb:" + destOf("wt")}, env: good, code: 1,
			want: []string{"users", "emailAddress"}, dest: destOf("wt")},
		"HTML with status 200": {args: []string{"apply", "--base-url", front.URL, "--streams", "workspaces", "--dest", "duckdb:" + destOf("html")}, env: good, code: 1,
			want: []string{"workspaces", "base URL"}, dest: destOf("html")},
		"empty body with status 200": {args: []string{"apply", "--base-url", front.URL, "--from", from, "--streams", "transcripts", "--dest", "duckdb:" + destOf("empty")}, env: good, code: 1,
			want: []string{"transcripts"}, dest: destOf("empty")},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			// Debug logging on: no log line may carry a secret either.
			cmd := exec.Command(bin, append([]string{"-v"}, c.args...)...)
			cmd.Env = append(os.Environ(), "GONG_ACCESS_KEY=", "GONG_ACCESS_KEY_SECRET=", "CI=true", "GONGLOAD_CONFIG=")
			cmd.Env = append(cmd.Env, c.env...)
			cmd.Dir = dir
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			start := time.Now()
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			all := out.String() + errb.String()
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s", code, c.code, all)
			}
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("output does not mention %q:\n%s", w, all)
				}
			}
			for _, bad := range []string{"goroutine ", "panic:", "s3cret-for-tests", "wrong-s3cret", "runtime error"} {
				if strings.Contains(all, bad) {
					t.Errorf("output contains %q:\n%s", bad, all)
				}
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %s: a bad input must fail fast", d)
			}
			for _, f := range []string{c.dest, c.dest + ".wal"} {
				if b, err := os.ReadFile(f); c.dest != "" && err == nil {
					for _, secret := range []string{"s3cret-for-tests", "wrong-s3cret"} {
						if bytes.Contains(b, []byte(secret)) {
							t.Errorf("%s holds the secret %q (state, run records and logs must never)", f, secret)
						}
					}
				}
			}
			if c.dest != "" {
				if _, err := os.Stat(c.dest); err == nil {
					if n := count(t, c.dest, `SELECT count(*) FROM _gongload_state`); n != "0" {
						t.Errorf("%s windows committed by a failed run", n)
					}
				}
			}
		})
	}

	// A DuckDB file held by another running apply.
	t.Run("destination held by another apply", func(t *testing.T) {
		slow, slowBase := liveSim(t, gongsim.Config{Seed: 4, Users: 4, Calls: 200, Days: 30, Sentences: 4, Latency: 300 * time.Millisecond})
		_ = slow
		dest := destOf("held")
		first, lines := childApply(t, applyArgs(slowBase, dest, 30, "--concurrency", "1"))
		defer first.Process.Kill()
		for line := range lines {
			if strings.Contains(line, "units over") {
				break
			}
		}
		cmd := exec.Command(bin, applyArgs(slowBase, dest, 30)...)
		cmd.Env = append(os.Environ(), good...)
		b, err := cmd.CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 {
			t.Fatalf("second apply: %v\n%s", err, b)
		}
		if !strings.Contains(string(b), "in use") || strings.Contains(string(b), "goroutine ") {
			t.Errorf("message should say the destination is in use:\n%s", b)
		}
	})
}
