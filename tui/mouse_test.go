package tui

import (
	"context"
	"io"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/call"
)

// lineOf returns the screen row (0-based) of the first line containing s.
func lineOf(t *testing.T, m Model, s string) int {
	t.Helper()
	for i, l := range screen(m) {
		if strings.Contains(l, s) {
			return i
		}
	}
	t.Fatalf("no line contains %q:\n%s", s, strings.Join(screen(m), "\n"))
	return -1
}

func click(x, y int) tea.MouseClickMsg { return tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft} }

func TestMouseOffByDefault(t *testing.T) {
	m := buildCall(t, 80, 24, true)
	if m.View().MouseMode != tea.MouseModeNone {
		t.Error("the view asks for mouse reports without Options.Mouse")
	}
	m, _ = update(t, m, click(5, lineOf(t, m, "Bob Stone")))
	if m.selected != "" {
		t.Errorf("a click selected %q with the mouse off", m.selected)
	}
}

// TestMouseClicksAndWheel: with the mouse on, a click on a row selects
// that participant (on the local user's row: nobody), a click in the log
// focuses it, the wheel scrolls it, and at 120 columns a click right of
// the rule focuses the side pane.
func TestMouseClicksAndWheel(t *testing.T) {
	m := buildCall(t, 120, 40, true)
	m.mouse = true
	if m.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatal("Options.Mouse does not ask for mouse reports")
	}
	for i := range 12 {
		m = send(t, m, call.PeerJoin{UserID: "x" + string(rune('a'+i)), UserName: "Extra " + string(rune('A'+i))})
	}
	m, _ = update(t, m, click(10, lineOf(t, m, "Frank")))
	if m.selected != "frank" || m.focus != paneParticipants {
		t.Errorf("click on Frank: selected %q focus %d", m.selected, m.focus)
	}
	if !containsLine(screen(m), "Selected: Frank · volume 100%") {
		t.Errorf("no selection line after the click:\n%s", strings.Join(screen(m), "\n"))
	}
	m, _ = update(t, m, click(3, lineOf(t, m, "Alice (you)")))
	if m.selected != "" {
		t.Errorf("click on the own row selected %q", m.selected)
	}
	m, _ = update(t, m, click(20, lineOf(t, m, "Extra L joined.")))
	if m.focus != paneEvents {
		t.Errorf("click in the log: focus %d", m.focus)
	}
	y := lineOf(t, m, "Extra L joined.")
	for range 3 {
		m, _ = update(t, m, tea.MouseWheelMsg{X: 20, Y: y, Button: tea.MouseWheelUp})
	}
	if !containsLine(screen(m), "Events (3 newer below)") {
		t.Errorf("wheel up 3 did not scroll the log 3 entries:\n%s", strings.Join(screen(m), "\n"))
	}
	m, _ = update(t, m, tea.MouseWheelMsg{X: 20, Y: y, Button: tea.MouseWheelDown})
	if !containsLine(screen(m), "Events (2 newer below)") {
		t.Error("wheel down did not scroll back")
	}
	// Header, rules and footer do nothing.
	for _, y := range []int{0, 1, 38, 39} {
		before := m
		m, _ = update(t, m, click(5, y))
		if m.focus != before.focus || m.selected != before.selected {
			t.Errorf("click on row %d changed focus or selection", y)
		}
	}
	m = openProbe(t, m)
	m, _ = update(t, m, click(20, y))
	if m.focus != paneEvents {
		t.Errorf("click left of the rule: focus %d, want events", m.focus)
	}
	m, _ = update(t, m, click(119, 10))
	if m.focus != paneSide {
		t.Errorf("click right of the rule: focus %d, want the side pane", m.focus)
	}
}

// TestRunMouseSelectsAndChangesVolume drives the real program with the
// bytes a terminal sends in SGR mouse mode: a left click on Bob's row,
// then + makes Bob louder.
func TestRunMouseSelectsAndChangesVolume(t *testing.T) {
	f := newFake()
	f.events <- call.PeerJoin{UserID: "b", UserName: "Bob"}
	t.Cleanup(f.end)
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), f, Options{NoColor: true, Mouse: true},
			tea.WithInput(r), tea.WithOutput(io.Discard), tea.WithoutSignalHandler())
	}()
	// Bob's row is on screen once a tick polled his level.
	f.waitLevelAsked(t, "b")
	// Row 4 (0-based): header, rule, title, Alice, Bob. SGR is 1-based.
	if _, err := io.WriteString(w, "\x1b[<0;6;5M\x1b[<0;6;5m+qq"); err != nil {
		t.Fatal(err)
	}
	waitRun(t, done)
	w.Close()
	if got := f.Volume("b"); got != 100+volumeStep {
		t.Errorf("Bob's volume = %d after click and +, want %d", got, 100+volumeStep)
	}
}
