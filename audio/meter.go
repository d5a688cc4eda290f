package audio

import (
	"math"
	"sync/atomic"
)

// meterRelease is the release time constant: a volume bar that fell as fast
// as it rose would flicker between syllables.
const meterRelease = 0.3 // seconds

// Meter is a smoothed 0-100 level (see Level100) for a volume bar: it jumps
// up at once when the audio gets louder and falls back with a 300 ms time
// constant. One goroutine calls Update; any goroutine may call Level, which
// reads an atomic and never waits. The zero value is ready to use.
type Meter struct {
	bits atomic.Uint64 // float64 bits of the smoothed level
}

// Update feeds the next frame of audio; it must be called from a single
// goroutine (the one producing the audio).
func (m *Meter) Update(pcm []int16) {
	if len(pcm) == 0 {
		return
	}
	now := level100(dBov(pcm))
	prev := math.Float64frombits(m.bits.Load())
	if now < prev {
		dt := float64(len(pcm)) / SampleRate
		now = prev + (now-prev)*(1-math.Exp(-dt/meterRelease))
	}
	m.bits.Store(math.Float64bits(now))
}

// Level is the smoothed level, 0-100.
func (m *Meter) Level() int {
	return int(math.Round(math.Float64frombits(m.bits.Load())))
}

// Reset sets the level back to 0, for a stream that restarts.
func (m *Meter) Reset() { m.bits.Store(0) }
