package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// screen renders the rooms screen, shown before the first call: the
// header, the room list at full size, and the keys. Like the call view it
// is exactly the terminal's height, no line wider than its width.
func (a App) screen() string {
	w, h := max(a.width, 1), max(a.height, 1)
	st := a.styles
	foot := a.screenFooter(w)
	top := []string{a.screenHeader(w), st.Rule.Render(strings.Repeat("─", w))}
	bottom := append([]string{st.Rule.Render(strings.Repeat("─", w))}, foot...)
	bodyH := max(h-len(top)-len(bottom), 0)
	body := a.rooms.lines(st, w, bodyH, true)
	lines := make([]string, 0, h)
	lines = append(lines, top...)
	lines = append(lines, body...)
	for len(lines)+len(bottom) < h {
		lines = append(lines, "")
	}
	lines = append(lines, bottom...)
	if len(lines) > h {
		lines = append(lines[:max(h-len(foot), 0)], foot...)[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

// screenHeader is the rooms screen's top band: the app and what the list
// is doing.
func (a App) screenHeader(w int) string {
	st := a.styles
	state, style := "● live", st.Connected
	switch a.rooms.status {
	case lobbyIdle:
		state, style = "● no list", st.Disconnected
	case lobbyConnecting:
		state, style = "● connecting", st.Connecting
	case lobbyFailed:
		state, style = "● offline", st.Disconnected
	}
	const lead = " confab  rooms"
	left := st.Header.Render(" ") + st.App.Render("confab") + st.Header.Render("  ") + st.Room.Render("rooms")
	gap := max(w-len(lead)-ansi.StringWidth(state)-1, 1)
	return left + st.Header.Render(strings.Repeat(" ", gap)) + style.Render(state) + st.Header.Render(" ")
}

// screenFooter is the rooms screen's key help.
func (a App) screenFooter(w int) []string {
	h := a.help
	h.SetWidth(max(w-2, 0))
	k := a.opts.Keys
	up, down, choose := k.SelectUp, k.SelectDown, k.Choose
	up.SetHelp(up.Help().Key, "previous")
	down.SetHelp(down.Help().Key, "next")
	choose.SetHelp(choose.Help().Key, "join")
	esc := "quit"
	if a.rooms.input.Value() != "" {
		esc = "clear"
	}
	clear := key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", esc))
	quit := k.Interrupt
	quit.SetHelp(quit.Help().Key, "quit")
	if esc == "quit" {
		quit.SetEnabled(false) // esc says it already
	}
	return []string{" " + h.ShortHelpView([]key.Binding{choose, up, down, clear, quit})}
}
