package devices

import "github.com/confab-rtc/confab/audio"

// Preferences a user can hold besides a device id.
const (
	// PrefDefault follows the system default device.
	PrefDefault = ""
	// PrefNone uses no device of the kind.
	PrefNone = "none"
)

// target is the device a slot should run on: id is the enumerated device,
// open the id to open it with ("" opens the system default, so the sound
// server routes the stream itself).
type target struct {
	id, open, name string
}

// choose is LiveKit's device policy, as pure logic: a preferred device
// that is listed and usable wins; otherwise (the user follows the default,
// or the preferred device is missing) the system default, or else the
// first usable device. ok is false when nothing is usable or the user
// wants no device. usable leaves out devices that failed recently.
func choose(pref string, list []audio.DeviceInfo, usable func(id string) bool) (t target, ok bool) {
	if pref == PrefNone {
		return target{}, false
	}
	var def, first *audio.DeviceInfo
	for i := range list {
		d := &list[i]
		if !usable(d.ID) {
			continue
		}
		if pref != PrefDefault && d.ID == pref {
			return target{id: d.ID, open: d.ID, name: d.Name}, true
		}
		if d.Default && def == nil {
			def = d
		}
		if first == nil {
			first = d
		}
	}
	if def != nil {
		return target{id: def.ID, open: "", name: def.Name}, true
	}
	if first != nil {
		return target{id: first.ID, open: first.ID, name: first.Name}, true
	}
	return target{}, false
}

// switchReason says why a slot moves to t: the user asked; the preferred
// device is back; the device in use is gone; or, with the old device still
// fine, the system default moved.
func switchReason(pref string, t target, userAsked, first, curGone bool) string {
	switch {
	case userAsked:
		return ReasonUser
	case pref != PrefDefault && t.id == pref:
		if first {
			return ReasonStart
		}
		return ReasonRestored
	case first && pref != PrefDefault:
		return ReasonFallback // the preferred device is missing at start
	case first:
		return ReasonStart
	case curGone:
		return ReasonFallback
	}
	return ReasonDefaultChanged
}
