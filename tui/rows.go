package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// SpeakingLevel is the level (0-100) from which a participant counts as
// speaking. On the audio package's scale (100 at 0 dBov, 0 at -60 dBov) it
// is about -42 dBov: above a quiet room's noise, below soft speech.
const SpeakingLevel = 30

// Row geometry. A row is: indent, name, gap, mic cell, gap, camera cell,
// gap, bar, gap, network-quality cell. One column stays free at the right
// so no terminal ever wraps the line. Every state is a word or a sign as
// well as a colour, so the row reads without colour.
const (
	rowIndent   = 2
	rowGap      = 2
	micWidth    = 11 // "· listening"
	camWidth    = 7  // "cam off"
	rowMargin   = 1
	rowFixed    = rowIndent + rowGap + micWidth + rowGap + rowGap + qualityWidth + rowMargin
	minName     = 12
	minNameText = 4 // below this a row drops its "(you)"-style label
	maxName     = 32
	minBar      = 8
	maxBar      = 100
	barFull     = "█"
	barEmpty    = "░"
	micOnText   = "● mic on"
	micOffText  = "○ muted"
	speakText   = "◉ speaking"
	camOnText   = "cam on"
	camOffText  = "cam off"
)

// rowLayout is the width of the columns that vary with the terminal; cam
// is 0 when the terminal is too narrow for the camera column.
type rowLayout struct {
	name, cam, bar int
}

// newRowLayout gives the name a quarter of the width and the bar the rest,
// so a wider terminal mostly gets a longer, finer bar. On a narrow one the
// name shrinks first, then the camera column goes.
func newRowLayout(width int) rowLayout {
	l := rowLayout{name: clamp(width/4, minName, maxName), cam: camWidth + rowGap}
	bar := width - rowFixed - l.cam - l.name
	if bar < minBar {
		l.name = max(6, l.name-(minBar-bar))
		bar = width - rowFixed - l.cam - l.name
	}
	if bar < minBar {
		l.cam = 0
		bar = width - rowFixed - l.name
	}
	l.bar = clamp(bar, 0, maxBar)
	return l
}

// participantRows renders every participant in display order (see
// roster.ordered) and returns the rows with the user id of each.
func (m Model) participantRows(width int) ([]string, []string) {
	l := newRowLayout(width)
	all := m.people.ordered(m.now)
	rows := make([]string, 0, len(all))
	ids := make([]string, 0, len(all))
	for i, p := range all {
		rows = append(rows, m.row(p, i == 0, l))
		ids = append(ids, p.id)
	}
	return rows, ids
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
	name := cutWords(p.displayName(), nameW)
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
		b.WriteString(st.Selected.Render("›") + strings.Repeat(" ", rowIndent-1))
	} else {
		b.WriteString(strings.Repeat(" ", rowIndent))
	}
	b.WriteString(cell)
	b.WriteString(strings.Repeat(" ", rowGap))
	b.WriteString(m.micCell(p, self, speaking))
	b.WriteString(strings.Repeat(" ", rowGap))
	if l.cam > 0 {
		b.WriteString(m.camCell(p))
		b.WriteString(strings.Repeat(" ", rowGap))
	}
	b.WriteString(m.bar(p.level, l.bar, speaking))
	b.WriteString(strings.Repeat(" ", rowGap))
	b.WriteString(m.qualityCell(worstQuality(p.uplink, p.downlink)))
	return b.String()
}

// micCell renders the mic state as a symbol and a word, so it reads
// without colour; "speaking" is a mic that is on and hears speech.
func (m Model) micCell(p participant, self, speaking bool) string {
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
	case speaking:
		return st.Speaking.Render(fit(speakText, micWidth))
	}
	return st.MicOn.Render(fit(micOnText, micWidth))
}

// camCell renders the camera state: on while the user sends video they
// have not turned off.
func (m Model) camCell(p participant) string {
	if p.video && !p.camOff {
		return m.styles.CamOn.Render(fit(camOnText, camWidth))
	}
	return m.styles.CamOff.Render(fit(camOffText, camWidth))
}

// qualityCell renders a 0-6 network score as coloured bars.
func (m Model) qualityCell(q int) string {
	return m.styles.quality(q).Render(qualityBars(q))
}

// speaking reports whether a participant is audibly talking now, with the
// highlight held through the gaps between words; a muted microphone is
// never "speaking", whatever its meter says.
func (m Model) speaking(p participant, self bool) bool {
	if p.muted || (self && m.noMic) {
		return false
	}
	return p.talkingAt(m.now)
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
