package tui

import (
	"fmt"
	"time"

	"github.com/confab-rtc/confab/call"
)

// callTimer measures how long the call has been up: it starts at the first
// CONNECTED, keeps running through RECONNECTING (the call is not over) and
// stops at DISCONNECTED. Times are parameters, so tests need no sleeping.
type callTimer struct {
	start, end time.Time
}

// stateAt updates the timer for a connection state reached at now.
func (t *callTimer) stateAt(s call.ConnState, now time.Time) {
	switch s {
	case call.StateConnected:
		if t.start.IsZero() {
			t.start = now
		}
		t.end = time.Time{}
	case call.StateDisconnected:
		if !t.start.IsZero() && t.end.IsZero() {
			t.end = now
		}
	}
}

// elapsedAt returns the call duration at now, and false before the call
// connected.
func (t callTimer) elapsedAt(now time.Time) (time.Duration, bool) {
	if t.start.IsZero() {
		return 0, false
	}
	if !t.end.IsZero() {
		now = t.end
	}
	return max(now.Sub(t.start), 0), true
}

// formatElapsed renders a call duration as mm:ss, h:mm:ss past an hour, and
// "--:--" before the call connected.
func formatElapsed(d time.Duration, ok bool) string {
	if !ok {
		return "--:--"
	}
	s := int(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
