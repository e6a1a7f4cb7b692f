package plan

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: a saved plan file, whatever its bytes, is accepted or refused
// with an error; never a panic.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"probed.json", "offline.json"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "plan", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"format_version":1,"destination":"duckdb:x","streams":[{"name":"calls","windows":[{"from":"2026-01-02T00:00:00Z","to":"2026-01-01T00:00:00Z"}]}]}`))
	f.Add([]byte(`{"format_version":1,"destination":"duckdb:x","streams":[{"name":"users","mode":"full refresh","windows":[{"reason":"refresh"}]}],"lookback":"1x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err == nil && (p.Dest == "" || len(p.Streams) == 0) {
			t.Fatalf("accepted a plan without destination or streams: %s", b)
		}
	})
}
