package tone

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

func TestNextPow2(t *testing.T) {
	for _, tc := range []struct{ in, want int }{
		{0, 1}, {1, 1}, {2, 2}, {3, 4}, {4, 4}, {5, 8}, {4800, 8192}, {8192, 8192}, {8193, 16384},
	} {
		if got := nextPow2(tc.in); got != tc.want {
			t.Errorf("nextPow2(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// dft is the textbook O(n²) transform the FFT must agree with.
func dft(x []complex128) []complex128 {
	n := len(x)
	out := make([]complex128, n)
	for k := range out {
		var sum complex128
		for j, v := range x {
			sum += v * cmplx.Exp(complex(0, -2*math.Pi*float64(k*j)/float64(n)))
		}
		out[k] = sum
	}
	return out
}

func TestFFTMatchesDFTAndInverts(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 4, 8, 16, 64, 512} {
		x := make([]complex128, n)
		for i := range x {
			x[i] = complex(r.Float64()*2-1, r.Float64()*2-1)
		}
		want := dft(x)
		got := append([]complex128(nil), x...)
		fft(got, false)
		for k := range want {
			if cmplx.Abs(got[k]-want[k]) > 1e-9*float64(n) {
				t.Fatalf("n=%d bin %d: fft %v, dft %v", n, k, got[k], want[k])
			}
		}
		fft(got, true)
		for i := range x {
			if cmplx.Abs(got[i]-x[i]) > 1e-12 {
				t.Fatalf("n=%d: inverse(fft(x))[%d] = %v, want %v", n, i, got[i], x[i])
			}
		}
	}
}

func TestFFTRejectsNonPowerOfTwo(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("fft of length 6 did not panic")
		}
	}()
	fft(make([]complex128, 6), false)
}
