package audio

import "math"

// The speaker test chime: two notes a fifth apart (A4 then E5), a sound
// people read as a friendly "ding-dong" rather than an alarm, and two
// known frequencies a test can find in a recording.
const (
	// ChimeLowHz and ChimeHighHz are the first and second note.
	ChimeLowHz  = 440
	ChimeHighHz = 660
	// chimeNote is each note's length in samples: half a second.
	chimeNote = SampleRate / 2
	// chimeAttack and chimeRelease shape each note: a 10 ms fade in (no
	// click) and an exponential decay to the end of the note, like a
	// struck bell, ending with a 20 ms fade to exact silence.
	chimeAttack  = SampleRate / 100
	chimeRelease = SampleRate / 50
	chimeDecay   = 0.25 // seconds, the decay's time constant
	// chimePeak is the peak amplitude, -12 dBFS: clearly audible over a
	// call without being harsh.
	chimePeak = 0.25 * 32767
)

// Chime returns the speaker test tone: one second, 440 Hz then 660 Hz,
// mono at SampleRate, for Mixer.PlayCue.
func Chime() []int16 {
	out := make([]int16, 2*chimeNote)
	for n, hz := range []float64{ChimeLowHz, ChimeHighHz} {
		note := out[n*chimeNote : (n+1)*chimeNote]
		for i := range note {
			t := float64(i) / SampleRate
			g := math.Exp(-t / chimeDecay)
			if i < chimeAttack {
				g *= 0.5 - 0.5*math.Cos(math.Pi*float64(i)/chimeAttack)
			}
			if left := chimeNote - i; left < chimeRelease {
				g *= 0.5 - 0.5*math.Cos(math.Pi*float64(left)/chimeRelease)
			}
			note[i] = int16(math.Round(chimePeak * g * math.Sin(2*math.Pi*hz*t)))
		}
	}
	return out
}
