package tui

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/confab-rtc/confab/call"
)

// screenTap wraps the call view in a real program and keeps the last
// screen it rendered, without styling, for the test to read while the
// program runs.
type screenTap struct {
	m    Model
	mu   *sync.Mutex
	last *string
}

func (s screenTap) Init() tea.Cmd { return s.m.Init() }

func (s screenTap) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := s.m.Update(msg)
	s.m = next.(Model)
	return s, cmd
}

func (s screenTap) View() tea.View {
	v := s.m.View()
	s.mu.Lock()
	*s.last = ansi.Strip(v.Content)
	s.mu.Unlock()
	return v
}

// screen returns the last rendered screen.
func (s screenTap) screen() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.last
}

// waitFor polls the tapped screen until ok accepts it, and fails the test
// with the last screen after 10 s.
func (s screenTap) waitFor(t *testing.T, desc string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		scr := s.screen()
		if ok(scr) {
			return scr
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen never showed %s; last screen:\n%s", desc, scr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRunStatsPane drives the real program with keys from a pipe: s opens
// the stats pane, which shows the engine's numbers at once; the next
// refresh, a second later, shows the new numbers the engine has by then;
// s closes the pane and the readings stop; q q leaves.
func TestRunStatsPane(t *testing.T) {
	f := newFake()
	// The events end when the test does, as the engine's end when its
	// call does, so the program's pending read returns.
	t.Cleanup(f.end)
	f.events <- call.PeerJoin{UserID: "bob", UserName: "Bob Stone"}
	f.events <- call.PeerJoin{UserID: "carol", UserName: "Carol Nguyen"}
	f.events <- call.PeerJoin{UserID: "dave", UserName: "Dave Okonkwo-Harrington"}
	f.setStats(fourPartyStats(t0, 0))
	tap := screenTap{m: New(f, Options{NoColor: true}), mu: &sync.Mutex{}, last: new(string)}
	t.Cleanup(f.end)
	keys, typist := io.Pipe()
	defer typist.Close()
	done := make(chan error, 1)
	go func() {
		_, err := tea.NewProgram(tap, tea.WithContext(context.Background()), tea.WithInput(keys),
			tea.WithOutput(io.Discard), tea.WithoutSignalHandler(), tea.WithWindowSize(80, 24)).Run()
		done <- err
	}()
	press := func(s string) {
		t.Helper()
		if _, err := typist.Write([]byte(s)); err != nil {
			t.Fatalf("typing %q: %v", s, err)
		}
	}
	tap.waitFor(t, "the participants", func(s string) bool { return strings.Contains(s, "Participants (4)") })

	press("s")
	opened := time.Now()
	scr := tap.waitFor(t, "the first reading", func(s string) bool { return strings.Contains(s, "Stats at 10:00:00") })
	for _, want := range []string{"Carol Nguyen · opus/48000/2", "bitrate 30.5 kb/s", "loss        4.8 %", "buffer      86 ms", "publish    connected · srflx → host udp4 · RTT 37 ms"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the pane lacks %q:\n%s", want, scr)
		}
	}

	// The engine moves on; the next refresh shows it.
	f.setStats(fourPartyStats(t0.Add(time.Second), 1))
	scr = tap.waitFor(t, "the second reading", func(s string) bool { return strings.Contains(s, "Stats at 10:00:01") })
	refreshed := time.Since(opened)
	for _, want := range []string{"bitrate 31.2 kb/s", "loss        8.7 %", "conceal     8.0 %", "buffer      98 ms"} {
		if !strings.Contains(scr, want) {
			t.Errorf("after the refresh the pane lacks %q:\n%s", want, scr)
		}
	}
	f.mu.Lock()
	reads := f.statsRead
	f.mu.Unlock()
	// A refresh loop that did not wait would have read hundreds of times.
	if reads > 3 {
		t.Errorf("the engine's stats were read %d times in the %v to the second reading, want 2 or 3 (one a second)", reads, refreshed.Round(time.Millisecond))
	}

	press("s")
	tap.waitFor(t, "the call again", func(s string) bool {
		return strings.Contains(s, "Participants (4)") && !strings.Contains(s, "Stats at")
	})
	// At most the reading already under way happens after the pane closed.
	time.Sleep(2 * statsInterval)
	f.mu.Lock()
	after := f.statsRead - reads
	f.mu.Unlock()
	if after > 1 {
		t.Errorf("the closed pane read the engine's stats %d more times", after)
	}

	press("qq")
	waitRun(t, done)
	if f.leaveCount() != 1 {
		t.Errorf("Leave called %d times, want 1", f.leaveCount())
	}
}
