package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/call"
)

// levelInterval is how often the view polls levels: 10 Hz keeps the bars
// live without redrawing more than the eye can follow (DESIGN §1: levels
// are read at 10-15 Hz, never sent as events).
const levelInterval = 100 * time.Millisecond

// eventMsg carries one engine event into Update.
type eventMsg struct{ ev call.Event }

// eventsClosedMsg says the engine closed its event channel: the call is over.
type eventsClosedMsg struct{}

// tickMsg asks Update to poll levels and advance the timer.
type tickMsg struct{}

// waitEvent returns a command that blocks, in Bubble Tea's command goroutine
// and never in Update, until the next event or the channel's close. Update
// re-arms it after each event, so events are handled one at a time and in
// order without the engine ever calling Program.Send.
func waitEvent(ch <-chan call.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return eventsClosedMsg{}
		}
		return eventMsg{ev: ev}
	}
}

// tick returns a command that delivers a tickMsg after levelInterval.
// Update re-arms it after each tick.
func tick() tea.Cmd {
	return tea.Tick(levelInterval, func(time.Time) tea.Msg { return tickMsg{} })
}
