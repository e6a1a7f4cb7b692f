package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/internal/apply"
	"github.com/gongload/gongload/internal/gongsim"
	"github.com/gongload/gongload/internal/secret"
	gsql "github.com/gongload/gongload/sql"
)

func demoCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "run the simulator in-process, apply into demo.duckdb, print the summary and three analysis queries",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "dest", Usage: "destination", Value: "duckdb:demo.duckdb"},
			&cli.Int64Flag{Name: "seed", Value: 1, Usage: "seed of the simulated account"},
			&cli.IntFlag{Name: "users", Value: 20},
			&cli.IntFlag{Name: "calls", Value: 200},
			&cli.IntFlag{Name: "days", Value: 30},
			&cli.IntFlag{Name: "sentences", Value: 150},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			w := cmd.Root().Writer
			sim, err := gongsim.New(gongsim.Config{
				Seed: cmd.Int64("seed"), Users: cmd.Int("users"), Calls: cmd.Int("calls"),
				Days: cmd.Int("days"), Sentences: cmd.Int("sentences"),
				AccessKey: "demo", AccessKeySecret: "demo",
			})
			if err != nil {
				return err
			}
			base, err := sim.Start("127.0.0.1:0")
			if err != nil {
				return fmt.Errorf("simulator: %w", err)
			}
			defer sim.Close()
			dest, err := ParseDest(cmd.String("dest"))
			if err != nil {
				return err
			}
			// Every demo simulates a new account ending now: start from an
			// empty destination so runs never mix two accounts.
			if err := removeDemoDest(dest); err != nil {
				return err
			}
			now := time.Now().UTC().Truncate(time.Second)
			s := Settings{
				BaseURL: base, Dest: dest,
				From: now.AddDate(0, 0, -cmd.Int("days")-1), To: now,
				Streams: extract.StreamNames(), Lookback: DefaultLookback,
				RateLimit: 50, DailyQuota: 0, Concurrency: DefaultConcurrency, MaxWait: DefaultMaxWait,
				AccessKey: secret.String("demo"), AccessKeyS: secret.String("demo"),
			}
			fmt.Fprintf(w, "simulator: %s (%d users, %d calls over %d days)\n", base, cmd.Int("users"), len(sim.CallIDs()), cmd.Int("days"))
			if _, err := runApply(ctx, g, s, nil, w); err != nil {
				return err
			}
			db, err := openQueryDB(dest)
			if err != nil {
				return err
			}
			defer db.Close()
			fmt.Fprintf(w, "\nTables in %s\n", absPath(dest.Path))
			if err := runQuery(ctx, db, w, rowCountsSQL(), "table"); err != nil {
				return err
			}
			for _, q := range gsql.DemoQueries() {
				fmt.Fprintf(w, "\n%s\n", q.Title)
				if err := runQuery(ctx, db, w, q.SQL, "table"); err != nil {
					return fmt.Errorf("%s: %w", q.Name, err)
				}
			}
			fmt.Fprintf(w, "\nExplore further: bin/gongload sql --dest %s \"SELECT * FROM calls LIMIT 5\"\n", dest)
			return nil
		},
	}
}

// rowCountsSQL counts the rows of every table the streams fill (exact counts).
func rowCountsSQL() string {
	var b strings.Builder
	for i, t := range apply.TablesOf(extract.Streams()) {
		if i > 0 {
			b.WriteString("\nUNION ALL ")
		}
		fmt.Fprintf(&b, "SELECT %d AS n, '%s' AS \"table\", count(*) AS rows FROM %s", i, t.Name, gsql.Ident(t.Name))
	}
	return `SELECT "table", rows FROM (` + b.String() + `) ORDER BY n`
}

// removeDemoDest deletes the demo's own destination file before a run.
func removeDemoDest(d Dest) error {
	if d.Kind != "duckdb" {
		return userError("the demo writes a DuckDB file: use --dest duckdb:PATH")
	}
	for _, p := range []string{d.Path, d.Path + ".wal"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("demo: cannot replace %s: %w", p, err)
		}
	}
	return nil
}
