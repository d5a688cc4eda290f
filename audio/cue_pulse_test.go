package audio

import (
	"context"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/pulsetest"
	"github.com/confab-rtc/confab/internal/tone"
)

// chimeWindows sorts the 50 ms windows of a recording into the chime's
// low note, its high note and loud windows that are neither (a broken or
// stretched chime), skipping quiet ones.
func chimeWindows(pcm []int16) (low, high, other []int) {
	const win = SampleRate / 20
	for i := 0; i+win <= len(pcm); i += win {
		w := pcm[i : i+win]
		if tone.RMS(w) < 200 {
			continue
		}
		switch f := tone.DominantFrequency(w, SampleRate); {
		case f > ChimeLowHz-15 && f < ChimeLowHz+15:
			low = append(low, i/win)
		case f > ChimeHighHz-15 && f < ChimeHighHz+15:
			high = append(high, i/win)
		default:
			other = append(other, i/win)
		}
	}
	return low, high, other
}

// TestPulseCue plays the chime through a real speaker (a PulseAudio null
// sink) by the mixer alone, with no stream in the call: the monitor hears
// 440 Hz then 660 Hz, about a second in all, nothing else.
func TestPulseCue(t *testing.T) {
	srv, actx := pulseContext(t)
	p, err := OpenPlayback(actx, pulsetest.SpeakerSink)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	rec := srv.Record(t, pulsetest.SpeakerSink+".monitor")
	m := NewMixer(MixerConfig{})
	m.AddOutput(p)
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, p) }()
	time.Sleep(300 * time.Millisecond)
	m.PlayCue(Chime())
	time.Sleep(1700 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	low, high, other := chimeWindows(rec.Stop())
	t.Logf("440 Hz in 50 ms windows %v, 660 Hz in %v, neither %v; underruns %d", low, high, other, p.Underruns())
	checkChime(t, low, high, other)
}

// checkChime asserts what a listener hears as the chime: both notes
// (each is ten windows that decay; six must be clear), the low one first,
// and about a second in all. The margins (1.5 s, five windows of neither
// note) are for a loaded shared machine, where the sound server and the
// mixer miss periods now and then and each miss inserts a gap; a chime
// played at the wrong speed, twice or garbled fails them.
func checkChime(t *testing.T, low, high, other []int) {
	t.Helper()
	if len(low) < 6 || len(high) < 6 {
		t.Fatalf("the chime did not arrive whole: %d windows of 440 Hz and %d of 660 Hz, want >= 6 each", len(low), len(high))
	}
	if low[len(low)-1] > high[0] {
		t.Errorf("660 Hz (from window %d) began before 440 Hz ended (window %d)", high[0], low[len(low)-1])
	}
	if span := high[len(high)-1] - low[0] + 1; span > 30 {
		t.Errorf("the chime spread over %d windows (%d ms), want about one second", span, span*50)
	}
	if len(other) > 5 {
		t.Errorf("%d loud windows are neither note: the chime was cut up or garbled", len(other))
	}
}
