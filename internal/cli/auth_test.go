package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/internal/auth"
	"github.com/gongload/gongload/internal/gongsim"
)

const (
	oauthClientID     = "client-for-tests"
	oauthClientSecret = "client-s3cret-for-tests"
)

// oauthEnv isolates a test from the machine's credentials: no access key,
// the OAuth client secret set, and XDG_CONFIG_HOME in a temporary
// directory (so the default token file is the test's).
func oauthEnv(t *testing.T) string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "xdg")
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("GONG_CLIENT_SECRET", oauthClientSecret)
	for _, k := range []string{"GONG_ACCESS_KEY", "GONG_ACCESS_KEY_SECRET", "GONG_CLIENT_ID", "GONGLOAD_CONFIG", "GONGLOAD_TOKEN_FILE", "GONGLOAD_AUTH", "GONG_BASE_URL"} {
		t.Setenv(k, "") // restored after the test
		os.Unsetenv(k)
	}
	return filepath.Join(cfg, "gongload", "token.json")
}

func oauthSim(t *testing.T, cfg gongsim.Config) (*gongsim.Sim, string) {
	t.Helper()
	cfg.OAuthClientID, cfg.OAuthClientSecret = oauthClientID, oauthClientSecret
	return newSim(t, cfg)
}

// outputs collects everything gongload printed in a test, to check no
// token is in it.
type outputs struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *outputs) add(s ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, x := range s {
		o.b.WriteString(x)
		o.b.WriteByte('\n')
	}
}

// assertNoSecrets checks that no token the simulator issued, nor the
// client secret, appears in anything gongload printed.
func (o *outputs) assertNoSecrets(t *testing.T, sim *gongsim.Sim) {
	t.Helper()
	o.mu.Lock()
	text := o.b.String()
	o.mu.Unlock()
	issued := sim.IssuedTokens()
	if len(issued) == 0 {
		t.Fatal("the simulator issued no token: the scan proves nothing")
	}
	for _, tok := range append(issued, oauthClientSecret) {
		if strings.Contains(text, tok) {
			t.Errorf("a secret (%.9s…) appears in gongload's output", tok)
		}
	}
}

// lineWriter keeps what is written and sends each complete line on a
// channel.
type lineWriter struct {
	mu    sync.Mutex
	all   bytes.Buffer
	part  []byte
	lines chan string
}

func newLineWriter() *lineWriter { return &lineWriter{lines: make(chan string, 1000)} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.all.Write(p)
	if w.lines == nil {
		return len(p), nil
	}
	w.part = append(w.part, p...)
	for {
		i := bytes.IndexByte(w.part, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.lines <- string(w.part[:i])
		w.part = w.part[i+1:]
	}
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.all.String()
}

// runLocked is run with output buffers that take concurrent writes (the
// logger and the progress lines share stderr, and -v makes them busy).
func runLocked(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	out, errb := newLineWriter(), newLineWriter()
	out.lines, errb.lines = nil, nil
	code := Main(context.Background(), append([]string{"gongload"}, args...), out, errb)
	return code, out.String(), errb.String()
}

// authorizeURL waits for the line that is the authorize URL alone.
func authorizeURL(t *testing.T, lines <-chan string, base string) string {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("gongload ended without printing the authorize URL")
			}
			if strings.HasPrefix(l, base+"/oauth2/authorize?") {
				if strings.TrimSpace(l) != l || strings.Contains(l, " ") {
					t.Errorf("the authorize URL is not alone on its line: %q", l)
				}
				return l
			}
		case <-timeout:
			t.Fatal("no authorize URL printed")
		}
	}
}

// browse is the test's browser: it GETs u and follows the simulator's
// redirect to the loopback listener, and returns the final status and page.
func browse(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func loginArgs(base string, extra ...string) []string {
	return append([]string{"auth", "login", "--no-browser", "--redirect-port", "0", "--client-id", oauthClientID,
		"--auth-url", base + "/oauth2/authorize", "--token-url", base + "/oauth2/generate-customer-token"}, extra...)
}

// startLogin runs `gongload auth login` in-process in the background.
func startLogin(t *testing.T, args []string) (stdout, stderr *lineWriter, code <-chan int) {
	t.Helper()
	stdout, stderr = newLineWriter(), newLineWriter()
	done := make(chan int, 1)
	go func() {
		done <- Main(context.Background(), append([]string{"gongload"}, args...), stdout, stderr)
		close(stdout.lines)
	}()
	return stdout, stderr, done
}

func wait(t *testing.T, code <-chan int) int {
	t.Helper()
	select {
	case c := <-code:
		return c
	case <-time.After(30 * time.Second):
		t.Fatal("gongload auth login did not end")
		return -1
	}
}

// cliLogin logs in through the CLI against the simulator, the way a user
// does: run `auth login`, open the printed URL, which redirects to the
// loopback listener.
func cliLogin(t *testing.T, base string, o *outputs, extra ...string) {
	t.Helper()
	stdout, stderr, code := startLogin(t, loginArgs(base, extra...))
	u := authorizeURL(t, stdout.lines, base)
	if st, page := browse(t, u); st != 200 || !strings.Contains(page, "You can close this tab") {
		t.Errorf("the redirect page = %d %s", st, page)
	}
	c := wait(t, code)
	o.add(stdout.String(), stderr.String())
	if c != 0 {
		t.Fatalf("auth login: exit %d\n%s\n%s", c, stdout.String(), stderr.String())
	}
}

// TestAuthLoginStatusLogout logs in end to end (the default token file,
// under XDG_CONFIG_HOME), checks the file's mode and contents, then status
// and logout; nothing printed holds a token.
func TestAuthLoginStatusLogout(t *testing.T) {
	path := oauthEnv(t)
	sim, base := oauthSim(t, gongsim.Config{Seed: 3, Users: 10, Calls: 20, Days: 5, Sentences: 5})
	var o outputs
	cliLogin(t, base, &o)

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no token file at the default path: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %04o, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(filepath.Dir(path)); di.Mode().Perm() != 0o700 {
		t.Errorf("token directory mode %04o, want 0700", di.Mode().Perm())
	}
	tok, err := auth.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if tok.BaseURL != base || tok.ClientID != oauthClientID || !slices.Equal(tok.Scopes, auth.DefaultScopes) || tok.RefreshToken.IsZero() {
		t.Errorf("token file: base %q client %q scopes %v", tok.BaseURL, tok.ClientID, tok.Scopes)
	}
	if !strings.Contains(o.b.String(), "Logged in. Token saved to "+path+" (mode 0600).") {
		t.Errorf("login output:\n%s", o.b.String())
	}

	code, out, errOut := run(t, "auth", "status")
	o.add(out, errOut)
	for _, want := range []string{"token file: " + path + " (mode 0600)", "base URL:   " + base, "client ID:  " + oauthClientID,
		"api:calls:read:transcript", "expires:    " + tok.Expiry.Format(time.RFC3339), "a refresh token is held"} {
		if !strings.Contains(out, want) {
			t.Errorf("auth status lacks %q:\n%s", want, out)
		}
	}
	if code != 0 || strings.Contains(out, "without their scope") {
		t.Errorf("auth status: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = run(t, "auth", "logout")
	o.add(out, errOut)
	if _, err := os.Stat(path); code != 0 || !errors.Is(err, os.ErrNotExist) || !strings.Contains(out, "removed "+path) {
		t.Errorf("auth logout: exit %d, file: %v\n%s%s", code, err, out, errOut)
	}
	code, out, errOut = run(t, "auth", "status")
	o.add(out, errOut)
	if code != ExitError || !strings.Contains(errOut, "not logged in") || !strings.Contains(errOut, "gongload auth login") {
		t.Errorf("auth status after logout: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, "auth", "logout")
	o.add(out, errOut)
	if code != 0 || !strings.Contains(out, "Not logged in") {
		t.Errorf("second logout: exit %d\n%s%s", code, out, errOut)
	}
	o.assertNoSecrets(t, sim)
}

// TestAuthLoginFailures: a denied consent, a wrong state and a timeout end
// `auth login` with exit 1, a message saying what happened, and no file.
func TestAuthLoginFailures(t *testing.T) {
	oauthEnv(t)
	_, base := oauthSim(t, gongsim.Config{Seed: 3, Users: 5, Calls: 5, Days: 5, Sentences: 5})
	// back goes to the authorize URL's redirect_uri with the query f makes
	// from its state, as Gong would after a refusal.
	back := func(f func(state string) url.Values) func(t *testing.T, authURL string) {
		return func(t *testing.T, authURL string) {
			u, _ := url.Parse(authURL)
			if st, _ := browse(t, u.Query().Get("redirect_uri")+"?"+f(u.Query().Get("state")).Encode()); st != http.StatusBadRequest {
				t.Errorf("the redirect page = %d, want 400", st)
			}
		}
	}
	for name, tc := range map[string]struct {
		browser func(t *testing.T, authURL string)
		extra   []string
		want    []string
	}{
		"denied consent": {browser: back(func(st string) url.Values {
			return url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request"}, "state": {st}}
		}), want: []string{"consent was denied", "access_denied", "run gongload auth login again"}},
		"wrong state": {browser: back(func(string) url.Values {
			return url.Values{"code": {"gsac_whatever"}, "state": {"not-the-state"}}
		}), want: []string{"state does not match", "run gongload auth login again"}},
		"timeout": {browser: func(*testing.T, string) {}, extra: []string{"--timeout", "300ms"},
			want: []string{"no redirect from Gong arrived within 300ms", "--timeout"}},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "token.json")
			stdout, stderr, code := startLogin(t, loginArgs(base, append(tc.extra, "--token-file", path)...))
			tc.browser(t, authorizeURL(t, stdout.lines, base))
			if c := wait(t, code); c != ExitError {
				t.Errorf("exit %d, want 1", c)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a token file was written: %v", err)
			}
		})
	}
	// No client secret: refused before anything is printed.
	t.Setenv("GONG_CLIENT_SECRET", "")
	if code, _, errOut := run(t, loginArgs(base)...); code != ExitError || !strings.Contains(errOut, "GONG_CLIENT_SECRET") {
		t.Errorf("login without GONG_CLIENT_SECRET: exit %d\n%s", code, errOut)
	}
}

// TestOAuthApplyOutlivesTokens is the acceptance: log in against the
// simulator, then `apply --auth oauth` with access tokens that live one
// second loads exactly what a Basic-auth apply loads (and what the API
// serves), over many token lifetimes; the refresh token rotated; API calls
// went to the token's api_base_url_for_customer; no token in any output.
func TestOAuthApplyOutlivesTokens(t *testing.T) {
	path := oauthEnv(t)
	cfg := gongsim.Config{Seed: 11, Users: 30, Calls: 160, Days: 14, Sentences: 8, Latency: 20 * time.Millisecond, TokenTTL: time.Second}
	sim, base := oauthSim(t, cfg)
	var o outputs
	cliLogin(t, base, &o)
	first, err := auth.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	from, to := simNow.AddDate(0, 0, -14).Format(time.RFC3339), simNow.Format(time.RFC3339)
	args := func(dest string, extra ...string) []string {
		return append([]string{"-v", "apply", "--dest", "duckdb:" + filepath.Join(dir, dest), "--from", from, "--to", to,
			"--rate-limit", "15", "--concurrency", "4", "--lookback", "0s"}, extra...)
	}

	// Besides expiring on their own, access tokens are revoked now and then
	// (sim.ExpireAccessTokens): requests get 401s, refresh and retry.
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(1300 * time.Millisecond):
				sim.ExpireAccessTokens()
			}
		}
	}()
	started := time.Now()
	code, out, errOut := runLocked(t, args("oauth.duckdb", "--auth", "oauth")...) // no --base-url: the token's
	close(stop)
	o.add(out, errOut)
	took := time.Since(started)
	if code != 0 {
		t.Fatalf("apply --auth oauth: exit %d\n%s\n%s", code, out, errOut)
	}
	st := sim.OAuthStats()
	t.Logf("apply took %s; OAuth: %+v", took.Round(time.Millisecond), st)
	if took < 3*time.Second || st.Refreshes < 3 {
		t.Errorf("the apply took %s with %d refreshes: it must outlive several 1s tokens", took, st.Refreshes)
	}
	if st.ExpiredTokens == 0 {
		t.Errorf("OAuth stats %+v: no request met a revoked token, so the 401 path went untested", st)
	}
	if st.InvalidGrants != 0 || st.ScopeDenied != 0 {
		t.Errorf("OAuth stats %+v: no refresh token may be reused", st)
	}
	last, err := auth.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if last.RefreshToken == first.RefreshToken || last.AccessToken == first.AccessToken {
		t.Error("the token file's pair was not rotated")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode after rotations: %04o", fi.Mode().Perm())
	}
	// Every token the simulator issued but the file's last pair has been
	// replaced; the last access token is the one in the file.
	issued := sim.IssuedTokens()
	if got := issued[len(issued)-2:]; got[0] != last.AccessToken.Reveal() || got[1] != last.RefreshToken.Reveal() {
		t.Error("the token file does not hold the last pair the simulator issued")
	}

	// The same apply with the access key: the same rows.
	t.Setenv("GONG_ACCESS_KEY", "key-for-tests")
	t.Setenv("GONG_ACCESS_KEY_SECRET", "s3cret-for-tests")
	code, out, errOut = runLocked(t, args("basic.duckdb", "--base-url", base)...)
	o.add(out, errOut)
	if code != 0 {
		t.Fatalf("apply (access key): exit %d\n%s\n%s", code, out, errOut)
	}
	oauthDB, basicDB := openDB(t, filepath.Join(dir, "oauth.duckdb")), openDB(t, filepath.Join(dir, "basic.duckdb"))
	want, got := digests(t, basicDB), digests(t, oauthDB)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tables (-access key +oauth):\n%s", diff)
	}
	if len(want) < 10 {
		t.Errorf("only %d tables loaded: %v", len(want), slices.Sorted(maps.Keys(want)))
	}
	if n := rows(t, oauthDB, `SELECT count(*) FROM users`)[0][0]; n != fmt.Sprint(len(sim.Users())) {
		t.Errorf("users: %s rows, the API serves %d", n, len(sim.Users()))
	}
	var calls int
	for _, c := range sim.Calls() {
		if s, _ := time.Parse(time.RFC3339Nano, c.MetaData.Started); !s.Before(simNow.AddDate(0, 0, -14)) && s.Before(simNow) {
			calls++
		}
	}
	if n := rows(t, oauthDB, `SELECT count(*) FROM calls`)[0][0]; n != fmt.Sprint(calls) || calls == 0 {
		t.Errorf("calls: %s rows, the API serves %d in the range", n, calls)
	}

	// Only a token file present: OAuth is chosen without --auth.
	t.Setenv("GONG_ACCESS_KEY", "")
	t.Setenv("GONG_ACCESS_KEY_SECRET", "")
	code, out, errOut = runLocked(t, args("auto.duckdb", "--streams", "users,workspaces")...)
	o.add(out, errOut)
	if code != 0 {
		t.Fatalf("apply with only a token file: exit %d\n%s\n%s", code, out, errOut)
	}
	o.assertNoSecrets(t, sim)
}

// TestOAuthReusedRefreshToken: a token file put back to a pair whose
// refresh token was already used: Gong answers invalid_grant and apply
// ends at once with exit 1 and "run gongload auth login again".
func TestOAuthReusedRefreshToken(t *testing.T) {
	path := oauthEnv(t)
	sim, base := oauthSim(t, gongsim.Config{Seed: 3, Users: 5, Calls: 10, Days: 5, Sentences: 5})
	var o outputs
	cliLogin(t, base, &o)
	old, _ := os.ReadFile(path)
	expire := func() {
		tok, err := auth.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tok.Expiry, tok.Obtained = time.Now().Add(-time.Minute), time.Now().Add(-25*time.Hour)
		if err := auth.WriteFile(path, tok); err != nil {
			t.Fatal(err)
		}
	}
	expire()
	dest := filepath.Join(t.TempDir(), "g.duckdb")
	apply := []string{"apply", "--auth", "oauth", "--dest", "duckdb:" + dest, "--streams", "users", "--rate-limit", "100"}
	code, out, errOut := run(t, apply...) // refreshes: the old refresh token is now spent
	o.add(out, errOut)
	if code != 0 || sim.OAuthStats().Refreshes != 1 {
		t.Fatalf("apply: exit %d, %d refreshes\n%s\n%s", code, sim.OAuthStats().Refreshes, out, errOut)
	}
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	expire()
	requests := sim.Stats().APIRequests
	code, out, errOut = run(t, apply...)
	o.add(out, errOut)
	if code != ExitError || !strings.Contains(errOut, "invalid_grant") || !strings.HasSuffix(strings.TrimSpace(errOut), "run gongload auth login again") {
		t.Errorf("apply with a spent refresh token: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if st := sim.OAuthStats(); st.ReusedRefresh != 1 {
		t.Errorf("OAuth stats %+v, want one reuse refused", st)
	}
	if n := sim.Stats().APIRequests - requests; n != 0 {
		t.Errorf("%d API requests sent after the refused refresh, want none", n)
	}
	o.assertNoSecrets(t, sim)
}

// TestOAuthMissingScope: a token without api:calls:read:transcript fails
// the transcripts stream only, naming the scope and the stream; the other
// streams load (exit 3).
func TestOAuthMissingScope(t *testing.T) {
	path := oauthEnv(t)
	sim, base := oauthSim(t, gongsim.Config{Seed: 5, Users: 12, Calls: 40, Days: 10, Sentences: 5})
	var scopes []string
	for _, sc := range auth.DefaultScopes {
		if sc != "api:calls:read:transcript" {
			scopes = append(scopes, sc)
		}
	}
	var o outputs
	cliLogin(t, base, &o, "--scopes", strings.Join(scopes, ","), "--token-file", path)
	code, out, errOut := run(t, "auth", "status", "--token-file", path)
	o.add(out, errOut)
	if code != 0 || !strings.Contains(out, "streams without their scope (they will fail): transcripts (api:calls:read:transcript)") {
		t.Errorf("auth status: exit %d\n%s", code, out)
	}
	dest := filepath.Join(t.TempDir(), "g.duckdb")
	code, out, errOut = run(t, "apply", "--auth", "oauth", "--token-file", path, "--dest", "duckdb:"+dest,
		"--from", simNow.AddDate(0, 0, -10).Format(time.RFC3339), "--to", simNow.Format(time.RFC3339), "--rate-limit", "200", "--lookback", "0s")
	o.add(out, errOut)
	if code != ExitPartial {
		t.Fatalf("apply: exit %d, want 3\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "1 of 13 streams failed") && !strings.Contains(errOut, "streams failed") {
		t.Errorf("stderr does not report the failed stream:\n%s", errOut)
	}
	named := false
	for l := range strings.SplitSeq(errOut, "\n") {
		switch {
		case strings.Contains(l, "transcripts") && strings.Contains(l, `lacks the scope "api:calls:read:transcript"`):
			named = true
		case strings.Contains(l, "lacks the scope"):
			t.Errorf("another stream lacks a scope: %s", l)
		}
	}
	if !named {
		t.Errorf("no line names the stream and the scope:\n%s", errOut)
	}
	db := openDB(t, dest)
	if n := rows(t, db, `SELECT count(*) FROM users`)[0][0]; n != fmt.Sprint(len(sim.Users())) {
		t.Errorf("users: %s rows, want %d", n, len(sim.Users()))
	}
	if n := rows(t, db, `SELECT count(*) FROM calls`)[0][0]; n == "0" {
		t.Error("no calls loaded")
	}
	if st := sim.OAuthStats(); st.Refreshes != 0 || st.ScopeDenied == 0 {
		t.Errorf("OAuth stats %+v: a missing scope must not refresh the token", st)
	}
	o.assertNoSecrets(t, sim)
}

// TestOAuthCredentialChoice covers --auth and its defaults.
func TestOAuthCredentialChoice(t *testing.T) {
	path := oauthEnv(t)
	sim, base := oauthSim(t, gongsim.Config{Seed: 3, Users: 5, Calls: 5, Days: 5, Sentences: 5})
	dest := "duckdb:" + filepath.Join(t.TempDir(), "g.duckdb")
	apply := []string{"apply", "--dest", dest, "--streams", "users", "--rate-limit", "100"}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"bad --auth":           {[]string{"--auth", "oauth2"}, `bad --auth "oauth2"`},
		"oauth without file":   {[]string{"--auth", "oauth"}, "no token file at " + path + ": run `gongload auth login` first"},
		"nothing at all":       {nil, "set GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET"},
		"access key asked for": {[]string{"--auth", "access_key"}, "GONG_ACCESS_KEY"},
	} {
		code, _, errOut := run(t, append(slices.Clone(apply), tc.args...)...)
		if code != ExitError || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d\n%s", name, code, errOut)
		}
	}
	var o outputs
	cliLogin(t, base, &o)
	t.Setenv("GONG_CLIENT_SECRET", "")
	if code, _, errOut := run(t, append(slices.Clone(apply), "--auth", "oauth")...); code != ExitError || !strings.Contains(errOut, "GONG_CLIENT_SECRET") {
		t.Errorf("oauth without GONG_CLIENT_SECRET: exit %d\n%s", code, errOut)
	}
	t.Setenv("GONG_CLIENT_SECRET", oauthClientSecret)
	// Both present: the access key wins unless --auth oauth.
	credentials(t)
	code, out, errOut := run(t, append(slices.Clone(apply), "--base-url", base)...)
	if code != 0 || sim.OAuthStats().TokenRequests != 1 {
		t.Errorf("apply with both: exit %d\n%s%s", code, out, errOut)
	}
	byStatus := sim.Stats().APIRequests
	code, out, errOut = run(t, append(slices.Clone(apply), "--auth", "oauth")...)
	o.add(out, errOut)
	if code != 0 || sim.Stats().APIRequests == byStatus {
		t.Errorf("apply --auth oauth with both: exit %d\n%s%s", code, out, errOut)
	}
	o.assertNoSecrets(t, sim)
}

// TestStreamScopes keeps auth status's table in step with the streams and
// the default scopes.
func TestStreamScopes(t *testing.T) {
	for _, name := range extract.StreamNames() {
		sc, ok := streamScopes[name]
		if !ok {
			t.Errorf("stream %s has no scope in streamScopes", name)
		}
		if !slices.Contains(auth.DefaultScopes, sc) {
			t.Errorf("stream %s's scope %s is not among auth.DefaultScopes", name, sc)
		}
	}
}

// TestOAuthBinary is the acceptance with the binary: `gongload auth login`
// against the simulator writes a 0600 token file, and `gongload apply
// --auth oauth` with two-second tokens exits 0; neither prints a token.
func TestOAuthBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	path := oauthEnv(t)
	sim, base := oauthSim(t, gongsim.Config{Seed: 13, Users: 20, Calls: 120, Days: 10, Sentences: 6, Latency: 15 * time.Millisecond, TokenTTL: 2 * time.Second})
	bin := binary(t)
	var o outputs

	login := exec.Command(bin, loginArgs(base)...)
	login.Env = os.Environ()
	stdout, _ := login.StdoutPipe()
	var stderr bytes.Buffer
	login.Stderr = &stderr
	if err := login.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	var printed strings.Builder
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			printed.WriteString(sc.Text() + "\n")
			lines <- sc.Text()
		}
	}()
	browse(t, authorizeURL(t, lines, base))
	for range lines {
	}
	if err := login.Wait(); err != nil {
		t.Fatalf("gongload auth login: %v\n%s\n%s", err, printed.String(), stderr.String())
	}
	o.add(printed.String(), stderr.String())
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}

	dest := filepath.Join(t.TempDir(), "g.duckdb")
	apply := exec.Command(bin, "apply", "--auth", "oauth", "--dest", "duckdb:"+dest, "--from", simNow.AddDate(0, 0, -10).Format(time.RFC3339),
		"--to", simNow.Format(time.RFC3339), "--rate-limit", "30", "--concurrency", "4", "--lookback", "0s")
	apply.Env = append(os.Environ(), "CI=true")
	outb, err := apply.CombinedOutput()
	o.add(string(outb))
	if err != nil {
		t.Fatalf("gongload apply --auth oauth: %v\n%s", err, outb)
	}
	if st := sim.OAuthStats(); st.Refreshes < 1 || st.InvalidGrants != 0 {
		t.Errorf("OAuth stats %+v", st)
	}
	db := openDB(t, dest)
	if n := rows(t, db, `SELECT count(*) FROM users`)[0][0]; n != fmt.Sprint(len(sim.Users())) {
		t.Errorf("users: %s, want %d", n, len(sim.Users()))
	}
	o.assertNoSecrets(t, sim)
}

// TestOAuthAPICommand: `gongload api` uses the token file when it is the
// only credential, and calls the token's api_base_url_for_customer.
func TestOAuthAPICommand(t *testing.T) {
	oauthEnv(t)
	sim, base := oauthSim(t, gongsim.Config{Seed: 3, Users: 7, Calls: 5, Days: 5, Sentences: 5})
	var o outputs
	cliLogin(t, base, &o)
	code, out, errOut := run(t, "api", "users", "list", "--rate-limit", "100")
	o.add(out, errOut)
	if n := strings.Count(out, "\n"); code != 0 || n != len(sim.Users()) {
		t.Errorf("api users list: exit %d, %d lines for %d users\n%s", code, n, len(sim.Users()), errOut)
	}
	o.assertNoSecrets(t, sim)
}
