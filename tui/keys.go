package tui

import "charm.land/bubbles/v2/key"

// KeyMap holds the call view's key bindings. It implements help.KeyMap, so
// the footer and the ? help list exactly the keys that work. Rebind changes
// them from the config file's [keys] section.
type KeyMap struct {
	// Mute toggles the local microphone.
	Mute key.Binding
	// PushToTalk opens the microphone while held (see pushToTalk).
	PushToTalk key.Binding
	// NextPane moves the focus to the next pane.
	NextPane key.Binding
	// SelectUp and SelectDown move through the focused pane: the
	// selection through the other participants, whose volume VolumeUp and
	// VolumeDown then change, or the event log's lines.
	SelectUp   key.Binding
	SelectDown key.Binding
	VolumeUp   key.Binding
	VolumeDown key.Binding
	// Rename asks for a new name for the local user.
	Rename key.Binding
	// NextMic switches to the next microphone.
	NextMic key.Binding
	// NextSpeaker switches to the next speaker.
	NextSpeaker key.Binding
	// Devices opens or closes the devices pane.
	Devices key.Binding
	// TestTone plays a test chime on the speaker while the devices pane
	// is open.
	TestTone key.Binding
	// Stats opens the stats pane, or closes it.
	Stats key.Binding
	// ClosePane closes the open side pane (so does the pane's own key).
	ClosePane key.Binding
	// Choose acts on the item the focused side pane has selected.
	Choose key.Binding
	// Rooms opens or closes the room list beside the call.
	Rooms key.Binding
	// RoomFilter starts typing in the room list: a filter, or the name of
	// a room to create.
	RoomFilter key.Binding
	// Help shows or hides the full list of keys.
	Help key.Binding
	// Leave asks to leave the room; the same key again confirms.
	Leave key.Binding
	// Interrupt leaves at once, without the confirmation. It exists so
	// ctrl+c, which the terminal no longer turns into SIGINT in raw mode,
	// still leaves cleanly instead of dropping the call without a leave
	// message.
	Interrupt key.Binding
}

// DefaultKeyMap returns the standard bindings: m mutes, space talks while
// held, tab moves between the participants and the event log, the arrows
// choose a participant whose volume + and - change or scroll the log, n
// renames, i and o switch to the next microphone (input) and speaker
// (output), s opens the stats pane, ? lists the keys, q leaves after a confirmation and ctrl+c at
// once.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Mute:        key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mute mic")),
		PushToTalk:  key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "hold to talk")),
		NextPane:    key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		SelectUp:    key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "select previous")),
		SelectDown:  key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "select next")),
		VolumeUp:    key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+", "louder")),
		VolumeDown:  key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "quieter")),
		Rename:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "rename yourself")),
		NextMic:     key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "next mic")),
		NextSpeaker: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "next speaker")),
		Devices:     key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "devices")),
		TestTone:    key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "test speaker")),
		Stats:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "stats")),
		ClosePane:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close pane")),
		Choose:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Rooms:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "rooms")),
		RoomFilter:  key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "find or new room")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Leave:       key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "leave")),
		Interrupt:   key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "leave now")),
	}
}

// ShortHelp returns the bindings the footer shows (esc only while a side
// pane is open: withPaneHelp disables it otherwise).
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Mute, k.PushToTalk, k.Help, k.Leave, k.ClosePane}
}

// FullHelp returns every binding, in columns of related keys: the
// microphone, the participants, the devices and name, the view and leaving.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Mute, k.PushToTalk},
		{k.NextPane, k.SelectUp, k.SelectDown, k.Choose, k.ClosePane, k.RoomFilter, k.VolumeUp, k.VolumeDown},
		{k.Rename, k.Devices, k.TestTone, k.NextMic, k.NextSpeaker, k.Rooms, k.Stats},
		{k.Help, k.Leave, k.Interrupt},
	}
}

// isZero reports whether no binding has a key, i.e. the caller left
// Options.Keys unset.
func (k KeyMap) isZero() bool {
	for _, b := range k.all() {
		if len(b.binding.Keys()) > 0 {
			return false
		}
	}
	return true
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
