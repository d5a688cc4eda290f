package audio

import "time"

// maxPacerLag is how far a ClockPacer may fall behind before it gives up
// the lost frames: after a stall (a suspended laptop, a debugger) the
// mixer should resume in real time, not replay minutes in a burst.
const maxPacerLag = 200 * time.Millisecond

// ClockPacer is a Pacer on the wall clock: one frame every FrameDuration
// (or the frame size set by SetFrameSamples) from its start. It is used
// when nothing plays the audio (recording to a file, bots) and is owned by
// one goroutine (the mixer's).
type ClockPacer struct {
	next  time.Time
	every time.Duration
}

// NewClockPacer makes a pacer whose first frame is due at start.
func NewClockPacer(start time.Time) *ClockPacer {
	return &ClockPacer{next: start, every: FrameDuration}
}

// SetFrameSamples sets the length of the frames it paces (Mixer.Run calls
// it with the mixer's frame size).
func (p *ClockPacer) SetFrameSamples(n int) {
	p.every = time.Duration(n) * time.Second / SampleRate
}

// Due reports whether a frame is due at now and, if so, schedules the
// next one a frame later (or from now, when it has fallen more than 200
// ms behind).
func (p *ClockPacer) Due(now time.Time) bool {
	if now.Before(p.next) {
		return false
	}
	p.next = p.next.Add(p.every)
	if now.Sub(p.next) > maxPacerLag {
		p.next = now.Add(p.every)
	}
	return true
}

// NextDue is when the next frame will be due.
func (p *ClockPacer) NextDue(time.Time) time.Time { return p.next }
