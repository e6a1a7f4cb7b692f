//go:build !unix

package parquet

import (
	"fmt"
	"os"
	"path/filepath"
)

// takeLock creates DIR/_gongload/lock. Without flock (not a Unix system) the
// lock is advisory only: it is not checked against another process.
func takeLock(abs, dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(abs, metaDir, lockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("destination %s: lock: %w", dir, unwrapPath(err))
	}
	return f, nil
}

// tryLock opens the lock file.
func tryLock(abs string) *os.File {
	f, err := os.OpenFile(filepath.Join(abs, metaDir, lockFile), os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	return f
}

// releaseLock closes the lock file.
func releaseLock(f *os.File) {
	if f != nil {
		f.Close()
	}
}
