package tone

import (
	"math"
	"math/rand/v2"
)

// SampleRate is the rate of every signal the generators in this package
// produce, confab's internal audio rate.
const SampleRate = 48000

// fullScale is the peak of an int16 sample, used to turn a fractional
// amplitude into sample units.
const fullScale = 32767

// amplitude turns a caller's amplitude into sample units. Values up to 1 are
// a fraction of full scale, larger values are already in sample units, so
// both Sine(f, 0.5, n) and Sine(f, 16000, n) do what they say.
func amplitude(amp float64) float64 {
	if amp <= 1 {
		return amp * fullScale
	}
	return amp
}

// clip converts a sample to int16, saturating instead of wrapping, because a
// wrapped sample is a loud click that would corrupt every measurement.
func clip(v float64) int16 {
	v = math.Round(v)
	switch {
	case v > math.MaxInt16:
		return math.MaxInt16
	case v < math.MinInt16:
		return math.MinInt16
	}
	return int16(v)
}

// Sine returns n samples of a sine of freq Hz at 48 kHz starting at phase 0.
// amp is the peak amplitude: at most 1 it is a fraction of full scale,
// above 1 it is in sample units. A sine with a whole number of cycles in n
// samples (e.g. 1 kHz in 4800) loops without a click, which Play-style
// looping players rely on.
func Sine(freq, amp float64, n int) []int16 {
	a := amplitude(amp)
	out := make([]int16, n)
	w := 2 * math.Pi * freq / SampleRate
	for i := range out {
		out[i] = clip(a * math.Sin(w*float64(i)))
	}
	return out
}

// Chirp returns n samples of a linear frequency sweep from f0 to f1 Hz at
// 48 kHz with peak amplitude amp (as in Sine). A chirp's autocorrelation has
// one sharp peak, so it is the reference signal to use with Delay when
// measuring latency; a pure tone would correlate equally well one period
// earlier or later.
func Chirp(f0, f1, amp float64, n int) []int16 {
	a := amplitude(amp)
	out := make([]int16, n)
	dur := float64(n) / SampleRate
	k := (f1 - f0) / dur
	for i := range out {
		t := float64(i) / SampleRate
		out[i] = clip(a * math.Sin(2*math.Pi*(f0*t+k*t*t/2)))
	}
	return out
}

// Noise returns n samples of uniform white noise with peak amplitude amp (as
// in Sine). The same seed gives the same samples, so tests stay repeatable.
func Noise(seed uint64, amp float64, n int) []int16 {
	a := amplitude(amp)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]int16, n)
	for i := range out {
		out[i] = clip(a * (2*r.Float64() - 1))
	}
	return out
}

// Add mixes signals sample by sample, saturating at full scale. The result is
// as long as the longest input; shorter inputs count as silence after their
// end.
func Add(signals ...[]int16) []int16 {
	n := 0
	for _, s := range signals {
		n = max(n, len(s))
	}
	acc := make([]float64, n)
	for _, s := range signals {
		for i, v := range s {
			acc[i] += float64(v)
		}
	}
	out := make([]int16, n)
	for i, v := range acc {
		out[i] = clip(v)
	}
	return out
}
