package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" database/sql driver
)

// usage is what a child process cost.
type usage struct {
	wall   time.Duration
	cpu    time.Duration // user + system, every thread
	rssMiB float64       // peak resident set size
	exit   int
	stdout string
	stderr string
}

// A child's peak RSS (ru_maxrss) counts the RSS of the process that forked
// it: Go starts children with vfork (CLONE_VM), and Linux carries the
// parent's high-water mark into the child at exec. The harness holds the
// recordings (up to a GB), so it starts every measured child through a
// launcher: a copy of itself started first, while it is small, that runs
// the children it is sent and reports their usage.

// job is a child to run, as sent to the launcher.
type job struct {
	Dir  string
	Env  []string // added to the launcher's environment
	Name string
	Args []string
}

// report is what the launcher answers for a job.
type report struct {
	Wall, CPU  time.Duration
	MaxRSSKiB  int64
	Exit       int
	Stdout     string
	Stderr     string
	StartError string
}

// launcher is the connection to the launcher process.
type launcher struct {
	mu  sync.Mutex
	cmd *exec.Cmd
	in  io.Closer
	enc *json.Encoder
	dec *json.Decoder
}

// startLauncher starts the launcher: this program with -launcher.
func startLauncher() (*launcher, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-launcher")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &launcher{cmd: cmd, in: in, enc: json.NewEncoder(in), dec: json.NewDecoder(out)}, nil
}

// close ends the launcher (it exits at the end of its input).
func (l *launcher) close() {
	l.in.Close()
	l.cmd.Wait()
}

// run runs a child process in dir through the launcher, to its end, and
// measures it. A non-zero exit is not an error (it is in usage.exit);
// failing to start is.
func (l *launcher) run(dir string, env []string, name string, args ...string) (usage, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.enc.Encode(job{Dir: dir, Env: env, Name: name, Args: args}); err != nil {
		return usage{}, fmt.Errorf("launcher: %w", err)
	}
	var r report
	if err := l.dec.Decode(&r); err != nil {
		return usage{}, fmt.Errorf("launcher: %w", err)
	}
	u := usage{wall: r.Wall, cpu: r.CPU, rssMiB: float64(r.MaxRSSKiB) / 1024, exit: r.Exit, stdout: r.Stdout, stderr: r.Stderr}
	if r.StartError != "" {
		return u, errors.New(r.StartError)
	}
	return u, nil
}

// launcherMain is the launcher process: it runs the jobs read from stdin,
// one at a time, and writes a report for each to stdout.
func launcherMain() {
	signal.Ignore(os.Interrupt) // the child gets it too, and its report is still wanted
	dec := json.NewDecoder(os.Stdin)
	enc := json.NewEncoder(os.Stdout)
	for {
		var j job
		if err := dec.Decode(&j); err != nil {
			return // the harness is done
		}
		enc.Encode(runJob(j)) //nolint:errcheck // the harness reads it or is gone
	}
}

// runJob runs one child and measures it from its rusage.
func runJob(j job) report {
	cmd := exec.Command(j.Name, j.Args...)
	cmd.Dir = j.Dir
	cmd.Env = append(os.Environ(), j.Env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return report{StartError: err.Error()}
	}
	err := cmd.Wait()
	r := report{Wall: time.Since(start), Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		r.StartError = err.Error()
		return r
	}
	r.Exit = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		r.MaxRSSKiB = ru.Maxrss // kilobytes on Linux
	}
	return r
}

// failure sums up a failed child for the report.
func (u usage) failure() string {
	if u.exit == 0 {
		return ""
	}
	msg := strings.TrimSpace(u.stderr)
	if i := strings.LastIndex(msg, "gongload: "); i >= 0 {
		msg = msg[i:]
	}
	if len(msg) > 300 {
		msg = msg[len(msg)-300:]
	}
	return fmt.Sprintf("exit %d: %s", u.exit, msg)
}

// countDuckDB returns count(*) of a table of a DuckDB file.
func countDuckDB(path, table string) (int64, error) {
	db, err := sql.Open("duckdb", path+"?access_mode=READ_ONLY")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	err = db.QueryRow(`SELECT count(*) FROM "` + table + `"`).Scan(&n)
	return n, err
}

// countParquet returns the rows of a table of a Parquet destination.
func countParquet(dir, table string) (int64, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	glob := filepath.Join(dir, table, "**", "*.parquet")
	var n int64
	err = db.QueryRow(`SELECT count(*) FROM read_parquet(?)`, glob).Scan(&n)
	return n, err
}

// anchorSQL loads the transcript pages (files matching $1) into the
// transcript_sentences shape the DuckDB-native way: read_json, then UNNEST
// of the records, the monologues and the sentences, with the positions
// taken from ranges unnested alongside (zipped by DuckDB), and the
// sentence's place in the whole call from a window function.
const anchorSQL = `
CREATE TABLE transcript_sentences AS
WITH records AS (
    SELECT unnest(callTranscripts) AS ct
    FROM read_json(?, format = 'auto', maximum_object_size = 1073741824)
), monologues AS (
    SELECT ct.callId AS call_id,
           unnest(ct.transcript) AS m,
           unnest(range(len(ct.transcript))) AS monologue_index
    FROM records
), sentences AS (
    SELECT call_id, monologue_index, m.speakerId AS speaker_id, m.topic AS topic,
           unnest(m.sentences) AS s,
           unnest(range(len(m.sentences))) AS k
    FROM monologues
)
SELECT CAST(call_id AS VARCHAR) AS call_id,
       CAST(row_number() OVER (PARTITION BY call_id ORDER BY monologue_index, k) - 1 AS INTEGER) AS sentence_index,
       CAST(monologue_index AS INTEGER) AS monologue_index,
       CAST(speaker_id AS VARCHAR) AS speaker_id,
       topic,
       CAST(s.start AS BIGINT) AS start_ms,
       CAST(s."end" AS BIGINT) AS end_ms,
       s.text AS text,
       now() AS _loaded_at,
       'anchor' AS _run_id
FROM sentences`

// anchorChild is the child process of the anchor: it loads the pages
// matching glob into a new DuckDB file at db with DuckDB's default settings.
func anchorChild(glob, db string) error {
	conn, err := sql.Open("duckdb", db)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.Exec(anchorSQL, glob); err != nil {
		return fmt.Errorf("anchor: %w", err)
	}
	return nil
}
