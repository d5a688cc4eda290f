package audio

// cue is one playing of a local sound: the samples and how far Run has
// played them. A fresh cue per PlayCue keeps the play head owned by Run
// alone, so starting a sound again never races with the mix.
type cue struct {
	pcm []int16
	pos int // owned by Run
}

// PlayCue mixes pcm (mono, SampleRate) into the mix once, from the next
// tick, at unity gain and through the same limiter as the call, so a
// local sound such as the speaker test tone plays on whatever device the
// mix goes to, together with the call's audio and into the echo
// reference, without opening a second device stream. A sound already
// playing is replaced. pcm must not be changed afterwards. It may be
// called from any goroutine; Run plays it without allocating or locking.
func (m *Mixer) PlayCue(pcm []int16) {
	if len(pcm) == 0 {
		return
	}
	m.cue.Store(&cue{pcm: pcm})
}

// CuePlaying reports whether a sound started by PlayCue has not finished.
func (m *Mixer) CuePlaying() bool { return m.cue.Load() != nil }

// addCue adds the next tick of the playing cue to sum and retires it at
// its end. It runs in Run's goroutine.
func (m *Mixer) addCue(sum []float32) {
	c := m.cue.Load()
	if c == nil {
		return
	}
	n := min(len(sum), len(c.pcm)-c.pos)
	for i, v := range c.pcm[c.pos : c.pos+n] {
		sum[i] += float32(v)
	}
	c.pos += n
	if c.pos >= len(c.pcm) {
		// A newer cue stored meanwhile stays.
		m.cue.CompareAndSwap(c, nil)
	}
}
