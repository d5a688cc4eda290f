package tui

// Device is one microphone or speaker as the system lists it now.
type Device struct {
	// ID is the backend's stable id, what ChooseMicrophone and
	// ChooseSpeaker take.
	ID string
	// Name is the human-readable description.
	Name string
	// Default is whether the system uses it when none is named.
	Default bool
}

// DeviceList is a snapshot of the devices a call can use, for the devices
// pane. Cameras join it when the engine has video.
type DeviceList struct {
	// Microphones and Speakers are listed in the system's order.
	Microphones, Speakers []Device
	// Mic and Speaker are the ids of the devices in use, "" for none.
	Mic, Speaker string
	// MicOff and SpeakerOff say why that kind cannot be switched in this
	// call (joined without a microphone, no audio system); "" when it can.
	MicOff, SpeakerOff string
}

// seenDevice is a device the pane has listed during this session: still
// listed after it disappears, as gone, until it returns.
type seenDevice struct {
	Device
	gone bool
}

// mergeDevices folds the system's current list into the devices seen so
// far: known ones are updated in place (so rows do not jump as devices
// come and go), missing ones are marked gone, new ones are appended. It
// returns a new slice: models are values, and an older copy must not
// change under whoever holds it.
func mergeDevices(seen []seenDevice, now []Device) []seenDevice {
	present := make(map[string]Device, len(now))
	for _, d := range now {
		present[d.ID] = d
	}
	out := make([]seenDevice, 0, len(seen)+len(now))
	known := make(map[string]bool, len(seen))
	for _, s := range seen {
		known[s.ID] = true
		if d, ok := present[s.ID]; ok {
			s = seenDevice{Device: d}
		} else {
			s.gone, s.Default = true, false
		}
		out = append(out, s)
	}
	for _, d := range now {
		if !known[d.ID] {
			known[d.ID] = true
			out = append(out, seenDevice{Device: d})
		}
	}
	return out
}

// markGone records that a device was unplugged, also one the pane never
// listed (it left before the first snapshot). Like mergeDevices it
// returns a new slice.
func markGone(seen []seenDevice, id, name string) []seenDevice {
	out := append([]seenDevice(nil), seen...)
	for i := range out {
		if out[i].ID == id {
			out[i].gone, out[i].Default = true, false
			return out
		}
	}
	return append(out, seenDevice{Device: Device{ID: id, Name: name}, gone: true})
}
