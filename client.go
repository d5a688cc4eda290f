package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"strconv"
	"strings"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/config"
	"github.com/confab-rtc/confab/devices"
	"github.com/confab-rtc/confab/signal"
	"github.com/confab-rtc/confab/tui"
)

// clientOptions are the settings of one client run, from flags over the
// configuration file.
type clientOptions struct {
	server    string
	tlsPin    string
	room      string
	userID    string
	userName  string
	appID     string
	appKey    string
	signature string
	ctime     int64
	// role is "joiner" or "player" (--role); resolve sets roleNum.
	role    string
	roleNum int
	// tokenCommand prints a fresh signature (--token-command); renew is
	// the signer resolve picks for call.Params.Renew, nil if none.
	tokenCommand string
	renew        func(room, userID string) (string, int64, error)

	mic     string // device id, "" default, "none"
	speaker string // device id, "" default, "none"
	// micName and speakerName are the saved devices' names, which find
	// them when their ids changed; "" for devices given by flag.
	micName, speakerName string
	// configPath is the configuration file, where a device chosen during
	// the call is remembered; "" remembers nothing.
	configPath string
	// logFile is the open log file, where standard error goes while the
	// full-screen view runs; nil leaves standard error alone.
	logFile *os.File

	audio   audioOptions
	encoder audio.EncoderConfig // resolved from audio by resolve

	headless bool
	send     string
	proc     processingFlags // --aec, --ns, --agc, --dsp
	record   string
	duration time.Duration
	noColor  bool
	mouse    bool // --mouse or [client] mouse: clicks and the wheel in the call view
	// reconnectTimeout is --reconnect-timeout or [client]
	// reconnect_timeout; 0 leaves the engine's default.
	reconnectTimeout time.Duration
	// keys are the call view's bindings after the configuration's [keys].
	keys tui.KeyMap
	// plain is --plain: one sentence a line and single keys, for screen
	// readers; timestamps (--timestamps) starts its lines with the time.
	plain      bool
	timestamps bool
	// plainGiven reports whether --plain was on the command line, which
	// then wins over the configuration's plain.
	plainGiven func() bool
}

// resolve fills unset options from the configuration and checks them.
func (o *clientOptions) resolve(cfg config.Config) error {
	if o.server == "" {
		o.server = cfg.Client.ServerURL
	}
	if err := config.CheckServerURL(o.server); err != nil {
		return fmt.Errorf("--server: %w", err)
	}
	if o.tlsPin == "" {
		o.tlsPin = cfg.Client.TLSPin
	}
	if o.tlsPin != "" {
		pin, err := signal.ParseFingerprint(o.tlsPin)
		if err != nil {
			return fmt.Errorf("--tls-pin: %w", err)
		}
		o.tlsPin = pin
	}
	if o.userName == "" {
		o.userName = cfg.Client.UserName
	}
	if o.userName == "" {
		if u, err := user.Current(); err == nil {
			o.userName = u.Username
		}
	}
	if o.userID == "" {
		o.userID = cfg.Client.UserID
	}
	if o.userID == "" {
		o.userID = idFromName(o.userName)
	}
	o.mouse = o.mouse || cfg.Client.Mouse
	if o.reconnectTimeout == 0 && cfg.Client.ReconnectTimeout != "" {
		d, err := time.ParseDuration(cfg.Client.ReconnectTimeout)
		if err != nil {
			return fmt.Errorf("configuration: client.reconnect_timeout: %w", err)
		}
		o.reconnectTimeout = d
	}
	if o.reconnectTimeout < 0 {
		return fmt.Errorf("--reconnect-timeout %s: must be positive", o.reconnectTimeout)
	}
	if cfg.Client.Plain && !o.headless && (o.plainGiven == nil || !o.plainGiven()) {
		o.plain = true
	}
	keys, err := tui.DefaultKeyMap().Rebind(cfg.Keys)
	if err != nil {
		return fmt.Errorf("configuration: %w", err)
	}
	o.keys = keys
	if o.mic == "" {
		o.mic, o.micName = cfg.Client.Microphone, cfg.Client.MicrophoneName
	}
	if o.speaker == "" {
		o.speaker, o.speakerName = cfg.Client.Speaker, cfg.Client.SpeakerName
	}
	enc, err := o.audio.encoderConfig(cfg.Client)
	if err != nil {
		return err
	}
	o.encoder = enc
	// Without a room the interface opens the rooms screen, and each room
	// is signed when it is chosen.
	checkRoom := o.room
	if checkRoom == "" {
		if o.headless {
			return errors.New("name the room to join: confab join --headless ROOM")
		}
		checkRoom = "r"
	}
	if e := signal.CheckIdentity(checkRoom, o.userID, o.userName); e != nil {
		return e
	}
	switch o.role {
	case "", "joiner":
		o.roleNum = signal.RoleJoiner
	case "player":
		o.roleNum = signal.RolePlayer
	default:
		return fmt.Errorf("--role %q: must be joiner or player", o.role)
	}
	if o.tokenCommand != "" {
		o.renew = tokenCommand(o.tokenCommand)
	}
	switch {
	case o.signature != "":
		if o.ctime == 0 || o.appID == "" {
			return errors.New("--signature needs --ctime and --app-id too")
		}
		if o.room == "" {
			return errors.New("a --signature is for one room: name it (confab join ROOM), or pass --app-id and --app-key to choose among the rooms")
		}
	case o.appKey != "" || cfg.App.Key != "":
		if o.appKey == "" {
			o.appID, o.appKey = cfg.App.ID, cfg.App.Key
		}
		if o.appID == "" {
			return errors.New("--app-key needs --app-id")
		}
		if o.renew == nil {
			o.renew = appKeySigner(o.appID, o.appKey)
		}
		if o.room != "" {
			o.ctime = time.Now().Add(2 * time.Hour).Unix()
			o.signature = signal.Sign(o.appKey, o.appID, o.room, o.userID, o.ctime)
		}
	case o.renew != nil:
		if o.appID == "" {
			o.appID = cfg.App.ID
		}
		if o.appID == "" {
			return errors.New("--token-command needs --app-id")
		}
		if o.room != "" {
			sig, ctime, err := o.renew(o.room, o.userID)
			if err != nil {
				return err
			}
			o.signature, o.ctime = sig, ctime
		}
	default:
		return errors.New("no credentials to join with: pass --signature, --ctime and --app-id (from 'confab token'), or --app-id and --app-key, or run 'confab serve' on this machine to create app credentials")
	}
	return nil
}

// idFromName derives a valid user id from a display name, or makes one.
func idFromName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') && b.Len() < 48 {
			b.WriteRune(r)
		}
	}
	suffix := make([]byte, 3)
	_, _ = rand.Read(suffix)
	if b.Len() == 0 {
		b.WriteString("user")
	}
	return b.String() + "-" + hex.EncodeToString(suffix)
}

// openedDevices is what the client opened; close releases it.
type openedDevices struct {
	actx    *audio.Context
	dc      *deviceControl // its Manager owns the microphone and speaker
	source  audio.Source   // the --send file or the Manager's Source; nil: receive-only
	output  *devices.Output
	notices []call.Event
}

// openDevices prepares the microphone (or the --send file) and the
// speaker: a devices.Manager opens them when started, and switches and
// falls back during the call. A missing device is not fatal: the call
// goes on receive-only or silent, and a MediaDevice event says why.
func openDevices(o *clientOptions, log *slog.Logger) (*openedDevices, error) {
	d := &openedDevices{dc: &deviceControl{log: log, configPath: o.configPath, off: map[string]string{}}}
	if o.send != "" {
		src, err := audio.NewWAVSource(o.send)
		if err != nil {
			return nil, fmt.Errorf("--send %s: %w", o.send, err)
		}
		d.source = src
		d.notices = append(d.notices, call.MediaDevice{Kind: "recording", DeviceID: "file:" + o.send, DeviceName: o.send})
	}
	needCapture := o.send == "" && o.mic != "none"
	needPlayback := o.speaker != "none"
	if !needCapture {
		d.dc.off[devices.KindRecording] = "this call was joined without a microphone (--mic none or --send): join again to send one"
	}
	if !needPlayback {
		d.dc.off[devices.KindPlayback] = "this call was joined without a speaker (--speaker none): join again to hear it"
	}
	if needCapture || needPlayback {
		actx, err := audio.NewContext()
		if err != nil {
			log.Warn("no audio system", "err", err)
			if needCapture {
				d.notices = append(d.notices, call.MediaDevice{Kind: "recording", Problem: "no audio system: " + err.Error(), Code: signal.CodeNoAudioInput})
			}
			if needPlayback {
				d.notices = append(d.notices, call.MediaDevice{Kind: "playback", Problem: "no audio system: " + err.Error(), Code: signal.CodeNoAudioOutput})
			}
			return d, nil
		}
		d.actx = actx
		mic, speaker := o.mic, o.speaker
		if !needCapture {
			mic = devices.PrefNone // --send bypasses the microphone
		}
		d.dc.mgr = devices.NewManager(devices.Config{}, devices.Params{
			Lister: actx, Opener: devices.ContextOpener{Context: actx},
			Mic: mic, Speaker: speaker, MicName: o.micName, SpeakerName: o.speakerName,
			OnEvent: d.dc.event,
		})
		if needCapture {
			d.source = d.dc.mgr.Source()
		}
		if needPlayback {
			d.output = d.dc.mgr.Output()
		}
	}
	return d, nil
}

// deviceProblem says why a device could not be opened and what to do.
func deviceProblem(what, flag, id string, err error) string {
	name := "the default " + what
	if id != "" {
		name = what + " " + id
	}
	return fmt.Sprintf("Could not open %s (%v). Check that PulseAudio or PipeWire runs, or choose one with %s (see 'confab devices').", name, err, flag)
}

func (d *openedDevices) close() {
	if d.source != nil {
		d.source.Close()
	}
	d.dc.close()
	if d.actx != nil {
		d.actx.Close()
	}
}

// runClient joins the room and runs the call in the TUI or headless until
// the user leaves, the duration passes, or a signal arrives.
func runClient(ctx context.Context, o *clientOptions, log *slog.Logger, stdin io.Reader, stdout io.Writer) error {
	d, err := openDevices(o, log)
	if err != nil {
		return err
	}
	defer d.close()

	params := call.Params{Source: d.source, Logger: log, Renew: o.renew}
	if params.Interceptors, err = testInterceptors(os.Getenv); err != nil {
		return err
	}
	proc, err := o.proc.open(d.source, o.send != "")
	if err != nil {
		return err
	}
	if proc != nil {
		defer closeProcessor(proc, log) // after the engine: it waits for a frame in progress
		params.Processor = proc
	}
	if d.output != nil {
		params.Outputs = append(params.Outputs, d.output)
		params.Pacer = d.output
	}
	if o.record != "" {
		w, err := audio.NewWAVWriter(o.record, audio.SampleRate, audio.Channels)
		if err != nil {
			return fmt.Errorf("--record %s: %w", o.record, err)
		}
		defer w.Close()
		params.Outputs = append(params.Outputs, w)
	}
	if !o.headless && len(params.Outputs) == 0 {
		// Nothing plays, but the interface still shows who speaks.
		params.Outputs = append(params.Outputs, discard{})
	}
	devCtx := ctx // the devices outlive --duration's end of the call
	if o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	c := &calls{o: o, params: params, dc: d.dc, log: log, ctx: ctx, notices: d.notices}
	d.dc.eng = c
	if o.plain && o.room == "" {
		// Plain mode's rooms screen: the list read out, a line read back.
		room, err := tui.ChooseRoomPlain(ctx, c.lobby, stdin, stdout, tui.PlainOptions{Timestamps: o.timestamps, Logger: log})
		if err != nil {
			if errors.Is(err, tui.ErrNoRoomChosen) || ctx.Err() != nil {
				return nil
			}
			return interfaceResult(o, log, err, nil)
		}
		sig, ctime, err := c.sign(room)
		if err != nil {
			return err
		}
		o.room, o.signature, o.ctime = room, sig, ctime
	}
	var eng *call.Engine
	if o.room != "" {
		eng = c.start(o.room, o.signature, o.ctime)
	}
	// Started after the first call exists, so it hears which devices
	// opened; closed by d.close, before the audio context.
	c.startDevices(devCtx)

	if o.headless {
		go readCommands(stdin, eng, d.dc)
		enc := stdout
		for ev := range eng.Events() {
			line, err := call.MarshalEvent(ev, time.Now())
			if err != nil {
				log.Error("cannot encode event", "err", err)
				continue
			}
			fmt.Fprintf(enc, "%s\n", line)
		}
		return c.finish()
	}

	var first switchingEngine
	if eng != nil {
		first = switchingEngine{eng, d.dc}
	}
	uiErr := runInterface(ctx, o, c, first, log, stdin, stdout)
	return interfaceResult(o, log, uiErr, c.finish())
}

// clientResult maps the engine's end to the command's result: leaving and
// stopping are success.
func clientResult(err error) error {
	if err == nil || errors.Is(err, call.ErrLeft) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// readCommands lets scripts drive a headless client through stdin, one
// command a line: mute, unmute, rename NAME, role joiner|player, volume
// USERID PERCENT, mic ID|default|none, speaker ID|default|none, leave.
// An unknown command is reported as an error event.
func readCommands(r io.Reader, eng *call.Engine, dc *deviceControl) {
	if r == nil {
		return
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		cmd, arg, _ := strings.Cut(line, " ")
		arg = strings.TrimSpace(arg)
		switch {
		case line == "mute":
			eng.SetMicMuted(true)
		case line == "unmute":
			eng.SetMicMuted(false)
		case cmd == "rename" && arg != "":
			eng.SetUserName(arg)
		case line == "role joiner":
			eng.SwitchRole(signal.RoleJoiner)
		case line == "role player":
			eng.SwitchRole(signal.RolePlayer)
		case cmd == "volume":
			who, percent, err := parseVolume(arg)
			if err != nil {
				eng.Emit(call.Error{Code: signal.CodeBadRequest, Message: err.Error()})
				break
			}
			eng.SetVolume(who, percent)
		case (cmd == "mic" || cmd == "speaker") && arg != "" && dc != nil:
			kind := devices.KindRecording
			if cmd == "speaker" {
				kind = devices.KindPlayback
			}
			dc.set(kind, arg)
		case line == "leave" || line == "quit":
			eng.Leave()
			return
		case line == "":
		default:
			eng.Emit(call.Error{Code: signal.CodeBadRequest, Message: fmt.Sprintf("unknown command %q: use mute, unmute, rename NAME, role joiner|player, volume USERID PERCENT, mic ID|default|none, speaker ID|default|none or leave", line)})
		}
	}
}

// parseVolume reads the arguments of "volume USERID PERCENT" (PERCENT may
// end in %). The range is checked by Engine.SetVolume, so the bound lives
// in one place.
func parseVolume(arg string) (who string, percent int, err error) {
	f := strings.Fields(arg)
	if len(f) != 2 {
		return "", 0, fmt.Errorf("volume wants a user id and a percent, as in \"volume alice 50\", not %q", arg)
	}
	percent, err = strconv.Atoi(strings.TrimSuffix(f[1], "%"))
	if err != nil {
		return "", 0, fmt.Errorf("volume %q is not a whole number of percent (0-200)", f[1])
	}
	return f[0], percent, nil
}

// discard is an audio output that drops what it gets.
type discard struct{}

func (discard) WriteFrame([]int16) {}
