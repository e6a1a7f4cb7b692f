package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad checks that Load never panics, and that what it returns keeps its
// contract: a File, or a *Diagnostics with at least one positioned
// diagnostic per line of its Error(). The seed corpus is under
// testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(Template()))
	f.Fuzz(func(t *testing.T, src []byte) {
		path := filepath.Join(t.TempDir(), "gongload.hcl")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		file, err := Load(path)
		if err == nil {
			if file == nil {
				t.Fatal("Load returned neither a File nor an error")
			}
			return
		}
		if file != nil {
			t.Errorf("Load returned a File with an error")
		}
		var diags *Diagnostics
		if !errors.As(err, &diags) {
			t.Fatalf("Load error is %T, want *Diagnostics", err)
		}
		if len(diags.Diags) == 0 {
			t.Fatal("Load returned an empty *Diagnostics")
		}
		if n := strings.Count(err.Error(), "\n") + 1; n != len(diags.Diags) {
			t.Errorf("Error() has %d lines for %d diagnostics", n, len(diags.Diags))
		}
		for _, d := range diags.Diags {
			if d.Range.Filename != path || d.Summary == "" {
				t.Errorf("diagnostic without a file or a summary: %+v", d)
			}
		}
	})
}
