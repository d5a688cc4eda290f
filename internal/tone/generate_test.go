package tone

import (
	"math"
	"slices"
	"testing"
)

func TestSineAmplitudeUnits(t *testing.T) {
	for _, tc := range []struct {
		name     string
		amp      float64
		wantPeak int16
	}{
		{"fraction of full scale", 0.5, 16384},
		{"sample units", 10000, 10000},
		{"full scale", 1, 32767},
		{"above full scale saturates", 40000, 32767},
		{"silence", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Sine(1000, tc.amp, 4800)
			if len(s) != 4800 {
				t.Fatalf("len = %d, want 4800", len(s))
			}
			// 1 kHz at 48 kHz: sample 12 is the positive peak.
			if got := slices.Max(s); got != tc.wantPeak {
				t.Errorf("peak = %d, want %d", got, tc.wantPeak)
			}
			if s[0] != 0 {
				t.Errorf("first sample = %d, want 0 (phase 0)", s[0])
			}
		})
	}
}

func TestSineLoopsSeamlessly(t *testing.T) {
	// A whole number of cycles: the sample after the end is the first one.
	s := Sine(1000, 0.5, 4800)
	next := int16(math.Round(0.5 * 32767 * math.Sin(2*math.Pi*1000*4800/48000)))
	if next != s[0] {
		t.Fatalf("sample 4800 would be %d, sample 0 is %d", next, s[0])
	}
}

func TestChirpSweeps(t *testing.T) {
	c := Chirp(200, 4000, 0.5, 48000)
	ws := Windows(c, SampleRate, 100e6)
	first, last := DominantFrequency(ws[0], SampleRate), DominantFrequency(ws[len(ws)-1], SampleRate)
	if first < 200 || first > 600 {
		t.Errorf("first window at %.0f Hz, want 200-600", first)
	}
	if last < 3600 || last > 4000 {
		t.Errorf("last window at %.0f Hz, want 3600-4000", last)
	}
}

func TestNoiseIsRepeatableAndBounded(t *testing.T) {
	a, b, c := Noise(7, 0.25, 10000), Noise(7, 0.25, 10000), Noise(8, 0.25, 10000)
	if !slices.Equal(a, b) {
		t.Error("same seed gave different noise")
	}
	if slices.Equal(a, c) {
		t.Error("different seeds gave the same noise")
	}
	if slices.Max(a) > 8192 || slices.Min(a) < -8192 {
		t.Errorf("noise exceeds its amplitude: [%d, %d]", slices.Min(a), slices.Max(a))
	}
	// Uniform noise of peak A has RMS A/√3.
	if got, want := RMS(a), 0.25*32767/math.Sqrt(3); math.Abs(got-want) > 0.03*want {
		t.Errorf("RMS = %.0f, want %.0f", got, want)
	}
}

func TestAdd(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   [][]int16
		want []int16
	}{
		{"nothing", nil, []int16{}},
		{"sum", [][]int16{{1, 2, 3}, {10, 20, 30}}, []int16{11, 22, 33}},
		{"shorter is silence after its end", [][]int16{{1, 2, 3}, {10}}, []int16{11, 2, 3}},
		{"saturates high", [][]int16{{30000}, {30000}}, []int16{32767}},
		{"saturates low", [][]int16{{-30000}, {-30000}}, []int16{-32768}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Add(tc.in...); !slices.Equal(got, tc.want) {
				t.Errorf("Add = %v, want %v", got, tc.want)
			}
		})
	}
}
