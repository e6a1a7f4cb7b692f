package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/gongload/gongload/extract"
)

// Template returns the gongload.hcl that `gongload init` writes: every
// attribute with its default and one comment line saying what it is (and its
// flag and environment variable). An attribute whose default is worked out
// at run time is commented out, so that the file does not pin it. Loading
// it gives the defaults: see the package's tests.
func Template() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# gongload.hcl, written by `gongload init`. Every attribute is shown with its default;")
	p("# a commented-out one has a default worked out at run time. Flags win over environment")
	p("# variables, and both over this file. Secrets never go here: set GONG_ACCESS_KEY and")
	p("# GONG_ACCESS_KEY_SECRET in the environment, or run `gongload auth login`.")
	p("")
	p(`source "gong" {`)
	p("  # Gong API host (--base-url, GONG_BASE_URL); default %s, or the OAuth token's api_base_url_for_customer.", DefaultBaseURL)
	p("  # base_url = %s", strconv.Quote(DefaultBaseURL))
	p("")
	p("  # Credentials: %s (GONG_ACCESS_KEY + GONG_ACCESS_KEY_SECRET) or %s (the token file) (--auth); default whichever is present.", AuthAccessKey, AuthOAuth)
	p("  # auth = %s", strconv.Quote(AuthAccessKey))
	p("")
	p("  # OAuth token file written by `gongload auth login` (--token-file); default $XDG_CONFIG_HOME/gongload/token.json.")
	p(`  # token_file = "~/.config/gongload/token.json"`)
	p("")
	p("  # Start of the history to load, YYYY-MM-DD or RFC 3339 (--from); default %d days ago.", int(DefaultHistory.Hours()/24))
	p(`  # start_date = "2025-01-31"`)
	p("")
	p("  # How much history every run reads again, for calls and transcripts Gong processes late (--lookback, GONGLOAD_LOOKBACK).")
	p("  lookback = %q", formatDuration(DefaultLookback))
	p("")
	p("  # API requests per second, shared by every stream (--rate-limit, GONGLOAD_RATE_LIMIT).")
	p("  rate_limit = %s", strconv.FormatFloat(DefaultRateLimit, 'g', -1, 64))
	p("")
	p("  # API requests per day; when they are spent, apply checkpoints and exits 4 (--daily-quota, GONGLOAD_DAILY_QUOTA).")
	p("  daily_quota = %d", DefaultDailyQuota)
	p("")
	p("  # API requests in flight at once (--concurrency, GONGLOAD_CONCURRENCY).")
	p("  concurrency = %d", DefaultConcurrency)
	p("")
	p("  # Longest Retry-After to wait for before checkpointing and exiting 4 (--max-wait).")
	p("  max_wait = %q", formatDuration(DefaultMaxWait))
	p("")
	p("  # Streams to run (--streams); default every stream, including those a later version adds.")
	p("  # streams = [%s]", quoteList(extract.StreamNames()))
	p("")
	p("  # Workspace IDs to restrict the copy to (--workspace); [] is every workspace.")
	p("  workspaces = []")
	p("")
	p("  # Window length of each windowed stream: the unit of work, commit and resume; at most %s (90 days).", formatDuration(MaxWindow))
	p("  windows = {")
	for _, s := range extract.Streams() {
		if s.Window() == extract.Span {
			p("    %s = %q", s.Name(), formatDuration(s.DefaultWindow()))
		}
	}
	p("  }")
	p("")
	p("  # How much coaching history every run reads again (each window costs workspaces × managers requests).")
	p("  coaching_lookback = %q", formatDuration(DefaultCoachingLookback))
	p("}")
	p("")
	p(`# Where to load (--dest, GONGLOAD_DEST): destination "duckdb" (one file) or destination "parquet" (a directory).`)
	p("destination %q {", DefaultDestKind)
	p("  # The DuckDB file, or the Parquet directory; a leading ~ is the home directory.")
	p("  path = %q", DefaultDestPath)
	p("}")
	return string(hclwrite.Format([]byte(b.String())))
}

// quoteList renders names as the inside of an HCL list of strings.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// Write writes [Template] to path, as `gongload init` does: atomically (a
// temporary file beside it, then a rename), mode 0644. It refuses to replace
// an existing file unless force is set; that error wraps fs.ErrExist.
func Write(path string, force bool) (err error) {
	if !force {
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s already exists: edit it, or pass --force to overwrite it with the defaults: %w", path, fs.ErrExist)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.WriteString(Template()); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if force {
		if err = os.Rename(tmp.Name(), path); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return nil
	}
	// Without force, a hard link refuses to replace a file that appeared
	// since the check above; where links are not supported, rename.
	if err = os.Link(tmp.Name(), path); err == nil {
		os.Remove(tmp.Name())
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: edit it, or pass --force to overwrite it with the defaults: %w", path, fs.ErrExist)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
