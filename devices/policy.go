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

// choose is LiveKit's device policy, as pure logic: the preferred device
// wins when it is listed and usable, found by id or, when its id changed
// (the same headset on another USB port), by the name it had when chosen;
// otherwise (the user follows the default, or the preferred device is
// missing) the system default, or else the first usable device. preferred
// says the preferred device was found; ok is false when nothing is usable
// or the user wants no device. usable leaves out devices that failed
// recently.
func choose(pref, prefName string, list []audio.DeviceInfo, usable func(id string) bool) (t target, preferred, ok bool) {
	if pref == PrefNone {
		return target{}, false, false
	}
	var def, first, named *audio.DeviceInfo
	for i := range list {
		d := &list[i]
		if !usable(d.ID) {
			continue
		}
		if pref != PrefDefault && d.ID == pref {
			return target{id: d.ID, open: d.ID, name: d.Name}, true, true
		}
		if pref != PrefDefault && prefName != "" && d.Name == prefName && named == nil {
			named = d
		}
		if d.Default && def == nil {
			def = d
		}
		if first == nil {
			first = d
		}
	}
	if named != nil {
		return target{id: named.ID, open: named.ID, name: named.Name}, true, true
	}
	if def != nil {
		return target{id: def.ID, open: "", name: def.Name}, false, true
	}
	if first != nil {
		return target{id: first.ID, open: first.ID, name: first.Name}, false, true
	}
	return target{}, false, false
}

// switchReason says why a slot moves to a device: the user asked; the
// preferred device is back (or there at start); the device in use is gone
// or the preferred one missing; or, with the old device still fine, the
// system default moved.
func switchReason(pref string, preferred, userAsked, first, curGone bool) string {
	switch {
	case userAsked:
		return ReasonUser
	case preferred && first:
		return ReasonStart
	case preferred:
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
