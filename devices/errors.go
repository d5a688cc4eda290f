package devices

import "errors"

// Errors returned by this package; test for them with errors.Is.
var (
	// ErrUnknownDevice is returned by SetMic, SetSpeaker and Set for an
	// id that the latest enumeration does not list.
	ErrUnknownDevice = errors.New("devices: no such device")
	// ErrStalled is carried by a Failure when a started device delivered
	// no audio for Config.StallTimeout: with PulseAudio that is how an
	// unplugged device opened by id looks (DESIGN §5).
	ErrStalled = errors.New("devices: device stopped delivering audio")
	// ErrNoDevices is returned by Cycle when there is nothing to switch to.
	ErrNoDevices = errors.New("devices: no other device to switch to")
	// ErrNoAudioSystem marks a device check that could not even connect
	// to the audio backend; `confab devices test` wraps the backend's
	// error with it.
	ErrNoAudioSystem = errors.New("devices: no audio system")
	// ErrNoneConnected is why a device check of the system default fails
	// when the system lists no device of that kind at all.
	ErrNoneConnected = errors.New("devices: none connected")
)
