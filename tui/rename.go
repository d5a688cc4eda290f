package tui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/signal"
)

// startRename opens the name input on the footer, filled with the current
// name so a small fix is a small edit.
func (m *Model) startRename() tea.Cmd {
	in := textinput.New()
	in.Prompt = "New name: "
	in.SetValue(m.people.self.name)
	in.CursorEnd()
	m.input = in
	m.renaming = true
	return m.input.Focus()
}

// renameKey handles a key while the name input is open: enter sends the
// name, escape gives up, ctrl+c still leaves, anything else edits.
func (m Model) renameKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case k.String() == "esc":
		m.renaming = false
		return m, nil
	case k.String() == "enter":
		m.renaming = false
		m.submitRename(m.input.Value())
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	return m, cmd
}

// submitRename asks the engine for the new name. The screen changes when
// the server's rename event comes back, as for anyone else; a name the
// protocol would refuse is refused here at once, with the same words.
func (m *Model) submitRename(name string) {
	name = strings.TrimSpace(name)
	if name == "" || name == m.people.self.name {
		return
	}
	if err := signal.CheckIdentity("r", "u", name); err != nil {
		m.now = m.clock()
		m.addLog(errorSentence(err.Code, err.Message))
		return
	}
	m.engine.SetUserName(name)
}
