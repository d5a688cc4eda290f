package tui

import "charm.land/bubbles/v2/key"

// KeyMap holds the call view's key bindings. It implements help.KeyMap, so
// the footer lists exactly the keys that work.
type KeyMap struct {
	// Mute toggles the local microphone.
	Mute key.Binding
	// NextMic switches to the next microphone.
	NextMic key.Binding
	// NextSpeaker switches to the next speaker.
	NextSpeaker key.Binding
	// Leave leaves the room and closes the view.
	Leave key.Binding
	// Interrupt does what Leave does; it exists so ctrl+c, which the
	// terminal no longer turns into SIGINT in raw mode, still leaves
	// cleanly instead of dropping the call without a leave message.
	Interrupt key.Binding
}

// DefaultKeyMap returns the standard bindings: m mutes, i and o switch to
// the next microphone (input) and speaker (output), q and ctrl+c leave.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Mute:        key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mute mic")),
		NextMic:     key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "next mic")),
		NextSpeaker: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "next speaker")),
		Leave:       key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "leave")),
		Interrupt:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "leave")),
	}
}

// ShortHelp returns the bindings the footer shows.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Mute, k.NextMic, k.NextSpeaker, k.Leave}
}

// FullHelp returns every binding, in one column.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Mute, k.NextMic, k.NextSpeaker, k.Leave, k.Interrupt}}
}

// isZero reports whether no binding has a key, i.e. the caller left
// Options.Keys unset.
func (k KeyMap) isZero() bool {
	return len(k.Mute.Keys()) == 0 && len(k.NextMic.Keys()) == 0 && len(k.NextSpeaker.Keys()) == 0 &&
		len(k.Leave.Keys()) == 0 && len(k.Interrupt.Keys()) == 0
}

// withMuteHelp returns a copy whose Mute help says what pressing it will do
// next, so the footer reads "unmute mic" while muted.
func (k KeyMap) withMuteHelp(muted bool) KeyMap {
	desc := "mute mic"
	if muted {
		desc = "unmute mic"
	}
	k.Mute.SetHelp(k.Mute.Help().Key, desc)
	return k
}
