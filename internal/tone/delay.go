package tone

import "math"

// directLimit is the number of multiply-adds above which Delay switches
// from the direct cross-correlation to the FFT; below it the direct sum is
// faster and exact.
const directLimit = 1 << 22

// Delay finds where ref occurs in rec: lag is the index in rec at which ref
// starts (rec[lag+i] ≈ ref[i]), searched over 0 ≤ lag < len(rec). score is
// the normalised correlation at that lag: 1 when the overlapping part of rec
// is an exact (scaled) copy of ref, near 0 when ref is not there. The lag is
// chosen by raw correlation, so a partial overlap at the end of rec wins only
// if nothing better exists, and it scores lower because the score is
// normalised by all of ref's energy. Use a chirp or click as ref: a periodic
// signal matches equally well a period away. Long inputs are correlated with
// an FFT, short ones directly.
func Delay(ref, rec []int16) (lagSamples int, score float64) {
	if len(ref) == 0 || len(rec) == 0 {
		return 0, 0
	}
	var corr []float64
	if len(ref)*len(rec) <= directLimit {
		corr = correlateDirect(ref, rec)
	} else {
		corr = correlateFFT(ref, rec)
	}
	best := 0
	for lag := range corr {
		if corr[lag] > corr[best] {
			best = lag
		}
	}
	refEnergy := 0.0
	for _, v := range ref {
		refEnergy += float64(v) * float64(v)
	}
	recEnergy := 0.0
	for _, v := range rec[best:min(len(rec), best+len(ref))] {
		recEnergy += float64(v) * float64(v)
	}
	if refEnergy == 0 || recEnergy == 0 || corr[best] <= 0 {
		return best, 0
	}
	return best, min(corr[best]/math.Sqrt(refEnergy*recEnergy), 1)
}

// correlateDirect returns c[lag] = Σ ref[i]·rec[lag+i] for every lag in
// [0, len(rec)), summing only where the two overlap.
func correlateDirect(ref, rec []int16) []float64 {
	out := make([]float64, len(rec))
	for lag := range out {
		n := min(len(ref), len(rec)-lag)
		sum := 0.0
		for i := 0; i < n; i++ {
			sum += float64(ref[i]) * float64(rec[lag+i])
		}
		out[lag] = sum
	}
	return out
}

// correlateFFT computes the same as correlateDirect in O(n log n): the
// product of rec's spectrum with the conjugate of ref's, transformed back,
// with enough zero padding that no lag wraps around onto another.
func correlateFFT(ref, rec []int16) []float64 {
	size := nextPow2(len(ref) + len(rec) - 1)
	a := make([]complex128, size)
	b := make([]complex128, size)
	for i, v := range rec {
		a[i] = complex(float64(v), 0)
	}
	for i, v := range ref {
		b[i] = complex(float64(v), 0)
	}
	fft(a, false)
	fft(b, false)
	for i := range a {
		re, im := real(b[i]), imag(b[i])
		a[i] *= complex(re, -im)
	}
	fft(a, true)
	out := make([]float64, len(rec))
	for lag := range out {
		out[lag] = real(a[lag])
	}
	return out
}
