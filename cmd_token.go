package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/confab-rtc/confab/signal"
)

func newTokenCmd(g *globals) *cobra.Command {
	var room, user, server string
	var ttl time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "token --room R --user U [--ttl 2h]",
		Short: "Print an access signature for a user of a room",
		Long: `token makes the access signature a user needs to join a room, from the app
credentials in the configuration file (the ones 'confab serve' uses). Hand the
printed join line to the user; the app key itself never leaves this machine.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, path, err := g.loadConfig()
			if err != nil {
				return err
			}
			if cfg.App.ID == "" {
				return fmt.Errorf("no app credentials in %s: run 'confab serve' once to create them", path)
			}
			if e := signal.CheckIdentity(room, user, ""); e != nil {
				return e
			}
			if ttl <= 0 || ttl > signal.MaxSignatureTTL {
				return fmt.Errorf("--ttl must be between 1s and %s", signal.MaxSignatureTTL)
			}
			if server == "" {
				server = cfg.Client.ServerURL
			}
			ctime := time.Now().Add(ttl).Unix()
			sig := signal.Sign(cfg.App.Key, cfg.App.ID, room, user, ctime)
			out := cmd.OutOrStdout()
			if asJSON {
				return json.NewEncoder(out).Encode(map[string]any{
					"appId": cfg.App.ID, "room": room, "userId": user, "signature": sig, "ctime": ctime,
				})
			}
			fmt.Fprintf(out, "app_id:    %s\nroom:      %s\nuser_id:   %s\nsignature: %s\nctime:     %d (%s)\n",
				cfg.App.ID, room, user, sig, ctime, time.Unix(ctime, 0).Format(time.RFC3339))
			fmt.Fprintf(out, "\nconfab join --server %s --app-id %s --user %s --signature %s --ctime %d %s\n",
				server, cfg.App.ID, user, sig, ctime, room)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&room, "room", "", "room id")
	f.StringVar(&user, "user", "", "user id")
	f.DurationVar(&ttl, "ttl", 2*time.Hour, "how long the signature is valid (at most 12h)")
	f.StringVar(&server, "server", "", "server URL to put in the join line (default: the configured one)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	_ = cmd.MarkFlagRequired("room")
	_ = cmd.MarkFlagRequired("user")
	return cmd
}
