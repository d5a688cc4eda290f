package tui

import (
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// TestNoWordCutAt80x24 checks every line of every golden scenario (the
// call's and the rooms') at 80x24: the last word of a line, and any word
// shortened with "…", must be a whole word of the same screen drawn wide
// enough for everything (or end at a hyphen inside one), never a word
// cut in the middle.
func TestNoWordCutAt80x24(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			checkNoWordCut(t, screen(sc.build(t, 400, 100, true)), screen(sc.build(t, 80, 24, true)))
		})
	}
	for _, sc := range roomScenarios {
		t.Run(sc.name, func(t *testing.T) {
			lines := func(w, h int) []string { return strings.Split(ansi.Strip(sc.build(t, w, h, true)), "\n") }
			checkNoWordCut(t, lines(400, 100), lines(80, 24))
		})
	}
}

// checkNoWordCut checks the narrow screen's words against the wide one's.
func checkNoWordCut(t *testing.T, wide, narrow []string) {
	t.Helper()
	// The words of lines only a small screen has ("… and 2 more",
	// "Events (2 newer below)") are whole by construction.
	whole := map[string]bool{"more": true, "below)": true}
	for _, l := range wide {
		// A split screen's rule joins the words either side of it.
		for _, f := range strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == '│' }) {
			whole[strings.TrimLeft(f, "▸›")] = true
		}
	}
	wholeWord := func(tok string) bool {
		tok = strings.TrimLeft(tok, "▸›") // focus and selection marks
		if !strings.ContainsFunc(tok, unicode.IsLetter) || whole[tok] {
			return true
		}
		stem, cut := strings.CutSuffix(tok, "…")
		if !cut {
			return false
		}
		if stem == "" || whole[stem] {
			return true
		}
		if strings.HasSuffix(stem, "-") {
			for w := range whole {
				if strings.HasPrefix(w, stem) {
					return true
				}
			}
		}
		return false
	}
	for i, l := range narrow {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if last := f[len(f)-1]; !wholeWord(last) {
			t.Errorf("line %d ends in a cut word %q: %q", i, last, l)
		}
		for _, tok := range f {
			if strings.HasSuffix(tok, "…") && !wholeWord(tok) {
				t.Errorf("line %d cuts %q inside a word: %q", i, tok, l)
			}
		}
	}
}
