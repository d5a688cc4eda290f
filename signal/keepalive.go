package signal

import "time"

// Keepalive defaults of PROTOCOL.md. Both sides count any frame as a sign
// of life; these are what a server uses unless configured otherwise, and
// what a client should assume.
const (
	// DefaultPingInterval is how long a side may be silent before the
	// other pings it.
	DefaultPingInterval = 10 * time.Second
	// DefaultPeerTimeout is how long a side may be silent before the other
	// declares it dead (reason ReasonNetworkCheck).
	DefaultPeerTimeout = 30 * time.Second
)

// Websocket close codes the server uses beyond the standard ones (1000
// normal, 1001 going away, 1008 policy violation, 1009 too big).
const (
	// CloseReplaced closes a session replaced by a newer join of the same
	// userId in the same room; the session first gets kicked with
	// ReasonBanned.
	CloseReplaced = 4000
	// CloseSignatureExpired closes a session whose signature expired; the
	// session first gets signature-expired and a peer-leave about itself
	// with ReasonSignatureExpired.
	CloseSignatureExpired = 4006
)
