package devices

import (
	"time"

	"github.com/confab-rtc/confab/audio"
)

// Capturer is an open, started microphone as the Manager uses it;
// *audio.Capture is one.
type Capturer interface {
	audio.Source
	// Callbacks counts the device's callbacks; the watchdog watches it.
	Callbacks() uint64
	// DeviceName is the device's human-readable name.
	DeviceName() string
}

// Player is an open, started speaker as the Manager uses it;
// *audio.Playback is one.
type Player interface {
	audio.Output
	audio.Pacer
	// NextDue says when the device will next want a frame.
	NextDue(now time.Time) time.Time
	// Callbacks counts the device's callbacks; the watchdog watches it.
	Callbacks() uint64
	// DeviceName is the device's human-readable name.
	DeviceName() string
	// Close stops and releases the device without hanging.
	Close() error
}

// Opener opens and starts devices by id ("" for the system default, which
// PulseAudio then routes itself). Tests use a fake; ContextOpener is the
// real one.
type Opener interface {
	OpenCapture(id string) (Capturer, error)
	OpenPlayback(id string) (Player, error)
}

// ContextOpener opens real devices of an audio.Context.
type ContextOpener struct {
	Context *audio.Context
}

// OpenCapture opens and starts a microphone.
func (o ContextOpener) OpenCapture(id string) (Capturer, error) {
	c, err := audio.OpenCapture(o.Context, id)
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// OpenPlayback opens and starts a speaker.
func (o ContextOpener) OpenPlayback(id string) (Player, error) {
	p, err := audio.OpenPlayback(o.Context, id)
	if err != nil {
		return nil, err
	}
	if err := p.Start(); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}
