package devices

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/gen2brain/malgo"
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

func TestWatcherInterval(t *testing.T) {
	for _, tt := range []struct{ in, want time.Duration }{
		{0, DefaultPollInterval},
		{-time.Second, DefaultPollInterval},
		{100 * time.Millisecond, 100 * time.Millisecond},
		{5 * time.Second, MaxPollInterval},
	} {
		if got := NewWatcher(nil, tt.in, nil).Interval(); got != tt.want {
			t.Errorf("NewWatcher(%v).Interval() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// scriptLister returns the next scripted lists on each poll, then the
// last ones forever; an entry with err set fails that poll.
type scriptLister struct {
	mu    sync.Mutex
	polls []scriptPoll
	n     int
}

type scriptPoll struct {
	mics, speakers []audio.DeviceInfo
	err            error
}

func (l *scriptLister) Devices(kind audio.DeviceKind) ([]audio.DeviceInfo, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	p := l.polls[min(l.n, len(l.polls)-1)]
	if kind == audio.KindPlayback {
		l.n++ // one poll asks for capture, then playback
		return p.speakers, p.err
	}
	return p.mics, p.err
}

func TestWatcherReportsChangesAfterBaseline(t *testing.T) {
	mic := audio.DeviceInfo{ID: "virtual_mic", Name: "Virtual_Mic"}
	usbMic := audio.DeviceInfo{ID: "usb_mic", Name: "USB_Mic"}
	spk := audio.DeviceInfo{ID: "spk_a", Name: "Speaker"}
	l := &scriptLister{polls: []scriptPoll{
		{mics: []audio.DeviceInfo{mic}, speakers: []audio.DeviceInfo{spk}}, // baseline
		{mics: []audio.DeviceInfo{mic, usbMic}, speakers: []audio.DeviceInfo{spk}},
		{err: errors.New("backend hiccup")}, // skipped: no REMOVE of everything
		{mics: []audio.DeviceInfo{mic, usbMic}, speakers: nil},
	}}
	got := make(chan Change, 10)
	w := NewWatcher(l, time.Millisecond, func(c Change) { got <- c })
	w.Start(context.Background())
	defer w.Close()
	want := []Change{
		{Kind: KindRecording, DeviceID: "usb_mic", DeviceName: "USB_Mic", Action: ActionAdd},
		{Kind: KindPlayback, DeviceID: "spk_a", DeviceName: "Speaker", Action: ActionRemove},
	}
	for i, w := range want {
		select {
		case c := <-got:
			if c != w {
				t.Fatalf("change %d = %+v, want %+v", i, c, w)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("change %d (%+v) not reported", i, w)
		}
	}
	w.Close()
	select {
	case c := <-got:
		t.Errorf("unexpected change %+v", c)
	default:
	}
}

func TestWatcherCloseIsIdempotentAndStopsRun(t *testing.T) {
	l := &scriptLister{polls: []scriptPoll{{}}}
	w := NewWatcher(l, time.Millisecond, func(Change) {})
	w.Start(context.Background())
	w.Close()
	w.Close()
	w.Start(context.Background()) // after Close: nothing

	// Run returns when its context ends.
	ctx, cancel := context.WithCancel(context.Background())
	w2 := NewWatcher(l, time.Millisecond, func(Change) {})
	done := make(chan error, 1)
	go func() { done <- w2.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	w2.Close()
}

// TestWatcherSeesPulseAudioHotPlug plugs a null sink into a real
// PulseAudio daemon and unplugs it again.
func TestWatcherSeesPulseAudioHotPlug(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PulseAudio")
	}
	srv := pulsetest.Start(t)
	actx, err := audio.NewContext(malgo.BackendPulseaudio)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { actx.Close() })

	got := make(chan Change, 10)
	baseline := make(chan struct{})
	w := NewWatcher(countingLister{actx, baseline}, 0, func(c Change) { got <- c })
	w.Start(context.Background())
	defer w.Close()
	select {
	case <-baseline:
	case <-time.After(10 * time.Second):
		t.Fatal("no baseline poll")
	}

	expect := func(want Change) {
		t.Helper()
		select {
		case c := <-got:
			if c != want {
				t.Fatalf("change = %+v, want %+v", c, want)
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("%+v not reported within 3s", want)
		}
	}
	idx := srv.LoadNullSink("usb_headset", "USB_Headset")
	expect(Change{Kind: KindPlayback, DeviceID: "usb_headset", DeviceName: "USB_Headset", Action: ActionAdd})
	srv.Unload(idx)
	expect(Change{Kind: KindPlayback, DeviceID: "usb_headset", DeviceName: "USB_Headset", Action: ActionRemove})

	select {
	case c := <-got:
		t.Errorf("change %+v with nothing plugged", c)
	case <-time.After(2 * time.Second):
	}
}

// countingLister closes baseline after the first full poll (capture,
// then playback), so the test plugs only once the baseline is taken.
type countingLister struct {
	*audio.Context
	baseline chan struct{}
}

func (l countingLister) Devices(kind audio.DeviceKind) ([]audio.DeviceInfo, error) {
	devs, err := l.Context.Devices(kind)
	if kind == audio.KindPlayback {
		select {
		case <-l.baseline:
		default:
			close(l.baseline)
		}
	}
	return devs, err
}
