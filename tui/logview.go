package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// The event log pane: each entry is its time and its sentence, wrapped
// under itself so an error's code, message and hint are read whole. It
// scrolls by entries; logScroll counts the entries hidden below.

// logStampWidth is the width of "  15:04:05  " before each entry.
const logStampWidth = 12

// logTextWidth is the width an entry's sentence wraps at.
func logTextWidth(w int) int {
	return max(w-rowMargin-logStampWidth, 1)
}

// wrapEntry renders one entry as its lines, the time on the first.
func (m Model) wrapEntry(l logLine, w int) []string {
	st := m.styles
	parts := l.wrapped(w)
	out := make([]string, len(parts))
	for i, p := range parts {
		stamp := strings.Repeat(" ", logStampWidth)
		if i == 0 {
			stamp = "  " + l.at.Format("15:04:05") + "  "
		}
		out[i] = st.LogTime.Render(stamp) + st.LogText.Render(cut(p, logTextWidth(w)))
	}
	return out
}

// entryHeight is how many lines an entry takes at width w.
func entryHeight(l logLine, w int) int {
	return len(l.wrapped(w))
}

// wrapped returns the entry's sentence wrapped for a log w cells wide,
// from its memo when it was wrapped at that width before.
func (l logLine) wrapped(w int) []string {
	tw := logTextWidth(w)
	if l.wrap != nil && l.wrap.w == tw && l.wrap.parts != nil {
		return l.wrap.parts
	}
	parts := strings.Split(ansi.Wordwrap(l.text, tw, ""), "\n")
	if l.wrap != nil {
		l.wrap.w, l.wrap.parts = tw, parts
	}
	return parts
}

// logHeight is how many lines the newest entries take, counted up to limit.
func (m Model) logHeight(w, limit int) int {
	n := 0
	for i := len(m.log.lines) - 1; i >= 0 && n < limit; i-- {
		n += entryHeight(m.log.lines[i], w)
	}
	return n
}

// maxLogScroll is the most entries the log can hide below while its n
// lines stay full: scrolling further would only show less.
func (m Model) maxLogScroll(w, n int) int {
	lines := 0
	for i, l := range m.log.lines {
		lines += entryHeight(l, w)
		if lines >= n {
			return len(m.log.lines) - 1 - i
		}
	}
	return 0
}

// logLines renders n lines of the event log, ending logScroll entries
// before the newest, and returns them with the entries hidden below. An
// entry that would not fit whole at the top is left out, unless it is the
// only one, which then shows its beginning.
func (m Model) logLines(w, n int) ([]string, int) {
	if len(m.log.lines) == 0 {
		return []string{m.styles.LogText.Render("  nothing yet")}, 0
	}
	skip := clamp(m.logScroll, 0, m.maxLogScroll(w, n))
	var out []string
	for i := len(m.log.lines) - 1 - skip; i >= 0; i-- {
		e := m.wrapEntry(m.log.lines[i], w)
		if len(out)+len(e) > n {
			if len(out) == 0 {
				out = e[:n]
			}
			break
		}
		out = append(e, out...)
	}
	return out, skip
}

// eventsTitle names the event log and, when it is scrolled up, how many
// newer entries are below.
func eventsTitle(hidden int) string {
	if hidden == 0 {
		return "Events"
	}
	return "Events (" + strconv.Itoa(hidden) + " newer below)"
}
