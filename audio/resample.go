package audio

import "math"

// resampleTaps is the half-length of the windowed-sinc kernel: enough for
// clean voice and test tones; resampling happens once, when a file loads.
const resampleTaps = 32

// toMono48k downmixes interleaved PCM to mono by averaging the channels
// and converts it to SampleRate.
func toMono48k(pcm []int16, rate, channels int) []int16 {
	n := len(pcm) / channels
	mono := make([]float64, n)
	for i := range mono {
		var sum float64
		for c := range channels {
			sum += float64(pcm[i*channels+c])
		}
		mono[i] = sum / float64(channels)
	}
	if rate != SampleRate {
		mono = resample(mono, rate, SampleRate)
	}
	out := make([]int16, len(mono))
	for i, v := range mono {
		out[i] = int16(min(max(math.Round(v), -32768), 32767))
	}
	return out
}

// resample converts x from rate from to rate to with a Hann-windowed sinc
// whose cutoff is the lower Nyquist frequency, so downsampling does not
// alias.
func resample(x []float64, from, to int) []float64 {
	ratio := float64(to) / float64(from)
	n := int(math.Floor(float64(len(x)) * ratio))
	cutoff := min(1, ratio) // relative to the input's Nyquist
	out := make([]float64, n)
	half := float64(resampleTaps) / cutoff
	for i := range out {
		t := float64(i) / ratio // position in input samples
		lo := max(int(math.Ceil(t-half)), 0)
		hi := min(int(math.Floor(t+half)), len(x)-1)
		var sum, wsum float64
		for j := lo; j <= hi; j++ {
			d := float64(j) - t
			w := cutoff * sinc(cutoff*d) * (0.5 + 0.5*math.Cos(math.Pi*d/half))
			sum += x[j] * w
			wsum += w
		}
		if wsum != 0 {
			out[i] = sum / wsum
		}
	}
	return out
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}
