package tone

import "math"

// goertzel returns the squared magnitude of the DTFT of x at freq Hz, with x
// weighted by w (w may be nil for a rectangular window). Unlike an FFT bin,
// the frequency does not have to fall on a bin centre, so a tone exactly at
// freq is always measured at its peak.
func goertzel(x []int16, w []float64, rate int, freq float64) float64 {
	omega := 2 * math.Pi * freq / float64(rate)
	coeff := 2 * math.Cos(omega)
	var s1, s2 float64
	for i, v := range x {
		in := float64(v)
		if w != nil {
			in *= w[i]
		}
		s0 := in + coeff*s1 - s2
		s2, s1 = s1, s0
	}
	// |X|^2 of the last step, the standard Goertzel power formula.
	return s1*s1 + s2*s2 - coeff*s1*s2
}

// hann returns a Hann window of n points. Its low side lobes keep a loud
// tone elsewhere in the spectrum from leaking into the frequency being
// measured.
func hann(n int) []float64 {
	w := make([]float64, n)
	if n == 1 {
		w[0] = 1
		return w
	}
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
	}
	return w
}

// Contains returns how much of the signal's power is a tone at freq Hz, from
// 0 (none) to 1 (the signal is that tone), measured with a Hann-windowed
// Goertzel filter. Two equal tones give 0.5 each; white noise gives nearly
// 0. The filter's passband is about ±2 bins of rate/len(pcm) Hz (±20 Hz for
// a 100 ms window), so a tone a few hertz off still counts, slightly
// attenuated. Use it for "is my own tone in what I hear" checks, where the
// dominant frequency alone cannot see a quieter second tone. Silence gives 0.
func Contains(pcm []int16, rate int, freq float64) float64 {
	n := len(pcm)
	if n == 0 {
		return 0
	}
	mean := 0.0
	for _, v := range pcm {
		mean += float64(v)
	}
	mean /= float64(n)
	energy := 0.0
	for _, v := range pcm {
		d := float64(v) - mean
		energy += d * d
	}
	if energy == 0 {
		return 0
	}
	w := hann(n)
	sumW := 0.0
	for _, v := range w {
		sumW += v
	}
	// A tone A·cos(ωn) gives |X| = A·Σw/2 at ω, so the tone's power A²/2
	// is 2|X|²/(Σw)²; divide by the mean power of the whole signal.
	p := goertzel(pcm, w, rate, freq)
	ratio := 2 * p / (sumW * sumW) / (energy / float64(n))
	return min(max(ratio, 0), 1)
}
