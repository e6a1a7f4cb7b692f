package config

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/gongload/gongload/extract"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenTemplate is the golden file of Template.
const goldenTemplate = "../../testdata/config/gongload.hcl.golden"

// writeConfig writes src to a gongload.hcl in a new temporary directory and
// returns its path.
func writeConfig(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gongload.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func ptr[T any](v T) *T { return &v }

func TestLoadFull(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	tests := map[string]struct {
		src  string
		want File
	}{
		"every attribute": {
			src: `
source "gong" {
  base_url    = "https://us-12345.api.gong.io/"
  auth        = "oauth"
  token_file  = "~/.config/gongload/token.json"
  start_date  = "2025-11-21"
  lookback    = "168h"
  rate_limit  = 2.5
  daily_quota = 10000
  concurrency = 8
  max_wait    = "10m"
  streams     = ["users", "workspaces", "calls", "transcripts", "calls"]
  workspaces  = ["123", 456, "123"]
  windows = {
    calls       = "24h"
    transcripts = "2160h"
  }
  coaching_lookback = "2160h"
}
destination "duckdb" {
  path = "gong.duckdb"
}
`,
			want: File{
				Source: Source{
					BaseURL:          ptr("https://us-12345.api.gong.io"),
					Auth:             ptr("oauth"),
					TokenFile:        ptr(filepath.Join(home, ".config/gongload/token.json")),
					StartDate:        ptr(time.Date(2025, 11, 21, 0, 0, 0, 0, time.UTC)),
					Lookback:         ptr(168 * time.Hour),
					RateLimit:        ptr(2.5),
					DailyQuota:       ptr(int64(10000)),
					Concurrency:      ptr(8),
					MaxWait:          ptr(10 * time.Minute),
					Streams:          []string{"users", "workspaces", "calls", "transcripts"},
					Workspaces:       []string{"123", "456"},
					Windows:          map[string]time.Duration{"calls": 24 * time.Hour, "transcripts": 90 * 24 * time.Hour},
					CoachingLookback: ptr(90 * 24 * time.Hour),
				},
				Dest: &Destination{Kind: "duckdb", Path: "gong.duckdb"},
			},
		},
		"empty file": {src: "", want: File{}},
		"parquet destination only, ~ path": {
			src:  `destination "parquet" { path = "~/gong" }`,
			want: File{Dest: &Destination{Kind: "parquet", Path: filepath.Join(home, "gong")}},
		},
		"loopback http, RFC 3339 date, zero lookback": {
			src: `source "gong" {
  base_url   = "http://127.0.0.1:8089"
  start_date = "2026-01-31T08:00:00+02:00"
  lookback   = "0s"
  max_wait   = "0s"
  workspaces = []
}`,
			want: File{Source: Source{
				BaseURL:    ptr("http://127.0.0.1:8089"),
				StartDate:  ptr(time.Date(2026, 1, 31, 6, 0, 0, 0, time.UTC)),
				Lookback:   ptr(time.Duration(0)),
				MaxWait:    ptr(time.Duration(0)),
				Workspaces: []string{},
			}},
		},
		"localhost http, null attribute, windows from a for expression": {
			src: `source "gong" {
  base_url = "http://localhost:8089/"
  auth     = null
  windows  = { for s in ["calls", "transcripts"] : s => "72h" }
}`,
			want: File{Source: Source{
				BaseURL: ptr("http://localhost:8089"),
				Windows: map[string]time.Duration{"calls": 72 * time.Hour, "transcripts": 72 * time.Hour},
			}},
		},
		"empty source block, strings converted": {
			src: `source "gong" {
  rate_limit  = "3"
  concurrency = "4"
}`,
			want: File{Source: Source{RateLimit: ptr(3.0), Concurrency: ptr(4)}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			path := writeConfig(t, tt.src)
			got, err := Load(path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.want.Path = path
			if diff := cmp.Diff(&tt.want, got); diff != "" {
				t.Errorf("Load (-want +got):\n%s", diff)
			}
		})
	}
}

// defaults is the File that Template loads to.
func defaults(path string) *File {
	windows := map[string]time.Duration{}
	for _, s := range extract.Streams() {
		if s.Window() == extract.Span {
			windows[s.Name()] = s.DefaultWindow()
		}
	}
	return &File{
		Path: path,
		Source: Source{
			Lookback:         ptr(DefaultLookback),
			RateLimit:        ptr(DefaultRateLimit),
			DailyQuota:       ptr(int64(DefaultDailyQuota)),
			Concurrency:      ptr(DefaultConcurrency),
			MaxWait:          ptr(DefaultMaxWait),
			Workspaces:       []string{},
			Windows:          windows,
			CoachingLookback: ptr(DefaultCoachingLookback),
		},
		Dest: &Destination{Kind: DefaultDestKind, Path: DefaultDestPath},
	}
}

func TestTemplateRoundTrip(t *testing.T) {
	path := writeConfig(t, Template())
	got, err := Load(path)
	if err != nil {
		t.Fatalf("Load(Template()): %v", err)
	}
	if diff := cmp.Diff(defaults(path), got); diff != "" {
		t.Errorf("Load(Template()) (-want +got):\n%s", diff)
	}
}

// TestTemplateCommentedOut uncomments every commented-out attribute of the
// template: each must still be valid, so that a user can just uncomment it.
func TestTemplateCommentedOut(t *testing.T) {
	var lines []string
	n := 0
	for line := range strings.Lines(Template()) {
		trimmed := strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(trimmed, "# "); ok && strings.HasPrefix(line, "  #") && strings.Contains(rest, " = ") && !strings.Contains(rest, ";") {
			line = "  " + rest + "\n"
			n++
		}
		lines = append(lines, line)
	}
	if n < 5 {
		t.Fatalf("uncommented %d attributes, want the 5 with a dynamic default", n)
	}
	t.Setenv("HOME", t.TempDir())
	if _, err := Load(writeConfig(t, strings.Join(lines, ""))); err != nil {
		t.Errorf("the template with its commented-out attributes uncommented: %v", err)
	}
}

func TestTemplateGolden(t *testing.T) {
	got := Template()
	if f := string(hclwrite.Format([]byte(got))); f != got {
		t.Errorf("Template() is not in canonical HCL format:\n%s", cmp.Diff(f, got))
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenTemplate), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenTemplate, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenTemplate)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/config/ -run TestTemplateGolden -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("Template() differs from %s (-want +got); run with -update if the change is intended:\n%s", goldenTemplate, diff)
	}
}

// wantDiag is an expected diagnostic: where, the summary, and words its
// detail must contain (the problem and the fix).
type wantDiag struct {
	Pos     string // LINE:COL
	Summary string
	Detail  []string // not compared
}

// ignoreDetail compares wantDiags by position and summary.
var ignoreDetail = cmpopts.IgnoreFields(wantDiag{}, "Detail")

func TestLoadInvalid(t *testing.T) {
	tests := map[string]struct {
		src  string
		want []wantDiag
	}{
		"malformed HCL": {
			src:  "source \"gong\" {\n  lookback = \n}\n",
			want: []wantDiag{{"2:14", "Invalid expression", []string{"Expected the start of an expression"}}},
		},
		"unclosed block": {
			src:  "source \"gong\" {\n  lookback = \"1h\"\n",
			want: []wantDiag{{"1:15", "Unclosed configuration block", nil}},
		},
		"unknown attribute": {
			src:  "source \"gong\" {\n  rate_limt = 3\n}\n",
			want: []wantDiag{{"2:3", "Unsupported argument", []string{`"rate_limt"`, `Did you mean "rate_limit"?`}}},
		},
		"unknown top-level attribute": {
			src:  "foo = 1\n",
			want: []wantDiag{{"1:1", "Unsupported argument", []string{`"foo"`}}},
		},
		"unknown block": {
			src:  "sources \"gong\" {\n}\n",
			want: []wantDiag{{"1:1", "Unsupported block type", []string{`Did you mean "source"?`}}},
		},
		"unknown block inside source": {
			src:  "source \"gong\" {\n  windows { calls = \"1h\" }\n}\n",
			want: []wantDiag{{"2:3", "Unsupported block type", []string{"equals sign"}}},
		},
		"attribute redefined": {
			src:  "source \"gong\" {\n  lookback = \"1h\"\n  lookback = \"2h\"\n}\n",
			want: []wantDiag{{"3:3", "Attribute redefined", nil}},
		},
		"source without label": {
			src:  "source {\n}\n",
			want: []wantDiag{{"1:8", "Missing type for source", nil}},
		},
		"unknown source": {
			src:  "source \"gongg\" {\n}\n",
			want: []wantDiag{{"1:8", "Unknown source", []string{`"gongg"`, `source "gong"`}}},
		},
		"wrong type, number": {
			src:  "source \"gong\" {\n  concurrency = \"eight\"\n}\n",
			want: []wantDiag{{"2:17", "Wrong type for concurrency", []string{"must be a number", "concurrency = 8", "a string"}}},
		},
		"wrong type, string": {
			src:  "source \"gong\" {\n  auth = [\"oauth\"]\n}\n",
			want: []wantDiag{{"2:10", "Wrong type for auth", []string{"must be a string", "a list"}}},
		},
		"wrong type, list": {
			src:  "source \"gong\" {\n  streams = \"calls\"\n}\n",
			want: []wantDiag{{"2:13", "Wrong type for streams", []string{"a list of stream names", `streams = ["users", "calls"]`}}},
		},
		"wrong type, list element": {
			src:  "source \"gong\" {\n  workspaces = [\"1\", [\"2\"]]\n}\n",
			want: []wantDiag{{"2:22", "Wrong type for workspaces", []string{"a list of workspace IDs", "this element is a list"}}},
		},
		"wrong type, windows": {
			src:  "source \"gong\" {\n  windows = \"168h\"\n}\n",
			want: []wantDiag{{"2:13", "Wrong type for windows", []string{`windows = { calls = "168h" }`}}},
		},
		"variables": {
			src:  "source \"gong\" {\n  lookback = var.lookback\n}\n",
			want: []wantDiag{{"2:14", "Variables not allowed", []string{"write the value itself", "environment variable"}}},
		},
		"bad duration": {
			src:  "source \"gong\" {\n  lookback = \"7d\"\n}\n",
			want: []wantDiag{{"2:14", "Invalid duration", []string{`"7d"`, `lookback = "168h"`, "no day unit"}}},
		},
		"bad max_wait": {
			src:  "source \"gong\" {\n  max_wait = \"ten minutes\"\n}\n",
			want: []wantDiag{{"2:14", "Invalid duration", []string{`max_wait = "ten minutes"`, `max_wait = "10m"`}}},
		},
		"bad date": {
			src:  "source \"gong\" {\n  start_date = \"31/01/2025\"\n}\n",
			want: []wantDiag{{"2:16", "Invalid start_date", []string{`"31/01/2025"`, "YYYY-MM-DD", "RFC 3339"}}},
		},
		"unknown stream": {
			src:  "source \"gong\" {\n  streams = [\"users\", \"cals\"]\n}\n",
			want: []wantDiag{{"2:23", "Unknown stream", []string{`"cals"`, `did you mean "calls"?`, "users, workspaces, calls"}}},
		},
		"no stream": {
			src:  "source \"gong\" {\n  streams = []\n}\n",
			want: []wantDiag{{"2:13", "No stream selected", []string{"leave streams out"}}},
		},
		"empty workspace": {
			src:  "source \"gong\" {\n  workspaces = [\"1\", \" \"]\n}\n",
			want: []wantDiag{{"2:22", "Empty workspace ID", []string{"gongload api workspaces list"}}},
		},
		"windows": {
			src: "source \"gong\" {\n  windows = {\n    calls = \"2400h\"\n    transcripts = \"0s\"\n    users = \"24h\"\n    cals = \"24h\"\n" +
				"    calls = \"1h\"\n  }\n}\n",
			want: []wantDiag{
				{"3:13", "Window too long", []string{`windows.calls = "2400h"`, "longer than 90 days", `"2160h" or less`}},
				{"4:19", "Invalid window", []string{`windows.transcripts = "0s"`, "longer than 0"}},
				{"5:5", "Stream without windows", []string{"users", "remove it from windows", "calls, transcripts"}},
				{"6:5", "Unknown stream", []string{`"cals"`, `did you mean "calls"?`}},
				{"7:5", "Duplicate window", []string{"calls twice"}},
			},
		},
		"negative window": {
			src:  "source \"gong\" {\n  windows = { transcripts = \"-1h\" }\n}\n",
			want: []wantDiag{{"2:29", "Invalid window", []string{`windows.transcripts = "-1h"`, "longer than 0"}}},
		},
		"negative numbers and out of range": {
			src: "source \"gong\" {\n  lookback = \"-1h\"\n  daily_quota = -5\n  concurrency = 0\n  rate_limit = 0\n" +
				"  max_wait = \"-1s\"\n  coaching_lookback = \"-24h\"\n}\n",
			want: []wantDiag{
				{"2:14", "Invalid lookback", []string{"negative", `lookback = "168h"`}},
				{"3:17", "Invalid daily_quota", []string{"-5", "at least 1"}},
				{"4:17", "Invalid concurrency", []string{"at least 1"}},
				{"5:16", "Invalid rate_limit", []string{"above 0", "rate_limit = 3"}},
				{"6:14", "Invalid max_wait", []string{"negative"}},
				{"7:23", "Invalid coaching_lookback", []string{"negative", `coaching_lookback = "2160h"`}},
			},
		},
		"fractional and huge numbers": {
			src:  "source \"gong\" {\n  concurrency = 2.5\n  daily_quota = 1e30\n  rate_limit = 1e400\n}\n",
			want: []wantDiag{{"2:17", "Invalid concurrency", []string{"not a whole number"}}, {"3:17", "Invalid daily_quota", nil}, {"4:16", "Invalid rate_limit", []string{"finite"}}},
		},
		"bad auth": {
			src:  "source \"gong\" {\n  auth = \"oauth2\"\n}\n",
			want: []wantDiag{{"2:10", "Unknown auth", []string{`"oauth2"`, `auth = "access_key"`, `auth = "oauth"`, `did you mean "oauth"?`}}},
		},
		"empty token_file": {
			src:  "source \"gong\" {\n  token_file = \"\"\n}\n",
			want: []wantDiag{{"2:16", "Empty token_file", nil}},
		},
		"bad destination kind": {
			src:  "destination \"duckbd\" {\n  path = \"x\"\n}\n",
			want: []wantDiag{{"1:13", "Unknown destination kind", []string{`"duckbd"`, `destination "duckdb"`, `destination "parquet"`, `did you mean "duckdb"?`}}},
		},
		"missing destination path": {
			src:  "\ndestination \"parquet\" {\n}\n",
			want: []wantDiag{{"2:1", "Missing destination path", []string{`path = "gong-parquet"`}}},
		},
		"empty destination path": {
			src:  "destination \"duckdb\" {\n  path = \"\"\n}\n",
			want: []wantDiag{{"2:10", "Empty destination path", []string{"DuckDB file"}}},
		},
		"unknown destination attribute": {
			src:  "destination \"duckdb\" {\n  path = \"x\"\n  dir = \"y\"\n}\n",
			want: []wantDiag{{"3:3", "Unsupported argument", []string{`"dir"`}}},
		},
		"two sources and two destinations": {
			src: "source \"gong\" {}\nsource \"gong\" {}\ndestination \"duckdb\" {\n  path = \"a\"\n}\n" +
				"destination \"parquet\" {\n  path = \"b\"\n}\n",
			want: []wantDiag{
				{"2:1", "Duplicate source block", []string{"already at line 1"}},
				{"6:1", "Duplicate destination block", []string{"already at line 3"}},
			},
		},
		"base_url not a URL": {
			src:  "source \"gong\" {\n  base_url = \"api.gong.io\"\n}\n",
			want: []wantDiag{{"2:14", "Invalid base_url", []string{`"api.gong.io"`, `base_url = "https://api.gong.io"`}}},
		},
		"base_url with a query": {
			src:  "source \"gong\" {\n  base_url = \"https://api.gong.io/?x=1\"\n}\n",
			want: []wantDiag{{"2:14", "Invalid base_url", []string{"query"}}},
		},
		"base_url plain http": {
			src:  "source \"gong\" {\n  base_url = \"http://api.gong.io\"\n}\n",
			want: []wantDiag{{"2:14", "Insecure base_url", []string{"use https; plain http is accepted only for 127.0.0.1/localhost"}}},
		},
		"base_url plain http to a private address": {
			src:  "source \"gong\" {\n  base_url = \"http://10.0.0.1:8089\"\n}\n",
			want: []wantDiag{{"2:14", "Insecure base_url", []string{"use https"}}},
		},
		"client_id": {
			src:  "source \"gong\" {\n  client_id = \"abc\"\n}\n",
			want: []wantDiag{{"2:3", "client_id in the config file", []string{"GONG_CLIENT_ID"}}},
		},
		"every problem reported, in file order": {
			src: "foo = 1\nsource \"gong\" {\n  concurrency = 0\n  streams = [\"cals\"]\n}\n" +
				"destination \"sqlite\" {\n}\n",
			want: []wantDiag{
				{"1:1", "Unsupported argument", nil},
				{"3:17", "Invalid concurrency", nil},
				{"4:14", "Unknown stream", nil},
				{"6:1", "Missing destination path", nil},
				{"6:13", "Unknown destination kind", nil},
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			path := writeConfig(t, tt.src)
			f, err := Load(path)
			if err == nil {
				t.Fatalf("Load = %+v, want an error", f)
			}
			if f != nil {
				t.Errorf("Load returned a File with its error: %+v", f)
			}
			var diags *Diagnostics
			if !errors.As(err, &diags) {
				t.Fatalf("Load error is %T, want *Diagnostics: %v", err, err)
			}
			var got []wantDiag
			for _, d := range diags.Diags {
				if d.Range.Filename != path {
					t.Errorf("diagnostic %q is in %q, want %q", d.Summary, d.Range.Filename, path)
				}
				got = append(got, wantDiag{Pos: fmt.Sprintf("%d:%d", d.Range.Start.Line, d.Range.Start.Column), Summary: d.Summary})
			}
			if diff := cmp.Diff(tt.want, got, ignoreDetail); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s\nerror:\n%v", diff, err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("Error() has %d lines, want %d:\n%v", len(lines), len(tt.want), err)
			}
			for i, w := range tt.want {
				prefix := path + ":" + w.Pos + ": " + w.Summary
				if !strings.HasPrefix(lines[i], prefix) {
					t.Errorf("line %d = %q, want it to start with %q", i+1, lines[i], prefix)
				}
				for _, s := range w.Detail {
					if !strings.Contains(diags.Diags[i].Detail, s) {
						t.Errorf("detail of %q = %q, want it to contain %q", w.Summary, diags.Diags[i].Detail, s)
					}
				}
				if w.Detail != nil && !strings.Contains(lines[i], " — ") {
					t.Errorf("line %d = %q: no ` — detail`", i+1, lines[i])
				}
			}
		})
	}
}

func TestSecretsRefused(t *testing.T) {
	const value = "sUp3r-s3cret-VALUE"
	tests := map[string]struct {
		src  string
		want []wantDiag
	}{
		"access_key_secret": {
			src:  "source \"gong\" {\n  access_key_secret = \"" + value + "\"\n}\n",
			want: []wantDiag{{Pos: "2:3", Summary: "Secret in the config file"}},
		},
		"access_key and client_secret": {
			src: "source \"gong\" {\n  access_key = \"" + value + "\"\n  client_secret = <<EOT\n" + value + "\nEOT\n" +
				"  lookback = \"1h\"\n}\n",
			want: []wantDiag{{Pos: "2:3", Summary: "Secret in the config file"}, {Pos: "3:3", Summary: "Secret in the config file"}},
		},
		"token at the top level and password in destination": {
			src:  "token = \"" + value + "\"\ndestination \"duckdb\" {\n  path = \"x\"\n  PASSWORD = \"" + value + "\"\n}\n",
			want: []wantDiag{{Pos: "1:1", Summary: "Secret in the config file"}, {Pos: "4:3", Summary: "Secret in the config file"}},
		},
		"refresh_token, access_token, api_key, secret": {
			src: "source \"gong\" {\n  refresh_token = \"" + value + "\"\n  access_token = \"" + value + "\"\n  api_key = \"" + value +
				"\"\n  secret = \"" + value + "\"\n}\n",
			want: []wantDiag{
				{Pos: "2:3", Summary: "Secret in the config file"}, {Pos: "3:3", Summary: "Secret in the config file"},
				{Pos: "4:3", Summary: "Secret in the config file"}, {Pos: "5:3", Summary: "Secret in the config file"},
			},
		},
		"secret in a file with a syntax error": {
			src:  "source \"gong\" {\n  token = \"" + value + "\"\n  lookback = \n}\n",
			want: []wantDiag{{Pos: "2:3", Summary: "Secret in the config file"}, {Pos: "3:14", Summary: "Invalid expression"}},
		},
		"secret value repeated in another attribute": {
			src: "source \"gong\" {\n  access_key_secret = \"" + value + "\"\n  base_url = \"" + value + "\"\n  auth = \"" + value + "\"\n" +
				"  lookback = \"" + value + "\"\n  streams = [\"" + value + "\"]\n}\n",
			want: []wantDiag{
				{Pos: "2:3", Summary: "Secret in the config file"}, {Pos: "3:14", Summary: "Invalid base_url"},
				{Pos: "4:10", Summary: "Unknown auth"}, {Pos: "5:14", Summary: "Invalid duration"}, {Pos: "6:14", Summary: "Unknown stream"},
			},
		},
		"password in base_url": {
			src:  "source \"gong\" {\n  base_url = \"https://me:" + value + "@api.gong.io\"\n}\n",
			want: []wantDiag{{Pos: "2:14", Summary: "Credentials in base_url"}},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			path := writeConfig(t, tt.src)
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load succeeded, want the secret refused")
			}
			msg := err.Error()
			if strings.Contains(msg, value) || strings.Contains(fmt.Sprintf("%#v", err), value) {
				t.Errorf("the error shows the secret's value:\n%s", msg)
			}
			var diags *Diagnostics
			if !errors.As(err, &diags) {
				t.Fatalf("Load error is %T, want *Diagnostics", err)
			}
			var got []wantDiag
			for _, d := range diags.Diags {
				got = append(got, wantDiag{Pos: fmt.Sprintf("%d:%d", d.Range.Start.Line, d.Range.Start.Column), Summary: d.Summary})
				if d.Summary == "Secret in the config file" {
					for _, s := range []string{"GONG_ACCESS_KEY", "GONG_ACCESS_KEY_SECRET", "GONG_CLIENT_SECRET", "gongload auth login", "environment"} {
						if !strings.Contains(d.Detail, s) {
							t.Errorf("detail %q does not mention %s", d.Detail, s)
						}
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s\nerror:\n%s", diff, msg)
			}
		})
	}
}

func TestIsSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"access_key": true, "access_key_secret": true, "client_secret": true, "secret": true, "password": true,
		"token": true, "refresh_token": true, "access_token": true, "api_key": true, "Access-Key": true,
		"gong_password": true, "bearer_token": true,
		"token_file": false, "client_id": false, "base_url": false, "auth": false, "path": false, "windows": false,
	} {
		if got := isSecretName(name); got != want {
			t.Errorf("isSecretName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gongload.hcl")
	_, err := Load(path)
	if err == nil {
		t.Fatal("Load of a missing file succeeded")
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(err, fs.ErrNotExist) = false for %v", err)
	}
	want := path + ": Config file not found — " + path + " does not exist: run `gongload init` to write one, or pass --config FILE"
	if got := err.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestTildeWithoutHome(t *testing.T) {
	t.Setenv("HOME", "")
	path := writeConfig(t, "source \"gong\" {\n  token_file = \"~/token.json\"\n}\n")
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), path+":2:16: Cannot expand ~") {
		t.Errorf("Load = %v, want Cannot expand ~ at 2:16", err)
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gongload.hcl")
	if err := Write(path, false); err != nil {
		t.Fatalf("Write: %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != Template() {
		t.Errorf("Write wrote something else than Template()")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, %v; want 0644", fi.Mode(), err)
	}

	// No overwrite without force: the file is kept.
	if err := os.WriteFile(path, []byte("# mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = Write(path, false)
	if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("Write over an existing file = %v, want fs.ErrExist naming --force", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "# mine\n" {
		t.Errorf("Write without force changed the file: %q", b)
	}

	// With force it is replaced.
	if err := Write(path, true); err != nil {
		t.Fatalf("Write with force: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != Template() {
		t.Errorf("Write with force did not replace the file")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode after force = %v, %v; want 0644", fi.Mode(), err)
	}

	// No temporary file is left behind.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only gongload.hcl", names)
	}

	// A directory that does not exist is an error naming the path.
	missing := filepath.Join(dir, "nope", "gongload.hcl")
	if err := Write(missing, false); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Write into a missing directory = %v, want an error naming %s", err, missing)
	}
}

func TestDidYouMean(t *testing.T) {
	names := extract.StreamNames()
	for in, want := range map[string]string{
		"cals":        ` (did you mean "calls"?)`,
		"Users":       ` (did you mean "users"?)`,
		"transcript":  ` (did you mean "transcripts"?)`,
		"workspace":   ` (did you mean "workspaces"?)`,
		"coachin":     ` (did you mean "coaching"?)`,
		"emails":      "",
		"x":           "",
		"":            "",
		"scorecards2": ` (did you mean "scorecards"?)`,
	} {
		if got := didYouMean(in, names); got != want {
			t.Errorf("didYouMean(%q) = %q, want %q", in, got, want)
		}
	}
}
