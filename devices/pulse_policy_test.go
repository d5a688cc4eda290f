package devices

import (
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/pulsetest"
)

// TestFollowDefaultPulse: a user on the default speaker follows the
// system default when it moves (pactl set-default-sink), and a user who
// chose a microphone by id is moved off it by the watchdog when its
// callbacks stop (the source is suspended: still listed, but silent), then
// returns to it once it is usable again.
func TestFollowDefaultPulse(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PulseAudio")
	}
	pa := pulsetest.Start(t)
	pa.LoadNullSink("usb_headset", "USB_Headset")
	pa.LoadRemapSource("usb_mic", "USB_Mic", pulsetest.MicFeedSink+".monitor")
	// RetryAfter short, so the test sees the stalled microphone tried again.
	m, rec := pulseManager(t, Config{RetryAfter: 2 * time.Second}, "usb_mic", PrefDefault)
	waitSwitch(t, rec, KindPlayback, pulsetest.SpeakerSink, 5*time.Second)
	waitSwitch(t, rec, KindRecording, "usb_mic", 5*time.Second)
	rec.take()

	if _, err := pa.Pactl("set-default-sink", "usb_headset"); err != nil {
		t.Fatal(err)
	}
	s := waitSwitch(t, rec, KindPlayback, "usb_headset", 2*time.Second)
	if s.Reason != ReasonDefaultChanged || s.FromID != pulsetest.SpeakerSink {
		t.Errorf("default moved: %+v, want from spk_a, reason default-changed", s)
	}
	if _, spk := m.Active(); spk.ID != "usb_headset" {
		t.Errorf("active speaker %q", spk.ID)
	}

	// The watchdog. A suspended source stops the callbacks of the streams
	// recording it, as a vanished device opened by id does.
	time.Sleep(500 * time.Millisecond) // past the start grace: callbacks have moved
	rec.take()
	suspended := time.Now()
	if _, err := pa.Pactl("suspend-source", "usb_mic", "1"); err != nil {
		t.Fatal(err)
	}
	s = waitSwitch(t, rec, KindRecording, pulsetest.VirtualMic, 3*time.Second)
	took := time.Since(suspended)
	t.Logf("stalled microphone replaced after %v", took.Round(time.Millisecond))
	if s.Reason != ReasonFallback {
		t.Errorf("stall: %+v, want reason fallback", s)
	}
	var failed bool
	for _, ev := range rec.take() {
		if f, ok := ev.(Failure); ok && f.DeviceID == "usb_mic" && f.Err == ErrStalled {
			failed = true
		}
	}
	if !failed {
		t.Error("no Failure with ErrStalled for the suspended microphone")
	}
	// 1 s without callbacks, counted from the last poll that saw them
	// move, noticed at the next poll: at most 1.5 s with 250 ms polls, plus
	// opening the other microphone on a busy machine.
	if took > 2*time.Second {
		t.Errorf("the stalled microphone was replaced after %v, want 1-1.5 s", took)
	}
	if _, err := pa.Pactl("suspend-source", "usb_mic", "0"); err != nil {
		t.Fatal(err)
	}
	s = waitSwitch(t, rec, KindRecording, "usb_mic", 4*time.Second)
	if s.Reason != ReasonRestored {
		t.Errorf("back on the preferred microphone: %+v, want reason restored", s)
	}
}
