package tui

import "github.com/confab-rtc/confab/call"

// What changes many times a second (levels, the loudest speaker, network
// scores) is summarised: plain mode speaks a change a listener cares
// about, once, never a stream of updates.

// activeSpeaker names a new speaker, but not the local user (who knows)
// and not the same person again after a pause.
func (v *plainView) activeSpeaker(id string) []string {
	v.speaking = id
	if id == "" || id == v.people.self.id || id == v.speaker || v.quietSpeakers {
		return nil
	}
	if v.people.find(id) == nil {
		return nil
	}
	v.speaker = id
	return say(v.people.name(id) + " is speaking.")
}

// quality speaks a user's network only when it moves to another band:
// the first report is silent when fine, and a recovery is announced.
func (v *plainView) quality(ev call.NetworkQuality) []string {
	band := max(qualityBand(ev.Uplink), qualityBand(ev.Downlink))
	if band == 0 {
		return nil
	}
	prev, known := v.bands[ev.UserID]
	if band == prev || (!known && band == 1) {
		v.bands[ev.UserID] = band
		return nil
	}
	p := v.people.find(ev.UserID)
	if p == nil {
		return nil
	}
	v.bands[ev.UserID] = band
	whose := p.displayName() + "'s"
	if p == &v.people.self {
		whose = "Your"
	}
	if band == 1 {
		return say(whose + " network is good again.")
	}
	return say(whose + " network is " + bandWords(band) + ".")
}
