package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

func TestEventLogKeepsNewest(t *testing.T) {
	var l eventLog
	for i := range maxLogLines + 100 {
		l.add(t0, fmt.Sprint(i))
	}
	if len(l.lines) != maxLogLines {
		t.Errorf("log holds %d lines, want %d", len(l.lines), maxLogLines)
	}
	if l.lines[0].text != "100" || l.lines[maxLogLines-1].text != fmt.Sprint(maxLogLines+99) {
		t.Errorf("log keeps %q..%q, want the newest", l.lines[0].text, l.lines[maxLogLines-1].text)
	}
}

// logOf returns the event log's lines on screen, without their times.
func logOf(m Model) []string {
	var out []string
	in := false
	for _, l := range screen(m) {
		switch {
		case strings.HasPrefix(strings.TrimLeft(l, " ▸"), "Events"):
			in = true
		case strings.HasPrefix(l, "───") && in:
			return out
		case in:
			out = append(out, strings.TrimSpace(l[min(len(l), 12):]))
		}
	}
	return out
}

func TestEventLogWordsEveryKind(t *testing.T) {
	m, _, _ := newTestModel(120, 60, true)
	m = send(t, m,
		call.ConnectionStateChanged{Cur: call.StateConnected},
		call.PeerJoin{UserID: "bob", UserName: "Bob"},
		call.NetworkQuality{UserID: "bob", Uplink: signal.QualityBad, Downlink: signal.QualityGood},
		call.ConnectionStateChanged{Cur: call.StateReconnecting},
		call.ConnectionStateChanged{Cur: call.StateConnected},
		call.PeerLeave{UserID: "bob", Reason: signal.ReasonReconnectTimeout},
		call.Error{Code: signal.CodeRoomFull, Message: "the room is full"},
	)
	want := []string{
		"You are connected to room standup.",
		"Bob is here.",
		"Bob's network is poor.",
		"Connection lost. Reconnecting.",
		"Reconnected.",
		"Bob left: the connection timed out.",
		"Error " + fmt.Sprint(signal.CodeRoomFull) + ": The room is full. Try again later or join another room.",
	}
	if got := logOf(m); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("log =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestEventLogScrolls(t *testing.T) {
	m, _, _ := newTestModel(80, 24, true)
	for i := range 20 {
		m = send(t, m, call.PeerJoin{UserID: fmt.Sprint("u", i), UserName: fmt.Sprint("User ", i)})
	}
	shown := len(logOf(m))
	if got := logOf(m); got[shown-1] != "User 19 joined." {
		t.Fatalf("log does not end with the newest line: %q", got)
	}
	m, _ = update(t, m, keyPress("tab"))
	if !containsLine(screen(m), "▸Events") || containsLine(screen(m), "▸Participants") {
		t.Fatalf("tab did not move the focus to the events:\n%s", strings.Join(screen(m), "\n"))
	}
	for range 3 {
		m, _ = update(t, m, arrow(tea.KeyUp))
	}
	got := logOf(m)
	if got[len(got)-1] != "User 16 joined." || !containsLine(screen(m), "Events (3 newer below)") {
		t.Fatalf("after 3 up: log ends %q, screen:\n%s", got[len(got)-1], strings.Join(screen(m), "\n"))
	}
	// A new line while scrolled up leaves the view where it is.
	m = send(t, m, call.PeerJoin{UserID: "late", UserName: "Late"})
	if got := logOf(m); got[len(got)-1] != "User 16 joined." || !containsLine(screen(m), "Events (4 newer below)") {
		t.Errorf("a new line moved the scrolled log: ends %q", got[len(got)-1])
	}
	for range 10 {
		m, _ = update(t, m, arrow(tea.KeyDown))
	}
	if got := logOf(m); got[len(got)-1] != "Late joined." {
		t.Errorf("scrolled back down, log ends %q, want the newest", got[len(got)-1])
	}
	// The arrows scrolled the log, not the selection.
	if m.selected != "" {
		t.Errorf("arrows in the events pane selected %q", m.selected)
	}
	m, _ = update(t, m, keyPress("tab"))
	m, _ = update(t, m, arrow(tea.KeyDown))
	if m.selected != "u0" {
		t.Errorf("tab back to participants, down selected %q, want u0", m.selected)
	}
}

func TestEventLogWrapsAndScrollStopsAtTheTop(t *testing.T) {
	m, _, _ := newTestModel(60, 24, true)
	m = send(t, m, call.Error{Code: signal.CodeRoomFull, Message: "the room is full"})
	for i := range 12 {
		m = send(t, m, call.PeerJoin{UserID: fmt.Sprint("u", i), UserName: fmt.Sprint("User ", i)})
	}
	m, _ = update(t, m, keyPress("tab"))
	for range 100 {
		m, _ = update(t, m, arrow(tea.KeyUp))
	}
	// At the top the error is read whole, over two lines, not cut.
	got := strings.Join(logOf(m), " ")
	want := "Error " + fmt.Sprint(signal.CodeRoomFull) + ": The room is full. Try again later or join another room."
	if !strings.HasPrefix(got, want) {
		t.Fatalf("top of the log = %q, want it to start with %q", got, want)
	}
	// One press down moves at once: the presses past the top were not
	// counted.
	before := logOf(m)
	m, _ = update(t, m, arrow(tea.KeyDown))
	if after := logOf(m); strings.Join(after, "|") == strings.Join(before, "|") {
		t.Errorf("the first press down after scrolling past the top did nothing:\n%s", strings.Join(after, "\n"))
	}
}
