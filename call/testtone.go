package call

import (
	"sync"

	"github.com/confab-rtc/confab/audio"
)

// chimeOnce holds the speaker test tone, made on the first test: a
// second of samples most calls never need.
type chimeOnce struct {
	once sync.Once
	pcm  []int16
}

// get returns the tone, making it the first time.
func (c *chimeOnce) get() []int16 {
	c.once.Do(func() { c.pcm = audio.Chime() })
	return c.pcm
}

// PlayTestTone plays the speaker test tone (audio.Chime: a second of
// 440 Hz then 660 Hz) once on the speaker in use, mixed with the call's
// audio: the user checks the speaker without anyone in the room hearing
// a thing. The tone also reaches the echo canceller's reference, so the
// microphone does not send it on. It returns false when this call plays
// nothing (no outputs). The tone starts with the mixer's next tick, so
// before the call has connected it waits for that.
func (e *Engine) PlayTestTone() bool {
	if e.mixer == nil {
		return false
	}
	e.mixer.PlayCue(e.chime.get())
	return true
}
