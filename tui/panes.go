package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// pane is one part of the call screen that can have the focus: the keys
// that move through a list (the arrows, enter) act on the focused pane.
type pane int

// The panes, in the order tab visits them. paneSide is whichever side
// pane is open; tab skips it while none is.
const (
	paneParticipants pane = iota
	paneEvents
	paneSide
	paneCount
)

// sideKind names the side pane that is open, sideNone for none. Each side
// pane (stats, devices, rooms) adds its value here, a case in sideLines,
// sideKey and sideOpen, and a key that calls toggleSide.
type sideKind int

// The side panes.
const (
	sideNone sideKind = iota
	sideRooms
	sideDevices
	sideStats
)

// Side-pane geometry. At splitWidth columns and wider the open side pane
// sits right of the participants and events, after a one-cell rule, taking
// sideShare percent of the width within [sideMin, sideMax]; narrower
// terminals give it the whole body while it has the focus.
const (
	splitWidth = 120
	sideShare  = 45
	sideMin    = 56
	sideMax    = 90
	sideRule   = "│"
)

// sideLines renders the open side pane in w cells by h lines: at most h
// lines, none wider than w (the caller pads them).
// Each pane's case calls its renderer with m.focus == paneSide.
func (m Model) sideLines(w, h int) []string {
	switch m.side {
	case sideNone:
	case sideRooms:
		return m.rooms.lines(m.styles, w, h, m.focus == paneSide)
	case sideDevices:
		return m.devices.lines(m.styles, m.keys, w, h, m.focus == paneSide)
	case sideStats:
		return m.stats.lines(m.styles, w, h, m.focus == paneSide)
	}
	return nil
}

// sideKey hands a key to the focused side pane. handled is false when the
// pane has no use for the key, so the global keys run.
func (m Model) sideKey(k tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	switch m.side {
	case sideNone:
	case sideRooms:
		var cmd tea.Cmd
		var handled bool
		m.rooms, cmd, handled = m.rooms.key(k, m.keys)
		return m, cmd, handled
	case sideDevices:
		return m.devicesKey(k)
	case sideStats:
		return m.statsKey(k)
	}
	return m, nil, false
}

// sideOpen returns the command a side pane needs when it opens (a first
// refresh, a tick), nil for none. It may reset the pane's state.
func (m *Model) sideOpen(s sideKind) tea.Cmd {
	switch s {
	case sideNone:
	case sideStats:
		return m.stats.open(m.engine)
	}
	return nil
}

// toggleSide opens the side pane s with the focus, or closes it when it is
// already open. Opening one closes any other.
func (m *Model) toggleSide(s sideKind) tea.Cmd {
	if m.side == s {
		m.closeSide()
		return nil
	}
	m.side = s
	m.focus = paneSide
	return m.sideOpen(s)
}

// closeSide closes the side pane and gives the focus back to the
// participants.
func (m *Model) closeSide() {
	m.side = sideNone
	if m.focus == paneSide {
		m.focus = paneParticipants
	}
}

// split reports whether the open side pane shares the body with the call
// (true) or, on a narrow terminal, replaces it while focused.
func (m Model) split(w int) bool {
	return m.side != sideNone && w >= splitWidth
}

// sideWidth is the side pane's width on a split screen w cells wide.
func sideWidth(w int) int {
	return clamp(w*sideShare/100, sideMin, sideMax)
}

// callWidth is the width the participants and the event log get: all of
// it, or what the side pane and its rule leave on a split screen.
func (m Model) callWidth(w int) int {
	if m.split(w) {
		return max(w-sideWidth(w)-1, 1)
	}
	return w
}

// body renders the part between the rules, exactly h lines of at most w
// cells: the call (participants, notices, event log), the call beside the
// open side pane, or on a narrow terminal the side pane alone while it has
// the focus.
func (m Model) body(w, h int) []string {
	switch {
	case m.side == sideNone:
		return m.callBody(w, h)
	case m.split(w):
		sw := sideWidth(w)
		return joinColumns(m.callBody(w-sw-1, h), m.sideLines(sw, h), w-sw-1, h,
			m.styles.Rule.Render(sideRule))
	case m.focus == paneSide:
		return padLines(m.sideLines(w, h), h)
	}
	return m.callBody(w, h)
}

// joinColumns puts right beside left, left padded to leftW cells and the
// rule between them, on h lines.
func joinColumns(left, right []string, leftW, h int, rule string) []string {
	out := make([]string, h)
	for i := range out {
		var l, r string
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		out[i] = pad(cutStyled(l, leftW), leftW) + rule + r
	}
	return out
}

// padLines returns lines cut or padded with empty lines to exactly h.
func padLines(lines []string, h int) []string {
	if len(lines) > h {
		return lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines
}

// nextPane moves the focus to the next pane, wrapping round and skipping
// the side pane while none is open.
func (m *Model) nextPane() {
	m.focus = (m.focus + 1) % paneCount
	if m.focus == paneSide && m.side == sideNone {
		m.focus = (m.focus + 1) % paneCount
	}
}

// moveInPane runs an arrow key in the focused pane: it moves the
// selection among the participants, or scrolls the event log (step -1 is
// up: older lines). A side pane takes its arrows in sideKey.
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
	w := m.callWidth(max(m.width, 1))
	m.logScroll = clamp(m.logScroll+n, 0, m.maxLogScroll(w, m.logBudget()))
}

// withPaneHelp returns a copy whose arrow keys say what they do in the
// focused pane, and whose pane keys show only while a side pane is open.
func (k KeyMap) withPaneHelp(focus pane, side sideKind) KeyMap {
	up, down := "select previous", "select next"
	switch focus {
	case paneEvents:
		up, down = "older events", "newer events"
	case paneSide:
		up, down = "move up", "move down"
	}
	k.SelectUp.SetHelp(k.SelectUp.Help().Key, up)
	k.SelectDown.SetHelp(k.SelectDown.Help().Key, down)
	k.ClosePane.SetEnabled(side != sideNone)
	k.Choose.SetEnabled(side != sideNone)
	k.RoomFilter.SetEnabled(side == sideRooms)
	k.TestTone.SetEnabled(side == sideDevices)
	return k
}

// paneTitle renders a pane's title, marked when the pane has the focus so
// the arrows' target is visible without colour.
func (m Model) paneTitle(p pane, text string) string {
	return paneTitleStyled(m.styles, m.focus == p, text)
}

// paneTitleStyled renders a title as paneTitle does; side panes call it
// with their focused flag.
func paneTitleStyled(st Styles, focused bool, text string) string {
	if focused {
		return st.Section.Render("▸" + text)
	}
	return st.Section.Render(" " + text)
}

// isPaneKey reports whether k closes the side pane.
func (m Model) isPaneKey(k tea.KeyPressMsg) bool {
	return m.side != sideNone && key.Matches(k, m.keys.ClosePane)
}

// cutStyled truncates a styled line to w cells without a marker: the
// caller made the text fit already, this only guards the column.
func cutStyled(s string, w int) string {
	if strings.IndexByte(s, '\x1b') < 0 && len(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "")
}
