package audio

import "math"

// limitKnee is where the soft limiter starts bending, as a fraction of
// full scale: below it the mix is an exact sum, so one speaker at a normal
// level passes untouched.
const limitKnee = 0.75

// softLimit converts a sum of samples to int16 without wrapping or hard
// clipping: above the knee the curve follows a tanh that approaches full
// scale with a continuous slope, so two people talking loudly at once
// sound compressed rather than distorted.
func softLimit(sum float32) int16 {
	x := float64(sum) / 32768
	a := math.Abs(x)
	if a > limitKnee {
		a = limitKnee + (1-limitKnee)*math.Tanh((a-limitKnee)/(1-limitKnee))
		x = math.Copysign(a, x)
	}
	return int16(math.Round(min(max(x*32768, -32768), 32767)))
}
