package tone

import (
	"math"
	"math/bits"
)

// This is a plain iterative radix-2 FFT. The analysers need one for
// DominantFrequency and for long cross-correlations in Delay, and forty
// lines checked against a direct DFT in the tests are cheaper to carry than
// gonum, which would add a large module to a project that otherwise needs
// none of it.

// nextPow2 returns the smallest power of two that is at least n (and at
// least 1).
func nextPow2(n int) int {
	if n <= 1 {
		return 1
	}
	return 1 << bits.Len(uint(n-1))
}

// fft transforms x in place. len(x) must be a power of two. inverse selects
// the inverse transform, which is scaled by 1/len(x) so that
// fft(fft(x, false), true) == x.
func fft(x []complex128, inverse bool) {
	n := len(x)
	if n&(n-1) != 0 {
		panic("tone: fft length is not a power of two")
	}
	if n < 2 {
		return
	}
	// Bit-reversal permutation.
	shift := bits.UintSize - bits.Len(uint(n-1))
	for i := range x {
		j := int(bits.Reverse(uint(i)) >> shift)
		if i < j {
			x[i], x[j] = x[j], x[i]
		}
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	for size := 2; size <= n; size <<= 1 {
		half := size / 2
		step := sign * 2 * math.Pi / float64(size)
		// Twiddles are computed directly (not by repeated multiplication)
		// so rounding does not accumulate over long transforms.
		for k := 0; k < half; k++ {
			s, c := math.Sincos(step * float64(k))
			w := complex(c, s)
			for start := 0; start < n; start += size {
				a := x[start+k]
				b := w * x[start+k+half]
				x[start+k] = a + b
				x[start+k+half] = a - b
			}
		}
	}
	if inverse {
		scale := complex(1/float64(n), 0)
		for i := range x {
			x[i] *= scale
		}
	}
}
