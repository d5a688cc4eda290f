package call

import (
	"errors"

	"github.com/confab-rtc/confab/signal"
)

// ErrServiceUnavailable is returned by Run when the room server shut down
// while the engine was still joining (a peer-leave about the local user
// with reason 3 before the join completed). Joining again later may work.
var ErrServiceUnavailable = errors.New("the room server shut down")

// onOwnLeave handles a peer-leave about the local user and reports whether
// it ends the session (and is reported as an event). The server closes the
// connection next, so Run should return why rather than report a lost
// connection. A reason already set (kicked, signature expired) stands.
//
// A shutdown (reason 3) of a joined session does not end the call: a
// server stops for a restart or a deploy far more often than for good, so
// the session forgets its id (the next server process does not know it)
// and the connection's end starts reconnecting as any lost connection
// does, joining again once the server is back. The user sees RECONNECTING,
// then CONNECTED, or a peer-leave with reason 7 after
// Config.ReconnectTimeout.
func (s *session) onOwnLeave(reason int) bool {
	if s.ended != nil {
		return true
	}
	if reason == signal.ReasonServiceUnavailable {
		if s.state == StateConnected {
			s.e.log.Info("the room server is shutting down; rejoining when it is back")
			s.sessionID, s.resumeToken = "", ""
			return false
		}
		s.ended = ErrServiceUnavailable
	}
	return true
}
