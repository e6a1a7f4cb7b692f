package cli

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gongload/gongload/internal/gongsim"
)

// TestNoGoroutineLeftAfterApply: when apply returns, every goroutine it
// started (workers, progress, signal handling, HTTP connections, DuckDB) is
// gone, also after a failed run.
func TestNoGoroutineLeftAfterApply(t *testing.T) {
	_, base := newSim(t, gongsim.Config{Seed: 6, Users: 6, Calls: 40, Days: 10, Sentences: 5})
	credentials(t)
	dest := filepath.Join(t.TempDir(), "gong.duckdb")
	args := []string{"apply", "--base-url", base, "--dest", "duckdb:" + dest,
		"--from", simNow.AddDate(0, 0, -11).Format(time.RFC3339), "--to", simNow.Format(time.RFC3339), "--rate-limit", "500"}
	mustApply(t, args...) // warm-up: lazily started runtime and driver goroutines
	before := runtime.NumGoroutine()
	mustApply(t, args...)
	run(t, append(args[:len(args):len(args)], "--base-url", "http://127.0.0.1:1")...) // a failing run too
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		t.Errorf("%d goroutines before apply, %d after:\n%.6000s", before, n, strings.TrimSpace(stacks))
	}
}
