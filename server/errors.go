package server

import "errors"

var (
	// ErrClosed is returned by Run and Listen once Close was called: a
	// Server is not restarted.
	ErrClosed = errors.New("server: closed")
	// ErrRunning is returned by a second concurrent Run.
	ErrRunning = errors.New("server: already running")
	// ErrConfig wraps every reason New refuses a Config.
	ErrConfig = errors.New("server: invalid config")
	// ErrNegotiationTimeout means a client did not answer a subscribe offer
	// within Config.NegotiationTimeout, or ICE gathering did not finish in
	// that time; the connection is dropped.
	ErrNegotiationTimeout = errors.New("server: negotiation timed out")
	// ErrOfferRejected means a client replied error to a subscribe offer,
	// or answered it with an SDP that does not apply. pion cannot roll a
	// local offer back, so the subscribe connection cannot continue and
	// the client is dropped.
	ErrOfferRejected = errors.New("server: subscribe offer rejected")
	// ErrSendQueueFull means a client did not read its messages fast
	// enough; it is dropped rather than allowed to stall its room.
	ErrSendQueueFull = errors.New("server: send queue full")
)
