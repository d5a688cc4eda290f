package tui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/call"
)

// bodyFixed counts the lines the call's body always has: participants
// title, blank, stream line, blank, events title.
const bodyFixed = 5

// View renders the call screen in the alternate screen buffer.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = m.mouseMode()
	// Key releases make push-to-talk a true hold on terminals with the
	// kitty keyboard protocol; others ignore the request.
	v.KeyboardEnhancements.ReportEventTypes = true
	v.WindowTitle = "confab · " + sanitize(m.room)
	return v
}

// render lays the screen out at the model's size: exactly height lines,
// none wider than width. The header and its rule stay on top, the rule and
// the key help at the bottom, and the body between them holds the call
// and the open side pane (see body).
func (m Model) render() string {
	w, h := max(m.width, 1), max(m.height, 1)
	st := m.styles
	rule, topRule, bottomRule := st.Rule.Render(strings.Repeat("─", w)), "", ""
	if m.split(w) {
		// The rules join the side pane's column rule.
		cw := m.callWidth(w)
		topRule = st.Rule.Render(strings.Repeat("─", cw) + "┬" + strings.Repeat("─", w-cw-1))
		bottomRule = st.Rule.Render(strings.Repeat("─", cw) + "┴" + strings.Repeat("─", w-cw-1))
	} else {
		topRule, bottomRule = rule, rule
	}
	foot := m.footer(w)
	bodyH := h - 3 - len(foot)

	lines := make([]string, 0, h)
	if bodyH >= 0 {
		lines = append(lines, m.header(w), topRule)
		lines = append(lines, m.body(w, bodyH)...)
		lines = append(lines, bottomRule)
		lines = append(lines, foot...)
	} else {
		// Only tiny terminals get here: keep the footer, then the header.
		if len(foot) > h {
			foot = foot[len(foot)-h:]
		}
		top := []string{m.header(w), rule}
		lines = append(lines, top[:min(len(top), h-len(foot))]...)
		lines = append(lines, foot...)
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

// callBody renders the participants, the notices and the event log in w
// cells by h lines (see callBodyTagged).
func (m Model) callBody(w, h int) []string {
	lines, _ := m.callBodyTagged(w, h)
	return lines
}

// lineTag says what a line of the call's body shows, for the mouse: a
// pane's title or content, and the participant a row is about.
type lineTag struct {
	pane pane
	id   string
	ok   bool
}

// callBodyTagged renders the call's body and tags each line. Participants
// hang from the top, the event log sits on the bottom, and the blank space
// between them absorbs any size. When space runs short the event log
// shrinks first (to two lines), then the participant list ends with
// "… and N more".
func (m Model) callBodyTagged(w, h int) ([]string, []lineTag) {
	st := m.styles
	rows, ids := m.participantRows(w)
	warn := m.warnLines(w)
	nRows, nLog := m.layout(w, h, len(rows), len(warn))
	if nRows < len(rows) {
		if nRows > 1 {
			hidden := len(rows) - (nRows - 1)
			more := strings.Repeat(" ", rowIndent) + "… and " + strconv.Itoa(hidden) + " more"
			rows = append(rows[:nRows-1:nRows-1], st.Suffix.Render(more))
			ids[nRows-1] = ""
		} else {
			rows = rows[:1]
		}
	}
	logs, skip := m.logLines(w, nLog)

	top := []string{
		m.paneTitle(paneParticipants, "Participants ("+strconv.Itoa(len(m.people.others)+1)+")"),
	}
	topTags := []lineTag{{pane: paneParticipants, ok: true}}
	for i, r := range rows {
		top = append(top, r)
		topTags = append(topTags, lineTag{pane: paneParticipants, id: ids[i], ok: true})
	}
	top = append(top, "", m.streamLine(w))
	top = append(top, warn...)
	bottom := []string{"", m.paneTitle(paneEvents, eventsTitle(skip))}
	bottom = append(bottom, logs...)

	if len(top)+len(bottom) > h {
		// Only small terminals get here: keep the log, then the top.
		if len(bottom) > h {
			bottom = bottom[len(bottom)-h:]
		}
		top = top[:h-len(bottom)]
	}
	lines := make([]string, 0, h)
	lines = append(lines, top...)
	for len(lines)+len(bottom) < h {
		lines = append(lines, "")
	}
	lines = append(lines, bottom...)
	tags := make([]lineTag, h)
	copy(tags, topTags[:min(len(topTags), len(top))])
	for i := h - len(bottom) + 1; i < h; i++ {
		tags[i] = lineTag{pane: paneEvents, ok: true}
	}
	return lines, tags
}

// warnLines renders the lines between the participants and the event
// log: the selection, the device notices and recent errors.
func (m Model) warnLines(w int) []string {
	warn := m.noticeLines(w)
	if sel := m.selectionLine(w); sel != "" {
		warn = append([]string{sel}, warn...)
	}
	return warn
}

// layout shares a body of h lines between the participant rows and the
// event log's lines, given how many of each there are and the lines of
// notices: the log takes up to a third of the screen, then shrinks first
// (to two lines) when space runs short.
func (m Model) layout(w, h, rows, warn int) (nRows, nLog int) {
	avail := h - bodyFixed - warn
	budget := max(4, max(m.height, 1)/3)
	nLog = min(max(m.logHeight(w, budget), 1), budget)
	nRows = rows
	if nRows+nLog > avail {
		nLog = max(min(nLog, 2), avail-nRows)
		nRows = max(1, avail-nLog)
	}
	return nRows, nLog
}

// logBudget is how many lines the event log gets on the current screen.
func (m Model) logBudget() int {
	w, h := max(m.width, 1), max(m.height, 1)
	cw := m.callWidth(w)
	bodyH := h - 3 - len(m.footer(w))
	_, nLog := m.layout(cw, bodyH, len(m.people.others)+1, len(m.warnLines(cw)))
	return nLog
}

// header renders the top band: app, room, the local user's network
// quality up and down, connection state and call timer. The room name
// gives way first when the width runs short, then the quality.
func (m Model) header(w int) string {
	st := m.styles
	state := "● " + stateWord(m.state)
	timer := formatElapsed(m.timer.elapsedAt(m.now))
	right := st.state(m.state).Render(state) + st.Header.Render("   ") + st.Timer.Render(timer) + st.Header.Render(" ")
	rightW := ansi.StringWidth(state) + 3 + ansi.StringWidth(timer) + 1

	const lead = " confab  room "
	self := m.people.self
	netW := len("up ") + qualityWidth + len("  down ") + qualityWidth + 3
	if w-rightW-len(lead)-netW >= minRoomWidth {
		right = st.Header.Render("up ") + st.headerQuality(self.uplink).Render(qualityBars(self.uplink)) +
			st.Header.Render("  down ") + st.headerQuality(self.downlink).Render(qualityBars(self.downlink)) +
			st.Header.Render("   ") + right
		rightW += netW
	}
	room := cutWords(sanitize(m.room), w-rightW-len(lead)-1)
	left := st.Header.Render(" ") + st.App.Render("confab") + st.Header.Render("  room ") + st.Room.Render(room)
	gap := max(w-len(lead)-ansi.StringWidth(room)-rightW, 1)
	return left + st.Header.Render(strings.Repeat(" ", gap)) + right
}

// minRoomWidth is the room name's width below which the header drops the
// network quality to keep the name readable.
const minRoomWidth = 12

// stateWord names a connection state for the header.
func stateWord(s call.ConnState) string {
	switch s {
	case call.StateConnected:
		return "connected"
	case call.StateConnecting:
		return "connecting"
	case call.StateReconnecting:
		return "reconnecting"
	case call.StateDisconnected:
		return "disconnected"
	}
	return strings.ToLower(sanitize(string(s)))
}

// streamLine says what happens to the local user's audio.
func (m Model) streamLine(w int) string {
	var text string
	switch {
	case m.noMic:
		text = "receive-only (no microphone)"
	case m.selfStream || (m.micOK && m.state == call.StateConnected):
		text = "sending"
		if m.people.self.muted {
			text = "stream open, mic muted"
		}
		if m.micName != "" {
			text += " · " + m.micName
		}
	default:
		text = "no audio stream yet"
	}
	return m.styles.Stream.Render(cutWords(" Your audio: "+text, w-rowMargin))
}

// noticeLines renders the device notices and recent errors, each wrapped
// over at most noticeLinesMax lines so its code and what to do are read
// whole on a small screen.
func (m Model) noticeLines(w int) []string {
	var out []string
	for _, n := range m.notices.warnings() {
		out = append(out, m.wrapNotice(n, w, m.styles.Notice)...)
	}
	for _, e := range m.notices.errors {
		out = append(out, m.wrapNotice(e, w, m.styles.Error)...)
	}
	return out
}

// noticeLinesMax is how many lines one notice may take.
const noticeLinesMax = 2

// wrapNotice renders a notice as " ! " and its words, wrapped under
// themselves, the last line cut at a word when it runs longer.
func (m Model) wrapNotice(text string, w int, st lipgloss.Style) []string {
	const lead = " ! "
	tw := max(w-rowMargin-len(lead), 1)
	parts := strings.Split(ansi.Wordwrap(text, tw, ""), "\n")
	if len(parts) > noticeLinesMax {
		rest := strings.Join(parts[noticeLinesMax-1:], " ")
		parts = append(parts[:noticeLinesMax-1], cutWords(rest, tw))
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		prefix := lead
		if i > 0 {
			prefix = strings.Repeat(" ", len(lead))
		}
		out[i] = st.Render(prefix + cutWords(p, tw))
	}
	return out
}

// footer renders the key help for the keys that work now: one line of
// the main keys, all of them while ? is on, or the question a first press
// of the leave key asks.
func (m Model) footer(w int) []string {
	if m.renaming {
		in := m.input
		in.SetWidth(max(w-len(in.Prompt)-3, 1))
		return []string{" " + in.View()}
	}
	if m.confirmLeave {
		k := m.keys.Leave.Help().Key
		return []string{m.styles.Notice.Render(cutWords(" Leave the call? Press "+k+" again to leave, any other key to stay.", w-rowMargin))}
	}
	h := m.help
	h.SetWidth(max(w-2, 0))
	keys := m.keys.withMuteHelp(m.people.self.muted).withPaneHelp(m.focus, m.side)
	if !h.ShowAll {
		return []string{" " + h.ShortHelpView(keys.ShortHelp())}
	}
	keys.Help.SetHelp(keys.Help.Help().Key, "hide keys")
	lines := strings.Split(fullHelp(h, keys.FullHelp(), w-1), "\n")
	for i, l := range lines {
		lines[i] = " " + l
	}
	for _, l := range qualityLegend(w - 1 - rowMargin) {
		lines = append(lines, m.styles.Help.FullDesc.Render(" "+l))
	}
	return lines
}

// fullHelp renders the help in the related-key columns when they fit in
// w cells, else in as many even columns as fit, so a narrow terminal shows
// every key instead of cutting columns off.
func fullHelp(h help.Model, groups [][]key.Binding, w int) string {
	h.SetWidth(0) // measure untruncated; the caller fits the result
	groups = enabledOnly(groups)
	out := h.FullHelpView(groups)
	if lipgloss.Width(out) <= w {
		return out
	}
	var all []key.Binding
	for _, g := range groups {
		all = append(all, g...)
	}
	for cols := len(groups) - 1; cols > 1; cols-- {
		out = h.FullHelpView(slices.Collect(slices.Chunk(all, (len(all)+cols-1)/cols)))
		if lipgloss.Width(out) <= w {
			return out
		}
	}
	return h.FullHelpView([][]key.Binding{all})
}

// enabledOnly drops the disabled bindings (the pane keys while no pane is
// open), so the even columns below have no holes.
func enabledOnly(groups [][]key.Binding) [][]key.Binding {
	var out [][]key.Binding
	for _, g := range groups {
		var keep []key.Binding
		for _, b := range g {
			if b.Enabled() {
				keep = append(keep, b)
			}
		}
		if len(keep) > 0 {
			out = append(out, keep)
		}
	}
	return out
}

// cut truncates s to w display cells, ending in "…" when cut.
func cut(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, max(w, 0), "…")
}
