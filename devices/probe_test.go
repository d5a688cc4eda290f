package devices

import (
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
)

func TestMicProbe(t *testing.T) {
	frames := func(pcm []int16) [][]int16 {
		var out [][]int16
		for len(pcm) >= audio.FrameSamples {
			out = append(out, pcm[:audio.FrameSamples])
			pcm = pcm[audio.FrameSamples:]
		}
		return out
	}
	quietThenLoud := append(tone.Sine(1000, 0.01, audio.SampleRate/2), tone.Sine(1000, 0.5, audio.SampleRate/2)...)
	tests := []struct {
		name    string
		pcm     []int16
		peak    int
		peakDB  float64
		clipped int
	}{
		{"silence", make([]int16, audio.SampleRate), 0, silentDBFS, 0},
		// A 0.3 full-scale sine: RMS -13.5 dBov, level 100*(1-13.5/60).
		{"sine at 0.3", tone.Sine(1000, 0.3, audio.SampleRate), 78, -10.5, 0},
		{"the peak is the loudest frame", quietThenLoud, audio.Level100(tone.Sine(1000, 0.5, audio.FrameSamples)), -6, 0},
		// Twice full scale, saturated: two thirds of it are flat tops.
		{"clipped sine", tone.Sine(1000, 65534, audio.SampleRate), 98, 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p MicProbe
			for _, f := range frames(tt.pcm) {
				p.Add(f)
			}
			s := p.Stats()
			if s.Samples != len(tt.pcm) || s.PeakLevel != tt.peak || s.PeakDBFS != tt.peakDB {
				t.Errorf("stats %+v: want %d samples, peak level %d, %.1f dBFS", s, len(tt.pcm), tt.peak, tt.peakDB)
			}
			if tt.clipped >= 0 && s.Clipped != tt.clipped {
				t.Errorf("clipped %d, want %d", s.Clipped, tt.clipped)
			}
			if tt.clipped < 0 && float64(s.Clipped) < 0.5*float64(s.Samples) {
				t.Errorf("clipped %d of %d, want most", s.Clipped, s.Samples)
			}
			if p.Peak() != s.PeakLevel || p.Level() > s.PeakLevel {
				t.Errorf("live Peak %d Level %d, stats peak %d", p.Peak(), p.Level(), s.PeakLevel)
			}
		})
	}
}

func TestMicProbeAddAllocatesNothing(t *testing.T) {
	var p MicProbe
	frame := tone.Sine(1000, 0.3, audio.FrameSamples)
	if n := testing.AllocsPerRun(100, func() { p.Add(frame) }); n != 0 {
		t.Errorf("Add allocates %.0f times per frame", n)
	}
}

func TestTestTone(t *testing.T) {
	var tt TestTone
	pcm := make([]int16, 2*audio.SampleRate)
	frame := make([]int16, audio.FrameSamples)
	for i := 0; i < len(pcm); i += len(frame) {
		tt.Fill(frame)
		copy(pcm[i:], frame)
	}
	// Four 300 ms beeps of 440 Hz, each followed by 200 ms of silence.
	for b := 0; b < 4; b++ {
		beep := pcm[b*testTonePeriod+testToneRamp : b*testTonePeriod+testToneOn-testToneRamp]
		if f := tone.DominantFrequency(beep, audio.SampleRate); f < 438 || f > 442 {
			t.Errorf("beep %d at %.1f Hz, want 440", b, f)
		}
		if rms := tone.RMS(beep); rms < 5700 || rms > 5900 {
			t.Errorf("beep %d RMS %.0f, want about 5800 (-12 dBFS peak)", b, rms)
		}
		if gap := pcm[b*testTonePeriod+testToneOn : (b+1)*testTonePeriod]; tone.RMS(gap) != 0 {
			t.Errorf("gap %d is not silent", b)
		}
	}
	// The fades: no jump between neighbouring samples larger than a
	// 440 Hz sine at full beep level makes (2π·440/48000 of its peak).
	for i := 1; i < len(pcm); i++ {
		if d := int(pcm[i]) - int(pcm[i-1]); d > 480 || d < -480 {
			t.Fatalf("a click at sample %d: %d -> %d", i, pcm[i-1], pcm[i])
		}
	}
}

func TestGapTracker(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	g := newGapTracker(t0)
	steps := []struct {
		ms        int
		callbacks uint64
		gap       time.Duration
	}{
		{50, 0, 50 * time.Millisecond}, // not started yet: the gap counts from Start
		{100, 3, 0},
		{150, 3, 50 * time.Millisecond},
		{700, 3, 600 * time.Millisecond},
		{750, 9, 0},
		{800, 10, 0},
	}
	for _, s := range steps {
		if got := g.observe(at(s.ms), s.callbacks); got != s.gap {
			t.Errorf("at %d ms with %d callbacks: gap %v, want %v", s.ms, s.callbacks, got, s.gap)
		}
	}
	if g.longest != 600*time.Millisecond {
		t.Errorf("longest gap %v, want 600ms", g.longest)
	}
}

func TestMeterLine(t *testing.T) {
	tests := []struct {
		name        string
		mic         bool
		level, peak int
		tone        time.Duration
		want        string
	}{
		{"both", true, 50, 80, 2500 * time.Millisecond,
			"mic [###############---------|-----]  50 peak  80   speaker: 2.5 s of 440 Hz beeps"},
		{"silent mic", true, 0, 0, -1, "mic [------------------------------]   0 peak   0"},
		{"full", true, 100, 100, -1, "mic [##############################] 100 peak 100"},
		{"out of range is clamped", true, 150, -3, -1, "mic [##############################] 100 peak   0"},
		{"speaker only", false, 0, 0, time.Second, "speaker: 1.0 s of 440 Hz beeps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MeterLine(tt.mic, tt.level, tt.peak, tt.tone); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
