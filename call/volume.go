package call

import (
	"fmt"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/signal"
)

// SetVolume sets how loud the remote user userID plays locally, in
// percent: 0 mutes them for the local user only (nobody else is told), 100
// plays them as sent, 200 doubles them (a soft limiter keeps the mix from
// clipping). It works before the user joins and lasts if they leave and
// come back. Level still reports what the user sends, before this volume.
// A percent outside 0-200 is an Error event and changes nothing; an engine
// that plays no audio (no Params.Outputs) ignores the call.
func (e *Engine) SetVolume(userID string, percent int) {
	if percent < audio.GainMuted || percent > audio.GainMax {
		e.events.emit(Error{Code: signal.CodeBadRequest, Message: fmt.Sprintf("volume %d%% is outside 0-200 %%", percent)})
		return
	}
	if e.mixer == nil {
		return
	}
	e.mixer.SetGain(userID, percent)
}

// Volume is the local playback volume of userID in percent, as set by
// SetVolume (100 when never set, or without audio output).
func (e *Engine) Volume(userID string) int {
	if e.mixer == nil {
		return audio.GainUnity
	}
	return e.mixer.Gain(userID)
}
