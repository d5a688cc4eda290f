package tone

import (
	"math"
	"testing"
	"time"
)

func TestRMS(t *testing.T) {
	for _, tc := range []struct {
		name string
		pcm  []int16
		want float64
	}{
		{"empty", nil, 0},
		{"silence", make([]int16, 480), 0},
		{"constant", []int16{-100, -100, -100, -100}, 100},
		{"square", []int16{1000, -1000, 1000, -1000}, 1000},
		{"sine peak 10000", Sine(1000, 10000, 4800), 10000 / math.Sqrt2},
		{"full scale sine", Sine(440, 1, 48000), 32767 / math.Sqrt2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RMS(tc.pcm); math.Abs(got-tc.want) > 0.001*tc.want+1e-9 {
				t.Errorf("RMS = %.2f, want %.2f", got, tc.want)
			}
		})
	}
}

func TestDominantFrequencyAccuracy(t *testing.T) {
	n100ms := func(rate int) int { return rate / 10 }
	type tc struct {
		name string
		pcm  []int16
		rate int
		want float64
		tol  float64
	}
	var cases []tc
	// Pure tones across the band, including ones between FFT bins: the
	// interpolation puts them within 0.5 Hz, far inside the ±5 Hz promise.
	for _, f := range []float64{60, 100, 250, 440, 997.3, 1000, 1234.5, 3001, 7777.7, 12000, 19999} {
		cases = append(cases, tc{"sine", Sine(f, 0.5, n100ms(48000)), 48000, f, 0.5})
	}
	// Other rates (the generator's 48 kHz samples read at another rate scale
	// the frequency by rate/48000).
	cases = append(cases,
		tc{"16 kHz", Sine(1000, 0.5, 1600), 16000, 1000.0 / 3, 5},
		tc{"44.1 kHz", Sine(1000, 0.5, 4410), 44100, 1000 * 44100.0 / 48000, 5},
		tc{"quiet", Sine(1000, 30, 4800), 48000, 1000, 5},
		tc{"louder of two tones", Add(Sine(440, 0.2, 4800), Sine(1500, 0.5, 4800)), 48000, 1500, 5},
		tc{"louder of two close tones", Add(Sine(1000, 0.5, 4800), Sine(1100, 0.1, 4800)), 48000, 1000, 5},
		tc{"tone in noise (SNR ~ 3 dB)", Add(Sine(1000, 0.3, 4800), Noise(1, 0.3, 4800)), 48000, 1000, 5},
		tc{"tone on DC offset", Add(Sine(700, 0.2, 4800), constant(10000, 4800)), 48000, 700, 5},
		tc{"20 ms frame", Sine(1000, 0.5, 960), 48000, 1000, 15},
		tc{"one second", Sine(1000, 0.5, 48000), 48000, 1000, 0.5},
		tc{"silence", make([]int16, 4800), 48000, 0, 0},
		tc{"constant", constant(500, 4800), 48000, 0, 0},
		tc{"empty", nil, 48000, 0, 0},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := DominantFrequency(c.pcm, c.rate); math.Abs(got-c.want) > c.tol {
				t.Errorf("DominantFrequency = %.2f Hz, want %.2f ± %.1f", got, c.want, c.tol)
			}
		})
	}
}

func constant(v int16, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestWindows(t *testing.T) {
	pcm := make([]int16, 10500)
	for _, tc := range []struct {
		name      string
		rate      int
		win       time.Duration
		wantCount int
		wantLen   int
	}{
		{"100 ms at 48 kHz drops the partial tail", 48000, 100 * time.Millisecond, 2, 4800},
		{"20 ms frames", 48000, 20 * time.Millisecond, 10, 960},
		{"window longer than signal", 48000, time.Second, 0, 0},
		{"zero window", 48000, 0, 0, 0},
		{"16 kHz", 16000, 100 * time.Millisecond, 6, 1600},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := Windows(pcm, tc.rate, tc.win)
			if len(ws) != tc.wantCount {
				t.Fatalf("got %d windows, want %d", len(ws), tc.wantCount)
			}
			for i, w := range ws {
				if len(w) != tc.wantLen {
					t.Errorf("window %d has %d samples, want %d", i, len(w), tc.wantLen)
				}
			}
		})
	}
	// Windows are consecutive views of the input.
	seq := make([]int16, 100)
	for i := range seq {
		seq[i] = int16(i)
	}
	ws := Windows(seq, 1000, 30*time.Millisecond)
	if len(ws) != 3 || ws[1][0] != 30 || ws[2][29] != 89 {
		t.Errorf("windows are not consecutive: %v", ws)
	}
}

func TestFractionDominant(t *testing.T) {
	silence := make([]int16, 24000)
	for _, tc := range []struct {
		name string
		pcm  []int16
		freq float64
		want float64
	}{
		{"steady tone", Sine(1000, 0.5, 48000), 1000, 1},
		{"half tone, half silence", append(Sine(1000, 0.5, 24000), silence...), 1000, 0.5},
		{"other frequency", Sine(1200, 0.5, 48000), 1000, 0},
		{"noise", Noise(3, 0.5, 48000), 1000, 0},
		{"tone below minRMS", Sine(1000, 50, 48000), 1000, 0},
		{"too short for a window", Sine(1000, 0.5, 100), 1000, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := FractionDominant(tc.pcm, 48000, 100*time.Millisecond, tc.freq, 5, 100)
			if math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("FractionDominant = %.3f, want %.3f", got, tc.want)
			}
		})
	}
}

func TestContains(t *testing.T) {
	const n = 4800
	for _, tc := range []struct {
		name     string
		pcm      []int16
		freq     float64
		min, max float64
	}{
		{"the tone itself", Sine(1000, 0.5, n), 1000, 0.97, 1},
		{"the tone, 3 Hz off", Sine(1003, 0.5, n), 1000, 0.8, 1},
		{"another tone", Sine(440, 0.5, n), 1000, 0, 0.001},
		{"a close tone 50 Hz away", Sine(1050, 0.5, n), 1000, 0, 0.01},
		{"equal mix: first", Add(Sine(440, 0.3, n), Sine(1000, 0.3, n)), 440, 0.45, 0.55},
		{"equal mix: second", Add(Sine(440, 0.3, n), Sine(1000, 0.3, n)), 1000, 0.45, 0.55},
		{"quiet own tone under a loud other", Add(Sine(440, 0.5, n), Sine(1000, 0.05, n)), 1000, 0.005, 0.02},
		{"white noise", Noise(5, 0.5, n), 1000, 0, 0.01},
		{"silence", make([]int16, n), 1000, 0, 0},
		{"DC only", constant(1000, n), 1000, 0, 0},
		{"empty", nil, 1000, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Contains(tc.pcm, 48000, tc.freq)
			if got < tc.min || got > tc.max {
				t.Errorf("Contains(%.0f Hz) = %.4f, want in [%.3f, %.3f]", tc.freq, got, tc.min, tc.max)
			}
		})
	}
}
