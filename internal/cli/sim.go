package cli

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/gongload/gongload/internal/gongsim"
)

// simFlags are the flags of `gongload sim` (SPEC §3).
func simFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "addr", Usage: "listen address (loopback)", Value: "127.0.0.1:8089"},
		&cli.Int64Flag{Name: "seed", Usage: "seed of the generated account", Value: 1},
		&cli.IntFlag{Name: "users", Usage: "users", Value: 20},
		&cli.IntFlag{Name: "calls", Usage: "calls", Value: 200},
		&cli.IntFlag{Name: "days", Usage: "days of history, ending now", Value: 30},
		&cli.IntFlag{Name: "sentences", Usage: "mean transcript sentences per call", Value: 150},
		&cli.StringFlag{Name: "access-key", Usage: "Basic auth access key", Value: "demo"},
		&cli.StringFlag{Name: "access-key-secret", Usage: "Basic auth secret", Value: "demo"},
		&cli.FloatFlag{Name: "rate-limit", Usage: "requests per second before 429 (0 = none)", Value: 3},
		&cli.IntFlag{Name: "daily-quota", Usage: "requests per day before 429 (0 = none)"},
		&cli.DurationFlag{Name: "latency", Usage: "added to every response"},
		&cli.FloatFlag{Name: "fail-rate", Usage: "fraction of requests answered 5xx"},
		&cli.FloatFlag{Name: "truncate-rate", Usage: "fraction of responses cut mid-body"},
		&cli.DurationFlag{Name: "cursor-ttl", Usage: "cursor lifetime, from a listing's first page (simulator clock or wall clock, whichever runs out first)", Value: time.Hour},
		&cli.DurationFlag{Name: "latency-jitter", Usage: "latency varies uniformly within ± this"},
		&cli.FloatFlag{Name: "storm-rate", Usage: "fraction of requests that start a 429 storm of 1-2 s (every request 429 + Retry-After until it ends)"},
		&cli.FloatFlag{Name: "malformed-rate", Usage: "fraction of 200 responses whose JSON has one byte made invalid"},
		&cli.FloatFlag{Name: "reset-rate", Usage: "fraction of requests whose connection is reset without an answer"},
		&cli.FloatFlag{Name: "token-expire-rate", Usage: "fraction of OAuth (Bearer) requests whose access token is revoked early (401)"},
		&cli.FloatFlag{Name: "cursor-expire-rate", Usage: "fraction of paginated listings whose first cursor is answered \"cursor has expired\" once"},
		&cli.StringFlag{Name: "oauth-client-id", Usage: "OAuth app client ID (its secret comes as HTTP Basic to /oauth2/generate-customer-token)", Value: "demo"},
		&cli.StringFlag{Name: "oauth-client-secret", Usage: "OAuth app client secret", Value: "demo"},
		&cli.DurationFlag{Name: "token-ttl", Usage: "lifetime of OAuth access tokens (expires_in)", Value: 24 * time.Hour},
	}
}

func simConfig(cmd *cli.Command) gongsim.Config {
	return gongsim.Config{
		Seed:              cmd.Int64("seed"),
		Users:             cmd.Int("users"),
		Calls:             cmd.Int("calls"),
		Days:              cmd.Int("days"),
		Sentences:         cmd.Int("sentences"),
		AccessKey:         cmd.String("access-key"),
		AccessKeySecret:   cmd.String("access-key-secret"),
		RateLimit:         cmd.Float("rate-limit"),
		DailyQuota:        cmd.Int("daily-quota"),
		Latency:           cmd.Duration("latency"),
		FailRate:          cmd.Float("fail-rate"),
		TruncateRate:      cmd.Float("truncate-rate"),
		CursorTTL:         cmd.Duration("cursor-ttl"),
		OAuthClientID:     cmd.String("oauth-client-id"),
		OAuthClientSecret: cmd.String("oauth-client-secret"),
		TokenTTL:          cmd.Duration("token-ttl"),
		LatencyJitter:     cmd.Duration("latency-jitter"),
		StormRate:         cmd.Float("storm-rate"),
		MalformedRate:     cmd.Float("malformed-rate"),
		ResetRate:         cmd.Float("reset-rate"),
		TokenExpireRate:   cmd.Float("token-expire-rate"),
		CursorExpireRate:  cmd.Float("cursor-expire-rate"),
	}
}

func simCommand(_ *globals) *cli.Command {
	return &cli.Command{
		Name:  "sim",
		Usage: "serve the built-in Gong API simulator on loopback",
		Flags: simFlags(),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			sim, err := gongsim.New(simConfig(cmd))
			if err != nil {
				return err
			}
			base, err := sim.Start(cmd.String("addr"))
			if err != nil {
				return userError("simulator: cannot listen on %s: %v", cmd.String("addr"), err)
			}
			defer sim.Close()
			w := cmd.Root().Writer
			fmt.Fprintf(w, "base_url=%s\n", base)
			fmt.Fprintf(w, "serving %d users and %d calls (Basic auth %s:****); Ctrl-C to stop\n", cmd.Int("users"), len(sim.CallIDs()), cmd.String("access-key"))
			fmt.Fprintf(w, "OAuth app %s: gongload auth login --client-id %s --auth-url %s/oauth2/authorize --token-url %s/oauth2/generate-customer-token (access tokens live %s)\n",
				cmd.String("oauth-client-id"), cmd.String("oauth-client-id"), base, base, cmd.Duration("token-ttl"))
			ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			<-ctx.Done()
			return nil
		},
	}
}
