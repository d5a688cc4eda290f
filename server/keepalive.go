package server

import "time"

// keepAction is what the writer does about a connection's liveness on a
// tick.
type keepAction int

const (
	// keepNothing: the client spoke recently.
	keepNothing keepAction = iota
	// keepPing: the client has been silent for a ping interval; ping it.
	keepPing
	// keepDrop: the client has been silent past the peer timeout.
	keepDrop
)

// keepaliveAt decides, at now, what to do about a client last heard from
// at lastRecv and last pinged at lastPing. Any frame counts as a sign of
// life, so an active client is never pinged; a silent one is pinged once
// per interval and dropped after timeout.
func keepaliveAt(now, lastRecv, lastPing time.Time, interval, timeout time.Duration) keepAction {
	silent := now.Sub(lastRecv)
	switch {
	case silent >= timeout:
		return keepDrop
	case silent >= interval && now.Sub(lastPing) >= interval:
		return keepPing
	}
	return keepNothing
}
