package dsp

import (
	"fmt"
	"time"
)

// Backends by name, as accepted by Config.Backend and the --dsp flag.
const (
	// BackendSpeex is speexdsp's echo canceller and preprocessor.
	BackendSpeex = "speex"
	// BackendWebRTC is the WebRTC audio processing module.
	BackendWebRTC = "webrtc"
)

// DefaultBackend is the backend used when Config.Backend is empty: the
// one that measured better in this package's tests (measure_test.go) and
// through real devices (e2e TestFarEndHearsNoEcho). WebRTC removes far
// more echo once converged (about 50 dB against 24), keeps cancelling
// when the echo's delay jumps by a few ms as it does on real devices
// (40 dB against 5; through PulseAudio 22-79 dB, where speex made the
// echo louder), keeps the echo out with every stage on (speex's AGC lifts
// the residual back up while the near end is silent) and costs half the
// CPU. speex keeps the near end better during double talk (-1 against
// -6 dB) and removes more steady noise (20 against 16.5 dB).
const DefaultBackend = BackendWebRTC

// Config holds the processor's tunables.
type Config struct {
	// Backend is BackendSpeex or BackendWebRTC; "" means DefaultBackend.
	Backend string
	// EchoCancel, NoiseSuppress and GainControl switch the three stages.
	// With all three off the processor passes audio through untouched.
	EchoCancel    bool
	NoiseSuppress bool
	GainControl   bool
	// EchoTail is the longest echo the canceller models, from the moment
	// a frame is handed to WriteFrame to the end of its reverberation in
	// the captured audio (output and input buffering included); 0 means
	// 300 ms. Only speex uses it: WebRTC's extended filter and delay
	// estimator find the delay themselves.
	EchoTail time.Duration
	// StreamDelay is the expected delay between WriteFrame and the echo
	// reaching ProcessCapture, a hint for WebRTC's delay estimator; 0
	// means 60 ms.
	StreamDelay time.Duration
	// NoiseSuppressDB is how far speex attenuates noise, in dB (positive);
	// 0 means 30 dB. WebRTC uses its "high" suppression level.
	NoiseSuppressDB int
	// GainTargetDBFS is the level AGC aims at, in dBFS (negative): the
	// loudness level of speex's AGC or the peak target of WebRTC's; 0
	// means -6 for speex and -3 for WebRTC, which bring quiet speech to
	// about -22 and -14 dBFS RMS.
	GainTargetDBFS int
	// MaxGainDB caps the gain speex's AGC may apply; 0 means 30 dB.
	// WebRTC's adaptive AGC finds its own gain and adds its compressor's
	// default 9 dB: more compression gain lifts residual echo and noise
	// with the speech (measured: the echo test lost 15 dB at 30).
	MaxGainDB int
}

// DefaultConfig is the configuration for a microphone: the default backend
// with echo cancellation, noise suppression and gain control on.
func DefaultConfig() Config {
	return Config{Backend: DefaultBackend, EchoCancel: true, NoiseSuppress: true, GainControl: true}
}

// Enabled reports whether any stage is on; a processor with none passes
// audio through, so callers may skip making one.
func (c Config) Enabled() bool { return c.EchoCancel || c.NoiseSuppress || c.GainControl }

func (c Config) withDefaults() (Config, error) {
	if c.Backend == "" {
		c.Backend = DefaultBackend
	}
	if c.Backend != BackendSpeex && c.Backend != BackendWebRTC {
		return c, fmt.Errorf("%w: %q (want %q or %q)", ErrBackend, c.Backend, BackendSpeex, BackendWebRTC)
	}
	if c.EchoTail <= 0 {
		c.EchoTail = 300 * time.Millisecond
	}
	if c.StreamDelay <= 0 {
		c.StreamDelay = 60 * time.Millisecond
	}
	if c.NoiseSuppressDB <= 0 {
		c.NoiseSuppressDB = 30
	}
	if c.MaxGainDB <= 0 {
		c.MaxGainDB = 30
	}
	return c, nil
}
