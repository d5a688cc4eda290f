package e2e

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/config"
	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/confab-rtc/confab/internal/tone"
)

// TestHotPlugDuringCall plugs a headset (a null sink) into a private
// PulseAudio while `confab join --headless --mic none` is in a call, then
// unplugs it: the client prints device-changed ADD and REMOVE lines.
func TestHotPlugDuringCall(t *testing.T) {
	pa := pulsetest.Start(t)
	e := newEnv(t)
	e.extra = pa.Env()
	url := e.startServer()

	c := e.startClient("carol", "--server", url, "--user", "carol", "--mic", "none", "room1")
	c.waitEvent("the speaker opened", 15*time.Second, func(ev event) bool {
		return ev.str("event") == "media-device" && ev.str("kind") == "playback" && ev.str("problem") == ""
	})
	c.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))
	// The watcher's baseline poll runs as the call starts; a device
	// plugged before it would be part of the baseline, not an ADD. A
	// second covers a slow machine (the poll takes under a millisecond).
	time.Sleep(time.Second)

	idx := pa.LoadNullSink("usb_headset", "USB_Headset")
	c.waitEvent("device-changed ADD", 5*time.Second, isEvent("device-changed",
		map[string]any{"kind": "playback", "deviceId": "usb_headset", "deviceName": "USB_Headset", "action": "ADD"}))
	pa.Unload(idx)
	c.waitEvent("device-changed REMOVE", 5*time.Second, isEvent("device-changed",
		map[string]any{"kind": "playback", "deviceId": "usb_headset", "action": "REMOVE"}))

	leaveAll(t, c)
	for _, ev := range c.all() {
		if ev.str("event") == "device-changed" && ev.str("deviceId") != "usb_headset" {
			t.Errorf("unexpected device change %v", ev)
		}
	}
}

// toneResumes returns how long after at the tone freq first dominates a
// 100 ms window of pcm, a recording whose first sample is no earlier than
// start, or -1 if it never does. Taking start for the first sample makes
// the result an upper bound.
func toneResumes(pcm []int16, start, at time.Time, freq float64) time.Duration {
	const win = audio.SampleRate / 10
	from := max(int(at.Sub(start).Seconds()*audio.SampleRate), 0)
	for i := from; i+win <= len(pcm); i += win / 4 {
		if tone.FractionDominant(pcm[i:i+win], audio.SampleRate, 100*time.Millisecond, freq, 10, 300) == 1 {
			return start.Add(time.Duration(i+win) * time.Second / audio.SampleRate).Sub(at)
		}
	}
	return -1
}

// recordFor records source for d and returns the samples, failing the
// test when much less than d came (a recorder starved on a loaded
// machine proves nothing either way).
func recordFor(t *testing.T, pa *pulsetest.Server, source string, d time.Duration) []int16 {
	t.Helper()
	rec := pa.Record(t, source)
	time.Sleep(d)
	pcm := rec.Stop()
	if got := time.Duration(len(pcm)) * time.Second / audio.SampleRate; got < d-500*time.Millisecond {
		t.Fatalf("recorded only %v of %s in %v", got, source, d)
	}
	return pcm
}

// TestSpeakerSwitchAndUnplug: bob listens on the default speaker; a USB
// headset is plugged in (device-changed ADD) and bob switches to it with
// the speaker command: alice's tone comes out of the headset and the
// choice is saved in bob's configuration. The headset is unplugged: a
// device-changed REMOVE, and playback goes on on the default speaker
// within a second, with no hang. It is plugged in again: bob's chosen
// headset plays again.
func TestSpeakerSwitchAndUnplug(t *testing.T) {
	pa := pulsetest.Start(t)
	e := newEnv(t)
	e.extra = pa.Env()
	url := e.startServer()
	writeTone(t, e.path("alice.wav"), 1000)

	a := e.startClient("alice", "--server", url, "--user", "alice", "--send", e.path("alice.wav"), "--speaker", "none", "room1")
	b := e.startClient("bob", "--server", url, "--user", "bob", "--mic", "none", "room1")
	b.waitEvent("the default speaker opened", 15*time.Second, isEvent("media-device", map[string]any{"kind": "playback", "deviceId": pulsetest.SpeakerSink}))
	b.waitEvent("first audio from alice", 15*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))

	idx := pa.LoadNullSink("usb_headset", "USB_Headset")
	b.waitEvent("device-changed ADD", 5*time.Second, isEvent("device-changed",
		map[string]any{"kind": "playback", "deviceId": "usb_headset", "deviceName": "USB_Headset", "action": "ADD"}))
	b.send("speaker no_such_headset")
	b.waitEvent("the error for a bad id", 5*time.Second, isEvent("error", map[string]any{"code": 90100006}))
	b.send("speaker usb_headset")
	b.waitEvent("the switch to the headset", 5*time.Second, isEvent("media-device",
		map[string]any{"kind": "playback", "deviceId": "usb_headset", "deviceName": "USB_Headset", "reason": "user"}))
	pcm := recordFor(t, pa, "usb_headset.monitor", 2*time.Second)
	assertToneShare(t, "the headset after the switch", pcm[audio.SampleRate/2:], 1000)

	// The choice is remembered (saved in the background, atomically).
	deadline := time.Now().Add(5 * time.Second)
	for {
		cfg, err := config.Load(e.config)
		if err == nil && cfg.Client.Speaker == "usb_headset" && cfg.Client.SpeakerName == "USB_Headset" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the speaker choice was not saved: %+v, %v", cfg.Client, err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Unplug it while it plays.
	rec := pa.Record(t, pulsetest.SpeakerSink+".monitor")
	recStart := time.Now()
	time.Sleep(500 * time.Millisecond)
	unplug := time.Now()
	pa.Unload(idx)
	b.waitEvent("device-changed REMOVE", 5*time.Second, isEvent("device-changed",
		map[string]any{"kind": "playback", "deviceId": "usb_headset", "action": "REMOVE"}))
	fb := b.waitEvent("the fallback to the default speaker", 5*time.Second, isEvent("media-device",
		map[string]any{"kind": "playback", "deviceId": pulsetest.SpeakerSink, "reason": "fallback"}))
	time.Sleep(2 * time.Second)
	pcm = rec.Stop()
	before := pcm[:int(unplug.Sub(recStart).Seconds()*audio.SampleRate)]
	resumed := toneResumes(pcm, recStart, unplug, 1000)
	t.Logf("speaker fallback: event %v after the unplug, tone on the default speaker %v after it (upper bound)",
		fb.time().Sub(unplug).Round(time.Millisecond), resumed.Round(time.Millisecond))
	if tone.RMS(before) > 50 {
		t.Errorf("the default speaker played (RMS %.0f) while the headset was chosen", tone.RMS(before))
	}
	if d := fb.time().Sub(unplug); d > time.Second {
		t.Errorf("fallback reported %v after the unplug, want within 1 s", d)
	}
	if resumed < 0 || resumed > time.Second {
		t.Errorf("the tone came back on the default speaker after %v, want within 1 s", resumed)
	}

	// Plugged in again: back to the user's choice.
	pa.LoadNullSink("usb_headset", "USB_Headset")
	b.waitEvent("the switch back to the headset", 5*time.Second, isEvent("media-device",
		map[string]any{"kind": "playback", "deviceId": "usb_headset", "reason": "restored"}))
	pcm = recordFor(t, pa, "usb_headset.monitor", 2*time.Second)
	assertToneShare(t, "the headset plugged in again", pcm[audio.SampleRate/2:], 1000)

	leaveAll(t, a, b)
}

// assertToneShare checks that freq dominates at least 75 % of the 100 ms
// windows of pcm. Not 90 %: the test's own player (pacat) underruns now
// and then on a loaded 2-core machine; a broken path scores near 0.
func assertToneShare(t *testing.T, what string, pcm []int16, freq float64) {
	t.Helper()
	frac := tone.FractionDominant(pcm, audio.SampleRate, 100*time.Millisecond, freq, 10, 300)
	t.Logf("%s: %.0f Hz dominates %.0f%% of %.1fs (RMS %.0f)", what, freq, 100*frac, float64(len(pcm))/audio.SampleRate, tone.RMS(pcm))
	if frac < 0.75 {
		t.Errorf("%s: %.0f Hz dominates only %.0f%% of the 100 ms windows, want >= 75%%", what, freq, 100*frac)
	}
}

// TestMicUnplugFallsBack: alice talks into a USB microphone (1 kHz) while
// the built-in one hears 700 Hz. The USB one is unplugged: alice stays in
// the call, falls back to the built-in microphone and bob hears 700 Hz.
// The built-in one goes too: track-ended, and alice stays in the call.
// The USB microphone is plugged in again: alice switches back to it and
// bob hears 1 kHz again.
func TestMicUnplugFallsBack(t *testing.T) {
	pa := pulsetest.Start(t)
	e := newEnv(t)
	e.extra = pa.Env()
	url := e.startServer()
	pa.LoadNullSink("usb_feed", "USB_Feed")
	usb := pa.LoadRemapSource("usb_mic", "USB_Mic", "usb_feed.monitor")
	pa.Play(t, "usb_feed", tone.Sine(1000, 0.3, 4800))
	pa.Play(t, pulsetest.MicFeedSink, tone.Sine(700, 0.3, 4800))

	// Audio processing off: steady tones are what a noise suppressor
	// removes, and it is the devices that are tested here.
	a := e.startClient("alice", "--server", url, "--user", "alice", "--mic", "usb_mic", "--speaker", "none", "--aec=false", "--ns=false", "--agc=false", "room1")
	b := e.startClient("bob", "--server", url, "--user", "bob", "--mic", "none", "room1")
	a.waitEvent("the USB microphone opened", 15*time.Second, isEvent("media-device", map[string]any{"kind": "recording", "deviceId": "usb_mic"}))
	b.waitEvent("first audio from alice", 15*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))
	a.send("mic no_such_mic")
	a.waitEvent("the error for a bad id", 5*time.Second, isEvent("error", map[string]any{"code": 90100019}))
	pcm := recordFor(t, pa, pulsetest.SpeakerSink+".monitor", 2*time.Second)
	assertToneShare(t, "bob, alice on the USB microphone", pcm[audio.SampleRate/2:], 1000)

	rec := pa.Record(t, pulsetest.SpeakerSink+".monitor")
	recStart := time.Now()
	time.Sleep(300 * time.Millisecond)
	unplug := time.Now()
	pa.Unload(usb)
	a.waitEvent("device-changed REMOVE", 5*time.Second, isEvent("device-changed",
		map[string]any{"kind": "recording", "deviceId": "usb_mic", "action": "REMOVE"}))
	fb := a.waitEvent("the fallback to the built-in microphone", 5*time.Second, isEvent("media-device",
		map[string]any{"kind": "recording", "deviceId": pulsetest.VirtualMic, "reason": "fallback"}))
	time.Sleep(2500 * time.Millisecond)
	pcm = rec.Stop()
	heard := toneResumes(pcm, recStart, unplug, 700)
	t.Logf("microphone fallback reported %v after the unplug; bob hears the built-in microphone %v after it (upper bound)",
		fb.time().Sub(unplug).Round(time.Millisecond), heard.Round(time.Millisecond))
	if d := fb.time().Sub(unplug); d > time.Second {
		t.Errorf("fallback reported %v after the unplug, want within 1 s", d)
	}
	if heard < 0 {
		t.Error("bob never heard the built-in microphone after the unplug")
	}
	assertToneShare(t, "bob, alice fallen back to the built-in microphone", pcm[len(pcm)-3*audio.SampleRate/2:], 700)

	// No microphone at all.
	vm, err := pa.ModuleOf("source_name=" + pulsetest.VirtualMic)
	if err != nil {
		t.Fatal(err)
	}
	pa.Unload(vm)
	a.waitEvent("track-ended", 5*time.Second, isEvent("track-ended", map[string]any{"kind": "audio"}))
	a.waitEvent("the no-microphone notice", 5*time.Second, isEvent("media-device", map[string]any{"kind": "recording", "code": 90100005}))
	time.Sleep(time.Second)

	// The preferred microphone comes back.
	pa.LoadRemapSource("usb_mic", "USB_Mic", "usb_feed.monitor")
	a.waitEvent("the switch back to the USB microphone", 5*time.Second, isEvent("media-device",
		map[string]any{"kind": "recording", "deviceId": "usb_mic", "reason": "restored"}))
	pcm = recordFor(t, pa, pulsetest.SpeakerSink+".monitor", 2*time.Second)
	assertToneShare(t, "bob, alice back on the USB microphone", pcm[audio.SampleRate/2:], 1000)

	// The call stayed up all along.
	for _, c := range []*client{a, b} {
		for _, ev := range c.all() {
			if ev.str("event") == "peer-leave" || ev.str("event") == "connection-state-changed" && ev.str("cur") != "CONNECTED" && ev.str("cur") != "CONNECTING" {
				t.Errorf("%s: %v: the call did not stay up", c.name, ev)
			}
		}
	}
	leaveAll(t, a, b)
}

// TestMicSwitchFarEnd: alice switches microphones with the mic command
// between two sources that hear the same continuous 1 kHz tone; at bob's
// speaker the longest stretch of silence around each switch stays under
// 100 ms (the audio lost at the source is measured exactly in
// devices.TestMicSwitchGapPulse; this is what the far end hears). Alice's
// audio processing is off: a steady tone is exactly what a noise
// suppressor removes, and it is the device switch that is measured here.
func TestMicSwitchFarEnd(t *testing.T) {
	pa := pulsetest.Start(t)
	e := newEnv(t)
	e.extra = pa.Env()
	url := e.startServer()
	pa.LoadRemapSource("mic_b", "Mic_B", pulsetest.MicFeedSink+".monitor")
	pa.Play(t, pulsetest.MicFeedSink, tone.Sine(1000, 0.3, 4800))

	a := e.startClient("alice", "--server", url, "--user", "alice", "--mic", pulsetest.VirtualMic, "--speaker", "none", "--aec=false", "--ns=false", "--agc=false", "room1")
	b := e.startClient("bob", "--server", url, "--user", "bob", "--mic", "none", "room1")
	a.waitEvent("the microphone opened", 15*time.Second, isEvent("media-device", map[string]any{"kind": "recording", "deviceId": pulsetest.VirtualMic}))
	b.waitEvent("first audio from alice", 15*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))
	time.Sleep(time.Second)

	rec := pa.Record(t, pulsetest.SpeakerSink+".monitor")
	recStart := time.Now()
	var switches []time.Time
	for _, id := range []string{"mic_b", pulsetest.VirtualMic, "mic_b"} {
		time.Sleep(1500 * time.Millisecond)
		switches = append(switches, time.Now())
		a.send("mic " + id)
		asked := switches[len(switches)-1].Add(-100 * time.Millisecond) // the clocks are the same
		a.waitEvent("the switch to "+id, 5*time.Second, func(ev event) bool {
			return isEvent("media-device", map[string]any{"kind": "recording", "deviceId": id, "reason": "user"})(ev) && ev.time().After(asked)
		})
	}
	time.Sleep(1500 * time.Millisecond)
	pcm := rec.Stop()
	assertToneShare(t, "bob across the switches", pcm[audio.SampleRate/2:], 1000)
	const win = audio.SampleRate / 200 // 5 ms
	toneRMS := tone.RMS(pcm[audio.SampleRate/2 : audio.SampleRate])
	for i, at := range switches {
		// From 0.2 s before the command to 1 s after, as recorded: the
		// path adds some tens of milliseconds.
		from := max(int((at.Sub(recStart)-200*time.Millisecond).Seconds()*audio.SampleRate), 0)
		to := min(int((at.Sub(recStart)+time.Second).Seconds()*audio.SampleRate), len(pcm))
		silent, longest := 0, 0
		for s := from; s+win <= to; s += win {
			if tone.RMS(pcm[s:s+win]) < toneRMS/10 {
				silent++
				longest = max(longest, silent)
			} else {
				silent = 0
			}
		}
		gap := time.Duration(longest*win) * time.Second / audio.SampleRate
		t.Logf("switch %d: longest silence at bob's speaker %v", i+1, gap)
		if gap >= 100*time.Millisecond {
			t.Errorf("switch %d: bob heard %v of silence, want under 100 ms", i+1, gap)
		}
	}
	leaveAll(t, a, b)
}

// TestDeviceKeysInTmux: in the interface, o switches speakers until the
// plugged-in headset plays the call; the choice is saved; unplugging the
// headset shows the fallback and the call goes on; q still leaves cleanly.
func TestDeviceKeysInTmux(t *testing.T) {
	pa := pulsetest.Start(t)
	idx := pa.LoadNullSink("usb_headset", "USB_Headset")
	e := newEnv(t)
	x := startTmux(t, e, append(append(os.Environ(), pa.Env()...), "NO_COLOR=1"), 110, 40)
	x.run("send-keys", "-t", "demo", fmt.Sprintf("%s demo --name Tester --config %s --log-file %s; echo EXIT=$?", confabBin, e.config, e.path("demo.log")), "Enter")
	x.waitScreen("the call", 30*time.Second, func(s string) bool { return strings.Contains(s, "● connected") })

	// o cycles through the speakers (spk_a, mic_feed, usb_headset in some
	// order); each press is followed by the line naming the new one.
	for press := 0; ; press++ {
		if press == 4 {
			t.Fatalf("o never reached the headset:\n%s", x.screen())
		}
		before := strings.Count(x.screen(), "Speaker switched to ")
		x.run("send-keys", "-t", "demo", "o")
		s := x.waitScreen("a speaker switch", 5*time.Second, func(s string) bool { return strings.Count(s, "Speaker switched to ") > before })
		if strings.Contains(s, "Speaker switched to USB_Headset") {
			break
		}
	}
	heard := recordFor(t, pa, "usb_headset.monitor", 3*time.Second)
	t.Logf("the headset played RMS %.0f over 3 s", tone.RMS(heard))
	if tone.RMS(heard) < 100 {
		t.Errorf("the headset chosen with o is silent (RMS %.0f)", tone.RMS(heard))
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		cfg, err := config.Load(e.config)
		if err == nil && cfg.Client.Speaker == "usb_headset" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the speaker chosen with o was not saved: %+v, %v", cfg.Client, err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	pa.Unload(idx)
	s := x.waitScreen("the unplug and the fallback", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "Speaker unplugged: USB_Headset") && strings.Contains(s, "because the one in use is gone")
	})
	t.Logf("screen:\n%s", s)

	x.run("send-keys", "-t", "demo", "q", "q") // q asks, the second q leaves
	// Not anchored at the line start: the shell's prompt can come first.
	exitLine := regexp.MustCompile(`EXIT=\d+`)
	final := x.waitScreen("the shell again with the exit status", 15*time.Second, func(s string) bool { return exitLine.MatchString(s) })
	if exitLine.FindString(final) != "EXIT=0" {
		t.Fatalf("confab demo exited non-zero:\n%s", final)
	}
}

// leaveAll sends each client the leave command and waits for it to exit,
// so a test ends with every client gone the way a user leaves.
func leaveAll(t *testing.T, clients ...*client) {
	t.Helper()
	for _, c := range clients {
		c.send("leave")
		if err := c.waitExit(10 * time.Second); err != nil {
			t.Errorf("%s exited with %v", c.name, err)
		}
	}
}
