package audio

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/gen2brain/malgo"
)

// The tests in this file go through a private PulseAudio server with
// virtual devices (internal/pulsetest, TESTING.md): real sound in, real
// sound out, through malgo's PulseAudio backend.

// pulseContext starts a private server and connects to it.
func pulseContext(t *testing.T) (*pulsetest.Server, *Context) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts PulseAudio")
	}
	srv := pulsetest.Start(t)
	actx, err := NewContext(malgo.BackendPulseaudio)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := actx.Close(); err != nil {
			t.Errorf("context Close: %v", err)
		}
	})
	return srv, actx
}

func findDevice(devs []DeviceInfo, id string) (DeviceInfo, bool) {
	i := slices.IndexFunc(devs, func(d DeviceInfo) bool { return d.ID == id })
	if i < 0 {
		return DeviceInfo{}, false
	}
	return devs[i], true
}

func TestPulseDevices(t *testing.T) {
	srv, actx := pulseContext(t)
	mics, err := actx.Devices(KindCapture)
	if err != nil {
		t.Fatal(err)
	}
	speakers, err := actx.Devices(KindPlayback)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := findDevice(mics, pulsetest.VirtualMic); !ok || !d.Default || d.Name != "Virtual_Mic" {
		t.Errorf("microphones %+v: want virtual_mic, default, named Virtual_Mic", mics)
	}
	for _, d := range mics {
		if isMonitor(d) {
			t.Errorf("monitor source %+v listed as a microphone", d)
		}
	}
	if d, ok := findDevice(speakers, pulsetest.SpeakerSink); !ok || !d.Default || d.Name != "Virtual_Speaker_A" {
		t.Errorf("speakers %+v: want spk_a, default, named Virtual_Speaker_A", speakers)
	}
	if d, ok := findDevice(speakers, pulsetest.MicFeedSink); !ok || d.Default {
		t.Errorf("speakers %+v: want mic_feed, not default", speakers)
	}

	// Hot-plug: a new sink shows up at once and goes away when unloaded.
	idx := srv.LoadNullSink("usb_headset", "USB_Headset")
	speakers, _ = actx.Devices(KindPlayback)
	if d, ok := findDevice(speakers, "usb_headset"); !ok || d.Name != "USB_Headset" {
		t.Errorf("plugged headset not listed: %+v", speakers)
	}
	mics, _ = actx.Devices(KindCapture)
	if _, ok := findDevice(mics, "usb_headset.monitor"); ok {
		t.Errorf("the headset's monitor is listed as a microphone")
	}
	srv.Unload(idx)
	speakers, _ = actx.Devices(KindPlayback)
	if _, ok := findDevice(speakers, "usb_headset"); ok {
		t.Errorf("unplugged headset still listed")
	}
}

// TestPulseCapture plays a 1 kHz tone into mic_feed and captures the
// virtual microphone, by default and by id: the tone must arrive at its
// frequency and level.
func TestPulseCapture(t *testing.T) {
	srv, actx := pulseContext(t)
	const amp = 0.5
	stop := srv.Play(t, pulsetest.MicFeedSink, tone.Sine(1000, amp, SampleRate))
	defer stop()
	for _, id := range []string{"", pulsetest.VirtualMic} {
		t.Run("device="+id, func(t *testing.T) {
			c, err := OpenCapture(actx, id)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.DeviceName() != "Virtual_Mic" {
				t.Errorf("DeviceName = %q", c.DeviceName())
			}
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var got []int16
			frame := make([]int16, FrameSamples)
			for range 50 {
				if err := c.ReadFrame(ctx, frame); err != nil {
					t.Fatal(err)
				}
				got = append(got, frame...)
			}
			tail := got[len(got)/2:]
			want := tone.RMS(tone.Sine(1000, amp, 4800))
			if f := tone.FractionDominant(tail, SampleRate, 100*time.Millisecond, 1000, 5, 0.8*want); f < 0.99 {
				t.Errorf("%.0f%% of the captured windows are the 1 kHz tone at level (RMS %.0f, want %.0f)", 100*f, tone.RMS(tail), want)
			}
			if c.Callbacks() < 40 {
				t.Errorf("%d callbacks for 1 s of 10 ms periods", c.Callbacks())
			}
		})
	}
}

// TestPulsePlayback plays a tone to spk_a, paced by the device as the
// mixer is, and records spk_a.monitor: the tone must arrive, unbroken.
func TestPulsePlayback(t *testing.T) {
	srv, actx := pulseContext(t)
	p, err := OpenPlayback(actx, pulsetest.SpeakerSink)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.DeviceName() != "Virtual_Speaker_A" {
		t.Errorf("DeviceName = %q", p.DeviceName())
	}
	rec := srv.Record(t, pulsetest.SpeakerSink+".monitor")
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	sig := tone.Sine(1000, 0.5, SampleRate) // loops seamlessly
	pos := 0
	end := time.Now().Add(1500 * time.Millisecond)
	for now := time.Now(); now.Before(end); now = time.Now() {
		for p.Due(now) {
			p.WriteFrame(sig[pos : pos+FrameSamples])
			pos = (pos + FrameSamples) % len(sig)
		}
		time.Sleep(max(time.Until(p.NextDue(now)), 500*time.Microsecond))
	}
	got := rec.Stop()
	want := tone.RMS(tone.Sine(1000, 0.5, 4800))
	// Skip the recorder's start; judge the last second.
	if len(got) < SampleRate {
		t.Fatalf("recorded only %d samples", len(got))
	}
	last := got[len(got)-SampleRate:]
	if f := tone.FractionDominant(last, SampleRate, 50*time.Millisecond, 1000, 10, 0.8*want); f < 0.9 {
		t.Errorf("%.0f%% of 50 ms windows of the speaker are the tone (underruns %d)", 100*f, p.Underruns())
	}
	if p.Callbacks() < 100 {
		t.Errorf("%d callbacks in 1.5 s of 10 ms periods", p.Callbacks())
	}
	t.Logf("callbacks %d, underruns %d samples, overruns %d", p.Callbacks(), p.Underruns(), p.Overruns())
}

// TestPulseReceivePath is the whole receive side on a real device: Opus
// packets arrive every 20 ms, the mixer decodes them paced by the speaker,
// and spk_a.monitor hears the tone.
func TestPulseReceivePath(t *testing.T) {
	srv, actx := pulseContext(t)
	p, err := OpenPlayback(actx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	rec := srv.Record(t, pulsetest.SpeakerSink+".monitor")
	m := NewMixer(MixerConfig{})
	m.AddOutput(p)
	st, _ := m.AddStream("alice")
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, p) }()
	pkts := tonePackets(t, 700, 0.4, 100)
	start := time.Now()
	for i, pk := range pkts {
		time.Sleep(time.Until(start.Add(time.Duration(i) * FrameDuration)))
		st.Push(uint16(65500+i), uint32(i*FrameSamples), pk)
	}
	time.Sleep(100 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := rec.Stop()
	want := tone.RMS(tone.Sine(700, 0.4, 4800))
	// The middle second of the two the tone lasted.
	var body []int16
	for _, w := range tone.Windows(got, SampleRate, 50*time.Millisecond) {
		if tone.RMS(w) > want/2 {
			body = append(body, w...)
		}
	}
	if len(body) < SampleRate*3/2 {
		t.Fatalf("only %d ms of the 2 s tone came out (stats %+v, underruns %d)", len(body)*1000/SampleRate, st.Stats(), p.Underruns())
	}
	mid := body[len(body)/2-SampleRate/2 : len(body)/2+SampleRate/2]
	// 18 of 20 windows: a shared 2-core machine may glitch the sound
	// server once; broken pacing or decoding fails every window.
	if f := tone.FractionDominant(mid, SampleRate, 50*time.Millisecond, 700, 10, 0.8*want); f < 0.9 {
		t.Errorf("%.0f%% of the played windows are the tone (stats %+v)", 100*f, st.Stats())
	} else {
		t.Logf("%.0f%% of the played windows are the tone", 100*f)
	}
	t.Logf("stats %+v, speaker underruns %d", st.Stats(), p.Underruns())
}

// TestPulseUnpluggedDeviceCloses opens a hot-plugged speaker by id and
// unplugs it while it plays: callbacks stop (the watchdog's signal) and
// Close still returns promptly (DESIGN §5: Stop before Uninit).
func TestPulseUnpluggedDeviceCloses(t *testing.T) {
	for _, kind := range []DeviceKind{KindPlayback, KindCapture} {
		t.Run(kind.String(), func(t *testing.T) {
			srv, actx := pulseContext(t)
			idx := srv.LoadNullSink("usb_headset", "USB_Headset")
			var dev interface {
				Start() error
				Close() error
				Callbacks() uint64
			}
			var err error
			if kind == KindPlayback {
				dev, err = OpenPlayback(actx, "usb_headset")
			} else {
				// A capture device made from the headset's monitor: ids of
				// monitors are not listed, so remap one as a "microphone".
				if _, err := srv.Pactl("load-module", "module-remap-source", "source_name=usb_mic",
					"master=usb_headset.monitor", "channels=1"); err != nil {
					t.Fatal(err)
				}
				dev, err = OpenCapture(actx, "usb_mic")
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := dev.Start(); err != nil {
				t.Fatal(err)
			}
			waitCallbacks(t, dev.Callbacks, 10)
			srv.Unload(idx) // takes the remapped source with it
			// Callbacks stop: the count settles.
			time.Sleep(300 * time.Millisecond)
			n := dev.Callbacks()
			time.Sleep(300 * time.Millisecond)
			if m := dev.Callbacks(); m > n+2 {
				t.Errorf("callbacks still moving after unplug (%d -> %d): the watchdog would not notice", n, m)
			}
			start := time.Now()
			err = dev.Close()
			if d := time.Since(start); d > closeTimeout+time.Second {
				t.Fatalf("Close took %v", d)
			}
			if err != nil && !errors.Is(err, ErrCloseTimeout) {
				t.Fatalf("Close = %v", err)
			}
			t.Logf("Close after unplug: %v in %v", err, time.Since(start))
		})
	}
}

func waitCallbacks(t *testing.T, callbacks func() uint64, n uint64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for callbacks() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d device callbacks in 5 s", callbacks())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
