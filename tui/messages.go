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

// The messages of a call carry the event channel of the call they belong
// to (from), so that after a switch to another room a late message of the
// previous call is dropped instead of ending or ticking the new one. A nil
// from belongs to whichever call is current.

// eventMsg carries one engine event into Update.
type eventMsg struct {
	ev   call.Event
	from <-chan call.Event
}

// eventsClosedMsg says the engine closed its event channel: the call is over.
type eventsClosedMsg struct{ from <-chan call.Event }

// tickMsg asks Update to poll levels and advance the timer.
type tickMsg struct{ from <-chan call.Event }

// waitEvent returns a command that blocks, in Bubble Tea's command goroutine
// and never in Update, until the next event or the channel's close. Update
// re-arms it after each event, so events are handled one at a time and in
// order without the engine ever calling Program.Send.
func waitEvent(ch <-chan call.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return eventsClosedMsg{from: ch}
		}
		return eventMsg{ev: ev, from: ch}
	}
}

// tick returns a command that delivers a tickMsg of the call whose events
// come on from after levelInterval. Update re-arms it after each tick.
func tick(from <-chan call.Event) tea.Cmd {
	return tea.Tick(levelInterval, func(time.Time) tea.Msg { return tickMsg{from: from} })
}

// stale reports whether a message of the call whose events came on from
// belongs to another call than the model's.
func (m Model) stale(from <-chan call.Event) bool {
	return from != nil && from != m.events
}
