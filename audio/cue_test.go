package audio

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/confab-rtc/confab/internal/tone"
)

// TestCuePlaysOnce: a cue is mixed sample for sample (it is well below
// the limiter's knee), exactly once, across tick boundaries it does not
// align with, and then the mix is silent again.
func TestCuePlaysOnce(t *testing.T) {
	m := NewMixer(MixerConfig{FrameSamples: 480})
	var out collector
	m.AddOutput(&out)
	pcm := tone.Sine(1000, 0.2, 1000) // 2 ticks and a bit
	m.PlayCue(pcm)
	if !m.CuePlaying() {
		t.Fatal("CuePlaying is false right after PlayCue")
	}
	for range 4 {
		m.mixFrame()
	}
	got := out.samples()
	if !slices.Equal(got[:len(pcm)], pcm) {
		t.Error("the mix is not the cue's samples")
	}
	if tone.RMS(got[len(pcm):]) != 0 {
		t.Errorf("the mix goes on after the cue (RMS %.1f)", tone.RMS(got[len(pcm):]))
	}
	if m.CuePlaying() {
		t.Error("CuePlaying is still true after the cue ended")
	}
}

// TestCueReplaced: a second PlayCue starts the new sound from its
// beginning at the next tick, instead of queueing it.
func TestCueReplaced(t *testing.T) {
	m := NewMixer(MixerConfig{})
	var out collector
	m.AddOutput(&out)
	first, second := tone.Sine(500, 0.2, 4*FrameSamples), tone.Sine(1500, 0.2, FrameSamples)
	m.PlayCue(first)
	m.mixFrame()
	m.PlayCue(second)
	m.mixFrame()
	m.mixFrame()
	got := out.samples()
	if !slices.Equal(got[FrameSamples:2*FrameSamples], second) {
		t.Error("the second cue did not replace the first at the next tick")
	}
	if tone.RMS(got[2*FrameSamples:]) != 0 {
		t.Error("the replaced cue came back")
	}
}

// TestCueMixesWithCall: the cue is added to the remote audio, not played
// instead of it.
func TestCueMixesWithCall(t *testing.T) {
	m := NewMixer(MixerConfig{})
	var out collector
	m.AddOutput(&out)
	s, _ := m.AddStream("bob")
	pkts := tonePackets(t, 500, 0.2, 50)
	for i := range 50 {
		s.PushAt(arriveT(i), uint16(i), uint32(i)*FrameSamples, pkts[i])
	}
	m.PlayCue(Chime())
	for i := range 50 {
		m.mixFrameAt(simT(i))
	}
	got := out.samples()
	mid := got[10*FrameSamples : 20*FrameSamples] // during the chime's first note
	for _, hz := range []float64{500, ChimeLowHz} {
		if p := tone.Contains(mid, SampleRate, hz); p < 0.1 {
			t.Errorf("%.0f Hz has %.2f of the mix's power, want both the call and the chime", hz, p)
		}
	}
}

// TestCueMixNoAlloc guards the real-time rule: mixing with a cue playing
// allocates nothing.
func TestCueMixNoAlloc(t *testing.T) {
	m := NewMixer(MixerConfig{})
	m.AddOutput(discard{})
	pcm := Chime()
	m.PlayCue(pcm)
	if n := testing.AllocsPerRun(40, m.mixFrame); n != 0 {
		t.Fatalf("mixing a cue allocates %v times per frame", n)
	}
}

// TestChime: half a second of 440 Hz, then half a second of 660 Hz,
// starting and ending in silence (no click), at most -12 dBFS.
func TestChime(t *testing.T) {
	pcm := Chime()
	if len(pcm) != SampleRate {
		t.Fatalf("%d samples, want one second", len(pcm))
	}
	for _, c := range []struct {
		from, to int
		hz       float64
	}{{0, SampleRate / 2, ChimeLowHz}, {SampleRate / 2, SampleRate, ChimeHighHz}} {
		if f := tone.DominantFrequency(pcm[c.from:c.to], SampleRate); math.Abs(f-c.hz) > 5 {
			t.Errorf("samples %d-%d: dominant %.1f Hz, want %.0f", c.from, c.to, f, c.hz)
		}
		if frac := tone.FractionDominant(pcm[c.from:c.to], SampleRate, 100*time.Millisecond, c.hz, 10, 100); frac < 1 {
			t.Errorf("%.0f Hz dominates %.0f%% of its note's 100 ms windows, want all", c.hz, 100*frac)
		}
	}
	peak := 0
	for _, v := range pcm {
		peak = max(peak, int(math.Abs(float64(v))))
	}
	if peak > 8193 || peak < 6553 {
		t.Errorf("peak %d, want about -12 dBFS (8192)", peak)
	}
	for _, i := range []int{0, SampleRate/2 - 1, SampleRate/2 + 0, SampleRate - 1} {
		if abs := math.Abs(float64(pcm[i])); abs > 100 {
			t.Errorf("sample %d is %v: a note starts or ends with a click", i, pcm[i])
		}
	}
}

// BenchmarkMixCue is the cost of a 20 ms mixer tick without streams
// (clear, limit, write), without and with the chime playing: what the
// cue adds to the mixer's real-time path.
func BenchmarkMixCue(b *testing.B) {
	for _, withCue := range []bool{false, true} {
		name := "without"
		if withCue {
			name = "with"
		}
		b.Run(name, func(b *testing.B) {
			m := NewMixer(MixerConfig{})
			m.AddOutput(discard{})
			chime := Chime()
			b.ReportAllocs()
			for b.Loop() {
				if withCue && !m.CuePlaying() {
					m.PlayCue(chime) // once a second of audio; not the real-time path
				}
				m.mixFrame()
			}
		})
	}
}
