package devices

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pulsetest"
)

func TestDiff(t *testing.T) {
	a := audio.DeviceInfo{ID: "spk_a", Name: "Virtual_Speaker_A", Default: true}
	b := audio.DeviceInfo{ID: "usb_headset", Name: "USB_Headset"}
	c := audio.DeviceInfo{ID: "hdmi", Name: "HDMI"}
	tests := []struct {
		name       string
		prev, next []audio.DeviceInfo
		want       []Change
	}{
		{"nothing", nil, nil, nil},
		{"same", []audio.DeviceInfo{a, b}, []audio.DeviceInfo{a, b}, nil},
		{"reordered", []audio.DeviceInfo{a, b}, []audio.DeviceInfo{b, a}, nil},
		{"renamed and new default is no change",
			[]audio.DeviceInfo{a, b},
			[]audio.DeviceInfo{{ID: "spk_a", Name: "Renamed"}, {ID: "usb_headset", Name: "USB_Headset", Default: true}}, nil},
		{"add", []audio.DeviceInfo{a}, []audio.DeviceInfo{a, b},
			[]Change{{Kind: KindPlayback, DeviceID: "usb_headset", DeviceName: "USB_Headset", Action: ActionAdd}}},
		{"remove", []audio.DeviceInfo{a, b}, []audio.DeviceInfo{a},
			[]Change{{Kind: KindPlayback, DeviceID: "usb_headset", DeviceName: "USB_Headset", Action: ActionRemove}}},
		{"removes first, then adds", []audio.DeviceInfo{a, b}, []audio.DeviceInfo{c, a},
			[]Change{
				{Kind: KindPlayback, DeviceID: "usb_headset", DeviceName: "USB_Headset", Action: ActionRemove},
				{Kind: KindPlayback, DeviceID: "hdmi", DeviceName: "HDMI", Action: ActionAdd},
			}},
		{"all gone", []audio.DeviceInfo{a, b}, nil,
			[]Change{
				{Kind: KindPlayback, DeviceID: "spk_a", DeviceName: "Virtual_Speaker_A", Action: ActionRemove},
				{Kind: KindPlayback, DeviceID: "usb_headset", DeviceName: "USB_Headset", Action: ActionRemove},
			}},
		{"duplicated id is one device", nil, []audio.DeviceInfo{b, b},
			[]Change{{Kind: KindPlayback, DeviceID: "usb_headset", DeviceName: "USB_Headset", Action: ActionAdd}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff(KindPlayback, tt.prev, tt.next)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diff = %+v, want %+v", got, tt.want)
			}
		})
	}
	if got := Diff(KindRecording, nil, []audio.DeviceInfo{a}); len(got) != 1 || got[0].Kind != KindRecording {
		t.Errorf("kind not carried: %+v", got)
	}
}

// TestManagerSeesPulseAudioHotPlug: a headset plugged into and unplugged
// from a real PulseAudio is reported once each way, after the baseline
// that Start takes, and changes nothing else.
func TestManagerSeesPulseAudioHotPlug(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PulseAudio")
	}
	srv := pulsetest.Start(t)
	_, rec := pulseManager(t, Config{}, PrefNone, pulsetest.SpeakerSink)
	waitSwitch(t, rec, KindPlayback, pulsetest.SpeakerSink, 5*time.Second)
	rec.take()

	expect := func(want Change) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			if evs := rec.take(); len(evs) > 0 {
				if len(evs) != 1 || evs[0] != Event(want) {
					t.Fatalf("events %+v, want only %+v", evs, want)
				}
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("%+v not reported within 3s", want)
	}
	idx := srv.LoadNullSink("usb_headset", "USB_Headset")
	expect(Change{Kind: KindPlayback, DeviceID: "usb_headset", DeviceName: "USB_Headset", Action: ActionAdd})
	srv.Unload(idx)
	expect(Change{Kind: KindPlayback, DeviceID: "usb_headset", DeviceName: "USB_Headset", Action: ActionRemove})
	time.Sleep(time.Second)
	if evs := rec.take(); len(evs) > 0 {
		t.Errorf("events %+v with nothing plugged", evs)
	}
}

// TestManagerCloseIsIdempotent: Close without Start, and twice, returns.
func TestManagerCloseIsIdempotent(t *testing.T) {
	sys := &fakeSystem{}
	m := NewManager(Config{}, Params{Lister: sys, Opener: sys})
	m.Close()
	m.Close()
	m.Start(context.Background()) // after Close: does nothing
	sys.setList(0, dev("mic", true))
	m2 := NewManager(Config{}, Params{Lister: sys, Opener: sys})
	m2.Start(context.Background())
	m2.Close()
	m2.Close()
	if len(sys.opened) != 1 || !sys.opened[0].closed.Load() {
		t.Errorf("devices %+v, want the one microphone opened and closed", sys.opened)
	}
}
