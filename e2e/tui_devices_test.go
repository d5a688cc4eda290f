package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/confab-rtc/confab/internal/tone"
)

// deviceRow returns the devices pane's row naming a device ("○", "●" or
// "×" before the name), "" when the screen has none.
func deviceRow(screen, name string) string {
	re := regexp.MustCompile(`(?m)^.*[○●×] ` + regexp.QuoteMeta(name) + `.*$`)
	return re.FindString(screen)
}

// TestDevicesPaneInTmux runs `confab demo` in a real terminal with a
// private PulseAudio: d lists the virtual devices by their descriptions,
// the microphone meter moves while muted, a sink the test plugs in shows
// at once with the notification line, enter switches to it and it plays
// the call, and unplugged it stays listed as gone while the call falls
// back to the default speaker.
func TestDevicesPaneInTmux(t *testing.T) {
	needTmux(t)
	pa := pulsetest.Start(t)
	// The microphone hears a steady tone; audio processing is off, since
	// a noise suppressor removes exactly that.
	pa.Play(t, pulsetest.MicFeedSink, tone.Sine(1000, 0.3, 4800))
	e := newEnv(t)
	x := confabInTmux(t, e, pa, 100, 30, "demo.log", "demo", "--name", "Tester", "--aec=false", "--ns=false", "--agc=false")
	x.waitCall()

	x.run("send-keys", "-t", "demo", "m", "d")
	s := x.waitScreen("the devices pane with the virtual devices", 5*time.Second, func(s string) bool {
		return strings.Contains(deviceRow(s, "Virtual_Mic"), "in use") && strings.Contains(deviceRow(s, "Virtual_Speaker_A"), "in use") &&
			deviceRow(s, "Mic_Feed") != ""
	})
	t.Logf("devices pane:\n%s", s)
	for _, name := range []string{"Virtual_Mic", "Virtual_Speaker_A"} {
		if !strings.Contains(deviceRow(s, name), "default") {
			t.Errorf("%s is not marked default: %q", name, deviceRow(s, name))
		}
	}
	if strings.Contains(s, "Monitor of") {
		t.Error("a sink's monitor is listed as a microphone")
	}
	// Muted, the meter still shows the tone at the microphone.
	meter := regexp.MustCompile(`level [█░]+ (\d+) · muted, not sent`)
	s = x.waitScreen("the microphone meter moving while muted", 5*time.Second, func(s string) bool {
		m := meter.FindStringSubmatch(s)
		return m != nil && len(m[1]) >= 2 && m[1] >= "30"
	})
	t.Logf("meter while muted: %s", meter.FindString(s))

	// Plug in a headset: it is listed, with the notification line, within
	// the device poll (250 ms) and a redraw.
	plugged := time.Now()
	idx := pa.LoadNullSink("usb_headset", "USB_Headset")
	s = x.waitScreen("the plugged-in headset", 3*time.Second, func(s string) bool {
		return deviceRow(s, "USB_Headset") != "" && strings.Contains(s, "Speaker plugged in: USB_Headset.")
	})
	t.Logf("the headset showed in the pane %v after LoadNullSink returned (poll 250 ms, screen read every 100 ms)",
		time.Since(plugged).Round(10*time.Millisecond))

	// The arrows reach it, enter switches to it.
	for press := 0; !strings.HasPrefix(strings.TrimSpace(deviceRow(x.screen(), "USB_Headset")), "›"); press++ {
		if press == 6 {
			t.Fatalf("the arrows never reached the headset:\n%s", x.screen())
		}
		x.run("send-keys", "-t", "demo", "Down")
		time.Sleep(150 * time.Millisecond) // one redraw; the loop re-reads the screen
	}
	x.run("send-keys", "-t", "demo", "Enter")
	x.waitScreen("the headset in use", 5*time.Second, func(s string) bool {
		return strings.Contains(deviceRow(s, "USB_Headset"), "in use") && !strings.Contains(deviceRow(s, "Virtual_Speaker_A"), "in use")
	})
	heard := recordFor(t, pa, "usb_headset.monitor", 3*time.Second)
	t.Logf("the headset chosen in the pane played RMS %.0f over 3 s", tone.RMS(heard))
	if tone.RMS(heard) < 100 {
		t.Errorf("the headset chosen in the pane is silent (RMS %.0f)", tone.RMS(heard))
	}

	// Unplugged: listed as gone, and the default speaker is in use again.
	pa.Unload(idx)
	s = x.waitScreen("the headset gone and the fallback", 5*time.Second, func(s string) bool {
		return strings.Contains(deviceRow(s, "USB_Headset"), "gone") && strings.Contains(deviceRow(s, "Virtual_Speaker_A"), "in use") &&
			strings.Contains(s, "Speaker unplugged: USB_Headset.")
	})
	t.Logf("after the unplug:\n%s", s)

	x.leave()
}

// TestTestToneInTmux joins a room alone in a real terminal, opens the
// devices pane and presses t: the speaker (the default virtual sink)
// plays half a second of 440 Hz and then half a second of 660 Hz, and
// nothing before the key.
func TestTestToneInTmux(t *testing.T) {
	needTmux(t)
	pa := pulsetest.Start(t)
	e := newEnv(t)
	url := e.startServer()
	x := confabInTmux(t, e, pa, 100, 30, "join.log", "join", "--name", "Tester", "--mic", "none", "--server", url, "room1")
	x.waitCall()
	x.run("send-keys", "-t", "demo", "d")
	x.waitScreen("the devices pane", 5*time.Second, func(s string) bool {
		return strings.Contains(deviceRow(s, "Virtual_Speaker_A"), "in use")
	})

	rec := pa.Record(t, pulsetest.SpeakerSink+".monitor")
	time.Sleep(500 * time.Millisecond)
	pressed := time.Now()
	x.run("send-keys", "-t", "demo", "t")
	x.waitScreen("the pane saying the chime plays", 5*time.Second, func(s string) bool {
		return strings.Contains(s, "Test chime playing on Virtual_Speaker_A.")
	})
	time.Sleep(time.Until(pressed.Add(2500 * time.Millisecond)))
	pcm := rec.Stop()

	// Each loud 50 ms window is the chime's low note, its high note, or
	// neither; quiet ones are skipped.
	const win = audio.SampleRate / 20
	var low, high, other []int
	for i := 0; i+win <= len(pcm); i += win {
		w := pcm[i : i+win]
		if tone.RMS(w) < 200 {
			continue
		}
		switch f := tone.DominantFrequency(w, audio.SampleRate); {
		case f > audio.ChimeLowHz-15 && f < audio.ChimeLowHz+15:
			low = append(low, i/win)
		case f > audio.ChimeHighHz-15 && f < audio.ChimeHighHz+15:
			high = append(high, i/win)
		default:
			other = append(other, i/win)
		}
	}
	t.Logf("50 ms windows: 440 Hz %v, 660 Hz %v, loud but neither %v (gaps on a loaded machine)", low, high, other)
	// Each note is ten windows that decay; six of each must be clear, the
	// low one first, and nothing before the key (pressed at window 10;
	// the recorder may have started a little late).
	if len(low) < 6 || len(high) < 6 {
		t.Fatalf("the chime did not arrive whole: %d windows of 440 Hz and %d of 660 Hz, want >= 6 each", len(low), len(high))
	}
	if low[len(low)-1] > high[0] {
		t.Errorf("660 Hz (from window %d) began before 440 Hz ended (window %d)", high[0], low[len(low)-1])
	}
	first := low[0]
	if len(other) > 0 {
		first = min(first, other[0])
	}
	if first < 8 {
		t.Errorf("the speaker played (window %d) before t was pressed (window 10)", first)
	}
	// How long the chime took from first to last note window: 1 s when
	// the machine keeps up; each missed period stretches it.
	t.Logf("the chime took %d ms on the speaker (1000 ms written)", (high[len(high)-1]-low[0]+1)*50)

	x.leave()
}
