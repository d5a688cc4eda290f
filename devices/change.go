package devices

import (
	"time"

	"github.com/confab-rtc/confab/audio"
)

// Change actions and kinds, as the device-changed event carries them
// (DESIGN §2: the seed SDKs' onDeviceChanged).
const (
	// ActionAdd says a device appeared.
	ActionAdd = "ADD"
	// ActionRemove says a device disappeared.
	ActionRemove = "REMOVE"
	// KindRecording is a microphone.
	KindRecording = "recording"
	// KindPlayback is a speaker or headset.
	KindPlayback = "playback"
)

// MaxPollInterval is the longest polling interval a Manager accepts:
// issue 4 wants a device change noticed within a second.
const MaxPollInterval = time.Second

// Change is one device that appeared or disappeared.
type Change struct {
	Kind       string // KindRecording or KindPlayback
	DeviceID   string
	DeviceName string
	Action     string // ActionAdd or ActionRemove
}

// Lister enumerates devices; *audio.Context is one. Monitor sources are
// already left out of its capture list.
type Lister interface {
	Devices(kind audio.DeviceKind) ([]audio.DeviceInfo, error)
}

// Diff returns what changed from prev to next, diffing by device id:
// first the removed devices in prev's order (named as prev knew them),
// then the added ones in next's order. A renamed device with the same id
// is no change: the id is what configuration stores.
func Diff(kind string, prev, next []audio.DeviceInfo) []Change {
	nextIDs := make(map[string]bool, len(next))
	for _, d := range next {
		nextIDs[d.ID] = true
	}
	prevIDs := make(map[string]bool, len(prev))
	var out []Change
	for _, d := range prev {
		prevIDs[d.ID] = true
		if !nextIDs[d.ID] {
			out = append(out, Change{Kind: kind, DeviceID: d.ID, DeviceName: d.Name, Action: ActionRemove})
		}
	}
	for _, d := range next {
		if !prevIDs[d.ID] {
			prevIDs[d.ID] = true // a duplicated id is one device
			out = append(out, Change{Kind: kind, DeviceID: d.ID, DeviceName: d.Name, Action: ActionAdd})
		}
	}
	return out
}
