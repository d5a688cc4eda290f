package tui

// pane is one part of the call screen that can have the focus: the keys
// that move through a list (the arrows) act on the focused pane.
type pane int

// The panes, in the order tab visits them. The devices, stats and rooms
// panes of the full call screen join this list when they exist; until
// then their keys are not bound at all, rather than bound to nothing.
const (
	paneParticipants pane = iota
	paneEvents
	paneCount
)

// nextPane moves the focus to the next pane, wrapping round.
func (m *Model) nextPane() {
	m.focus = (m.focus + 1) % paneCount
}

// moveInPane runs an arrow key in the focused pane: it moves the
// selection among the participants, or scrolls the event log (step -1 is
// up: older lines).
func (m *Model) moveInPane(step int) {
	switch m.focus {
	case paneParticipants:
		m.moveSelection(step)
	case paneEvents:
		m.scrollLog(-step)
	}
}

// scrollLog moves the event log's view by n entries towards older ones (n
// negative: newer), no further than keeps its lines full. Scrolled to the
// bottom, the log follows new entries.
func (m *Model) scrollLog(n int) {
	w := max(m.width, 1)
	m.logScroll = clamp(m.logScroll+n, 0, m.maxLogScroll(w, m.logBudget()))
}

// withPaneHelp returns a copy whose arrow keys say what they do in the
// focused pane.
func (k KeyMap) withPaneHelp(focus pane) KeyMap {
	up, down := "select previous", "select next"
	if focus == paneEvents {
		up, down = "older events", "newer events"
	}
	k.SelectUp.SetHelp(k.SelectUp.Help().Key, up)
	k.SelectDown.SetHelp(k.SelectDown.Help().Key, down)
	return k
}

// paneTitle renders a pane's title, marked when the pane has the focus so
// the arrows' target is visible without colour.
func (m Model) paneTitle(p pane, text string) string {
	if m.focus == p {
		return m.styles.Section.Render("▸" + text)
	}
	return m.styles.Section.Render(" " + text)
}
