package call

import (
	"errors"

	"github.com/confab-rtc/confab/signal"
)

// ErrServiceUnavailable is returned by Run when the room server shut down
// (a peer-leave about the local user with reason 3). Joining again later
// may work.
var ErrServiceUnavailable = errors.New("the room server shut down")

// onOwnLeave handles a peer-leave about the local user: the server ends
// the session and closes the connection next, so Run should return why
// rather than report a lost connection. A reason already set (kicked,
// signature expired) stands.
func (s *session) onOwnLeave(reason int) {
	if s.ended != nil {
		return
	}
	if reason == signal.ReasonServiceUnavailable {
		s.ended = ErrServiceUnavailable
	}
}
