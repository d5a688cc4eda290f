package dsp

import "errors"

// Errors returned by New; they are wrapped with detail, so callers test
// for them with errors.Is.
var (
	// ErrBackend is returned for a Config.Backend this package does not
	// know.
	ErrBackend = errors.New("dsp: unknown backend")
	// ErrInit is returned when a native library refuses its settings or
	// cannot allocate its state.
	ErrInit = errors.New("dsp: backend initialisation failed")
)
