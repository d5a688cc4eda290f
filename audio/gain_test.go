package audio

import (
	"math"
	"testing"

	"github.com/confab-rtc/confab/internal/tone"
)

// toneAmplitude is the peak amplitude of the tone at freq in pcm, from the
// share of the signal's power the Goertzel filter finds there: a tone of
// amplitude A has power A²/2.
func toneAmplitude(pcm []int16, freq float64) float64 {
	r := tone.RMS(pcm)
	return math.Sqrt(2 * tone.Contains(pcm, SampleRate, freq) * r * r)
}

// mixTwoTones mixes 60 frames of a 500 Hz and a 1300 Hz tone of the given
// amplitudes from streams "low" and "high", calling setup between adding
// the mixer and adding the streams (when early) or after (when not), and
// returns the mix after the jitter buffer filled.
func mixTwoTones(t *testing.T, ampLow, ampHigh float64, early bool, setup func(*Mixer)) []int16 {
	t.Helper()
	m := NewMixer(MixerConfig{})
	out := &collector{}
	m.AddOutput(out)
	if early {
		setup(m)
	}
	low, _ := m.AddStream("low")
	high, _ := m.AddStream("high")
	if !early {
		setup(m)
	}
	lowPkts := tonePackets(t, 500, ampLow, 60)
	highPkts := tonePackets(t, 1300, ampHigh, 60)
	for i := range 60 {
		low.PushAt(arriveT(i), uint16(i), uint32(i*FrameSamples), lowPkts[i])
		high.PushAt(arriveT(i), uint16(i), uint32(i*FrameSamples), highPkts[i])
		m.mixFrameAt(simT(i))
	}
	if l := m.Level("high"); l < 60 {
		t.Errorf("Level(high) = %d: the meter must show what is sent, before the gain", l)
	}
	return out.samples()[20*FrameSamples:]
}

// TestMixerGainScalesOneParticipant mixes two tones quietly enough that
// the limiter stays linear and checks that the gain of "high" scales its
// amplitude in the mix by exactly that factor while "low" is untouched.
func TestMixerGainScalesOneParticipant(t *testing.T) {
	ref := mixTwoTones(t, 0.2, 0.2, false, func(*Mixer) {})
	refLow, refHigh := toneAmplitude(ref, 500), toneAmplitude(ref, 1300)
	if refHigh < 0.15*32768 {
		t.Fatalf("reference amplitude of the high tone %.0f", refHigh)
	}
	for _, tc := range []struct {
		name    string
		percent int
		early   bool // set before the stream exists
		want    float64
	}{
		{"200 % doubles", 200, false, 2},
		{"50 % halves", 50, false, 0.5},
		{"0 % removes", 0, false, 0},
		{"100 % is unchanged", 100, false, 1},
		{"above 200 % clamps to 200 %", 500, false, 2},
		{"below 0 % clamps to muted", -20, false, 0},
		{"set before the stream exists applies when it appears", 50, true, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mix := mixTwoTones(t, 0.2, 0.2, tc.early, func(m *Mixer) { m.SetGain("high", tc.percent) })
			gotHigh, gotLow := toneAmplitude(mix, 1300)/refHigh, toneAmplitude(mix, 500)/refLow
			if tc.want == 0 {
				if c := tone.Contains(mix, SampleRate, 1300); c > 0.001 {
					t.Errorf("muted tone is still %.4f of the mix", c)
				}
			} else if math.Abs(gotHigh-tc.want) > 0.03*tc.want {
				t.Errorf("high tone scaled by %.3f, want %.2f", gotHigh, tc.want)
			}
			if math.Abs(gotLow-1) > 0.03 {
				t.Errorf("the other participant scaled by %.3f, want 1", gotLow)
			}
		})
	}
}

// TestMixerGainBoostDoesNotClip boosts two loud speakers to 200 %: the sum
// is far past full scale, and the soft limiter must bend it rather than
// clip it flat (no run of samples stuck at full scale), while still being
// loud.
func TestMixerGainBoostDoesNotClip(t *testing.T) {
	mix := mixTwoTones(t, 0.5, 0.3, false, func(m *Mixer) {
		m.SetGain("low", 200)
		m.SetGain("high", 200)
	})
	peak, run, longest := 0, 0, 0
	for _, v := range mix {
		a := int(v)
		if a < 0 {
			a = -a
		}
		peak = max(peak, a)
		if a >= 32767 {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	if longest > 0 {
		t.Errorf("%d samples in a row at full scale: the boost clips", longest)
	}
	if peak < 30000 {
		t.Errorf("peak %d: the boost did not make the mix loud", peak)
	}
}

// TestMixerGainRemembered checks the control-path bookkeeping: Gain reads
// back what was set (clamped), unity is forgotten, and a gain outlives the
// stream so a participant who rejoins stays muted.
func TestMixerGainRemembered(t *testing.T) {
	m := NewMixer(MixerConfig{})
	if g := m.Gain("a"); g != 100 {
		t.Fatalf("default gain %d", g)
	}
	m.SetGain("a", 250)
	if g := m.Gain("a"); g != 200 {
		t.Fatalf("gain %d after setting 250, want 200", g)
	}
	m.SetGain("a", 0)
	s, _ := m.AddStream("a")
	if g := s.gain.Load(); g != 0 {
		t.Fatalf("new stream gain %d, want the muted gain set before", g)
	}
	m.RemoveStream("a")
	s, _ = m.AddStream("a")
	if g := s.gain.Load(); g != 0 {
		t.Fatalf("rejoined stream gain %d, want still muted", g)
	}
	m.SetGain("a", 100)
	if len(m.gains) != 0 || s.gain.Load() != 100 {
		t.Fatalf("unity gain kept in the map (%v) or not applied (%d)", m.gains, s.gain.Load())
	}
}

// TestMixerFrameWithGainsDoesNotAllocate is TestMixerFrameDoesNotAllocate
// with one participant boosted and one muted.
func TestMixerFrameWithGainsDoesNotAllocate(t *testing.T) {
	m := NewMixer(MixerConfig{OnFirstFrame: func(string) {}})
	m.AddOutput(&discard{})
	pkts := tonePackets(t, 500, 0.3, 10)
	a, _ := m.AddStream("a")
	b, _ := m.AddStream("b")
	c, _ := m.AddStream("c")
	m.SetGain("a", 150)
	m.SetGain("b", 0)
	var seq uint16
	if n := testing.AllocsPerRun(200, func() {
		a.PushAt(arriveT(int(seq)), seq, uint32(seq)*FrameSamples, pkts[seq%10])
		b.PushAt(arriveT(int(seq)), seq, uint32(seq)*FrameSamples, pkts[seq%10])
		c.PushAt(arriveT(int(seq)), seq, uint32(seq)*FrameSamples, pkts[seq%10])
		m.mixFrameAt(simT(int(seq)))
		seq++
	}); n != 0 {
		t.Fatalf("mixing with gains allocates %v times per frame", n)
	}
}
