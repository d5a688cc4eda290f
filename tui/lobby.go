package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// Lobby is a subscription to the server's live room list, as call.Lobby
// gives it: the list when the subscription began, then its changes.
type Lobby interface {
	// Rooms returns the list as it was when the subscription began.
	Rooms() []signal.RoomInfo
	// Events delivers call.RoomCreated, RoomUpdated and RoomDestroyed; it
	// is closed when the subscription ends.
	Events() <-chan call.Event
	// Err says why Events closed.
	Err() error
	// Close ends the subscription; it is idempotent.
	Close()
}

// LobbyDialer subscribes to the room list. It runs in a tea.Cmd, so it may
// wait on the network; it must give up when ctx ends.
type LobbyDialer func(ctx context.Context) (Lobby, error)

// retryDelay is how long the room list waits before it subscribes again
// after its connection failed or ended, the attempt-th time in a row
// (from 1): 1 s, then 2 s, then 5 s each time, so a server that comes back
// is found soon and one that stays down costs little.
func retryDelay(attempt int) time.Duration {
	switch {
	case attempt <= 1:
		return time.Second
	case attempt == 2:
		return 2 * time.Second
	}
	return 5 * time.Second
}

// lobbyDialedMsg is the result of a subscription attempt.
type lobbyDialedMsg struct {
	lobby Lobby
	err   error
}

// lobbyEventMsg carries one change of the list from the lobby l.
type lobbyEventMsg struct {
	ev call.Event
	l  Lobby
}

// lobbyEndedMsg says the lobby l's events ended, and why.
type lobbyEndedMsg struct {
	l   Lobby
	err error
}

// lobbyRetryMsg asks for another subscription attempt.
type lobbyRetryMsg struct{}

// dialLobby returns a command that subscribes with dial.
func dialLobby(ctx context.Context, dial LobbyDialer) tea.Cmd {
	return func() tea.Msg {
		l, err := dial(ctx)
		return lobbyDialedMsg{lobby: l, err: err}
	}
}

// waitLobby returns a command that delivers the lobby's next change, or
// its end. As with a call's events, it is re-armed after each change, so
// the lobby's goroutine never calls Program.Send.
func waitLobby(l Lobby) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-l.Events()
		if !ok {
			return lobbyEndedMsg{l: l, err: l.Err()}
		}
		return lobbyEventMsg{ev: ev, l: l}
	}
}

// retryLobby returns a command that asks for another attempt after d.
func retryLobby(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return lobbyRetryMsg{} })
}
