package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// The room list's subscription as the pane tells it: connecting, live, or
// failed with the error's code, a sentence of what to do, and when it
// tries again.

// connecting records a subscription attempt in progress.
func (p *roomsPane) connecting() {
	if p.status != lobbyFailed {
		// A failed list keeps its error on screen until an attempt
		// succeeds, so a retry loop does not blink.
		p.status = lobbyConnecting
	}
}

// live records a successful subscription and its list.
func (p *roomsPane) live(l Lobby) {
	p.status, p.problem = lobbyLive, ""
	p.list.reset(l.Rooms())
}

// failed records why the subscription failed or ended, and the wait
// before the next attempt.
func (p *roomsPane) failed(err error, retry time.Duration) {
	p.status = lobbyFailed
	p.problem = lobbyProblem(err, retry)
}

// lobbyProblem words a failed room list: the code, what happened, what to
// do, and that it tries again by itself.
func lobbyProblem(err error, retry time.Duration) string {
	code, msg := signal.CodeServerLost, "the room list ended"
	if err != nil {
		msg = err.Error()
	}
	var se *signal.Error
	if errors.As(err, &se) {
		code, msg = se.Code, se.Message
	}
	msg = endSentence(upperFirst(strings.TrimSpace(sanitize(msg))))
	var todo string
	switch code {
	case signal.CodeAuthFailed, signal.CodeUnknownApp, signal.CodeSignatureExpired, signal.CodeCTimeTooFar:
		todo = "Reading the room list needs app credentials (--app-id and --app-key, or a --token-command that signs room *)."
	default:
		todo = "Check that the server runs and that --server names it."
	}
	return fmt.Sprintf("Error %d: %s %s Trying again in %s.", code, msg, todo, spokenDuration(retry))
}
