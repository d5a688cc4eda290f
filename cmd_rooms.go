package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/confab-rtc/confab/call"
	sig "github.com/confab-rtc/confab/signal"
)

func newRoomsCmd(g *globals) *cobra.Command {
	var creds apiCreds
	var asJSON, watch bool
	cmd := &cobra.Command{
		Use:   "rooms [--json] [--watch] [--server URL]",
		Short: "List the server's rooms and how many are in each",
		Long: `rooms prints the server's live room list (GET /v1/rooms), signed with the app
credentials from the configuration file or --app-id/--app-key. With --watch it
subscribes to the list over the websocket and prints the list and then every
change (room-created, room-updated, room-destroyed) as JSON lines until
interrupted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, path, err := g.loadConfig()
			if err != nil {
				return err
			}
			if err := creds.resolve(cfg, path); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if watch {
				env, err := g.start()
				if err != nil {
					return err
				}
				defer env.close()
				return watchRooms(env.ctx, out, creds)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Second)
			defer cancel()
			rooms, err := call.ListRooms(ctx, creds.server, creds.tlsPin, creds.bearer(sig.LobbyRoom, time.Now()))
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(out).Encode(rooms)
			}
			return printRooms(out, rooms)
		},
	}
	f := cmd.Flags()
	creds.flags(f, "confab-cli")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	f.BoolVar(&watch, "watch", false, "print the list, then every change, as JSON lines")
	return cmd
}

// printRooms prints a table of rooms.
func printRooms(out io.Writer, rooms []sig.RoomInfo) error {
	if len(rooms) == 0 {
		_, err := fmt.Fprintln(out, "no rooms")
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROOM\tPARTICIPANTS\tCREATED")
	for _, r := range rooms {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", r.Room, r.Participants, time.UnixMilli(r.CreatedAt).Format(time.DateTime))
	}
	return tw.Flush()
}

// watchRooms subscribes to the room list and prints it and its changes as
// JSON lines until ctx ends or the server goes away.
func watchRooms(ctx context.Context, out io.Writer, creds apiCreds) error {
	s, ctime := creds.sign(sig.LobbyRoom, time.Now())
	l, err := call.DialLobby(ctx, call.LobbyConfig{ServerURL: creds.server, TLSPin: creds.tlsPin, AppID: creds.appID, UserID: creds.user, Signature: s, CTime: ctime})
	if err != nil {
		return err
	}
	defer l.Close()
	enc := json.NewEncoder(out)
	if err := enc.Encode(map[string]any{"event": "rooms", "ts": time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00"), "rooms": l.Rooms()}); err != nil {
		return err
	}
	for {
		select {
		case ev, ok := <-l.Events():
			if !ok {
				return l.Err()
			}
			line, err := call.MarshalEvent(ev, time.Now())
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(out, "%s\n", line); err != nil {
				return err
			}
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.Canceled) {
				return nil
			}
			return ctx.Err()
		}
	}
}
