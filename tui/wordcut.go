package tui

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// cutWords truncates plain text to w display cells at a word boundary (a
// space, or just after a hyphen), ending in "…" when cut, so a narrow
// terminal shows whole words and says that more followed. Only a single
// word wider than w is cut inside itself.
func cutWords(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	if w <= 1 {
		return ansi.Truncate(s, max(w, 0), "…")
	}
	t := ansi.Truncate(s, w-1, "")
	if next, _ := utf8.DecodeRuneInString(s[len(t):]); next != ' ' && !strings.HasSuffix(t, " ") && !strings.HasSuffix(t, "-") {
		if i := strings.LastIndexAny(t, " -"); i > 0 {
			if t[i] == '-' {
				i++ // keep the hyphen: "Okonkwo-…"
			}
			t = t[:i]
		}
	}
	return strings.TrimRight(t, " ") + "…"
}
