package tone

import (
	"math"
	"testing"
)

// embed returns background with ref scaled by gain added at index at.
func embed(background, ref []int16, at int, gain float64) []int16 {
	out := append([]int16(nil), background...)
	for i, v := range ref {
		if at+i < len(out) {
			out[at+i] = clip(float64(out[at+i]) + gain*float64(v))
		}
	}
	return out
}

func TestDelay(t *testing.T) {
	chirp := Chirp(300, 6000, 0.5, 2400) // 50 ms
	for _, tc := range []struct {
		name      string
		ref, rec  []int16
		wantLag   int
		minScore  float64
		maxScore  float64
		anyLagNot bool
	}{
		{"identical", chirp, chirp, 0, 0.999, 1, false},
		{"delayed in silence (direct)", chirp, embed(make([]int16, 4800), chirp, 1234, 1), 1234, 0.999, 1, false},
		{"delayed, attenuated, in noise (direct)", chirp, embed(Noise(1, 0.05, 4800), chirp, 77, 0.3), 77, 0.7, 1, false},
		{"long recording (FFT)", chirp, embed(Noise(2, 0.05, 10*48000), chirp, 123457, 0.5), 123457, 0.8, 1, false},
		{"at the very end, partial overlap", chirp, embed(make([]int16, 4800), chirp, 4800-1200, 1), 4800 - 1200, 0.5, 0.9, false},
		{"inverted copy is not a match", chirp, embed(make([]int16, 4800), chirp, 1000, -1), 0, 0, 0.4, true},
		{"not there", chirp, Noise(3, 0.5, 9600), 0, 0, 0.2, true},
		{"silent recording", chirp, make([]int16, 4800), 0, 0, 0, true},
		{"empty", nil, chirp, 0, 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lag, score := Delay(tc.ref, tc.rec)
			if !tc.anyLagNot && lag != tc.wantLag {
				t.Errorf("lag = %d, want %d", lag, tc.wantLag)
			}
			if score < tc.minScore || score > tc.maxScore {
				t.Errorf("score = %.3f, want in [%.2f, %.2f]", score, tc.minScore, tc.maxScore)
			}
		})
	}
}

func TestCorrelateFFTMatchesDirect(t *testing.T) {
	for _, tc := range []struct{ nRef, nRec int }{{1, 1}, {5, 3}, {100, 1000}, {1000, 100}, {777, 4321}} {
		ref, rec := Noise(uint64(tc.nRef), 1, tc.nRef), Noise(uint64(tc.nRec)+9, 1, tc.nRec)
		d, f := correlateDirect(ref, rec), correlateFFT(ref, rec)
		if len(d) != len(f) {
			t.Fatalf("%v: lengths %d and %d", tc, len(d), len(f))
		}
		for i := range d {
			// Relative to the largest possible term sum.
			if math.Abs(d[i]-f[i]) > 1e-6*32767*32767*float64(tc.nRef) {
				t.Fatalf("%v lag %d: direct %g, fft %g", tc, i, d[i], f[i])
			}
		}
	}
}
