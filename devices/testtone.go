package devices

import "math"

// The speaker test tone: 440 Hz (concert A, easy to recognise and to find
// in a recording) in 300 ms beeps every half second, at -12 dBFS so it is
// clearly audible without being harsh. Beeps, not a steady tone, so a
// person can tell it from hum or a stuck buffer.
const (
	// TestToneHz is the pitch of the beeps.
	TestToneHz = 440
	// testToneOn and testTonePeriod are the beep length and spacing in
	// samples at 48 kHz.
	testToneOn     = 300 * 48
	testTonePeriod = 500 * 48
	// testToneRamp is the fade in and out of each beep: a hard edge clicks.
	testToneRamp = 5 * 48
	// testToneAmp is the peak amplitude, -12 dBFS.
	testToneAmp = 0.25 * 32767
)

// TestTone generates the speaker test tone frame by frame. The zero value
// starts at the beginning of a beep; one goroutine uses it.
type TestTone struct {
	pos int // samples generated so far
}

// Fill writes the next len(frame) samples of the tone into frame.
func (t *TestTone) Fill(frame []int16) {
	for i := range frame {
		frame[i] = int16(math.Round(testToneAmp * toneEnvelope(t.pos%testTonePeriod) *
			math.Sin(2*math.Pi*TestToneHz*float64(t.pos%testTonePeriod)/48000)))
		t.pos++
	}
}

// toneEnvelope is the beep's gain at sample i of a period: raised-cosine
// ramps at both ends of the beep, silence after it.
func toneEnvelope(i int) float64 {
	switch {
	case i >= testToneOn:
		return 0
	case i < testToneRamp:
		return 0.5 - 0.5*math.Cos(math.Pi*float64(i)/testToneRamp)
	case i >= testToneOn-testToneRamp:
		return 0.5 - 0.5*math.Cos(math.Pi*float64(testToneOn-i)/testToneRamp)
	}
	return 1
}
