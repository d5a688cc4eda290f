package call

import "errors"

// ErrLeft is returned by Run when the local user left the call.
var ErrLeft = errors.New("left the call")

// ErrClosed is returned by actions on an engine whose Run has ended.
var ErrClosed = errors.New("call engine closed")

// ErrSignatureExpired is returned by Run when the session's signature
// expired and could not be renewed.
var ErrSignatureExpired = errors.New("the access signature expired")

// ErrKickedOffline is returned by Run when the same user joined the room
// from another client.
var ErrKickedOffline = errors.New("signed in from another client")

// ErrBanned is returned by Run when the server removed the user: kicked,
// banned or the room dismissed.
var ErrBanned = errors.New("removed from the room by the server")
