package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/internal/auth"
	"github.com/gongload/gongload/internal/config"
	"github.com/gongload/gongload/internal/secret"
)

// Settings are the resolved settings of plan and apply: flag > env > file >
// default.
type Settings struct {
	BaseURL        string
	Dest           Dest
	From, To       time.Time
	Streams        []string
	Lookback       time.Duration
	RateLimit      float64
	DailyQuota     int64
	Concurrency    int
	MaxWait        time.Duration
	Windows        map[string]time.Duration // per stream window length
	StreamLookback map[string]time.Duration // per stream lookback (coaching_lookback)
	CallIDs        []string
	Workspaces     []string
	Reconcile      bool
	AccessKey      secret.String
	AccessKeyS     secret.String
	// BaseURLSet is true when --base-url, GONG_BASE_URL or base_url chose
	// the base URL; otherwise an OAuth token's api_base_url_for_customer
	// wins over the default.
	BaseURLSet bool
	// Auth is the kind of credentials: config.AuthAccessKey,
	// config.AuthOAuth, or "" for whichever is present (see authMode).
	Auth string
	// TokenFile is the OAuth token file ("" = auth.DefaultTokenFile()).
	TokenFile    string
	ClientID     string        // GONG_CLIENT_ID
	ClientSecret secret.String // GONG_CLIENT_SECRET: refreshes the OAuth token
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

// Defaults (SPEC §3, §4), shared with the config file's.
const (
	DefaultBaseURL     = config.DefaultBaseURL
	DefaultDest        = config.DefaultDestKind + ":" + config.DefaultDestPath
	DefaultLookback    = config.DefaultLookback
	DefaultRateLimit   = config.DefaultRateLimit
	DefaultDailyQuota  = config.DefaultDailyQuota
	DefaultConcurrency = config.DefaultConcurrency
	DefaultMaxWait     = config.DefaultMaxWait
	DefaultHistory     = config.DefaultHistory
	MaxWindow          = config.MaxWindow
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
		&cli.StringFlag{Name: "auth", Usage: "credentials: access_key (GONG_ACCESS_KEY + GONG_ACCESS_KEY_SECRET) or oauth (the token file of gongload auth login); default: whichever is present", Sources: cli.EnvVars("GONGLOAD_AUTH")},
		&cli.StringFlag{Name: "token-file", Usage: "OAuth token file (default $XDG_CONFIG_HOME/gongload/token.json, else ~/.config/gongload/token.json)", Sources: cli.EnvVars("GONGLOAD_TOKEN_FILE")},
	}
}

// loadConfig reads --config, or ./gongload.hcl when it exists; nil when
// there is no config file.
func loadConfig(cmd *cli.Command) (*config.File, error) {
	path := cmd.String("config")
	if path == "" {
		if _, err := os.Stat(config.DefaultPath); err != nil {
			return nil, nil
		}
		path = config.DefaultPath
	}
	return config.Load(path)
}

// settingsFrom resolves the settings of a plan/apply command: flag, then
// environment (both through the flag's sources), then the config file, then
// the default.
func settingsFrom(cmd *cli.Command, now time.Time) (Settings, error) {
	file, err := loadConfig(cmd)
	if err != nil {
		return Settings{}, err
	}
	src := config.Source{}
	if file != nil {
		src = file.Source
	}
	set := cmd.IsSet
	s := Settings{
		BaseURL:      strings.TrimRight(pick(set("base-url"), cmd.String("base-url"), src.BaseURL), "/"),
		Lookback:     pick(set("lookback"), cmd.Duration("lookback"), src.Lookback),
		RateLimit:    pick(set("rate-limit"), cmd.Float("rate-limit"), src.RateLimit),
		DailyQuota:   pick(set("daily-quota"), cmd.Int64("daily-quota"), src.DailyQuota),
		Concurrency:  pick(set("concurrency"), cmd.Int("concurrency"), src.Concurrency),
		MaxWait:      pick(set("max-wait"), cmd.Duration("max-wait"), src.MaxWait),
		Windows:      map[string]time.Duration{},
		AccessKey:    secret.String(os.Getenv("GONG_ACCESS_KEY")),
		AccessKeyS:   secret.String(os.Getenv("GONG_ACCESS_KEY_SECRET")),
		BaseURLSet:   (set("base-url") && strings.TrimSpace(cmd.String("base-url")) != "") || src.BaseURL != nil,
		Auth:         pick(set("auth"), cmd.String("auth"), src.Auth),
		TokenFile:    pick(set("token-file"), cmd.String("token-file"), src.TokenFile),
		ClientID:     os.Getenv("GONG_CLIENT_ID"),
		ClientSecret: secret.String(os.Getenv("GONG_CLIENT_SECRET")),
	}
	switch s.Auth {
	case "", config.AuthAccessKey, config.AuthOAuth:
	default:
		return s, userError("bad --auth %q: use %s (GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET) or %s (the token file of `gongload auth login`), or leave it out to use whichever is present",
			s.Auth, config.AuthAccessKey, config.AuthOAuth)
	}
	for k, v := range src.Windows {
		s.Windows[k] = v
	}
	if src.CoachingLookback != nil {
		s.StreamLookback = map[string]time.Duration{"coaching": *src.CoachingLookback}
	}
	dest := cmd.String("dest")
	if !set("dest") && file != nil && file.Dest != nil {
		dest = file.Dest.Kind + ":" + file.Dest.Path
	}
	if s.Dest, err = ParseDest(dest); err != nil {
		return s, err
	}
	s.To = now.UTC().Truncate(time.Second)
	if v := cmd.String("to"); v != "" {
		if s.To, err = ParseTime("to", v); err != nil {
			return s, err
		}
	}
	s.From = s.To.Add(-DefaultHistory).Truncate(24 * time.Hour)
	if src.StartDate != nil {
		s.From = *src.StartDate
	}
	if v := cmd.String("from"); v != "" {
		if s.From, err = ParseTime("from", v); err != nil {
			return s, err
		}
	}
	if !s.From.Before(s.To) {
		return s, userError("--from %s is not before --to %s: the range to load is empty", s.From.Format(time.RFC3339), s.To.Format(time.RFC3339))
	}
	streams := cmd.StringSlice("streams")
	if !set("streams") && len(src.Streams) > 0 {
		streams = src.Streams
	}
	for _, v := range streams {
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
	workspaces := cmd.StringSlice("workspace")
	if !set("workspace") {
		workspaces = src.Workspaces
	}
	if s.Workspaces, err = idList(workspaces, "--workspace"); err != nil {
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

// pick returns the flag's value when set (by flag or environment), else the
// file's when set, else the flag's default.
func pick[T any](flagSet bool, flagVal T, fileVal *T) T {
	if !flagSet && fileVal != nil {
		return *fileVal
	}
	return flagVal
}

// checkCredentials reports missing credentials: the access key and its
// secret, or the OAuth token file and the client secret that refreshes it.
func (s Settings) checkCredentials() error {
	_, err := s.authMode()
	return err
}

// clientSecret is GONG_CLIENT_SECRET: the settings', else the
// environment's (for callers that fill Settings by hand, like api).
func (s Settings) clientSecret() secret.String {
	if !s.ClientSecret.IsZero() {
		return s.ClientSecret
	}
	return secret.String(os.Getenv("GONG_CLIENT_SECRET"))
}

// clientID is GONG_CLIENT_ID, like clientSecret.
func (s Settings) clientID() string {
	if s.ClientID != "" {
		return s.ClientID
	}
	return os.Getenv("GONG_CLIENT_ID")
}

// tokenFile is the OAuth token file to use.
func (s Settings) tokenFile() string {
	if s.TokenFile != "" {
		return s.TokenFile
	}
	return auth.DefaultTokenFile()
}

// authMode decides the kind of credentials (SPEC §3): --auth when given;
// otherwise the access key when GONG_ACCESS_KEY or GONG_ACCESS_KEY_SECRET
// is set, else OAuth when the token file exists. It fails when the chosen
// kind's credentials are missing.
func (s Settings) authMode() (string, error) {
	mode := s.Auth
	if mode == "" {
		mode = config.AuthAccessKey
		if s.AccessKey.IsZero() && s.AccessKeyS.IsZero() && s.tokenFile() != "" {
			if _, err := os.Stat(s.tokenFile()); err == nil {
				mode = config.AuthOAuth
			}
		}
	}
	if mode == config.AuthOAuth {
		path := s.tokenFile()
		switch _, err := os.Stat(path); {
		case path == "":
			return mode, userError("OAuth: no token file: give --token-file (there is no home directory to find the default in)")
		case err != nil:
			return mode, userError("OAuth: no token file at %s: run `gongload auth login` first (or give --token-file, or use an access key: GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET)", path)
		case s.clientSecret().IsZero():
			return mode, userError("OAuth: set GONG_CLIENT_SECRET (the OAuth app's client secret): gongload needs it to refresh the token in %s", path)
		}
		return mode, nil
	}
	if s.AccessKey.IsZero() || s.AccessKeyS.IsZero() {
		hint := ""
		if s.Auth == "" {
			hint = ", or run `gongload auth login` to use OAuth"
		}
		return mode, userError("no Gong credentials: set GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET (a Gong tech admin creates them under Company settings → Ecosystem → API)%s", hint)
	}
	return mode, nil
}

// credentialsDescription says which credentials authMode chose, for
// validate; it shows no secret.
func (s Settings) credentialsDescription() string {
	mode, err := s.authMode()
	switch {
	case err != nil:
		return "credentials: " + err.Error()
	case mode == config.AuthOAuth:
		return "credentials: OAuth token file " + s.tokenFile() + " (GONG_CLIENT_SECRET is set)"
	}
	return "credentials: GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET are set"
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
