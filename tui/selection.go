package tui

import (
	"strconv"
	"strings"
)

// The selection is the remote participant whose volume + and - change. It
// is kept by user id, so a join or leave that shifts the rows does not move
// it to someone else.

// moveSelection selects the participant before (step -1) or after (step 1)
// the selected one in the order shown. Down from nothing selects the first;
// up from the first selects nothing again; the ends do not wrap, so holding
// a key stops there.
func (m *Model) moveSelection(step int) {
	others := m.people.ordered(m.now)[1:]
	if len(others) == 0 {
		m.selected = ""
		return
	}
	i := -1
	for j, p := range others {
		if p.id == m.selected {
			i = j
		}
	}
	i = min(i+step, len(others)-1)
	if i < 0 {
		m.selected = ""
		return
	}
	m.selected = others[i].id
	m.selVolume = m.engine.Volume(m.selected)
}

// changeVolume moves the selected participant's volume one step, within
// the engine's 0-200 percent.
func (m *Model) changeVolume(step int) {
	if m.people.find(m.selected) == nil || m.selected == m.people.self.id {
		m.hint = "Choose someone with " + m.keys.SelectDown.Help().Key + " first."
		return
	}
	vol := clamp(m.engine.Volume(m.selected)+step, 0, 200)
	m.engine.SetVolume(m.selected, vol)
	m.selVolume = vol
}

// selectionLine says who is selected and at what volume, or the hint the
// last key left; "" when there is neither.
func (m Model) selectionLine(w int) string {
	text := m.hint
	if p := m.people.find(m.selected); text == "" && p != nil && m.selected != m.people.self.id {
		text = "Selected: " + p.displayName() + " · volume " + strconv.Itoa(m.selVolume) + "% · " +
			m.keys.VolumeUp.Help().Key + "/" + m.keys.VolumeDown.Help().Key + " to change"
	}
	if text == "" {
		return ""
	}
	return m.styles.Stream.Render(cutWords(" "+strings.TrimSpace(text), w-rowMargin))
}
