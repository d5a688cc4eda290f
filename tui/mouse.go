package tui

import tea "charm.land/bubbletea/v2"

// The mouse is optional (Options.Mouse, off by default: a terminal that
// reports the mouse no longer lets the user select text with it). When on,
// a click selects a participant or focuses the pane under it and the wheel
// scrolls the event log; every one of these has a key too.

// mouseMode is the mouse reporting the view asks the terminal for.
func (m Model) mouseMode() tea.MouseMode {
	if m.mouse {
		return tea.MouseModeCellMotion
	}
	return tea.MouseModeNone
}

// handleMouse runs a click or a wheel turn; anything else is ignored, and
// so is everything while the name input is open.
func (m Model) handleMouse(msg tea.MouseMsg) Model {
	if !m.mouse || m.renaming {
		return m
	}
	ms := msg.Mouse()
	switch msg.(type) {
	case tea.MouseClickMsg:
		if ms.Button == tea.MouseLeft {
			m.confirmLeave = false
			m.hint = ""
			m.click(ms.X, ms.Y)
		}
	case tea.MouseWheelMsg:
		switch ms.Button {
		case tea.MouseWheelUp:
			m.wheel(ms.X, ms.Y, 1)
		case tea.MouseWheelDown:
			m.wheel(ms.X, ms.Y, -1)
		}
	}
	return m
}

// bodyAt returns the line of the body at screen row y and whether the
// cell at column x is in the side pane; ok is false outside the body.
func (m Model) bodyAt(x, y int) (line, bodyH int, side, ok bool) {
	w, h := max(m.width, 1), max(m.height, 1)
	bodyH = h - 3 - len(m.footer(w))
	line = y - 2 // below the header and its rule
	if line < 0 || line >= bodyH {
		return 0, 0, false, false
	}
	switch {
	case m.split(w):
		side = x > m.callWidth(w)
	case m.side != sideNone:
		side = m.focus == paneSide
	}
	return line, bodyH, side, true
}

// click focuses what is under the cell (x, y): a participant's row also
// selects them (the local user's row selects nobody, as up from the first
// row does).
func (m *Model) click(x, y int) {
	line, bodyH, side, ok := m.bodyAt(x, y)
	switch {
	case !ok:
		return
	case side:
		m.focus = paneSide
		return
	}
	_, tags := m.callBodyTagged(m.callWidth(max(m.width, 1)), bodyH)
	t := tags[line]
	if !t.ok {
		return
	}
	m.focus = t.pane
	switch {
	case t.pane != paneParticipants || t.id == "":
	case t.id == m.people.self.id:
		m.selected = ""
	default:
		m.selected = t.id
		m.selVolume = m.engine.Volume(t.id)
	}
}

// wheel scrolls the event log by n entries (positive: older) when the
// wheel turns over the call; over a side pane it does nothing.
func (m *Model) wheel(x, y, n int) {
	if _, _, side, ok := m.bodyAt(x, y); ok && !side {
		m.scrollLog(n)
	}
}
