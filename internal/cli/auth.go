package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gongload/gongload/internal/auth"
	"github.com/gongload/gongload/internal/secret"
)

// streamScopes is the OAuth scope each stream's endpoint needs
// (gong-api.md §1.3), for auth status.
var streamScopes = map[string]string{
	"users":                  "api:users:read",
	"workspaces":             "api:workspaces:read",
	"calls":                  "api:calls:read:extensive",
	"transcripts":            "api:calls:read:transcript",
	"answered_scorecards":    "api:stats:scorecards",
	"scorecards":             "api:settings:scorecards:read",
	"trackers":               "api:settings:trackers:read",
	"library_folders":        "api:library:read",
	"library_folder_content": "api:library:read",
	"activity_aggregate":     "api:stats:user-actions",
	"activity_daily":         "api:stats:user-actions:detailed",
	"interaction_stats":      "api:stats:interaction",
	"coaching":               "api:coaching:read",
}

func authCommand(g *globals) *cli.Command {
	c := &cli.Command{
		Name:  "auth",
		Usage: "OAuth 2.0: log in to Gong, show or remove the token file",
		Description: "gongload can authenticate as a Gong OAuth app instead of with an access key.\n" +
			"`auth login` runs the authorization-code flow with a loopback redirect and writes the token file\n" +
			"(mode 0600); plan, apply and api then use it (--auth oauth, or automatically when no access key\n" +
			"is set), refresh it before it expires and send API calls to its api_base_url_for_customer.\n" +
			"The app's client ID comes from --client-id or GONG_CLIENT_ID, its secret only from GONG_CLIENT_SECRET.",
		Commands: []*cli.Command{authLoginCommand(g), authStatusCommand(), authLogoutCommand()},
	}
	for _, sc := range c.Commands {
		sc.OnUsageError = usageError
	}
	return c
}

func tokenFileFlag() cli.Flag {
	return &cli.StringFlag{Name: "token-file", Usage: "OAuth token file (default $XDG_CONFIG_HOME/gongload/token.json, else ~/.config/gongload/token.json)",
		Sources: cli.EnvVars("GONGLOAD_TOKEN_FILE")}
}

// authTokenFile resolves the token file of an auth command: --token-file
// (or GONGLOAD_TOKEN_FILE), else the config file's token_file, else the
// default.
func authTokenFile(cmd *cli.Command) (string, error) {
	if cmd.IsSet("token-file") && cmd.String("token-file") != "" {
		return cmd.String("token-file"), nil
	}
	file, err := loadConfig(cmd)
	if err != nil {
		return "", err
	}
	if file != nil && file.Source.TokenFile != nil {
		return *file.Source.TokenFile, nil
	}
	if p := auth.DefaultTokenFile(); p != "" {
		return p, nil
	}
	return "", userError("no home directory to keep the OAuth token file in: give --token-file")
}

func authLoginCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:  "login",
		Usage: "authorize gongload as a Gong OAuth app and write the token file",
		Description: "Prints the authorize URL (and opens it in a browser unless --no-browser), waits for Gong's\n" +
			"redirect to http://127.0.0.1:PORT/callback, which must be one of the app's redirect URIs,\n" +
			"checks its state, exchanges the code and writes the token file atomically (mode 0600).\n" +
			"Needs GONG_CLIENT_SECRET in the environment.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "client-id", Usage: "the OAuth app's client ID", Sources: cli.EnvVars("GONG_CLIENT_ID")},
			&cli.StringSliceFlag{Name: "scopes", Usage: "scopes to ask for, comma-separated; the default is every read scope the streams need", Value: auth.DefaultScopes},
			&cli.StringFlag{Name: "auth-url", Usage: "Gong's authorize endpoint", Value: auth.DefaultAuthURL},
			&cli.StringFlag{Name: "token-url", Usage: "Gong's token endpoint", Value: auth.DefaultTokenURL},
			&cli.IntFlag{Name: "redirect-port", Usage: "loopback port of the redirect listener on 127.0.0.1 (0 = any free port)", Value: auth.DefaultRedirectPort},
			tokenFileFlag(),
			&cli.BoolFlag{Name: "no-browser", Usage: "only print the authorize URL, do not open a browser"},
			&cli.DurationFlag{Name: "timeout", Usage: "how long to wait for the redirect", Value: auth.DefaultLoginTimeout},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.NArg() > 0 {
				return userError("auth login takes no arguments (got %q)", cmd.Args().First())
			}
			path, err := authTokenFile(cmd)
			if err != nil {
				return err
			}
			var scopes []string
			for _, v := range cmd.StringSlice("scopes") {
				for _, sc := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
					if !slices.Contains(scopes, sc) {
						scopes = append(scopes, sc)
					}
				}
			}
			if len(scopes) == 0 {
				return userError("--scopes is empty: leave it out to ask for every read scope the streams need")
			}
			app := auth.App{
				ClientID:     cmd.String("client-id"),
				ClientSecret: secret.String(os.Getenv("GONG_CLIENT_SECRET")),
				AuthURL:      cmd.String("auth-url"),
				TokenURL:     cmd.String("token-url"),
				Scopes:       scopes,
			}
			if err := app.Check(); err != nil {
				return userError("%v", err)
			}
			out := cmd.Root().Writer
			opts := auth.LoginOptions{App: app, RedirectPort: cmd.Int("redirect-port"), Timeout: cmd.Duration("timeout"), Out: out}
			if !cmd.Bool("no-browser") {
				opts.OpenBrowser = openBrowser
			}
			tok, err := auth.Login(ctx, opts)
			if err != nil {
				return err
			}
			if err := auth.WriteFile(path, tok); err != nil {
				return err
			}
			g.logger.Debug("OAuth login done", "token_file", path)
			fmt.Fprintf(out, "Logged in. Token saved to %s (mode 0600).\n", path)
			describeToken(out, tok, time.Now())
			return nil
		},
	}
}

func authStatusCommand() *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "show the OAuth token file: base URL, scopes, expiry (never a token)",
		Flags: []cli.Flag{tokenFileFlag()},
		Action: func(_ context.Context, cmd *cli.Command) error {
			path, err := authTokenFile(cmd)
			if err != nil {
				return err
			}
			tok, err := auth.ReadFile(path)
			if errors.Is(err, auth.ErrNoToken) {
				return userError("not logged in: no OAuth token file at %s: run `gongload auth login` (or give --token-file)", path)
			}
			if err != nil {
				return err
			}
			out := cmd.Root().Writer
			mode := ""
			if fi, err := os.Stat(path); err == nil {
				mode = fmt.Sprintf(" (mode %04o)", fi.Mode().Perm())
				if fi.Mode().Perm()&0o077 != 0 {
					mode += fmt.Sprintf(": others can read it, fix with chmod 600 %s", path)
				}
			}
			fmt.Fprintf(out, "token file: %s%s\n", path, mode)
			describeToken(out, tok, time.Now())
			return nil
		},
	}
}

func authLogoutCommand() *cli.Command {
	return &cli.Command{
		Name:  "logout",
		Usage: "delete the OAuth token file",
		Flags: []cli.Flag{tokenFileFlag()},
		Action: func(_ context.Context, cmd *cli.Command) error {
			path, err := authTokenFile(cmd)
			if err != nil {
				return err
			}
			removed, err := auth.RemoveFile(path)
			if err != nil {
				return err
			}
			out := cmd.Root().Writer
			if !removed {
				fmt.Fprintf(out, "Not logged in: there is no OAuth token file at %s.\n", path)
				return nil
			}
			fmt.Fprintf(out, "Logged out: removed %s. The app stays installed in Gong; a Gong technical administrator can remove it there.\n", path)
			return nil
		},
	}
}

// describeToken prints what a token file holds, except the tokens.
func describeToken(w io.Writer, t *auth.Token, now time.Time) {
	base := t.BaseURL
	if base == "" {
		base = DefaultBaseURL + " (Gong gave no api_base_url_for_customer)"
	}
	fmt.Fprintf(w, "client ID:  %s\n", orNone(t.ClientID))
	fmt.Fprintf(w, "base URL:   %s\n", base)
	fmt.Fprintf(w, "token URL:  %s\n", orNone(t.TokenURL))
	fmt.Fprintf(w, "scopes:     %s\n", orNone(strings.Join(t.Scopes, " ")))
	switch {
	case t.Expiry.IsZero():
		fmt.Fprintln(w, "expires:    unknown (Gong gave no expires_in)")
	case t.Expiry.After(now):
		fmt.Fprintf(w, "expires:    %s (in %s)\n", t.Expiry.UTC().Format(time.RFC3339), t.Expiry.Sub(now).Round(time.Second))
	default:
		fmt.Fprintf(w, "expires:    %s (expired %s ago; the next run refreshes it)\n", t.Expiry.UTC().Format(time.RFC3339), now.Sub(t.Expiry).Round(time.Second))
	}
	if t.RefreshToken.IsZero() {
		fmt.Fprintln(w, "refresh:    no refresh token: run `gongload auth login` again when the access token expires")
	} else {
		fmt.Fprintln(w, "refresh:    a refresh token is held (single use; gongload rotates it)")
	}
	var missing []string
	for _, name := range sortedKeys(streamScopes) {
		if sc := streamScopes[name]; !t.HasScope(sc) {
			missing = append(missing, fmt.Sprintf("%s (%s)", name, sc))
		}
	}
	if len(missing) > 0 && len(t.Scopes) > 0 {
		fmt.Fprintf(w, "streams without their scope (they will fail): %s\n", strings.Join(missing, ", "))
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// openBrowser opens url in the desktop's browser, without waiting for it.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return errors.New("no graphical display")
		}
		cmd = exec.Command("xdg-open", url)
	}
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() //nolint:errcheck // only reaps the process
	return nil
}
