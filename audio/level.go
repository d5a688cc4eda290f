package audio

import "math"

// levelFloorDB is the quietest level Level100 tells apart from silence: a
// conversation sits between about -50 and -10 dBov, so a 60 dB span puts
// normal speech in the upper half of a volume bar.
const levelFloorDB = 60.0

// dBov is the frame's RMS level in dB relative to the overload point (a
// full-scale square wave is 0 dBov), or -Inf for digital silence.
func dBov(pcm []int16) float64 {
	if len(pcm) == 0 {
		return math.Inf(-1)
	}
	var sum float64
	for _, s := range pcm {
		v := float64(s)
		sum += v * v
	}
	if sum == 0 {
		return math.Inf(-1)
	}
	return 10*math.Log10(sum/float64(len(pcm))) - 20*math.Log10(32768)
}

// LevelDBov is the frame's audio level as RFC 6464 carries it in the RTP
// header extension: 0 to 127 meaning 0 to -127 dBov, rounded, where 127
// also stands for silence and for an empty frame.
func LevelDBov(pcm []int16) uint8 {
	d := -dBov(pcm)
	if math.IsInf(d, 1) || d >= 127 {
		return 127
	}
	return uint8(math.Round(max(d, 0)))
}

// Level100 maps the frame's level onto the 0-100 volume scale of the seed
// SDKs' volume indicators: 100*(1 + dBov/60), clamped, so 0 dBov is 100,
// -30 dBov (loud speech) is 50 and -60 dBov or quieter is 0.
func Level100(pcm []int16) int {
	return int(math.Round(level100(dBov(pcm))))
}

// level100 is Level100 before rounding, for smoothing.
func level100(db float64) float64 {
	if math.IsInf(db, -1) {
		return 0
	}
	return min(max(100*(1+db/levelFloorDB), 0), 100)
}
