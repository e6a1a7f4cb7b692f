package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/internal/secret"
)

// Settings are the resolved settings of plan and apply: flag > env > file >
// default.
type Settings struct {
	BaseURL     string
	Dest        Dest
	From, To    time.Time
	Streams     []string
	Lookback    time.Duration
	RateLimit   float64
	DailyQuota  int64
	Concurrency int
	MaxWait     time.Duration
	Windows     map[string]time.Duration // per stream window length
	CallIDs     []string
	Workspaces  []string
	Reconcile   bool
	AccessKey   secret.String
	AccessKeyS  secret.String
}

// Dest is a destination: duckdb:PATH or parquet:DIR.
type Dest struct {
	Kind string // "duckdb" or "parquet"
	Path string
}

func (d Dest) String() string { return d.Kind + ":" + d.Path }

// ParseDest parses --dest.
func ParseDest(s string) (Dest, error) {
	kind, path, ok := strings.Cut(s, ":")
	switch {
	case ok && (kind == "duckdb" || kind == "parquet") && path != "":
		return Dest{Kind: kind, Path: path}, nil
	case !ok && strings.HasSuffix(s, ".duckdb"):
		return Dest{Kind: "duckdb", Path: s}, nil
	}
	return Dest{}, userError("bad destination %q: use duckdb:PATH (a DuckDB file) or parquet:DIR (a directory of Parquet files)", s)
}

// ParseTime parses a --from/--to value: YYYY-MM-DD (UTC midnight) or RFC 3339.
func ParseTime(flag, s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, userError("bad --%s %q: use a date (2026-01-31) or an RFC 3339 time (2026-01-31T08:00:00Z)", flag, s)
}

// Defaults (SPEC §3, §4).
const (
	DefaultBaseURL     = "https://api.gong.io"
	DefaultDest        = "duckdb:gong.duckdb"
	DefaultLookback    = 168 * time.Hour
	DefaultRateLimit   = 3
	DefaultDailyQuota  = 10000
	DefaultConcurrency = 8
	DefaultMaxWait     = 10 * time.Minute
	DefaultHistory     = 365 * 24 * time.Hour
	MaxWindow          = 90 * 24 * time.Hour
)

// syncFlags are the flags of plan and apply.
func syncFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "base-url", Usage: "Gong API host (http only for loopback hosts)", Value: DefaultBaseURL, Sources: cli.EnvVars("GONG_BASE_URL")},
		&cli.StringFlag{Name: "dest", Usage: "destination: duckdb:PATH or parquet:DIR", Value: DefaultDest, Sources: cli.EnvVars("GONGLOAD_DEST")},
		&cli.StringFlag{Name: "from", Usage: "start of the history to cover (YYYY-MM-DD or RFC 3339; default 365 days ago)"},
		&cli.StringFlag{Name: "to", Usage: "end of the history to cover, exclusive (default now)"},
		&cli.StringSliceFlag{Name: "streams", Usage: "streams to run, comma-separated (default all): " + strings.Join(extract.StreamNames(), ",")},
		&cli.DurationFlag{Name: "lookback", Usage: "re-read window for late data", Value: DefaultLookback, Sources: cli.EnvVars("GONGLOAD_LOOKBACK")},
		&cli.FloatFlag{Name: "rate-limit", Usage: "API requests per second", Value: DefaultRateLimit, Sources: cli.EnvVars("GONGLOAD_RATE_LIMIT")},
		&cli.Int64Flag{Name: "daily-quota", Usage: "API requests per day", Value: DefaultDailyQuota, Sources: cli.EnvVars("GONGLOAD_DAILY_QUOTA")},
		&cli.IntFlag{Name: "concurrency", Usage: "requests in flight", Value: DefaultConcurrency, Sources: cli.EnvVars("GONGLOAD_CONCURRENCY")},
		&cli.DurationFlag{Name: "max-wait", Usage: "longest Retry-After to wait before checkpointing (exit 4)", Value: DefaultMaxWait},
		&cli.StringSliceFlag{Name: "call-id", Usage: "resync these calls (extensive data and transcripts); watermarks untouched"},
		&cli.StringSliceFlag{Name: "workspace", Usage: "only these workspace IDs"},
		&cli.BoolFlag{Name: "reconcile", Usage: "re-read all loaded call history and delete calls Gong no longer returns"},
	}
}

// settingsFrom resolves the settings of a plan/apply command.
func settingsFrom(cmd *cli.Command, now time.Time) (Settings, error) {
	s := Settings{
		BaseURL:     strings.TrimRight(cmd.String("base-url"), "/"),
		Lookback:    cmd.Duration("lookback"),
		RateLimit:   cmd.Float("rate-limit"),
		DailyQuota:  cmd.Int64("daily-quota"),
		Concurrency: cmd.Int("concurrency"),
		MaxWait:     cmd.Duration("max-wait"),
		Windows:     map[string]time.Duration{},
		AccessKey:   secret.String(os.Getenv("GONG_ACCESS_KEY")),
		AccessKeyS:  secret.String(os.Getenv("GONG_ACCESS_KEY_SECRET")),
	}
	var err error
	if s.Dest, err = ParseDest(cmd.String("dest")); err != nil {
		return s, err
	}
	s.To = now.UTC().Truncate(time.Second)
	if v := cmd.String("to"); v != "" {
		if s.To, err = ParseTime("to", v); err != nil {
			return s, err
		}
	}
	s.From = s.To.Add(-DefaultHistory).Truncate(24 * time.Hour)
	if v := cmd.String("from"); v != "" {
		if s.From, err = ParseTime("from", v); err != nil {
			return s, err
		}
	}
	if !s.From.Before(s.To) {
		return s, userError("--from %s is not before --to %s: the range to load is empty", s.From.Format(time.RFC3339), s.To.Format(time.RFC3339))
	}
	for _, v := range cmd.StringSlice("streams") {
		for name := range strings.SplitSeq(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			if _, ok := extract.Lookup(name); !ok {
				return s, userError("unknown stream %q: the streams are %s", name, strings.Join(extract.StreamNames(), ", "))
			}
			if !slices.Contains(s.Streams, name) {
				s.Streams = append(s.Streams, name)
			}
		}
	}
	if len(s.Streams) == 0 {
		s.Streams = extract.StreamNames()
	}
	if s.CallIDs, err = idList(cmd.StringSlice("call-id"), "--call-id"); err != nil {
		return s, err
	}
	if s.Workspaces, err = idList(cmd.StringSlice("workspace"), "--workspace"); err != nil {
		return s, err
	}
	s.Reconcile = cmd.Bool("reconcile")
	switch {
	case len(s.CallIDs) > 0 && s.Reconcile:
		return s, userError("--call-id and --reconcile do not go together: a targeted resync reads only the given calls")
	case s.RateLimit <= 0:
		return s, userError("--rate-limit must be above 0 (Gong's default limit is 3 requests a second)")
	case s.Concurrency < 1:
		return s, userError("--concurrency must be at least 1")
	case s.Lookback < 0:
		return s, userError("--lookback must not be negative")
	}
	return s, nil
}

// checkCredentials reports missing access-key credentials.
func (s Settings) checkCredentials() error {
	if s.AccessKey == "" || s.AccessKeyS == "" {
		return userError("no Gong credentials: set GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET (a Gong tech admin creates them under Company settings → Ecosystem → API)")
	}
	return nil
}

// absPath makes a destination path absolute for messages.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// idList splits comma-separated Gong IDs and checks they are digits only.
func idList(vals []string, flag string) ([]string, error) {
	var out []string
	for _, v := range vals {
		for id := range strings.SplitSeq(v, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if strings.Trim(id, "0123456789") != "" || len(id) > 20 {
				return nil, userError("bad %s %q: Gong IDs are up to 20 digits", flag, id)
			}
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out, nil
}
