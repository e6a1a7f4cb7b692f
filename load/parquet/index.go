package parquet

import (
	"context"
	"os"
	"path/filepath"
	"slices"
)

// loadIndex creates the call index in the in-memory DuckDB from
// _gongload/call_index.parquet, or, when the lake has none (written by
// hand, or the file was lost), rebuilds it from the partitioned tables'
// files. The caller holds l.mu or is Open.
func (l *Loader) loadIndex(ctx context.Context) error {
	type source struct{ Key, Glob string }
	data := struct {
		File    string
		Tables  []source
		Default string
	}{Default: defaultPartition}
	path := filepath.Join(l.dir, metaDir, indexFile)
	if _, err := os.Stat(path); err == nil {
		data.File = path
	} else if l.state != nil {
		var names []string
		for name, t := range l.state.Tables {
			if t.Partitioned && len(l.parts[name]) > 0 {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		for _, name := range names {
			key := "call_id"
			if t := l.tables[name]; t != nil && t.IsEntity() {
				key = t.Key[0]
			}
			data.Tables = append(data.Tables, source{key, filepath.Join(l.dir, name, "*", dataFile)})
		}
	}
	_, err := l.exec(ctx, "index_create.sql", data)
	return err
}
