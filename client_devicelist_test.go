package main

import (
	"context"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/devices"
	"github.com/confab-rtc/confab/tui"
)

// listSystem is a devices Lister and Opener with fixed lists; every
// device opens and stays silent.
type listSystem struct{ mics, speakers []audio.DeviceInfo }

func (s listSystem) Devices(kind audio.DeviceKind) ([]audio.DeviceInfo, error) {
	if kind == audio.KindCapture {
		return s.mics, nil
	}
	return s.speakers, nil
}

func (listSystem) OpenCapture(id string) (devices.Capturer, error) { return silentDevice{id}, nil }
func (listSystem) OpenPlayback(id string) (devices.Player, error)  { return silentDevice{id}, nil }

// silentDevice is an open device that delivers and plays nothing.
type silentDevice struct{ id string }

func (silentDevice) ReadFrame(ctx context.Context, _ []int16) error { <-ctx.Done(); return ctx.Err() }
func (silentDevice) WriteFrame([]int16)                             {}
func (silentDevice) Due(time.Time) bool                             { return false }
func (silentDevice) NextDue(t time.Time) time.Time                  { return t.Add(time.Second) }
func (silentDevice) Callbacks() uint64                              { return 0 }
func (d silentDevice) DeviceName() string                           { return d.id }
func (silentDevice) Close() error                                   { return nil }

// TestDeviceListForPane: the devices pane gets the Manager's lists with
// the system default marked, the devices in use, and why a kind cannot be
// switched; without an audio system it says so for both.
func TestDeviceListForPane(t *testing.T) {
	eng := call.New(call.Config{ServerURL: "ws://127.0.0.1:1", Room: "r", UserID: "me"},
		call.Params{Outputs: []audio.Output{discard{}}})
	defer eng.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sys := listSystem{
		mics:     []audio.DeviceInfo{{ID: "mic_a", Name: "Mic A", Default: true}},
		speakers: []audio.DeviceInfo{{ID: "spk_a", Name: "Speaker A", Default: true}, {ID: "usb", Name: "USB Headset"}},
	}
	dc := &deviceControl{eng: eng, log: log, off: map[string]string{devices.KindRecording: "joined without a microphone"}}
	dc.mgr = devices.NewManager(devices.Config{}, devices.Params{Lister: sys, Opener: sys, Speaker: "usb", Mic: devices.PrefNone, OnEvent: dc.event})
	dc.mgr.Start(context.Background())
	defer dc.close()

	got := switchingEngine{eng, dc}.Devices()
	want := tui.DeviceList{
		Microphones: []tui.Device{{ID: "mic_a", Name: "Mic A", Default: true}},
		Speakers:    []tui.Device{{ID: "spk_a", Name: "Speaker A", Default: true}, {ID: "usb", Name: "USB Headset"}},
		Speaker:     "usb",
		MicOff:      "joined without a microphone",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Devices() =\n%+v\nwant\n%+v", got, want)
	}

	none := switchingEngine{eng, &deviceControl{eng: eng, log: log, off: map[string]string{}}}.Devices()
	if none.MicOff == "" || none.SpeakerOff == "" || len(none.Speakers) != 0 {
		t.Errorf("without an audio system: %+v, want both kinds off with a reason", none)
	}
}
