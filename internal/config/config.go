package config

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// DefaultPath is the config file read when --config is not given and it
// exists.
const DefaultPath = "gongload.hcl"

// Defaults (SPEC §3, §4, §6). Those that depend on the run (the base URL of
// an OAuth token, the credentials present, the token file's directory, the
// start date) are worked out by the caller.
const (
	DefaultBaseURL          = "https://api.gong.io"
	DefaultLookback         = 168 * time.Hour
	DefaultRateLimit        = 3.0
	DefaultDailyQuota       = 10000
	DefaultConcurrency      = 8
	DefaultMaxWait          = 10 * time.Minute
	DefaultCoachingLookback = 90 * 24 * time.Hour
	DefaultHistory          = 365 * 24 * time.Hour // start_date is this long before now
	DefaultDestKind         = "duckdb"
	DefaultDestPath         = "gong.duckdb"
	MaxWindow               = 90 * 24 * time.Hour // the longest window of any stream
)

// The values of auth.
const (
	AuthAccessKey = "access_key"
	AuthOAuth     = "oauth"
)

// The kinds of destination.
const (
	DestDuckDB  = "duckdb"
	DestParquet = "parquet"
)

// File is a parsed and validated config file.
type File struct {
	Path   string       // the path Load was given
	Source Source       // the source "gong" block; zero when the file has none
	Dest   *Destination // nil when the file has no destination block
}

// Source is what the source "gong" block sets. A nil pointer, slice or map
// is an attribute the file leaves out; a set slice or map is never nil, even
// when empty (workspaces = [] is set).
type Source struct {
	BaseURL     *string    // http(s)://host[/path] without a trailing slash; http only for loopback hosts
	Auth        *string    // AuthAccessKey or AuthOAuth
	TokenFile   *string    // with ~ expanded
	StartDate   *time.Time // UTC
	Lookback    *time.Duration
	RateLimit   *float64 // > 0
	DailyQuota  *int64   // ≥ 1
	Concurrency *int     // ≥ 1
	MaxWait     *time.Duration
	Streams     []string // known stream names, without repeats, in the file's order
	Workspaces  []string // workspace IDs, without repeats
	// Windows is the window length of Span-windowed streams, each in
	// (0, MaxWindow].
	Windows          map[string]time.Duration
	CoachingLookback *time.Duration
}

// Destination is what the destination block sets.
type Destination struct {
	Kind string // DestDuckDB or DestParquet
	Path string // the DuckDB file or the Parquet directory, with ~ expanded
}

// Load reads, parses and validates the config file at path. Its error is a
// *Diagnostics with every problem found; a file that cannot be read is one
// diagnostic naming it (errors.Is(err, fs.ErrNotExist) tells a missing one).
func Load(path string) (*File, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		d := &Diagnostics{err: err}
		rng := hcl.Range{Filename: path}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			d.add(rng, "Config file not found", "%s does not exist: run `gongload init` to write one, or pass --config FILE", path)
		default:
			d.add(rng, "Cannot read the config file", "%v", err)
		}
		return nil, d
	}
	return parse(path, src)
}

// parse parses and validates src, the contents of the file at path.
func parse(path string, src []byte) (*File, error) {
	var d Diagnostics
	hf, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	d.addHCL(diags)
	body, _ := hf.Body.(*hclsyntax.Body)
	if body == nil {
		return nil, d.finish(path, nil)
	}
	// Secrets first, in whatever could be parsed: they are refused even in a
	// file with syntax errors, and taken out of the body so that nothing
	// else looks at them.
	body, secrets := dropSecrets(body, src, &d)
	if diags.HasErrors() {
		return nil, d.finish(path, secrets)
	}
	f := &File{Path: path}
	decodeFile(body, f, &d)
	if err := d.finish(path, secrets); err != nil {
		return nil, err
	}
	return f, nil
}

// rootSchema is the top level of the file.
var rootSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "source", LabelNames: []string{"type"}},
	{Type: "destination", LabelNames: []string{"kind"}},
}}

// sourceAttrs are the attributes of the source block; gohcl decodes the
// block into it (unknown attributes are HCL's "Unsupported argument", with a
// suggestion) and each is then decoded and checked on its own.
type sourceAttrs struct {
	BaseURL          *hcl.Attribute `hcl:"base_url,optional"`
	Auth             *hcl.Attribute `hcl:"auth,optional"`
	TokenFile        *hcl.Attribute `hcl:"token_file,optional"`
	StartDate        *hcl.Attribute `hcl:"start_date,optional"`
	Lookback         *hcl.Attribute `hcl:"lookback,optional"`
	RateLimit        *hcl.Attribute `hcl:"rate_limit,optional"`
	DailyQuota       *hcl.Attribute `hcl:"daily_quota,optional"`
	Concurrency      *hcl.Attribute `hcl:"concurrency,optional"`
	MaxWait          *hcl.Attribute `hcl:"max_wait,optional"`
	Streams          *hcl.Attribute `hcl:"streams,optional"`
	Workspaces       *hcl.Attribute `hcl:"workspaces,optional"`
	Windows          *hcl.Attribute `hcl:"windows,optional"`
	CoachingLookback *hcl.Attribute `hcl:"coaching_lookback,optional"`
}

// destAttrs are the attributes of the destination block.
type destAttrs struct {
	Path *hcl.Attribute `hcl:"path,optional"`
}

// decodeFile decodes the blocks of body into f.
func decodeFile(body *hclsyntax.Body, f *File, d *Diagnostics) {
	content, diags := body.Content(rootSchema)
	d.addHCL(diags)
	var seenSource, seenDest *hcl.Block
	for _, b := range content.Blocks {
		switch b.Type {
		case "source":
			if seenSource != nil {
				d.add(b.DefRange, "Duplicate source block", "a config has one source block, and one is already at line %d: merge the two", seenSource.DefRange.Start.Line)
				continue
			}
			seenSource = b
			if b.Labels[0] != "gong" {
				d.add(b.LabelRanges[0], "Unknown source", "source %q is not a source gongload reads: write source \"gong\" { … }%s", b.Labels[0], didYouMean(b.Labels[0], []string{"gong"}))
			}
			var a sourceAttrs
			d.addHCL(gohcl.DecodeBody(b.Body, nil, &a))
			decodeSource(&a, &f.Source, d)
		case "destination":
			if seenDest != nil {
				d.add(b.DefRange, "Duplicate destination block", "a config has one destination block, and one is already at line %d: keep one (or pass --dest to choose another)", seenDest.DefRange.Start.Line)
				continue
			}
			seenDest = b
			dest := &Destination{Kind: b.Labels[0]}
			if dest.Kind != DestDuckDB && dest.Kind != DestParquet {
				d.add(b.LabelRanges[0], "Unknown destination kind", "destination %q is not a kind gongload loads into: use destination \"duckdb\" (one DuckDB file) or destination \"parquet\" (a directory of Parquet files)%s", dest.Kind, didYouMean(dest.Kind, []string{DestDuckDB, DestParquet}))
			}
			var a destAttrs
			d.addHCL(gohcl.DecodeBody(b.Body, nil, &a))
			if a.Path == nil {
				d.add(b.DefRange, "Missing destination path", "the destination block needs a path, like path = %q", examplePath(dest.Kind))
			} else if p := decodeString(a.Path, d); p != nil {
				if *p == "" {
					d.add(a.Path.Expr.Range(), "Empty destination path", "path must name the %s, like path = %q", pathWhat(dest.Kind), examplePath(dest.Kind))
				} else if x, ok := expandHome(*p, a.Path, d); ok {
					dest.Path = x
				}
			}
			f.Dest = dest
		}
	}
}

// examplePath is an example path for a destination kind.
func examplePath(kind string) string {
	if kind == DestParquet {
		return "gong-parquet"
	}
	return DefaultDestPath
}

// pathWhat names what a destination's path is.
func pathWhat(kind string) string {
	if kind == DestParquet {
		return "directory of Parquet files"
	}
	return "DuckDB file"
}
