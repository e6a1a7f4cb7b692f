package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gongload/gongload/internal/config"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "write a commented gongload.hcl with every attribute and its default",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "force", Usage: "overwrite an existing file"}},
		Action: func(_ context.Context, cmd *cli.Command) error {
			path := cmd.String("config")
			if path == "" {
				path = config.DefaultPath
			}
			if err := config.Write(path, cmd.Bool("force")); err != nil {
				if errors.Is(err, fs.ErrExist) {
					return userError("%s exists: edit it, or run gongload init --force to overwrite it", path)
				}
				return err
			}
			fmt.Fprintf(cmd.Root().Writer, "wrote %s: edit it, then run gongload validate and gongload plan\n", path)
			return nil
		},
	}
}

func validateCommand() *cli.Command {
	return &cli.Command{
		Name:  "validate",
		Usage: "check the config file and that credentials are present",
		Flags: syncFlags(),
		Action: func(_ context.Context, cmd *cli.Command) error {
			s, err := settingsFrom(cmd, time.Now())
			if err != nil {
				return err
			}
			w := cmd.Root().Writer
			if file, _ := loadConfig(cmd); file != nil {
				fmt.Fprintf(w, "%s: valid\n", file.Path)
			} else {
				fmt.Fprintln(w, "no config file (using flags, environment and defaults)")
			}
			fmt.Fprintf(w, "destination %s, streams %v, history %s → %s\n", s.Dest, s.Streams, s.From.Format(time.DateOnly), s.To.Format(time.DateOnly))
			if err := s.checkCredentials(); err != nil {
				return err
			}
			fmt.Fprintln(w, s.credentialsDescription())
			return nil
		},
	}
}
