package pulsetest

import "errors"

// ErrClosed is returned by Server methods called after Close: the server and
// every process it started are gone.
var ErrClosed = errors.New("pulsetest: server closed")

// ErrNotInstalled is returned by StartProcess when pulseaudio or one of
// pactl, pacat and parec is not on PATH; Start turns it into a skip (or a
// failure in CI).
var ErrNotInstalled = errors.New("pulsetest: pulseaudio or pulseaudio-utils not installed")
