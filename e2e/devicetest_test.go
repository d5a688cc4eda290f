package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/devices"
	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/confab-rtc/confab/signal"
)

// runDevicesTest runs `confab devices test ARGS...` to its end, which
// must come within limit (a check that hangs on a device is a bug), and
// returns its stdout and exit status.
func (e *env) runDevicesTest(limit time.Duration, args ...string) (string, int) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := e.command("check", append([]string{"devices", "test"}, args...)...)
	cmd = exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	cmd.Env = append(cmd.Environ(), e.extra...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		e.t.Fatalf("confab devices test %v did not end within %s; stdout:\n%s", args, limit, out.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatal(err)
	}
	e.t.Logf("devices test %v: exit %d after %.1fs; stderr: %q", args, code, time.Since(start).Seconds(), errOut.String())
	return out.String(), code
}

func decodeReport(t *testing.T, out string) devices.CheckReport {
	t.Helper()
	var r devices.CheckReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json output is not a report: %v\n%s", err, out)
	}
	return r
}

// TestDevicesTest runs the pre-call check against a private PulseAudio:
// with a tone played into the virtual microphone both devices pass, the
// peak level matches the tone, and the speaker's beeps are recorded from
// its monitor at 440 Hz; with nothing played the microphone is "silent";
// a microphone that does not exist gives code 90100019 at once.
func TestDevicesTest(t *testing.T) {
	pa := pulsetest.Start(t)
	e := newEnv(t)
	e.extra = pa.Env()

	t.Run("tone in, beeps out", func(t *testing.T) {
		e.t = t
		const amp = 0.3
		in := tone.Sine(1000, amp, audio.SampleRate)
		stopTone := pa.Play(t, pulsetest.MicFeedSink, in)
		defer stopTone()
		rec := pa.Record(t, pulsetest.SpeakerSink+".monitor")
		out, code := e.runDevicesTest(30*time.Second, "--json", "--duration", "4s")
		pcm := rec.Stop()
		r := decodeReport(t, out)
		if code != 0 || !r.OK {
			t.Errorf("exit %d, ok %v, want 0 and true:\n%s", code, r.OK, out)
		}
		m := r.Microphone
		if m.Status != devices.StatusOK || m.DeviceName == "" || m.Mic == nil {
			t.Fatalf("microphone verdict %+v, want ok with levels", m)
		}
		// A steady tone: every 20 ms frame has the same level.
		want := audio.Level100(in[:audio.FrameSamples])
		if d := m.Mic.PeakLevel - want; d < -3 || d > 3 {
			t.Errorf("peak level %d, want %d±3 for a %.1f full-scale sine", m.Mic.PeakLevel, want, amp)
		}
		if m.Mic.Samples < 3*audio.SampleRate || m.Mic.Clipped != 0 {
			t.Errorf("mic stats %+v: want >= 3 s analysed, nothing clipped", *m.Mic)
		}
		s := r.Speaker
		if s.Status != devices.StatusOK || s.Speaker == nil || s.Speaker.PlayedMs < 3500 {
			t.Errorf("speaker verdict %+v, want ok having played about 4 s", s)
		}

		// What came out of the speaker: beeps (loud windows and quiet
		// ones), the loud ones at 440 Hz. A beep's RMS is about 5800; a
		// window over 5000 lies (almost) wholly inside one, where the
		// beep's edges cannot smear the spectrum.
		var loud, at440, quiet int
		for _, w := range tone.Windows(pcm, audio.SampleRate, 50*time.Millisecond) {
			switch rms := tone.RMS(w); {
			case rms > 5000:
				loud++
				// ±15 Hz: a 50 ms window resolves 20 Hz bins, and one
				// that catches a beep's fade reads up to 13 Hz off.
				if f := tone.DominantFrequency(w, audio.SampleRate); f > 425 && f < 455 {
					at440++
				}
			case rms < 100:
				quiet++
			}
		}
		t.Logf("speaker monitor: %.1fs recorded, %d loud 50 ms windows (%d at 440 Hz), %d quiet", float64(len(pcm))/audio.SampleRate, loud, at440, quiet)
		// 4 s of 300 ms beeps every 500 ms: at least 40 windows wholly in a
		// beep, 24 wholly between two.
		if loud < 30 || float64(at440) < 0.9*float64(loud) {
			t.Errorf("%d loud windows, %d of them at 440 Hz: want >= 30, 90 %% at 440 Hz", loud, at440)
		}
		if quiet < 10 {
			t.Errorf("only %d quiet windows: the tone should be beeps, not a steady tone", quiet)
		}
	})

	t.Run("nothing in: silent", func(t *testing.T) {
		e.t = t
		out, code := e.runDevicesTest(30*time.Second, "--duration", "2s", "--speaker", "none")
		t.Logf("output:\n%s", out)
		if code == 0 {
			t.Errorf("exit status 0 for a silent microphone")
		}
		// Not a terminal: one meter line a second, then the verdict.
		if n := strings.Count(out, "mic ["); n < 1 {
			t.Errorf("%d meter lines, want at least 1:\n%s", n, out)
		}
		for _, want := range []string{"FAILED, silent", "No sound reached the microphone", "is it muted or the wrong one?", "Speaker     not tested"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		out, _ = e.runDevicesTest(30*time.Second, "--json", "--duration", "2s", "--speaker", "none")
		r := decodeReport(t, out)
		if r.OK || r.Microphone.Status != devices.StatusSilent || r.Microphone.Mic == nil || r.Microphone.Mic.PeakLevel > 5 {
			t.Errorf("report %+v mic %+v, want not ok, silent, peak level ~0", r, r.Microphone.Mic)
		}
	})

	t.Run("overloaded microphone: clipping", func(t *testing.T) {
		e.t = t
		// Twice full scale, saturated: flat tops, as an overdriven
		// microphone preamplifier delivers.
		stopTone := pa.Play(t, pulsetest.MicFeedSink, tone.Sine(1000, 65534, audio.SampleRate))
		defer stopTone()
		out, code := e.runDevicesTest(30*time.Second, "--json", "--duration", "2s", "--speaker", "none")
		r := decodeReport(t, out)
		if code == 0 || r.Microphone.Status != devices.StatusClipping || r.Microphone.Mic == nil || r.Microphone.Mic.Clipped == 0 {
			t.Errorf("exit %d, microphone %+v levels %+v: want clipping, exit 1", code, r.Microphone, r.Microphone.Mic)
		}
	})

	t.Run("bogus microphone", func(t *testing.T) {
		e.t = t
		start := time.Now()
		out, code := e.runDevicesTest(15*time.Second, "--json", "--mic", "bogus", "--speaker", "none")
		r := decodeReport(t, out)
		if code == 0 || r.OK {
			t.Errorf("exit %d ok %v for a missing microphone", code, r.OK)
		}
		if r.Microphone.Code != signal.CodeCaptureDeviceNotFound || r.Microphone.Status != devices.StatusNotFound || r.Microphone.DeviceID != "bogus" {
			t.Errorf("microphone verdict %+v, want not-found, code 90100019", r.Microphone)
		}
		// Nothing was opened, so nothing is waited for: not the 5 s test.
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("a missing microphone took %s to report", d)
		}
	})
}

// TestDevicesTestInTmux runs the check in a real terminal, as a person
// does: the meter is one line redrawn in place, showing the tone played
// into the microphone, and the verdicts follow it.
func TestDevicesTestInTmux(t *testing.T) {
	pa := pulsetest.Start(t)
	pa.Play(t, pulsetest.MicFeedSink, tone.Sine(1000, 0.3, audio.SampleRate))
	e := newEnv(t)
	x := startTmux(t, e, append(append(os.Environ(), pa.Env()...), "NO_COLOR=1"), 120, 20)
	x.run("send-keys", "-t", "demo", fmt.Sprintf("%s devices test --duration 4s --config %s --log-file %s; echo EXIT=$?", confabBin, e.config, e.path("check.log")), "Enter")

	meter := regexp.MustCompile(`mic \[#+`)
	live := x.waitScreen("a moving meter", 15*time.Second, func(s string) bool { return meter.MatchString(s) })
	time.Sleep(time.Second)
	later := x.screen()
	t.Logf("screen during the test:\n%s", later)
	for _, s := range []string{live, later} {
		if n := strings.Count(s, "mic ["); n != 1 {
			t.Errorf("%d meter lines on the screen, want one redrawn in place:\n%s", n, s)
		}
	}
	exitLine := regexp.MustCompile(`(?m)^EXIT=\d+`)
	final := x.waitScreen("the exit status", 20*time.Second, func(s string) bool { return exitLine.MatchString(s) })
	t.Logf("final screen:\n%s", final)
	for _, want := range []string{"EXIT=0", `Microphone  "Virtual_Mic": OK (peak level`, `Speaker     "Virtual_Speaker_A": OK (played`} {
		if !strings.Contains(final, want) {
			t.Errorf("final screen lacks %q", want)
		}
	}
	if n := strings.Count(final, "mic ["); n != 1 {
		t.Errorf("%d meter lines after the test, want the last one kept", n)
	}
}
