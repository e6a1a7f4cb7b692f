//go:build unix

package parquet

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// takeLock takes an exclusive flock on DIR/_gongload/lock and writes this
// process's ID into the file, so that a second gongload can say who holds
// the lake. The kernel releases the lock when the process ends, however it
// ends.
func takeLock(abs, dir string) (*os.File, error) {
	path := filepath.Join(abs, metaDir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("destination %s: lock: %w", dir, unwrapPath(err))
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			who := "lock held"
			if b, err := os.ReadFile(path); err == nil {
				if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
					who = "PID " + strconv.Itoa(pid)
				}
			}
			return nil, fmt.Errorf("destination %s is in use by another process (%s): wait for the other gongload to finish", dir, who)
		}
		return nil, fmt.Errorf("destination %s: lock: %w", dir, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

// tryLock takes the lock if it is free, for a reader that wants to finish
// an interrupted commit; it returns nil when another process holds it.
func tryLock(abs string) *os.File {
	f, err := os.OpenFile(filepath.Join(abs, metaDir, lockFile), os.O_RDWR, 0)
	if err != nil {
		return nil
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil
	}
	return f
}

// releaseLock releases the lock (closing the file releases the flock). The
// PID stays in the file: it is only read while the lock is held.
func releaseLock(f *os.File) {
	if f != nil {
		f.Close()
	}
}
