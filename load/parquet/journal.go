package parquet

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// journal is DIR/_gongload/commit.json: the file operations of a commit
// whose temporary files are all written and synced. Its presence on disk is
// the commit point: whoever finds it (the committing Loader, or the next
// Open after a crash) applies it to the end, then removes it. Applying it
// is idempotent.
type journal struct {
	Serial  int64    `json:"serial"`  // the serial of the state it commits
	Renames []rename `json:"renames"` // in order; state.json last
	Removes []string `json:"removes"` // data files of partitions that became empty
}

// rename is one temporary file renamed over its final name; paths are
// relative to the lake, with slashes.
type rename struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// writeJournal writes the journal atomically and durably.
func writeJournal(dir string, j journal) error {
	b, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, metaDir, journalFile), append(b, '\n')); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// removeJournal removes the journal of an applied commit, durably.
func removeJournal(dir string) error {
	if err := os.Remove(filepath.Join(dir, metaDir, journalFile)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("journal: %w", err)
	}
	return syncDir(filepath.Join(dir, metaDir))
}

// rollForward applies a journal: each rename whose temporary file is still
// there is done (one whose temporary file is gone was done before a crash),
// then the emptied partitions' files are removed and the directories
// synced. step, if not nil, is called after each rename (tests crash there).
func rollForward(dir string, j journal, step func(string) error) error {
	dirs := map[string]bool{}
	for i, r := range j.Renames {
		from, to := filepath.Join(dir, filepath.FromSlash(r.From)), filepath.Join(dir, filepath.FromSlash(r.To))
		if err := inside(dir, from, to); err != nil {
			return err
		}
		if _, err := os.Stat(from); err == nil {
			if err := os.Rename(from, to); err != nil {
				return fmt.Errorf("journal: %w", err)
			}
		} else if _, err := os.Stat(to); err != nil {
			return fmt.Errorf("journal: neither %s nor %s exists", r.From, r.To)
		}
		dirs[filepath.Dir(to)] = true
		if step != nil {
			if err := step("rename " + strconv.Itoa(i+1)); err != nil {
				return err
			}
		}
	}
	for _, r := range j.Removes {
		path := filepath.Join(dir, filepath.FromSlash(r))
		if err := inside(dir, path); err != nil {
			return err
		}
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("journal: %w", err)
		}
		if !removeEmptyPartition(filepath.Dir(path)) {
			dirs[filepath.Dir(path)] = true
		}
		dirs[filepath.Dir(filepath.Dir(path))] = true
	}
	for d := range dirs {
		if err := syncDir(d); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("journal: %w", err)
		}
	}
	return nil
}

// inside checks that journal paths stay in the lake.
func inside(dir string, paths ...string) error {
	for _, p := range paths {
		if r, err := filepath.Rel(dir, p); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			return fmt.Errorf("journal: path %s is outside the lake", p)
		}
	}
	return nil
}

// removeEmptyPartition removes a call_month=… directory that holds
// nothing; it reports whether it did.
func removeEmptyPartition(dir string) bool {
	if !strings.HasPrefix(filepath.Base(dir), partitionCol+"=") {
		return false
	}
	return os.Remove(dir) == nil // fails unless empty
}

// recoverLake finishes the commit a crash interrupted after its commit
// point, then removes the temporary files of commits that did not reach it.
// The caller holds the lake's lock.
func recoverLake(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, metaDir, journalFile))
	switch {
	case err == nil:
		var j journal
		if err := json.Unmarshal(b, &j); err != nil {
			return fmt.Errorf("journal %s: %w", filepath.Join(dir, metaDir, journalFile), err)
		}
		if err := rollForward(dir, j, nil); err != nil {
			return err
		}
		if err := removeJournal(dir); err != nil {
			return err
		}
	case !os.IsNotExist(err):
		return fmt.Errorf("journal: %w", err)
	}
	return removeTempFiles(dir)
}

// removeTempFiles removes every temporary file (.tmp-*.part) in the lake's
// tables, partitions and _gongload directory, and the partition
// directories they leave empty.
func removeTempFiles(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		depth := strings.Count(filepath.ToSlash(rel), "/")
		if d.IsDir() {
			if rel == filepath.Join(metaDir, tmpDir) || depth >= 2 {
				return fs.SkipDir // table/partition is as deep as files go
			}
			return nil
		}
		if isTemp(d.Name()) {
			if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
				return err
			}
			removeEmptyPartition(filepath.Dir(path))
		}
		return nil
	})
}

// isTemp reports whether a file name is one of our temporary files.
func isTemp(name string) bool {
	return strings.HasPrefix(name, tmpPrefix) && strings.HasSuffix(name, tmpSuffix)
}
