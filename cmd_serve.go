package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/confab-rtc/confab/config"
	"github.com/confab-rtc/confab/server"
	sig "github.com/confab-rtc/confab/signal"
)

func newServeCmd(g *globals) *cobra.Command {
	var listen, appID, appKey string
	var maxParticipants, maxRooms int
	var tokenLead time.Duration
	var topN int
	var streamDetect time.Duration
	var resumeGrace time.Duration
	var webhooks []string
	cmd := &cobra.Command{
		Use:   "serve [--listen 127.0.0.1:7880] [--app-id ID --app-key KEY]",
		Short: "Run the room server",
		Long: `serve runs confab's room server: websocket signaling on /v1/ws and an SFU that
forwards every participant's audio to everyone else in the room. Joins are
checked against the access signature made from the app credentials. With none
configured, serve creates them and saves them to the configuration file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.start()
			if err != nil {
				return err
			}
			defer env.close()
			cfg, path, log := env.cfg, env.configPath, env.log
			if listen != "" {
				cfg.Server.Listen = listen
			}
			if appID != "" || appKey != "" {
				cfg.App = config.App{ID: appID, Key: appKey}
			}
			if cfg.App.ID == "" {
				cfg.App = newAppCredentials()
				if err := config.Save(path, cfg); err != nil {
					return fmt.Errorf("saving the new app credentials: %w", err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Created app credentials (app id %s) and saved them to %s\n", cfg.App.ID, path)
			}
			cfg.Server.Webhooks = append(cfg.Server.Webhooks, webhooks...)
			if err := cfg.Validate(); err != nil {
				return err
			}
			srv, err := server.New(server.Config{Listen: cfg.Server.Listen, AppID: cfg.App.ID, AppKey: cfg.App.Key,
				TopN: topN, StreamDetectInterval: streamDetect, ResumeGrace: resumeGrace,
				MaxRoomParticipants: maxParticipants, MaxRooms: maxRooms, TokenWillExpireLead: tokenLead, Webhooks: cfg.Server.Webhooks}, log)
			if err != nil {
				return err
			}
			ready := make(chan error, 1)
			go func() { ready <- srv.Run(env.ctx) }()
			addr, err := waitAddr(srv, ready)
			if err != nil {
				return err
			}
			url := "ws://" + addr
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "confab room server listening on %s (signaling %s/v1/ws)\n", addr, url)
			ctime := time.Now().Add(2 * time.Hour).Unix()
			fmt.Fprintf(out, "Join from here:   confab join --server %s ROOM\n", url)
			fmt.Fprintf(out, "Or hand this out (valid 2h, room 'lobby', user 'guest'):\n  confab join --server %s --app-id %s --user guest --signature %s --ctime %d lobby\n",
				url, cfg.App.ID, sig.Sign(cfg.App.Key, cfg.App.ID, "lobby", "guest", ctime), ctime)
			fmt.Fprintf(out, "More with: confab token --room ROOM --user USER\n")
			err = <-ready
			srv.Close()
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&listen, "listen", "", "address to listen on (default "+config.DefaultListen+")")
	f.StringVar(&appID, "app-id", "", "app id (default: from the configuration file)")
	f.StringVar(&appKey, "app-key", "", "app key (default: from the configuration file)")
	f.IntVar(&maxParticipants, "max-participants", server.DefaultMaxRoomParticipants, "most participants in one room; one more gets 34000001 (room is full)")
	f.IntVar(&maxRooms, "max-rooms", server.DefaultMaxRooms, "most rooms on this server; a join creating one more gets 91000020")
	f.StringArrayVar(&webhooks, "webhook", nil, "URL to POST room and user events to, signed with the app key (repeatable; adds to [server] webhooks)")
	f.DurationVar(&tokenLead, "token-lead", server.DefaultTokenWillExpireLead, "how long before a session's signature expires it gets token-will-expire")
	f.IntVar(&topN, "top-n", 0, "forward to each subscriber only the audio of the N loudest speakers (0: everyone)")
	f.DurationVar(&streamDetect, "stream-detect", server.DefaultStreamDetectInterval, "how long a stream may deliver nothing before its subscribers get stream-interrupted (1s-60s)")
	f.DurationVar(&resumeGrace, "resume-grace", sig.DefaultResumeGrace, "how long a participant whose connection dropped is kept for a resume before the room sees it leave (negative: not at all)")
	return cmd
}

// waitAddr waits until the server listens (or fails to).
func waitAddr(srv *server.Server, failed <-chan error) (string, error) {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if a := srv.Addr(); a != nil {
			return a.String(), nil
		}
		select {
		case err := <-failed:
			if err == nil {
				err = fmt.Errorf("the server stopped before listening")
			}
			return "", err
		case <-time.After(10 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("the server did not start listening within 5s")
}

// newAppCredentials makes a random app id and a 256-bit key.
func newAppCredentials() config.App {
	id := make([]byte, 6)
	key := make([]byte, 32)
	_, _ = rand.Read(id)
	_, _ = rand.Read(key)
	return config.App{ID: "app-" + hex.EncodeToString(id), Key: hex.EncodeToString(key)}
}
