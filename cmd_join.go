package main

import (
	"os"

	"github.com/spf13/cobra"
)

func newJoinCmd(g *globals) *cobra.Command {
	o := &clientOptions{}
	cmd := &cobra.Command{
		Use:   "join [--server URL] [--name NAME] [--user ID] [ROOM]",
		Short: "Join a room, or choose one from the server's room list",
		Long: `join connects to a room server and joins ROOM: your default microphone is sent
to everyone in the room and everyone else is played on your default speaker.
Without ROOM it opens the rooms screen first: the server's live room list,
where enter joins the selected room and typing a new name creates one. In a
call, r opens the same list beside it, and enter there leaves the call and
joins the chosen room. Choosing rooms needs app credentials (or a
--token-command that signs any room, and room * for the list): a --signature
is good for its own room only.

Credentials: with app credentials (in the configuration file, or --app-id and
--app-key) join signs itself; otherwise pass what 'confab token' printed:
--app-id, --signature and --ctime.

Renewal: the server warns (token-will-expire) before the signature's ctime and
ends the session at ctime. join renews by itself when it holds app credentials
(a fresh 2 h signature) or when --token-command CMD is given: CMD runs through
sh -c with CONFAB_ROOM and CONFAB_USER set, and prints either
  SIGNATURE CTIME
or
  {"signature": "...", "ctime": 1767225600}
With --token-command and no --signature, the command also makes the join's
signature (--app-id is still needed). Switching role needs such a signer too.

--role player joins receive-only; --role joiner (the default) also sends.

--headless runs the same call without the interface and prints events as JSON
lines; it reads commands from standard input, one a line: mute, unmute,
rename NAME, role joiner, role player, volume USERID PERCENT,
mic ID|default|none, speaker ID|default|none, leave. A device chosen with mic
or speaker (or the i and o keys of the interface) is remembered in the
configuration file.

--plain is the accessible mode for screen readers: one sentence a line, no
colour or drawing, single keys (h lists them, q twice leaves). Without ROOM it
first reads the room list out, numbered, and joins the room whose number or
name you type (a new name creates it).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			env, err := g.start()
			if err != nil {
				return err
			}
			defer env.close()
			if len(args) == 1 {
				o.room = args[0]
			}
			o.configPath = env.configPath
			o.logFile = env.logFile
			if err := o.resolve(env.cfg); err != nil {
				return err
			}
			return runClient(env.ctx, o, env.log, cmd.InOrStdin(), cmd.OutOrStdout())
		},
	}
	addClientFlags(cmd, o)
	f := cmd.Flags()
	f.StringVar(&o.server, "server", "", "room server URL (default: client.server_url, ws://127.0.0.1:7880)")
	f.StringVar(&o.tlsPin, "tls-pin", "", `trust the wss:// server by its certificate's fingerprint, "sha256:..." as serve --tls-self-signed prints it (default: client.tls_pin)`)
	f.StringVar(&o.appID, "app-id", "", "app id")
	f.StringVar(&o.appKey, "app-key", "", "app key (to sign the join yourself)")
	f.StringVar(&o.signature, "signature", "", "access signature from 'confab token'")
	f.Int64Var(&o.ctime, "ctime", 0, "the signature's expiry, Unix seconds, from 'confab token'")
	f.StringVar(&o.role, "role", "joiner", "joiner (send and receive) or player (receive only)")
	f.StringVar(&o.tokenCommand, "token-command", "", `command (run with sh -c) that prints a fresh "SIGNATURE CTIME" or {"signature","ctime"}, to renew the signature`)
	return cmd
}

// addClientFlags adds the flags join and demo share.
func addClientFlags(cmd *cobra.Command, o *clientOptions) {
	f := cmd.Flags()
	f.StringVar(&o.userName, "name", "", "your name as others see it (default: your login name)")
	f.StringVar(&o.userID, "user", "", "your user id, [A-Za-z0-9_-]{1,64} (default: from the name)")
	f.StringVar(&o.mic, "mic", "", `microphone device id from 'confab devices', or "none" (default: the system default)`)
	f.StringVar(&o.speaker, "speaker", "", `speaker device id from 'confab devices', or "none" (default: the system default)`)
	f.BoolVar(&o.headless, "headless", false, "no interface: print events as JSON lines, read commands from stdin")
	f.StringVar(&o.send, "send", "", "send this WAV file, looped, instead of the microphone")
	addProcessingFlags(f, &o.proc)
	f.StringVar(&o.record, "record", "", "write the received audio, mixed, to this WAV file")
	f.DurationVar(&o.duration, "duration", 0, "leave after this long (0: stay)")
	f.DurationVar(&o.reconnectTimeout, "reconnect-timeout", 0, "how long to try to get back into the call after the connection is lost (default: [client] reconnect_timeout, else 60s)")
	f.BoolVar(&o.noColor, "no-color", os.Getenv("NO_COLOR") != "", "no colours (also: NO_COLOR set)")
	f.BoolVar(&o.mouse, "mouse", false, "click to select a participant or focus a pane, wheel to scroll the log (also: [client] mouse)")
	f.BoolVar(&o.plain, "plain", false, "accessible plain mode for screen readers: one sentence a line, single-key commands (h lists them)")
	f.BoolVar(&o.timestamps, "timestamps", false, "with --plain: start every line with the time")
	cmd.MarkFlagsMutuallyExclusive("headless", "plain")
	o.plainGiven = func() bool { return f.Changed("plain") }
	addAudioFlags(f, &o.audio)
}
