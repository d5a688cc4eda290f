package tone

import (
	"math"
	"time"
)

// RMS returns the root-mean-square level of pcm in sample units (a
// full-scale sine is about 23170). Empty input gives 0.
func RMS(pcm []int16) float64 {
	if len(pcm) == 0 {
		return 0
	}
	sum := 0.0
	for _, v := range pcm {
		f := float64(v)
		sum += f * f
	}
	return math.Sqrt(sum / float64(len(pcm)))
}

// DominantFrequency returns the frequency in Hz with the most energy in pcm
// sampled at rate, or 0 for silence (or a constant signal). It removes DC,
// applies a Hann window, zero-pads the FFT to at least twice the signal
// length and interpolates the peak on a Gaussian (log-parabolic) fit, so a
// pure tone in a 100 ms window is found to well within ±5 Hz although the
// raw bins are 10 Hz apart.
func DominantFrequency(pcm []int16, rate int) float64 {
	n := len(pcm)
	if n < 2 {
		return 0
	}
	mean := 0.0
	for _, v := range pcm {
		mean += float64(v)
	}
	mean /= float64(n)
	size := nextPow2(2 * n)
	x := make([]complex128, size)
	w := hann(n)
	for i, v := range pcm {
		x[i] = complex((float64(v)-mean)*w[i], 0)
	}
	fft(x, false)
	mag := func(k int) float64 {
		re, im := real(x[k]), imag(x[k])
		return re*re + im*im
	}
	best, bestK := 0.0, 0
	for k := 1; k < size/2; k++ {
		if m := mag(k); m > best {
			best, bestK = m, k
		}
	}
	if best == 0 || bestK == 0 {
		return 0
	}
	delta := 0.0
	if bestK > 1 && bestK < size/2-1 {
		l, c, r := mag(bestK-1), best, mag(bestK+1)
		if l > 0 && r > 0 {
			// Squared magnitudes: the log is still a parabola near the peak.
			ll, lc, lr := math.Log(l), math.Log(c), math.Log(r)
			if d := ll - 2*lc + lr; d != 0 {
				delta = 0.5 * (ll - lr) / d
			}
		}
	}
	return (float64(bestK) + delta) * float64(rate) / float64(size)
}

// Windows cuts pcm into consecutive, non-overlapping windows of win each and
// drops a trailing partial window, so every window has the same length and
// the same frequency resolution. The windows share pcm's backing array.
func Windows(pcm []int16, rate int, win time.Duration) [][]int16 {
	n := int(win.Seconds()*float64(rate) + 0.5)
	if n <= 0 {
		return nil
	}
	out := make([][]int16, 0, len(pcm)/n)
	for start := 0; start+n <= len(pcm); start += n {
		out = append(out, pcm[start:start+n:start+n])
	}
	return out
}

// FractionDominant returns the fraction of win-long windows of pcm whose
// dominant frequency is within tol Hz of freq and whose RMS is above minRMS
// (sample units). Quiet windows count against the fraction rather than being
// skipped, so a tone that arrives late or drops out scores lower. No
// complete window gives 0.
func FractionDominant(pcm []int16, rate int, win time.Duration, freq, tol, minRMS float64) float64 {
	ws := Windows(pcm, rate, win)
	if len(ws) == 0 {
		return 0
	}
	hits := 0
	for _, w := range ws {
		if RMS(w) <= minRMS {
			continue
		}
		if math.Abs(DominantFrequency(w, rate)-freq) <= tol {
			hits++
		}
	}
	return float64(hits) / float64(len(ws))
}
