package tui

import "github.com/confab-rtc/confab/call"

// The event log says what happened in the sentences plain mode speaks, so
// that both interfaces word a leave's reason, an error's code and hint, a
// quality drop or a device change the same way, and a fix to one wording
// fixes both. The model keeps a plain view for that alone: it is fed every
// event and never reads keys.

// newLogWords returns the plain view that words the log. Speaker
// announcements stay off: the rows already show who speaks, and a lively
// call would push everything else out of the log.
func newLogWords(e Engine, room, userName string) *plainView {
	v := newPlainView(e, room, userName)
	v.quietSpeakers = true
	return v
}

// logEvent adds the sentences an event is worth to the log.
func (m *Model) logEvent(ev call.Event) {
	for _, s := range m.words.event(ev, m.now) {
		m.addLog(s)
	}
}

// addLog adds a line to the log at the model's time. A log scrolled up
// stays on the lines the user reads instead of moving under them.
func (m *Model) addLog(text string) {
	m.log.add(m.now, text)
	if m.logScroll > 0 {
		m.scrollLog(1)
	}
}

// logOwnMute logs the local user's mute key and tells the words about it,
// so the engine's later echo of the same change is not logged again.
func (m *Model) logOwnMute(muted bool) {
	m.words.people.self.muted = muted
	m.addLog(selfMuteSentence(muted))
}
