package devices

// Event is something the Manager reports through Params.OnEvent: a Change
// (a device plugged or unplugged), a Switch (the device in use changed), a
// Lost (no device of a kind is left) or a Failure (a device would not
// open). The set is closed; package main maps them to call events.
type Event interface {
	deviceEvent()
}

// Why the Manager switched devices, as Switch.Reason carries it.
const (
	// ReasonStart is the first device opened for the call.
	ReasonStart = "start"
	// ReasonUser is the user's choice (SetMic, SetSpeaker, Cycle).
	ReasonUser = "user"
	// ReasonFallback replaces a device that disappeared or stopped
	// delivering audio, or stands in for a preferred device that is
	// missing.
	ReasonFallback = "fallback"
	// ReasonRestored is the preferred device back after a fallback, or a
	// device again after none was left.
	ReasonRestored = "restored"
	// ReasonDefaultChanged follows the system default to a new device.
	ReasonDefaultChanged = "default-changed"
)

// Switch reports that a kind of device (KindRecording or KindPlayback)
// now runs on To, and why. From is the device used before ("" ids when
// there was none).
type Switch struct {
	Kind             string
	FromID, FromName string
	ToID, ToName     string
	Reason           string
}

// Lost reports that no device of Kind is left to fall back to: the
// microphone's stream carries silence, or nothing is played, until a
// device appears. It is reported once per loss.
type Lost struct {
	Kind string
	// LastID is the device in use before, if any.
	LastID string
}

// Failure reports that a device could not be opened or stopped
// delivering audio; the Manager falls back and leaves it out for a while.
type Failure struct {
	Kind     string
	DeviceID string
	Err      error
}

func (Change) deviceEvent()  {}
func (Switch) deviceEvent()  {}
func (Lost) deviceEvent()    {}
func (Failure) deviceEvent() {}
