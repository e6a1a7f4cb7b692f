package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/urfave/cli/v3"
)

// Version is set at build time (-ldflags "-X …/internal/cli.Version=…").
var Version = "dev"

// globals are the resolved global flags.
type globals struct {
	logger      *slog.Logger
	errw        io.Writer
	progressOut io.Writer
}

// Main runs gongload with args (os.Args) and returns the exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{errw: stderr, progressOut: stderr}
	root := &cli.Command{
		Name:      "gongload",
		Usage:     "copy a Gong account into DuckDB or Parquet, and keep it current",
		Version:   Version,
		Reader:    os.Stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Usage: "config file (default ./gongload.hcl when present)", Sources: cli.EnvVars("GONGLOAD_CONFIG")},
			&cli.StringFlag{Name: "log-format", Usage: "text or json", Value: "text", Sources: cli.EnvVars("GONGLOAD_LOG_FORMAT")},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "debug logging"},
		},
		Before: func(ctx context.Context, cmd *cli.Command) (context.Context, error) {
			level := slog.LevelWarn
			if cmd.Bool("verbose") {
				level = slog.LevelDebug
			}
			opts := &slog.HandlerOptions{Level: level}
			switch cmd.String("log-format") {
			case "text":
				g.logger = slog.New(slog.NewTextHandler(stderr, opts))
			case "json":
				g.logger = slog.New(slog.NewJSONHandler(stderr, opts))
			default:
				return ctx, userError("bad --log-format %q: use text or json", cmd.String("log-format"))
			}
			return ctx, nil
		},
		OnUsageError: usageError,
		Commands: []*cli.Command{
			initCommand(),
			validateCommand(),
			planCommand(g),
			applyCommand(g),
			stateCommand(g),
			authCommand(g),
			simCommand(g),
			demoCommand(g),
			sqlCommand(g),
			apiCommand(g), mediaCommand(g),
			versionCommand(),
		},
		ExitErrHandler: func(context.Context, *cli.Command, error) {}, // exit codes are decided by ExitCode
	}
	for _, c := range root.Commands {
		c.OnUsageError = usageError
	}
	g.logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	err := root.Run(ctx, args)
	if err != nil && strings.TrimSpace(err.Error()) != "" {
		fmt.Fprintf(stderr, "gongload: %s\n", strings.TrimSpace(err.Error()))
	}
	return ExitCode(err)
}

func usageError(_ context.Context, cmd *cli.Command, err error, _ bool) error {
	return fmt.Errorf("%w (see %s --help)", err, cmd.FullName())
}
