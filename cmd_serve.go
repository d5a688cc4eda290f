package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
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
	var tlsCert, tlsKey string
	var tlsSelfSigned bool
	cmd := &cobra.Command{
		Use:   "serve [--listen 127.0.0.1:7880] [--app-id ID --app-key KEY]",
		Short: "Run the room server",
		Long: `serve runs confab's room server: websocket signaling on /v1/ws and an SFU that
forwards every participant's audio to everyone else in the room. Joins are
checked against the access signature made from the app credentials. With none
configured, serve creates them and saves them to the configuration file.

TLS: --tls-cert FILE --tls-key FILE serve https:// and wss:// with that
certificate. For development, --tls-self-signed makes a certificate once,
keeps it in the data dir ($XDG_DATA_HOME/confab) and prints its SHA-256
fingerprint: clients pass it with --tls-pin (or client.tls_pin) to trust
exactly that certificate.`,
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
			if tlsCert != "" || tlsKey != "" {
				cfg.Server.TLSCert, cfg.Server.TLSKey, cfg.Server.TLSSelfSigned = tlsCert, tlsKey, false
			}
			if cmd.Flags().Changed("tls-self-signed") {
				cfg.Server.TLSSelfSigned = tlsSelfSigned
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			fingerprint := ""
			if cfg.Server.TLSSelfSigned {
				if cfg.Server.TLSCert, cfg.Server.TLSKey, fingerprint, err = selfSignedCert(cfg.Server.Listen); err != nil {
					return err
				}
			}
			srv, err := server.New(server.Config{Listen: cfg.Server.Listen, AppID: cfg.App.ID, AppKey: cfg.App.Key,
				TopN: topN, StreamDetectInterval: streamDetect, ResumeGrace: resumeGrace,
				MaxRoomParticipants: maxParticipants, MaxRooms: maxRooms, TokenWillExpireLead: tokenLead, Webhooks: cfg.Server.Webhooks,
				TLSCertFile: cfg.Server.TLSCert, TLSKeyFile: cfg.Server.TLSKey}, log)
			if err != nil {
				return err
			}
			ready := make(chan error, 1)
			go func() { ready <- srv.Run(env.ctx) }()
			addr, err := waitAddr(srv, ready)
			if err != nil {
				return err
			}
			url, pin := "ws://"+addr, ""
			if srv.TLS() {
				url = "wss://" + addr
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "confab room server listening on %s (signaling %s/v1/ws)\n", addr, url)
			if fingerprint != "" {
				fmt.Fprintf(out, "Self-signed TLS certificate %s, fingerprint:\n  %s\n", cfg.Server.TLSCert, fingerprint)
				pin = " --tls-pin " + fingerprint
			}
			ctime := time.Now().Add(2 * time.Hour).Unix()
			fmt.Fprintf(out, "Join from here:   confab join --server %s%s ROOM\n", url, pin)
			fmt.Fprintf(out, "Or hand this out (valid 2h, room 'lobby', user 'guest'):\n  confab join --server %s%s --app-id %s --user guest --signature %s --ctime %d lobby\n",
				url, pin, cfg.App.ID, sig.Sign(cfg.App.Key, cfg.App.ID, "lobby", "guest", ctime), ctime)
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
	f.StringVar(&tlsCert, "tls-cert", "", "PEM certificate (chain) to serve https:// and wss:// with (with --tls-key; or server.tls_cert)")
	f.StringVar(&tlsKey, "tls-key", "", "PEM private key of --tls-cert (or server.tls_key)")
	f.BoolVar(&tlsSelfSigned, "tls-self-signed", false, "serve TLS with a development certificate kept in the data dir; prints the fingerprint clients pass with --tls-pin")
	cmd.MarkFlagsMutuallyExclusive("tls-cert", "tls-self-signed")
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

// selfSignedCert returns the development certificate for a server
// listening on listen, made on first use in the data dir, and its
// fingerprint.
func selfSignedCert(listen string) (cert, key, fingerprint string, err error) {
	dir, err := config.DefaultDataDir()
	if err != nil {
		return "", "", "", err
	}
	host, _, _ := net.SplitHostPort(listen)
	return server.SelfSignedCert(dir, []string{host}, time.Now())
}
