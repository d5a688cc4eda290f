package server

import (
	"errors"
	"net"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// sessionClock tracks, for a connection's reader, since when the
// connection has had no session: neither joined nor subscribed to the room
// list. Such a connection costs the server two goroutines, buffers and a
// descriptor while it does nothing a user needs; the keepalive alone would
// keep one that answers pings forever.
type sessionClock struct {
	since time.Time // zero while the connection has a session
}

// deadlineAt returns the read deadline of a connection that has (or has
// not) a session at now: none while it has one, otherwise timeout after it
// last had one (or connected). A join or subscription stops the clock; a
// leave starts it again.
func (k *sessionClock) deadlineAt(now time.Time, has bool, timeout time.Duration) time.Time {
	if has {
		k.since = time.Time{}
		return time.Time{}
	}
	if k.since.IsZero() {
		k.since = now
	}
	return k.since.Add(timeout)
}

// hasSession reports whether the connection is joined or subscribed to
// the room list. Reader only (it owns c.p).
func (c *conn) hasSession() bool {
	return c.p != nil || c.srv.lobby.has(c)
}

// closeSessionless ends a connection whose reader timed out without a
// session: the client is told why (CodeNotJoined) before the close.
func (c *conn) closeSessionless(timeout time.Duration) {
	c.log.Info("closing a connection that did not join", "timeout", timeout)
	c.send(signal.ErrorMessage("", signal.Errorf(signal.CodeNotJoined, "no join within %s of connecting or leaving: closing", timeout)))
	c.fail(signal.ReasonRemoved, websocket.ClosePolicyViolation, "no join")
}

// isTimeout reports whether err is a read deadline passing.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
