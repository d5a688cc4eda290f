package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/server"
	sig "github.com/confab-rtc/confab/signal"
)

// demoRoom is the room the demo joins you to; demoLounge is a second room,
// so the room list (r) has somewhere to switch to.
const (
	demoRoom   = "demo"
	demoLounge = "lounge"
)

// demoPeople are the simulated participants, one voice each, and their
// rooms. The people of a room take turns talking.
var demoPeople = []struct{ id, name, room string }{
	{"ada", "Ada", demoRoom},
	{"bruno", "Bruno", demoRoom},
	{"chiara", "Chiara", demoRoom},
	{"dmitri", "Dmitri", demoLounge},
}

func newDemoCmd(g *globals) *cobra.Command {
	o := &clientOptions{}
	var listen string
	cmd := &cobra.Command{
		Use:   "demo [--headless --duration 10s]",
		Short: "A live call with three simulated people, no setup",
		Long: `demo starts a room server inside this process, adds three simulated people who
take turns talking (generated speech-like audio with their own pitch and timbre), and joins
you to their room, "demo", with your microphone and speaker; a fourth simulated person talks
in a second room, "lounge". Press m to mute, hold space to talk, i and o to switch
microphone and speaker, d for the devices pane (t there plays a test chime), s for call
statistics, r for the room list (enter on lounge moves you there), ? for every key, q
twice to leave. --plain runs it in the accessible mode for screen readers (see 'confab
join --help').

The demo's server listens on --listen (default: a free loopback port). It
accepts the app credentials of the configuration file when it has them (else
fresh ones), so another terminal can join the demo's rooms, or make new ones,
with 'confab join --server ws://ADDR [ROOM]' and the same configuration.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			env, err := g.start()
			if err != nil {
				return err
			}
			defer env.close()
			cfg, log := env.cfg, env.log

			creds := cfg.App
			if creds.ID == "" || creds.Key == "" {
				creds = newAppCredentials()
			}
			srv, err := server.New(server.Config{Listen: listen, AppID: creds.ID, AppKey: creds.Key}, log.With("part", "server"))
			if err != nil {
				return err
			}
			defer srv.Close()
			srvCtx, stopSrv := context.WithCancel(context.Background())
			defer stopSrv()
			srvDone := make(chan error, 1)
			go func() { srvDone <- srv.Run(srvCtx) }()
			addr, err := waitAddr(srv, srvDone)
			if err != nil {
				return err
			}
			log.Info("demo server listening", "addr", addr)
			o.server = "ws://" + addr
			o.room = demoRoom
			o.configPath = env.configPath
			o.logFile = env.logFile
			o.appID, o.appKey = creds.ID, creds.Key
			if o.userName == "" && cfg.Client.UserName == "" {
				o.userName = "You"
			}
			if err := o.resolve(cfg); err != nil {
				return err
			}

			botCtx, stopBots := context.WithCancel(context.Background())
			bots, err := startBots(botCtx, o.server, creds.ID, creds.Key, log)
			if err != nil {
				stopBots()
				return err
			}
			err = runClient(env.ctx, o, log, cmd.InOrStdin(), cmd.OutOrStdout())
			stopBots()
			bots.Wait()
			return err
		},
	}
	addClientFlags(cmd, o)
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:0", "address of the demo's server, for other clients to join (port 0: any free port)")
	return cmd
}

// startBots joins the simulated participants; each runs until ctx ends.
func startBots(ctx context.Context, server, appID, appKey string, log *slog.Logger) (*sync.WaitGroup, error) {
	voices := audio.Voices()
	if len(voices) == 0 {
		return nil, fmt.Errorf("no synthetic voices")
	}
	// One conversation per room: its people take turns instead of
	// talking at once.
	sources := make([]audio.Source, len(demoPeople))
	for _, room := range []string{demoRoom, demoLounge} {
		var idx []int
		var people []audio.Voice
		for i, p := range demoPeople {
			if p.room == room {
				idx = append(idx, i)
				people = append(people, voices[i%len(voices)])
			}
		}
		for j, src := range audio.NewConversation(1, people) {
			sources[idx[j]] = src
		}
	}
	var wg sync.WaitGroup
	for i, p := range demoPeople {
		src := sources[i]
		ctime := time.Now().Add(sig.MaxSignatureTTL - time.Minute).Unix()
		eng := call.New(call.Config{
			ServerURL: server, Room: p.room, UserID: p.id, UserName: p.name,
			Role: sig.RoleJoiner, AppID: appID, Platform: "confab-demo",
			Signature: sig.Sign(appKey, appID, p.room, p.id, ctime), CTime: ctime,
			Encoder: audio.EncoderConfig{Bitrate: 32000, FEC: true, PacketLossPercent: 5, Complexity: 5},
		}, call.Params{Source: src, Logger: log.With("bot", p.id)})
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range eng.Events() {
			}
		}()
		go func() {
			defer wg.Done()
			defer src.Close()
			if err := eng.Run(ctx); err != nil {
				log.Warn("simulated participant stopped", "bot", p.id, "err", err)
			}
		}()
	}
	return &wg, nil
}
