package devices

import (
	"context"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/gen2brain/malgo"
)

// pulseCheckContext starts a private PulseAudio and connects to it.
func pulseCheckContext(t *testing.T) (*pulsetest.Server, *audio.Context) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts PulseAudio")
	}
	pa := pulsetest.Start(t)
	actx, err := audio.NewContext(malgo.BackendPulseaudio)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { actx.Close() })
	return pa, actx
}

// within runs f and fails the test if it has not returned by limit: a
// device check must end even when the device vanishes under it.
func within[T any](t *testing.T, limit time.Duration, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(limit):
		t.Fatalf("did not return within %s", limit)
		panic("unreachable")
	}
}

// TestCheckMicHearsTone checks the virtual microphone while a tone plays
// into it: the verdict is OK with the tone's level.
func TestCheckMicHearsTone(t *testing.T) {
	pa, actx := pulseCheckContext(t)
	in := tone.Sine(1000, 0.1, audio.SampleRate)
	pa.Play(t, pulsetest.MicFeedSink, in)
	cfg := DefaultCheckConfig()
	cfg.Duration = 2 * time.Second
	var probe MicProbe
	r := within(t, 10*time.Second, func() MicResult {
		return CheckMic(context.Background(), actx, pulsetest.VirtualMic, cfg, &probe)
	})
	v := MicVerdict(cfg, r)
	want := audio.Level100(in[:audio.FrameSamples])
	if v.Status != StatusOK || v.DeviceName != "Virtual_Mic" || v.Mic.PeakLevel < want-3 || v.Mic.PeakLevel > want+3 {
		t.Errorf("verdict %+v levels %+v: want ok, peak level %d", v, v.Mic, want)
	}
	if r.Callbacks < 100 || r.LongestGap > 500*time.Millisecond {
		t.Errorf("%d callbacks, longest gap %v in 2 s of 10 ms periods", r.Callbacks, r.LongestGap)
	}
}

// TestCheckSpeakerUnplugged plays the test tone to a headset that is
// unplugged half a second in: the check ends about StallAfter later with
// a stalled verdict instead of waiting out its duration or hanging.
func TestCheckSpeakerUnplugged(t *testing.T) {
	pa, actx := pulseCheckContext(t)
	idx := pa.LoadNullSink("usb_headset", "USB_Headset")
	cfg := DefaultCheckConfig()
	cfg.Duration = 20 * time.Second
	go func() {
		time.Sleep(500 * time.Millisecond)
		pa.UnloadModule(idx)
	}()
	r := within(t, 10*time.Second, func() SpeakerResult {
		return CheckSpeaker(context.Background(), actx, "usb_headset", cfg, nil)
	})
	v := SpeakerVerdict(cfg, r)
	t.Logf("verdict %+v after %d ms of tone", v, v.Speaker.PlayedMs)
	if v.Status != StatusStalled || v.Code == 0 || r.Callbacks == 0 {
		t.Errorf("verdict %+v: want stalled after some callbacks", v)
	}
	if v.Speaker.PlayedMs > 5000 {
		t.Errorf("played %d ms of a 20 s check to an unplugged headset", v.Speaker.PlayedMs)
	}
}
