package call

import "errors"

// ErrLeft is returned by Run when the local user left the call.
var ErrLeft = errors.New("left the call")

// ErrClosed is returned by actions on an engine whose Run has ended.
var ErrClosed = errors.New("call engine closed")
