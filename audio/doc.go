// Package audio is confab's real-time audio: malgo capture and playback
// devices, lock-free rings between the device callbacks and the rest of the
// program, Opus encoding and decoding, the per-sender jitter buffer with
// forward error correction and loss concealment, the mixer, level meters,
// WAV files and synthetic sources for tests and demos.
//
// Everything here works on mono 16-bit PCM at 48 kHz in 20 ms frames (10
// ms in the low-latency mode), the format Opus and WebRTC use, so no code
// on the call path resamples.
//
// The package imports neither pion nor bubbletea: it moves samples and
// Opus payloads, and the call package moves packets.
package audio

import "time"

// Format of every frame that crosses this package's API.
const (
	// SampleRate is the sample rate of all audio in confab, in Hz.
	SampleRate = 48000
	// Channels is the channel count of all audio in confab: voice is mono.
	Channels = 1
	// FrameSamples is the number of samples in one 20 ms frame, the unit
	// of encoding, packetisation, mixing and pacing.
	FrameSamples = 960
	// FrameDuration is the length of one frame.
	FrameDuration = 20 * time.Millisecond
)
