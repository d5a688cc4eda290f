package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/call"
)

// tickAt moves the clock by d and polls levels, as the 100 ms tick does.
func tickAt(t *testing.T, m Model, c *fakeClock, d time.Duration) Model {
	t.Helper()
	c.advance(d)
	m, _ = update(t, m, tickMsg{})
	return m
}

// TestSpeakersMoveUpWithHysteresis follows a conversation tick by tick:
// a speaker moves up at once, stays up through the gaps between words
// and for speakHold after the last one, a second voice joins below the
// first, and a quiet speaker goes back to their place in join order.
func TestSpeakersMoveUpWithHysteresis(t *testing.T) {
	m, f, c := newTestModel(80, 24, true)
	for _, id := range []string{"bob", "carol", "dave"} {
		m = send(t, m, call.PeerJoin{UserID: id, UserName: strings.ToUpper(id[:1]) + id[1:]}, call.StreamAdded{UserID: id, Kind: "audio"})
	}
	order := func(want ...string) {
		t.Helper()
		if got := names(m); !slices.Equal(got, want) {
			t.Fatalf("at %v rows = %q, want %q", c.t.Sub(t0), got, want)
		}
	}
	order("Alice", "Bob", "Carol", "Dave")

	f.setLevel("dave", 60)
	m = tickAt(t, m, c, 100*time.Millisecond)
	order("Alice", "Dave", "Bob", "Carol")
	if !strings.Contains(rowOf(m, "Dave"), speakText) {
		t.Errorf("Dave speaks but his row says %q", rowOf(m, "Dave"))
	}
	// A pause between words: the highlight stays, the place too.
	f.setLevel("dave", 5)
	m = tickAt(t, m, c, 300*time.Millisecond)
	if !strings.Contains(rowOf(m, "Dave"), speakText) {
		t.Errorf("highlight dropped within a word gap: %q", rowOf(m, "Dave"))
	}
	// Carol starts too: she joins below Dave, who spoke first.
	f.setLevel("dave", 60)
	f.setLevel("carol", 70)
	m = tickAt(t, m, c, 100*time.Millisecond)
	order("Alice", "Dave", "Carol", "Bob")
	// Dave stops; 1.9 s later he still holds his place (no jump), the
	// highlight is gone.
	f.setLevel("dave", 0)
	for range 19 {
		m = tickAt(t, m, c, 100*time.Millisecond)
		order("Alice", "Dave", "Carol", "Bob")
	}
	if strings.Contains(rowOf(m, "Dave"), speakText) {
		t.Errorf("quiet for 1.9 s, Dave still highlighted: %q", rowOf(m, "Dave"))
	}
	// Past the hold he goes back below; Carol, still talking, is first.
	m = tickAt(t, m, c, 200*time.Millisecond)
	order("Alice", "Carol", "Bob", "Dave")
	// Bob starts: below Carol, who has been speaking longer.
	f.setLevel("bob", 50)
	m = tickAt(t, m, c, 100*time.Millisecond)
	order("Alice", "Carol", "Bob", "Dave")
	f.setLevel("carol", 0)
	m = tickAt(t, m, c, 3*time.Second)
	order("Alice", "Bob", "Carol", "Dave")
}

// TestMutedSpeakerDoesNotMoveUp: a muted microphone's meter may still
// move (the engine meters before the mute), but the row stays put.
func TestMutedSpeakerDoesNotMoveUp(t *testing.T) {
	m, f, c := newTestModel(80, 24, true)
	m = send(t, m, call.PeerJoin{UserID: "b", UserName: "Bob"}, call.PeerJoin{UserID: "c", UserName: "Carol"}, call.MuteAudio{UserID: "c"})
	f.setLevel("c", 90)
	m = tickAt(t, m, c, 100*time.Millisecond)
	if got := names(m); !slices.Equal(got, []string{"Alice", "Bob", "Carol"}) {
		t.Errorf("rows = %q, muted Carol moved up", got)
	}
}

// TestSelectionFollowsShownOrder: the arrows walk the rows as shown, so
// down from nothing selects the speaker at the top.
func TestSelectionFollowsShownOrder(t *testing.T) {
	m, f, c := newTestModel(80, 24, true)
	m = send(t, m, call.PeerJoin{UserID: "b", UserName: "Bob"}, call.PeerJoin{UserID: "c", UserName: "Carol"})
	f.setLevel("c", 80)
	m = tickAt(t, m, c, 100*time.Millisecond)
	m, _ = update(t, m, arrow(tea.KeyDown))
	if m.selected != "c" {
		t.Errorf("down selected %q, want Carol (shown first)", m.selected)
	}
}
