package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/server"
	sig "github.com/confab-rtc/confab/signal"
)

func newAdminCmd(g *globals) *cobra.Command {
	var creds apiCreds
	cmd := &cobra.Command{
		Use:   "admin kick|ban|dismiss ...",
		Short: "Remove users from rooms, ban them, or end rooms",
		Long: `admin calls the server's admin API (POST /v1/admin/...), signed with the app
credentials from the configuration file or --app-id/--app-key.

  confab admin kick ROOM USER              remove a user (they see reason 9)
  confab admin ban ROOM USER [--for 10m]   remove a user and refuse them for a while (reason 5)
  confab admin dismiss ROOM                end the room for everyone (reason 10)`,
	}
	creds.flags(cmd.PersistentFlags(), "admin")
	run := func(cmd *cobra.Command, path string, req server.AdminRequest) error {
		cfg, cfgPath, err := g.loadConfig()
		if err != nil {
			return err
		}
		if err := creds.resolve(cfg, cfgPath); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Second)
		defer cancel()
		var rep server.AdminReply
		if err := call.HTTPCall(ctx, "POST", creds.server, creds.tlsPin, path, creds.bearer(sig.AdminRoom, time.Now()), req, &rep); err != nil {
			return err
		}
		return json.NewEncoder(cmd.OutOrStdout()).Encode(rep)
	}
	var banFor time.Duration
	ban := &cobra.Command{
		Use:   "ban ROOM USER [--for 10m]",
		Short: "Remove a user from a room and refuse their joins for a while",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if banFor < time.Second {
				return fmt.Errorf("--for must be at least 1s")
			}
			return run(cmd, "/v1/admin/ban", server.AdminRequest{Room: args[0], UserID: args[1], Duration: int64(banFor / time.Second)})
		},
	}
	ban.Flags().DurationVar(&banFor, "for", 10*time.Minute, "how long the ban lasts")
	cmd.AddCommand(&cobra.Command{
		Use:   "kick ROOM USER",
		Short: "Remove a user from a room",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd, "/v1/admin/kick", server.AdminRequest{Room: args[0], UserID: args[1]})
		},
	}, ban, &cobra.Command{
		Use:   "dismiss ROOM",
		Short: "End a room for everyone in it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd, "/v1/admin/dismiss", server.AdminRequest{Room: args[0]})
		},
	})
	return cmd
}
