package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// sideProbe is a side pane kind no renderer knows: the layout gives it its
// place and the keys their routing, while it renders nothing itself. It
// tests the mechanism before (and apart from) the real panes.
const sideProbe sideKind = 100

// openProbe opens the probe pane as a pane key would.
func openProbe(t *testing.T, m Model) Model {
	t.Helper()
	m.toggleSide(sideProbe)
	if m.side != sideProbe || m.focus != paneSide {
		t.Fatalf("toggleSide: side %d focus %d, want the probe with the focus", m.side, m.focus)
	}
	return m
}

func TestSideWidth(t *testing.T) {
	for _, c := range []struct{ w, want int }{{120, 56}, {150, 67}, {200, 90}, {300, 90}} {
		if got := sideWidth(c.w); got != c.want {
			t.Errorf("sideWidth(%d) = %d, want %d", c.w, got, c.want)
		}
	}
}

func TestJoinColumns(t *testing.T) {
	left := []string{"abc", "a much longer line than fits", ""}
	right := []string{"R1", "R2"}
	got := joinColumns(left, right, 10, 4, "|")
	want := []string{"abc       |R1", "a much lon|R2", "          |", "          |"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("joinColumns =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSidePaneSplitsWideScreens opens a side pane at 120 and 200 columns:
// the call keeps the left part, narrowed, and a rule separates the pane's
// column on every body line; header and footer keep the full width.
func TestSidePaneSplitsWideScreens(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{120, 40}, {200, 60}} {
		m := openProbe(t, buildCall(t, sz.w, sz.h, true))
		lines := screen(m)
		if len(lines) != sz.h {
			t.Fatalf("%dx%d: %d lines", sz.w, sz.h, len(lines))
		}
		cw := sz.w - sideWidth(sz.w) - 1
		for i, l := range lines {
			if ansi.StringWidth(l) > sz.w {
				t.Errorf("%dx%d line %d is %d cells", sz.w, sz.h, i, ansi.StringWidth(l))
			}
			body := i >= 2 && i < sz.h-2
			if got := ansi.Cut(l, cw, cw+1); body != (got == sideRule) {
				t.Errorf("%dx%d line %d: cell %d is %q (body line: %v)", sz.w, sz.h, i, cw, got, body)
			}
		}
		if !strings.HasPrefix(lines[0], " confab  room standup") || !strings.HasSuffix(lines[0], "01:21 ") {
			t.Errorf("header lost its width: %q", lines[0])
		}
		row := rowOf(m, "Alice")
		if row == "" || ansi.StringWidth(strings.TrimRight(row, " │")) > cw {
			t.Errorf("Alice's row does not fit the left %d cells: %q", cw, row)
		}
		if got, want := strings.Count(row, barEmpty)+strings.Count(row, barFull), newRowLayout(cw).bar; got != want {
			t.Errorf("bar is %d cells beside the pane, want %d (laid out for %d)", got, want, cw)
		}
		if !containsLine(lines, "esc close pane") {
			t.Errorf("footer does not say esc closes the pane: %q", lines[len(lines)-1])
		}
	}
}

// TestSidePaneReplacesNarrowBody: below 120 columns the focused pane takes
// the whole body; tab shows the call again and comes back to the pane.
func TestSidePaneReplacesNarrowBody(t *testing.T) {
	m := openProbe(t, buildCall(t, 80, 24, true))
	lines := screen(m)
	if containsLine(lines, "Participants") || containsLine(lines, "Events") || containsLine(lines, sideRule) {
		t.Fatalf("pane open at 80 columns, the call still shows:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.Contains(lines[0], "room standup") || !containsLine(lines, "esc close pane") {
		t.Errorf("header or footer gone:\n%s", strings.Join(lines, "\n"))
	}
	for _, want := range []pane{paneParticipants, paneEvents, paneSide, paneParticipants} {
		m, _ = update(t, m, keyPress("tab"))
		if m.focus != want {
			t.Fatalf("tab: focus %d, want %d", m.focus, want)
		}
		shown := containsLine(screen(m), "Participants (5)")
		if shown != (want != paneSide) {
			t.Errorf("focus %d: call shown %v", want, shown)
		}
	}
}

func TestTabSkipsClosedSidePane(t *testing.T) {
	m := buildCall(t, 120, 40, true)
	for _, want := range []pane{paneEvents, paneParticipants, paneEvents} {
		m, _ = update(t, m, keyPress("tab"))
		if m.focus != want {
			t.Fatalf("tab: focus %d, want %d", m.focus, want)
		}
	}
}

// TestSidePaneCloses: esc and the pane's own key close it and give the
// focus back to the participants; esc without a pane does nothing; a
// second pane replaces the first.
func TestSidePaneCloses(t *testing.T) {
	m := openProbe(t, buildCall(t, 120, 40, true))
	m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.side != sideNone || m.focus != paneParticipants {
		t.Errorf("esc: side %d focus %d, want closed and participants", m.side, m.focus)
	}
	if containsLine(screen(m), sideRule) || containsLine(screen(m), "esc close pane") {
		t.Error("closed pane still drawn")
	}
	m, _ = update(t, m, keyPress("tab"))
	m, _ = update(t, m, tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.focus != paneEvents {
		t.Errorf("esc without a pane moved the focus to %d", m.focus)
	}

	m = openProbe(t, m)
	m.toggleSide(sideProbe)
	if m.side != sideNone || m.focus != paneParticipants {
		t.Errorf("pane key again: side %d focus %d, want closed", m.side, m.focus)
	}
	m = openProbe(t, m)
	m.focus = paneEvents
	m.toggleSide(sideProbe + 1)
	if m.side != sideProbe+1 || m.focus != paneSide {
		t.Errorf("other pane: side %d focus %d, want it open with the focus", m.side, m.focus)
	}
}

// TestSidePaneKeepsGlobalKeys: keys the focused pane does not take still
// work (mute, leave), and the arrows do not move the participants'
// selection behind the pane's back.
func TestSidePaneKeepsGlobalKeys(t *testing.T) {
	m := openProbe(t, buildCall(t, 120, 40, true))
	m, _ = update(t, m, arrow(tea.KeyDown))
	if m.selected != "" {
		t.Errorf("down in the side pane selected %q", m.selected)
	}
	m, _ = update(t, m, keyPress("m"))
	if !m.people.self.muted {
		t.Error("m in the side pane did not mute")
	}
	m, _ = update(t, m, keyPress("q"))
	if !m.confirmLeave {
		t.Error("q in the side pane did not ask to leave")
	}
}

// TestSidePaneScreensFit renders the open pane at every size, focused and
// not, and checks the terminal would neither wrap nor scroll.
func TestSidePaneScreensFit(t *testing.T) {
	for _, sz := range []struct{ w, h int }{{80, 24}, {119, 30}, {120, 40}, {121, 40}, {200, 60}, {40, 10}, {1, 1}} {
		for _, focus := range []pane{paneParticipants, paneEvents, paneSide} {
			m := openProbe(t, buildCall(t, sz.w, sz.h, false))
			m.focus = focus
			lines := strings.Split(m.View().Content, "\n")
			if len(lines) != sz.h {
				t.Errorf("%dx%d focus %d: %d lines", sz.w, sz.h, focus, len(lines))
			}
			for i, l := range lines {
				if ansi.StringWidth(l) > sz.w {
					t.Errorf("%dx%d focus %d: line %d is %d cells", sz.w, sz.h, focus, i, ansi.StringWidth(l))
				}
			}
		}
	}
}
