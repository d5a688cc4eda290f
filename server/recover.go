package server

import (
	"runtime/debug"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// A panic in a goroutine that serves one connection (its reader, its
// writer, its participant's negotiation and forwarding) must not take the
// server down with everyone else's call: it is recovered, logged with its
// stack, reported to that client with CodeInternal, and ends that session
// alone with reason 1 (server exception). A panic while a room's or a
// participant's mutex is held would leave it locked; the server's code
// never panics under a lock on purpose, and the fault hooks fire outside
// them.

// crashText is the sentence a client gets when its session ended by a
// server fault.
const crashText = "the server failed while handling your session and ended it; join again"

// faultHooks are fault-injection points for tests. Each runs, when set, at
// a place where a per-connection goroutine could fail; all are nil in
// production. They are set before the server serves and never changed.
type faultHooks struct {
	// dispatch runs on a connection's reader before each request, with
	// the user id of its session ("" before a join).
	dispatch func(userID string, m signal.Message)
	// track runs on pion's goroutine for each track a participant
	// publishes, before it is forwarded.
	track func(userID string)
}

// serve runs the reader, recovering a panic into the end of this session:
// it returns the leave reason, as readLoop does.
func (c *conn) serve() (reason int) {
	defer func() {
		if v := recover(); v != nil {
			reason = c.crashed("reader", v)
		}
	}()
	return c.readLoop()
}

// writer runs the writer, recovering a panic: writeLoop's own deferred
// close of the socket ends the reader, which takes the session out of its
// room with reason 1.
func (c *conn) writer() {
	defer func() {
		if v := recover(); v != nil {
			c.log.Error("panic in a connection's writer; ending its session", "panic", v, "stack", string(debug.Stack()))
			c.fail(signal.ReasonServerException, websocket.CloseInternalServerErr, "internal error")
		}
	}()
	c.writeLoop()
}

// crashed ends the connection after a panic v recovered in where, telling
// the client why, and returns the leave reason its room hears.
func (c *conn) crashed(where string, v any) int {
	c.log.Error("panic in a connection's "+where+"; ending its session", "panic", v, "stack", string(debug.Stack()))
	c.send(signal.ErrorMessage("", signal.Errorf(signal.CodeInternal, crashText)))
	c.fail(signal.ReasonServerException, websocket.CloseInternalServerErr, "internal error")
	return signal.ReasonServerException
}

// crashed ends the participant's session after a panic v recovered in one
// of its goroutines (where names it): the client hears CodeInternal and
// its websocket is closed, which takes the participant out of its room.
func (p *participant) crashed(where string, v any) {
	p.log.Error("panic in a participant's "+where+"; ending its session", "panic", v, "stack", string(debug.Stack()))
	p.sendVia(signal.ErrorMessage("", signal.Errorf(signal.CodeInternal, crashText)))
	p.fail(signal.ReasonServerException, websocket.CloseInternalServerErr, "internal error")
}
