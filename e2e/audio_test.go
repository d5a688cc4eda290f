package e2e

import (
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
)

// writeTone writes a few seconds of a sine to a WAV file for --send; the
// client loops it.
func writeTone(t *testing.T, path string, freq float64) {
	t.Helper()
	writeSine(t, path, freq, 0.3)
}

// writeSine is writeTone with the amplitude (of full scale) chosen, for
// tests and benchmarks that mix many tones.
func writeSine(t testing.TB, path string, freq, amp float64) {
	t.Helper()
	if err := audio.WriteWAV(path, tone.Sine(freq, amp, 2*audio.SampleRate), audio.SampleRate, 1); err != nil {
		t.Fatal(err)
	}
}

// recording is a WAV the client wrote, with the wall-clock time of its
// first sample (the client's mixer starts when it is CONNECTED).
type recording struct {
	pcm    []int16
	origin time.Time
}

func readRecording(t testing.TB, path string, origin time.Time) recording {
	t.Helper()
	pcm, rate, ch, err := audio.ReadWAV(path)
	if err != nil {
		t.Fatalf("the recording %s is not a valid WAV: %v", path, err)
	}
	if rate != audio.SampleRate || ch != 1 {
		t.Fatalf("recording %s: %d Hz %d channels, want 48000 mono", path, rate, ch)
	}
	return recording{pcm: pcm, origin: origin}
}

// between returns the samples recorded between two wall-clock times.
func (r recording) between(t *testing.T, from, to time.Time) []int16 {
	t.Helper()
	i := int(from.Sub(r.origin).Seconds() * audio.SampleRate)
	j := int(to.Sub(r.origin).Seconds() * audio.SampleRate)
	if i < 0 {
		i = 0
	}
	if j > len(r.pcm) {
		j = len(r.pcm)
	}
	if j-i < audio.SampleRate/2 {
		t.Fatalf("recording too short for the window %s..%s: %d samples (%.2fs recorded)", from.Format("15:04:05.000"), to.Format("15:04:05.000"), j-i, float64(len(r.pcm))/audio.SampleRate)
	}
	return r.pcm[i:j]
}

// assertTone checks that freq dominates at least 90 % of 100 ms windows
// and that the other frequency is essentially absent.
func assertTone(t *testing.T, who string, pcm []int16, freq, absent float64) {
	t.Helper()
	frac := tone.FractionDominant(pcm, audio.SampleRate, 100*time.Millisecond, freq, 10, 300)
	t.Logf("%s: %.0f Hz dominates %.1f%% of %.1fs; %.0f Hz share %.4f; RMS %.0f", who, freq, 100*frac, float64(len(pcm))/audio.SampleRate, absent, tone.Contains(pcm, audio.SampleRate, absent), tone.RMS(pcm))
	if frac < 0.9 {
		t.Errorf("%s: %.0f Hz dominates only %.1f%% of the windows, want >= 90%%", who, freq, 100*frac)
	}
	if c := tone.Contains(pcm, audio.SampleRate, absent); c > 0.01 {
		t.Errorf("%s: %.0f Hz (its own tone) makes up %.3f of the power, want < 0.01", who, absent, c)
	}
}

// assertSilent checks that nothing audible arrived.
func assertSilent(t *testing.T, who string, pcm []int16) {
	t.Helper()
	if rms := tone.RMS(pcm); rms > 50 {
		t.Errorf("%s: RMS %.0f while muted, want silence (< 50)", who, rms)
	}
}
