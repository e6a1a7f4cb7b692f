package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gongload/gongload/extract"
	"github.com/gongload/gongload/internal/apply"
	"github.com/gongload/gongload/internal/plan"
	"github.com/gongload/gongload/load"
	"github.com/gongload/gongload/models"
)

func planCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "show the table changes and the windows apply would fetch, with their cost; changes nothing",
		Flags: append(syncFlags(),
			&cli.StringFlag{Name: "out", Usage: "save the plan to this file, for `gongload apply FILE`"},
			&cli.BoolFlag{Name: "json", Usage: "print the plan as JSON"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when there are changes, 0 when there are none"},
			&cli.BoolFlag{Name: "offline", Usage: "make no API request (no record counts)"},
		),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.NArg() > 0 {
				return userError("plan takes no arguments (got %q)", cmd.Args().First())
			}
			now := time.Now()
			s, err := settingsFrom(cmd, now)
			if err != nil {
				return err
			}
			p, err := makePlan(ctx, g, s, now, cmd.Bool("offline"))
			if err != nil {
				return err
			}
			w := cmd.Root().Writer
			if cmd.Bool("json") {
				err = p.RenderJSON(w)
			} else {
				err = p.RenderHuman(w)
			}
			if err != nil {
				return err
			}
			if out := cmd.String("out"); out != "" {
				if err := p.Save(out); err != nil {
					return err
				}
				if !cmd.Bool("json") {
					fmt.Fprintf(w, "Saved the plan to %s: run `gongload apply %s` to apply exactly it.\n", out, out)
				}
			}
			if cmd.Bool("detailed-exitcode") && p.HasChanges() {
				return withCode(ExitChanges, nil)
			}
			return nil
		},
	}
}

// makePlan reads the destination (without creating or changing it) and
// builds the plan, probing record counts unless offline or without
// credentials.
func makePlan(ctx context.Context, g *globals, s Settings, now time.Time, offline bool) (*plan.Plan, error) {
	tables := apply.TablesOf(streamsOf(s.Streams))
	var st load.State
	var changes []models.Change
	if destExists(s.Dest) {
		loader, err := openLoader(ctx, s.Dest, g.logger)
		if err != nil {
			return nil, err
		}
		defer loader.Close()
		if st, err = loader.State(ctx); err != nil {
			return nil, fmt.Errorf("destination %s: reading state: %w", s.Dest, err)
		}
		if changes, err = loader.Changes(ctx, tables); err != nil {
			return nil, fmt.Errorf("destination %s: %w", s.Dest, err)
		}
	} else {
		for _, t := range tables {
			changes = append(changes, models.Diff(t, nil)...)
		}
	}
	in := planInput(s, st, now)
	in.Changes = changes
	if !offline && s.checkCredentials() == nil {
		client, err := newClient(s, g.logger)
		if err != nil {
			return nil, err
		}
		in.Probe = func(ctx context.Context, st extract.Stream, from, to time.Time) (int, error) {
			return st.(extract.Prober).Probe(ctx, client, from, to)
		}
	}
	return plan.Build(ctx, in)
}
