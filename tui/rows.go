package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// SpeakingLevel is the level (0-100) from which a participant counts as
// speaking. On the audio package's scale (100 at 0 dBov, 0 at -60 dBov) it
// is about -42 dBov: above a quiet room's noise, below soft speech.
const SpeakingLevel = 30

// Row geometry. A row is: indent, name, gap, mic cell, gap, bar, and the
// "speaking" tag (gap included) when the participant speaks. One column
// stays free at the right so no terminal ever wraps the line.
const (
	rowIndent   = 2
	rowGap      = 2
	micWidth    = 11 // "· listening"
	tagWidth    = rowGap + len("speaking")
	rowMargin   = 1
	rowFixed    = rowIndent + rowGap + micWidth + rowGap + tagWidth + rowMargin
	minName     = 12
	minNameText = 4 // below this a row drops its "(you)"-style label
	maxName     = 32
	minBar      = 8
	maxBar      = 100
	barFull     = "█"
	barEmpty    = "░"
	micOnText   = "● mic on"
	micOffText  = "○ muted"
)

// rowLayout is the width of the columns that vary with the terminal.
type rowLayout struct {
	name, bar int
}

// newRowLayout gives the name a quarter of the width and the bar the rest,
// so a wider terminal mostly gets a longer, finer bar.
func newRowLayout(width int) rowLayout {
	name := clamp(width/4, minName, maxName)
	bar := width - rowFixed - name
	if bar < minBar {
		name = max(6, name-(minBar-bar))
		bar = max(0, width-rowFixed-name)
	}
	return rowLayout{name: name, bar: min(bar, maxBar)}
}

// participantRows renders every participant, self first.
func (m Model) participantRows(width int) []string {
	l := newRowLayout(width)
	all := m.people.all()
	rows := make([]string, 0, len(all))
	for i, p := range all {
		rows = append(rows, m.row(p, i == 0, l))
	}
	return rows
}

// row renders one participant.
func (m Model) row(p participant, self bool, l rowLayout) string {
	st := m.styles
	suffix := ""
	switch {
	case self:
		suffix = " (you)"
	case p.roleWord() != "":
		suffix = " (" + p.roleWord() + ")"
	}
	if l.name-ansi.StringWidth(suffix) < minNameText {
		// On a very narrow terminal the name matters more than its label.
		suffix = ""
	}
	nameW := max(1, l.name-ansi.StringWidth(suffix))
	name := p.displayName()
	if ansi.StringWidth(name) > nameW {
		name = ansi.Truncate(name, nameW, "…")
	}
	speaking := m.speaking(p, self)
	nameStyle := st.Name
	if speaking {
		nameStyle = st.SpeakingName
	}
	cell := nameStyle.Render(name)
	if suffix != "" {
		cell += st.Suffix.Render(suffix)
	}
	cell += strings.Repeat(" ", max(0, l.name-ansi.StringWidth(name)-ansi.StringWidth(suffix)))

	var b strings.Builder
	if !self && p.id == m.selected {
		// The marker takes the indent's first cell, so rows stay aligned.
		b.WriteString(st.Speaking.Render("›") + strings.Repeat(" ", rowIndent-1))
	} else {
		b.WriteString(strings.Repeat(" ", rowIndent))
	}
	b.WriteString(cell)
	b.WriteString(strings.Repeat(" ", rowGap))
	b.WriteString(m.micCell(p, self))
	b.WriteString(strings.Repeat(" ", rowGap))
	b.WriteString(m.bar(p.level, l.bar, speaking))
	if speaking {
		b.WriteString(strings.Repeat(" ", rowGap))
		b.WriteString(st.Speaking.Render("speaking"))
	}
	return b.String()
}

// micCell renders the mic state as a symbol and a word, so it reads
// without colour.
func (m Model) micCell(p participant, self bool) string {
	st := m.styles
	switch {
	case self && m.noMic:
		return st.NoAudio.Render(fit("· no mic", micWidth))
	case !self && p.role == rolePlayer:
		return st.NoAudio.Render(fit("· listening", micWidth))
	case p.muted:
		return st.MicOff.Render(fit(micOffText, micWidth))
	case !self && !p.audio:
		return st.NoAudio.Render(fit("· no audio", micWidth))
	}
	return st.MicOn.Render(fit(micOnText, micWidth))
}

// speaking reports whether a participant is audibly talking right now: a
// muted microphone is never "speaking", whatever its meter says.
func (m Model) speaking(p participant, self bool) bool {
	if p.muted || (self && m.noMic) {
		return false
	}
	return p.level >= SpeakingLevel
}

// bar renders a volume bar of width cells for a 0-100 level.
func (m Model) bar(level, width int, speaking bool) string {
	if width <= 0 {
		return ""
	}
	filled := (clamp(level, 0, 100)*width + 50) / 100
	fill := m.styles.Bar
	if speaking {
		fill = m.styles.BarSpeaking
	}
	out := ""
	if filled > 0 {
		out = fill.Render(strings.Repeat(barFull, filled))
	}
	if filled < width {
		out += m.styles.BarEmpty.Render(strings.Repeat(barEmpty, width-filled))
	}
	return out
}
