package audio

// Playback gain limits, in percent: the seeds' setAudioVolume range.
const (
	// GainMuted is the gain that locally mutes a remote participant.
	GainMuted = 0
	// GainUnity plays a participant as they are sent; it is the default.
	GainUnity = 100
	// GainMax doubles a participant's amplitude; the soft limiter after
	// the sum keeps a loud, boosted speaker from clipping.
	GainMax = 200
)

// SetGain sets the playback gain of the remote sender id in percent:
// 0 mutes them locally, 100 (the default) plays them as sent, 200 doubles
// their amplitude. Values outside 0-200 are clamped. It may be called from
// any goroutine, also while Run runs, and before the stream exists: the
// gain is remembered by id, so it applies when AddStream adds the stream
// and survives the participant leaving and coming back (a user who muted
// someone expects them to stay muted after a reconnect).
//
// The gain only changes what is mixed into the outputs. Level keeps
// reporting what the sender sends, before the gain, so the UI can still
// show that a locally muted participant is talking.
func (m *Mixer) SetGain(id string, percent int) {
	percent = min(max(percent, GainMuted), GainMax)
	m.mu.Lock()
	defer m.mu.Unlock()
	if percent == GainUnity {
		// Unity is the default: forgetting it keeps the map as small as
		// the set of participants the user actually adjusted.
		delete(m.gains, id)
	} else {
		m.gains[id] = percent
	}
	if s := m.streams.Load().byID[id]; s != nil {
		s.gain.Store(int32(percent))
	}
}

// Gain is the playback gain of id in percent, as set by SetGain (100 for
// an id never set).
func (m *Mixer) Gain(id string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if g, ok := m.gains[id]; ok {
		return g
	}
	return GainUnity
}

// addScaled adds frame, scaled by gain percent, to sum. A gain of 100 is
// an exact sum, so the common case stays bit-exact with no gain set.
func addScaled(sum []float32, frame []int16, gain int32) {
	if gain == GainUnity {
		for i, v := range frame {
			sum[i] += float32(v)
		}
		return
	}
	g := float32(gain) / GainUnity
	for i, v := range frame {
		sum[i] += float32(v) * g
	}
}
