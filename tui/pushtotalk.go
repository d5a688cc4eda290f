package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// pttHold is how long push-to-talk keeps the microphone open after the
// last press when the terminal cannot report key releases. A held key
// repeats every 30-50 ms after a first delay of up to about 600 ms, so a
// second covers that delay with margin; a tap talks for a second.
const pttHold = time.Second

// pttCheckMsg asks Update whether the push-to-talk hold has run out.
type pttCheckMsg struct{}

// pushToTalk is the state of the push-to-talk key. With the kitty keyboard
// protocol the terminal reports the key's release and talk lasts exactly
// as long as the key is down; elsewhere a press can only be followed by
// more presses (the key's auto-repeat), so talk lasts until pttHold after
// the last one.
type pushToTalk struct {
	// releases is whether the terminal said it reports key releases.
	releases bool
	// held is whether push-to-talk opened the microphone and will close it.
	held bool
	// until is when the hold ends without releases; later presses move it.
	until time.Time
}

// pushToTalkPress opens the microphone for push-to-talk. A microphone the
// user unmuted with the mute key is left alone: push-to-talk only ever
// closes what it opened.
func (m *Model) pushToTalkPress() tea.Cmd {
	if !m.ptt.held {
		if !m.people.self.muted {
			return nil
		}
		m.engine.SetMicMuted(false)
		m.people.self.muted = false
		m.words.people.self.muted = false // talk is not a mute change to log
		m.ptt.held = true
	}
	if m.ptt.releases {
		return nil
	}
	m.ptt.until = m.now.Add(pttHold)
	return tea.Tick(pttHold, func(time.Time) tea.Msg { return pttCheckMsg{} })
}

// pushToTalkRelease closes the microphone when the key comes up.
func (m *Model) pushToTalkRelease() {
	if m.ptt.held {
		m.endPushToTalk()
	}
}

// pushToTalkCheck closes the microphone once the hold after the last press
// has run out. Every press schedules a check, so earlier checks find the
// hold moved and do nothing.
func (m *Model) pushToTalkCheck() {
	if m.ptt.held && !m.ptt.releases && !m.now.Before(m.ptt.until) {
		m.endPushToTalk()
	}
}

// endPushToTalk mutes the microphone push-to-talk opened.
func (m *Model) endPushToTalk() {
	m.ptt.held = false
	m.engine.SetMicMuted(true)
	m.people.self.muted = true
	m.words.people.self.muted = true
}
