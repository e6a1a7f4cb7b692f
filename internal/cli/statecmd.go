package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/internal/plan"
	"github.com/gongload/gongload/load"
)

func stateCommand(g *globals) *cli.Command {
	destFlag := &cli.StringFlag{Name: "dest", Usage: "destination: duckdb:PATH or parquet:DIR", Value: DefaultDest, Sources: cli.EnvVars("GONGLOAD_DEST")}
	open := func(ctx context.Context, cmd *cli.Command) (load.Loader, error) {
		d, err := ParseDest(cmd.String("dest"))
		if err != nil {
			return nil, err
		}
		if !destExists(d) {
			return nil, userError("destination %s does not exist: nothing has been loaded yet", absPath(d.Path))
		}
		return openLoader(ctx, d, g.logger)
	}
	stream := func(cmd *cli.Command) (string, error) {
		if cmd.NArg() != 1 {
			return "", userError("name one stream: %v", extract.StreamNames())
		}
		name := cmd.Args().First()
		if _, ok := extract.Lookup(name); !ok {
			return "", userError("unknown stream %q: the streams are %v", name, extract.StreamNames())
		}
		return name, nil
	}
	return &cli.Command{
		Name:  "state",
		Usage: "inspect or reset what has been loaded (the state kept in the destination)",
		Commands: []*cli.Command{
			{
				Name: "list", Usage: "each stream's watermark and committed windows", Flags: []cli.Flag{destFlag},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					l, err := open(ctx, cmd)
					if err != nil {
						return err
					}
					defer l.Close()
					st, err := l.State(ctx)
					if err != nil {
						return err
					}
					w := cmd.Root().Writer
					fmt.Fprintf(w, "state serial %d, lineage %s\n", st.Serial, st.Lineage)
					t := newTable(w, "STREAM", "WATERMARK", "WINDOWS", "BEYOND", "ROWS", "LAST COMMIT")
					for _, name := range extract.StreamNames() {
						ws := windowsOf(st, name)
						if len(ws) == 0 {
							continue
						}
						wm, beyond := plan.Watermark(plan.Committed(st, name))
						var rows int64
						var last time.Time
						for _, x := range ws {
							rows += x.Rows
							if x.CommittedAt.After(last) {
								last = x.CommittedAt
							}
						}
						mark := "—"
						if !wm.IsZero() {
							mark = wm.UTC().Format(time.RFC3339)
						}
						t.row(name, mark, fmt.Sprint(len(ws)), fmt.Sprint(len(beyond)), fmt.Sprint(rows), last.UTC().Format(time.RFC3339))
					}
					t.flush()
					return nil
				},
			},
			{
				Name: "show", Usage: "the committed windows of a stream", ArgsUsage: "STREAM", Flags: []cli.Flag{destFlag},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					name, err := stream(cmd)
					if err != nil {
						return err
					}
					l, err := open(ctx, cmd)
					if err != nil {
						return err
					}
					defer l.Close()
					st, err := l.State(ctx)
					if err != nil {
						return err
					}
					w := cmd.Root().Writer
					ws := windowsOf(st, name)
					if len(ws) == 0 {
						fmt.Fprintf(w, "%s: nothing committed yet\n", name)
						return nil
					}
					t := newTable(w, "FROM", "TO", "ROWS", "RUN", "COMMITTED")
					for _, x := range ws {
						from, to := "(full listing)", ""
						if !x.From.IsZero() {
							from, to = x.From.UTC().Format(time.RFC3339), x.To.UTC().Format(time.RFC3339)
						}
						t.row(from, to, fmt.Sprint(x.Rows), x.RunID, x.CommittedAt.UTC().Format(time.RFC3339))
					}
					t.flush()
					return nil
				},
			},
			{
				Name: "rm", Usage: "forget a stream's committed windows: the next apply loads its whole history again (rows are kept and upserted)", ArgsUsage: "STREAM", Flags: []cli.Flag{destFlag},
				Action: func(ctx context.Context, cmd *cli.Command) error {
					name, err := stream(cmd)
					if err != nil {
						return err
					}
					l, err := open(ctx, cmd)
					if err != nil {
						return err
					}
					defer l.Close()
					if err := l.ResetStream(ctx, name); err != nil {
						return err
					}
					fmt.Fprintf(cmd.Root().Writer, "removed the state of %s: the next apply re-loads its history\n", name)
					return nil
				},
			},
		},
	}
}

func windowsOf(st load.State, stream string) []load.Window {
	var out []load.Window
	for _, w := range st.Windows {
		if w.Stream == stream {
			out = append(out, w)
		}
	}
	return out
}
