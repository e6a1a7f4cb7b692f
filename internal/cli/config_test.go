package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestConfigPrecedence: a flag beats the environment, which beats the file,
// which beats the default.
func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gongload.hcl")
	os.WriteFile(cfg, []byte(`source "gong" {
  rate_limit  = 5
  daily_quota = 500
  concurrency = 2
}
destination "duckdb" {
  path = "`+filepath.Join(dir, "from-file.duckdb")+`"
}
`), 0o644)
	t.Setenv("GONGLOAD_RATE_LIMIT", "7")
	t.Setenv("GONGLOAD_DAILY_QUOTA", "")
	plan := func(args ...string) map[string]any {
		t.Helper()
		code, out, errOut := run(t, append([]string{"--config", cfg, "plan", "--offline", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := plan()
	if m["rate_limit"] != 7.0 {
		t.Errorf("env must beat the file: rate_limit %v", m["rate_limit"])
	}
	if m["daily_quota"] != 500.0 {
		t.Errorf("the file must beat the default: daily_quota %v", m["daily_quota"])
	}
	if m["destination"] != "duckdb:"+filepath.Join(dir, "from-file.duckdb") {
		t.Errorf("destination from the file: %v", m["destination"])
	}
	m = plan("--rate-limit", "9")
	if m["rate_limit"] != 9.0 {
		t.Errorf("the flag must beat env and file: rate_limit %v", m["rate_limit"])
	}
}
