package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/devices"
	"github.com/confab-rtc/confab/signal"
	"github.com/confab-rtc/confab/tui"
)

// leaveTimeout bounds how long leaving a call waits for its engine.
const leaveTimeout = 5 * time.Second

// calls runs the client's calls one after another in one process, so the
// interface can switch rooms: the devices, the audio processor and the
// outputs live as long as the program, only the engine is per room. It
// also stands for the current call towards the device manager (Emit),
// whose events reach whichever call is current.
type calls struct {
	o      *clientOptions
	params call.Params
	dc     *deviceControl
	log    *slog.Logger
	// ctx bounds every call (the command's context, with --duration).
	ctx context.Context
	// notices are what opening the devices found; every call gets them,
	// since each call's view starts empty.
	notices []call.Event

	mu     sync.Mutex
	cur    *call.Engine
	runErr chan error // the current engine's Run result
	// devicesStarted is whether the device manager runs, so that a new
	// call is told which devices are in use (the manager told only the
	// first).
	devicesStarted bool
	// finished is set by finish: a join still under way when the
	// interface ended must not start a call nobody would end.
	finished bool
}

// errFinished is join's answer once the client is ending.
var errFinished = signal.Errorf(signal.CodeInternal, "confab is ending; no room is joined")

// Emit hands a device event to the current call; between calls it is
// dropped (the next call is told the devices in use when it starts).
func (c *calls) Emit(ev call.Event) {
	c.mu.Lock()
	eng := c.cur
	c.mu.Unlock()
	if eng != nil {
		eng.Emit(ev)
	}
}

// start makes the engine of room, signed with sig and ctime, makes it the
// current call and runs it; nil once finish was called.
func (c *calls) start(room, sig string, ctime int64) *call.Engine {
	o := c.o
	// Held from the check to the engine being current, so finish either
	// sees this call or refuses it.
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.finished {
		return nil
	}
	eng := call.New(call.Config{
		ServerURL: o.server, TLSPin: o.tlsPin, Room: room, UserID: o.userID, UserName: o.userName,
		Role: o.roleNum, AppID: o.appID, Signature: sig, CTime: ctime,
		Encoder: o.encoder, ReconnectTimeout: o.reconnectTimeout,
	}, c.params)
	for _, n := range c.notices {
		eng.Emit(n)
	}
	if c.devicesStarted && c.dc.mgr != nil {
		mic, speaker := c.dc.mgr.Active()
		if mic.ID != "" {
			eng.Emit(call.MediaDevice{Kind: devices.KindRecording, DeviceID: mic.ID, DeviceName: mic.Name})
		}
		if speaker.ID != "" {
			eng.Emit(call.MediaDevice{Kind: devices.KindPlayback, DeviceID: speaker.ID, DeviceName: speaker.Name})
		}
	}
	runErr := make(chan error, 1)
	c.cur, c.runErr = eng, runErr
	go func() { runErr <- eng.Run(c.ctx) }()
	return eng
}

// startDevices starts the device manager, which opens the devices, then
// polls for hot-plug and stalls until ctx ends or d.close stops it.
func (c *calls) startDevices(ctx context.Context) {
	if c.dc.mgr == nil {
		return
	}
	c.mu.Lock()
	c.devicesStarted = true
	c.mu.Unlock()
	c.dc.mgr.Start(ctx)
}

// sign returns the signature to join room with: a fresh one from the
// signer (app key or --token-command) when there is one, else the one
// given on the command line, which is good for its own room only.
func (c *calls) sign(room string) (string, int64, error) {
	o := c.o
	if o.renew != nil {
		return o.renew(room, o.userID)
	}
	if room == o.room && o.signature != "" {
		return o.signature, o.ctime, nil
	}
	return "", 0, signal.Errorf(signal.CodeAuthFailed,
		"Your signature is for room %s only. To join other rooms, pass --app-id and --app-key, or a --token-command that signs any room (see confab join --help).", o.room)
}

// join is the interface's Joiner: it signs for room first, so a room the
// client cannot sign for leaves the current call alone, then leaves the
// current call and starts the new one.
func (c *calls) join(_ context.Context, room string) (tui.Engine, error) {
	sig, ctime, err := c.sign(room)
	if err != nil {
		return nil, err
	}
	if err := c.end(); err != nil {
		c.log.Warn("the call left for another room ended in failure", "err", err)
	}
	c.log.Info("switching room", "room", room)
	eng := c.start(room, sig, ctime)
	if eng == nil {
		return nil, errFinished
	}
	return switchingEngine{eng, c.dc}, nil
}

// lobby is the interface's LobbyDialer: a subscription to the room list,
// signed for signal.LobbyRoom, which needs a signer (a signature for one
// room does not read the list).
func (c *calls) lobby(ctx context.Context) (tui.Lobby, error) {
	o := c.o
	if o.renew == nil {
		return nil, signal.Errorf(signal.CodeAuthFailed, "the room list needs app credentials, and this client has a signature for room %s only", o.room)
	}
	sig, ctime, err := o.renew(signal.LobbyRoom, o.userID)
	if err != nil {
		return nil, err
	}
	l, err := call.DialLobby(ctx, call.LobbyConfig{ServerURL: o.server, TLSPin: o.tlsPin, AppID: o.appID, UserID: o.userID, Signature: sig, CTime: ctime})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// finish ends the current call, as end does, and refuses any call a join
// still under way would start.
func (c *calls) finish() error {
	c.mu.Lock()
	c.finished = true
	c.mu.Unlock()
	return c.end()
}

// end leaves the current call, waits for its engine (bounded) and returns
// how the call ended: nil when there is none or it ended normally.
func (c *calls) end() error {
	c.mu.Lock()
	eng, runErr := c.cur, c.runErr
	c.cur, c.runErr = nil, nil
	c.mu.Unlock()
	if eng == nil {
		return nil
	}
	eng.Leave()
	var err error
	select {
	case err = <-runErr:
	case <-time.After(leaveTimeout):
		c.log.Warn("the call did not end within 5s of leaving", "room", eng.Room())
	}
	eng.Close()
	return clientResult(err)
}
