package audio

import "errors"

// Errors returned by this package; callers test for them with errors.Is,
// since most are wrapped with the detail of what failed.
var (
	// ErrClosed is returned by operations on a closed device, context,
	// source or writer.
	ErrClosed = errors.New("audio: closed")
	// ErrDeviceNotFound is returned when a device id names no device of
	// the requested kind.
	ErrDeviceNotFound = errors.New("audio: device not found")
	// ErrCloseTimeout is returned when a device or context did not shut
	// down in time; its resources are then abandoned rather than letting
	// Close hang (DESIGN.md §5: Uninit can block forever on a lost device).
	ErrCloseTimeout = errors.New("audio: close timed out")
	// ErrStreamExists is returned by Mixer.AddStream for a duplicate id.
	ErrStreamExists = errors.New("audio: stream already exists")
	// ErrRunning is returned by Mixer.Run when another Run is active.
	ErrRunning = errors.New("audio: mixer already running")
	// ErrFormat is returned for WAV files this package cannot read and for
	// sample rates or channel counts it cannot write.
	ErrFormat = errors.New("audio: unsupported format")
	// ErrFrameSize is returned when a buffer is not a valid frame length.
	ErrFrameSize = errors.New("audio: bad frame size")
)

// ErrEncoderConfig is wrapped by every EncoderConfig.Validate error and
// by NewEncoder for settings libopus cannot use.
var ErrEncoderConfig = errors.New("audio: bad encoder settings")
