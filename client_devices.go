package main

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/config"
	"github.com/confab-rtc/confab/devices"
	"github.com/confab-rtc/confab/signal"
	"github.com/confab-rtc/confab/tui"
)

// deviceControl connects a call to its devices.Manager: it turns the
// Manager's events into call events, carries out the user's switches
// (headless commands, TUI keys) and remembers them in the configuration
// file. An automatic fallback is never saved: the user's choice stays
// what they chose.
type deviceControl struct {
	mgr        *devices.Manager              // nil without an audio system
	eng        interface{ Emit(call.Event) } // the current call; set before the Manager starts
	log        *slog.Logger
	configPath string // "" saves nothing
	// off says why a kind of device cannot be switched in this call
	// (--mic none, --send, --speaker none), by slot: recording, playback.
	off map[string]string

	saveMu sync.Mutex     // one save at a time, in order
	saves  sync.WaitGroup // saves in progress; close waits for them
}

// event maps one Manager event to call events. It runs on the Manager's
// goroutine; Emit does not block.
func (dc *deviceControl) event(ev devices.Event) {
	switch ev := ev.(type) {
	case devices.Change:
		dc.eng.Emit(call.DeviceChanged{Kind: ev.Kind, DeviceID: ev.DeviceID, DeviceName: ev.DeviceName, Action: ev.Action})
	case devices.Switch:
		dc.log.Info("device in use", "kind", ev.Kind, "from", ev.FromID, "to", ev.ToID, "reason", ev.Reason)
		md := call.MediaDevice{Kind: ev.Kind, DeviceID: ev.ToID, DeviceName: ev.ToName, Reason: ev.Reason}
		if ev.Reason == devices.ReasonStart {
			md.Reason = ""
		}
		if ev.ToID == "" {
			md.Problem = "switched off by the user"
		}
		dc.eng.Emit(md)
	case devices.Lost:
		dc.log.Warn("no device left", "kind", ev.Kind, "last", ev.LastID)
		if ev.Kind == devices.KindRecording {
			if ev.LastID != "" {
				dc.eng.Emit(call.TrackEnded{Kind: signal.KindAudio})
			}
			dc.eng.Emit(call.MediaDevice{Kind: ev.Kind, Code: signal.CodeNoAudioInput,
				Problem: "No microphone is connected; the call sends silence until one is plugged in (see 'confab devices')."})
			return
		}
		dc.eng.Emit(call.MediaDevice{Kind: ev.Kind, Code: signal.CodeNoAudioOutput,
			Problem: "No speaker is connected; you will hear the call again when one is plugged in (see 'confab devices')."})
	case devices.Failure:
		dc.log.Warn("device failed", "kind", ev.Kind, "device", ev.DeviceID, "err", ev.Err)
		if !errors.Is(ev.Err, devices.ErrStalled) {
			dc.eng.Emit(call.Error{Code: deviceCode(ev.Kind), Message: fmt.Sprintf("cannot open %s device %s: %v", ev.Kind, ev.DeviceID, ev.Err)})
		}
	}
}

// deviceCode is the error code for a device of kind that is missing.
func deviceCode(kind string) int {
	if kind == devices.KindRecording {
		return signal.CodeCaptureDeviceNotFound
	}
	return signal.CodeNoAudioOutput
}

// usable reports whether kind can be switched in this call, and emits an
// error event saying why not.
func (dc *deviceControl) usable(kind string) bool {
	why := dc.off[kind]
	if dc.mgr == nil && why == "" {
		why = "no audio system: devices cannot be switched"
	}
	if why != "" {
		dc.eng.Emit(call.Error{Code: deviceCode(kind), Message: why})
		return false
	}
	return true
}

// set switches kind to id ("default", "none" or a listed id) as the user's
// choice; a bad id becomes an error event and the call goes on.
func (dc *deviceControl) set(kind, id string) {
	if !dc.usable(kind) {
		return
	}
	if err := dc.mgr.Set(kind, id); err != nil {
		dc.eng.Emit(call.Error{Code: deviceCode(kind), Message: err.Error()})
		return
	}
	name := ""
	for _, d := range dc.mgr.Devices(kind) {
		if d.ID == id {
			name = d.Name
		}
	}
	if id == "default" {
		id = devices.PrefDefault
	}
	dc.save(kind, id, name)
}

// cycle switches kind to the next listed device, as the user's choice.
func (dc *deviceControl) cycle(kind string) {
	if !dc.usable(kind) {
		return
	}
	d, err := dc.mgr.Cycle(kind)
	if err != nil {
		dc.eng.Emit(call.Error{Code: deviceCode(kind), Message: err.Error()})
		return
	}
	dc.save(kind, d.ID, d.Name)
}

// save remembers the user's choice in the configuration file, in the
// background (the TUI must not wait on the disk): the file is read again
// so that nothing else in it changes, and written atomically.
func (dc *deviceControl) save(kind, id, name string) {
	if dc.configPath == "" {
		return
	}
	dc.saves.Add(1)
	go func() {
		defer dc.saves.Done()
		dc.saveMu.Lock()
		defer dc.saveMu.Unlock()
		if err := saveDeviceChoice(dc.configPath, kind, id, name); err != nil {
			dc.log.Warn("cannot remember the device choice", "path", dc.configPath, "err", err)
		}
	}()
}

// close stops the Manager (closing its devices, bounded) and waits for the
// choices being saved.
func (dc *deviceControl) close() {
	if dc.mgr != nil {
		dc.mgr.Close()
	}
	dc.saves.Wait()
}

// saveDeviceChoice writes one device choice into the configuration file.
func saveDeviceChoice(path, kind, id, name string) error {
	cfg, err := config.Load(path)
	if err != nil {
		return err
	}
	if kind == devices.KindRecording {
		cfg.Client.Microphone, cfg.Client.MicrophoneName = id, name
	} else {
		cfg.Client.Speaker, cfg.Client.SpeakerName = id, name
	}
	return config.Save(path, cfg)
}

// switchingEngine is the call engine as the TUI sees it: the engine plus
// the keys that cycle through microphones and speakers.
type switchingEngine struct {
	*call.Engine
	dc *deviceControl
}

// CycleMicrophone switches to the next microphone.
func (e switchingEngine) CycleMicrophone() { e.dc.cycle(devices.KindRecording) }

// CycleSpeaker switches to the next speaker.
func (e switchingEngine) CycleSpeaker() { e.dc.cycle(devices.KindPlayback) }

// Devices returns the Manager's latest enumeration for the devices pane,
// with the devices in use and why a kind cannot be switched.
func (e switchingEngine) Devices() tui.DeviceList {
	return e.dc.deviceList()
}

// ChooseMicrophone switches to the microphone id, as the user's choice.
func (e switchingEngine) ChooseMicrophone(id string) { e.dc.set(devices.KindRecording, id) }

// ChooseSpeaker switches to the speaker id, as the user's choice.
func (e switchingEngine) ChooseSpeaker(id string) { e.dc.set(devices.KindPlayback, id) }

// deviceList is the devices pane's snapshot. It copies the Manager's
// lists under its lock and never touches a device, so the interface's
// update loop does not wait.
func (dc *deviceControl) deviceList() tui.DeviceList {
	l := tui.DeviceList{MicOff: dc.off[devices.KindRecording], SpeakerOff: dc.off[devices.KindPlayback]}
	if dc.mgr == nil {
		const why = "no audio system: devices cannot be listed"
		l.MicOff, l.SpeakerOff = cmp.Or(l.MicOff, why), cmp.Or(l.SpeakerOff, why)
		return l
	}
	conv := func(kind string) []tui.Device {
		var out []tui.Device
		for _, d := range dc.mgr.Devices(kind) {
			out = append(out, tui.Device{ID: d.ID, Name: d.Name, Default: d.Default})
		}
		return out
	}
	l.Microphones, l.Speakers = conv(devices.KindRecording), conv(devices.KindPlayback)
	mic, spk := dc.mgr.Active()
	l.Mic, l.Speaker = mic.ID, spk.ID
	return l
}
