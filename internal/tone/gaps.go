package tone

import (
	"math"
	"slices"
	"time"
)

// Amplitude returns the peak amplitude (in sample units) of a tone at freq
// Hz in pcm, measured with a Hann-windowed Goertzel filter: a sine of
// amplitude A gives about A, whatever else is mixed in at frequencies more
// than a few bins (of rate/len(pcm) Hz) away. Unlike Contains it is not a
// share of the power, so other voices joining and leaving a mix do not
// move it. Empty pcm gives 0.
func Amplitude(pcm []int16, rate int, freq float64) float64 {
	if len(pcm) == 0 {
		return 0
	}
	w := hann(len(pcm))
	sumW := 0.0
	for _, v := range w {
		sumW += v
	}
	// A·cos(ωn) gives |X| = A·Σw/2 at ω.
	return 2 * math.Sqrt(max(goertzel(pcm, w, rate, freq), 0)) / sumW
}

// Gap is a stretch of a recording in which a tone was missing.
type Gap struct {
	// Start is where the gap begins, from the first sample of the pcm
	// that was analysed.
	Start time.Duration
	// Length is how long the tone was missing.
	Length time.Duration
}

// Gaps finds where the tone at freq drops out of pcm: pcm is cut into
// win-long windows every hop, and a window misses the tone when its
// Amplitude falls below frac of the median Amplitude over all windows (the
// tone's own level in this recording, so a quieter mix or a lossy codec
// does not count as a gap). Consecutive missing windows make one gap of
// their count times hop, plus the part of the window beyond hop when
// the gap ends before pcm does; gaps are returned in order. With a 20 ms
// window and a 10 ms hop, a gap is measured to within 10 ms; a single
// concealed packet does not make one.
func Gaps(pcm []int16, rate int, freq float64, win, hop time.Duration, frac float64) []Gap {
	n := int(win.Seconds() * float64(rate))
	h := int(hop.Seconds() * float64(rate))
	if n <= 0 || h <= 0 || len(pcm) < n {
		return nil
	}
	var amps []float64
	for i := 0; i+n <= len(pcm); i += h {
		amps = append(amps, Amplitude(pcm[i:i+n], rate, freq))
	}
	sorted := slices.Clone(amps)
	slices.Sort(sorted)
	floor := frac * sorted[len(sorted)/2]
	at := func(k int) time.Duration { return time.Duration(k) * hop }
	var gaps []Gap
	run := 0
	for k, a := range amps {
		if a < floor || floor == 0 {
			run++
			continue
		}
		if run > 0 {
			gaps = append(gaps, Gap{Start: at(k - run), Length: at(run) + win - hop})
			run = 0
		}
	}
	if run > 0 {
		gaps = append(gaps, Gap{Start: at(len(amps) - run), Length: at(run)})
	}
	return gaps
}
