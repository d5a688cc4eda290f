package main

import (
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/devices"
	sig "github.com/confab-rtc/confab/signal"
)

// nextEvents reads n events from eng, failing after a deadline.
func nextEvents(t *testing.T, eng *call.Engine, n int) []call.Event {
	t.Helper()
	var out []call.Event
	for range n {
		select {
		case ev := <-eng.Events():
			out = append(out, ev)
		case <-time.After(10 * time.Second):
			t.Fatalf("only %d of %d events came: %+v", len(out), n, out)
		}
	}
	return out
}

// TestDeviceEventsBecomeCallEvents: the Manager's events as a headless
// client prints them.
func TestDeviceEventsBecomeCallEvents(t *testing.T) {
	eng := call.New(call.Config{ServerURL: "ws://127.0.0.1:1", Room: "r", UserID: "me"},
		call.Params{Outputs: []audio.Output{discard{}}})
	defer eng.Close()
	dc := &deviceControl{eng: eng, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	tests := []struct {
		name string
		in   devices.Event
		want []call.Event
	}{
		{"plugged", devices.Change{Kind: "playback", DeviceID: "usb", DeviceName: "USB", Action: "ADD"},
			[]call.Event{call.DeviceChanged{Kind: "playback", DeviceID: "usb", DeviceName: "USB", Action: "ADD"}}},
		{"start", devices.Switch{Kind: "recording", ToID: "mic", ToName: "Mic", Reason: devices.ReasonStart},
			[]call.Event{call.MediaDevice{Kind: "recording", DeviceID: "mic", DeviceName: "Mic"}}},
		{"fallback", devices.Switch{Kind: "playback", FromID: "usb", ToID: "spk", ToName: "Spk", Reason: devices.ReasonFallback},
			[]call.Event{call.MediaDevice{Kind: "playback", DeviceID: "spk", DeviceName: "Spk", Reason: "fallback"}}},
		{"last mic lost", devices.Lost{Kind: "recording", LastID: "mic"},
			[]call.Event{call.TrackEnded{Kind: "audio"}, call.MediaDevice{Kind: "recording", Code: sig.CodeNoAudioInput,
				Problem: "No microphone is connected; the call sends silence until one is plugged in (see 'confab devices')."}}},
		{"no speaker at start", devices.Lost{Kind: "playback"},
			[]call.Event{call.MediaDevice{Kind: "playback", Code: sig.CodeNoAudioOutput,
				Problem: "No speaker is connected; you will hear the call again when one is plugged in (see 'confab devices')."}}},
		{"open failed", devices.Failure{Kind: "recording", DeviceID: "mic", Err: errors.New("busy")},
			[]call.Event{call.Error{Code: sig.CodeCaptureDeviceNotFound, Message: "cannot open recording device mic: busy"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dc.event(tt.in)
			if got := nextEvents(t, eng, len(tt.want)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	// A stall is logged, not an error: the switch that follows says it.
	dc.event(devices.Failure{Kind: "recording", DeviceID: "mic", Err: devices.ErrStalled})
	eng.Emit(call.Error{Code: 1, Message: "marker"})
	if got := nextEvents(t, eng, 1); got[0] != (call.Error{Code: 1, Message: "marker"}) {
		t.Errorf("a stall became %+v", got[0])
	}
}

// TestDeviceCommandsWithoutDevices: mic and speaker commands in a call
// joined without that device are error events with the device codes, and
// the commands that follow still work.
func TestDeviceCommandsWithoutDevices(t *testing.T) {
	eng := call.New(call.Config{ServerURL: "ws://127.0.0.1:1", Room: "r", UserID: "me"},
		call.Params{Outputs: []audio.Output{discard{}}})
	defer eng.Close()
	dc := &deviceControl{eng: eng, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		off: map[string]string{devices.KindRecording: "joined without a microphone"}}
	readCommands(strings.NewReader("mic usb_mic\nspeaker default\nvolume alice 50\n"), eng, dc)
	got := nextEvents(t, eng, 2)
	want := []call.Event{
		call.Error{Code: sig.CodeCaptureDeviceNotFound, Message: "joined without a microphone"},
		call.Error{Code: sig.CodeNoAudioOutput, Message: "no audio system: devices cannot be switched"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if v := eng.Volume("alice"); v != 50 {
		t.Errorf("the command after them did not run: volume %d", v)
	}
}
