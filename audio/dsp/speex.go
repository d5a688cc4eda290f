package dsp

/*
#cgo pkg-config: speexdsp
#include <stdlib.h>
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>

// The speex controls take pointers; these helpers keep the Go side free of
// C pointer juggling.
static int pp_int(SpeexPreprocessState *st, int req, int v) { return speex_preprocess_ctl(st, req, &v); }
static int pp_float(SpeexPreprocessState *st, int req, float v) { return speex_preprocess_ctl(st, req, &v); }
static int echo_rate(SpeexEchoState *st, int rate) { return speex_echo_ctl(st, SPEEX_ECHO_SET_SAMPLING_RATE, &rate); }
*/
import "C"

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/confab-rtc/confab/audio"
)

// speexNoResidualSuppressDB is the noise attenuation used when noise
// suppression is off but echo cancellation is on: the preprocessor must
// run (it suppresses the residual echo the linear filter leaves), but it
// should leave the noise floor alone.
const speexNoResidualSuppressDB = -1

// speexAGC* follow Mumble: gain rises at most 12 dB/s (no pumping) and
// falls at up to 40 dB/s (a shout is tamed at once).
const (
	speexAGCIncrement = 12
	speexAGCDecrement = -40
)

// speexBackend is Mumble's arrangement of speexdsp: an MDF echo canceller
// whose state is attached to the preprocessor, which denoises, suppresses
// the residual echo and applies AGC in one spectral pass.
type speexBackend struct {
	echo *C.SpeexEchoState // nil without AEC
	pp   *C.SpeexPreprocessState
	out  []int16 // the canceller's output before preprocessing
}

func newSpeex(cfg Config) (*speexBackend, error) {
	b := &speexBackend{out: make([]int16, BlockSamples)}
	if cfg.EchoCancel {
		tail := int(cfg.EchoTail.Seconds() * audio.SampleRate)
		b.echo = C.speex_echo_state_init(C.int(BlockSamples), C.int(tail))
		if b.echo == nil {
			return nil, fmt.Errorf("%w: speex_echo_state_init", ErrInit)
		}
		C.echo_rate(b.echo, C.int(audio.SampleRate))
	}
	b.pp = C.speex_preprocess_state_init(C.int(BlockSamples), C.int(audio.SampleRate))
	if b.pp == nil {
		b.close()
		return nil, fmt.Errorf("%w: speex_preprocess_state_init", ErrInit)
	}
	denoise, suppress := 0, -cfg.NoiseSuppressDB
	switch {
	case cfg.NoiseSuppress:
		denoise = 1
	case cfg.EchoCancel:
		denoise, suppress = 1, speexNoResidualSuppressDB
	}
	agc := 0
	if cfg.GainControl {
		agc = 1
	}
	target := float64(cfg.GainTargetDBFS)
	if target == 0 {
		target = -6 // measured: quiet speech settles near -22 dBFS RMS
	}
	C.pp_int(b.pp, C.SPEEX_PREPROCESS_SET_DEREVERB, 0)
	C.pp_int(b.pp, C.SPEEX_PREPROCESS_SET_DENOISE, C.int(denoise))
	C.pp_int(b.pp, C.SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, C.int(suppress))
	C.pp_int(b.pp, C.SPEEX_PREPROCESS_SET_AGC, C.int(agc))
	if agc == 1 {
		C.pp_float(b.pp, C.SPEEX_PREPROCESS_SET_AGC_LEVEL, C.float(32768*math.Pow(10, target/20)))
		C.pp_int(b.pp, C.SPEEX_PREPROCESS_SET_AGC_MAX_GAIN, C.int(cfg.MaxGainDB))
		C.pp_int(b.pp, C.SPEEX_PREPROCESS_SET_AGC_INCREMENT, speexAGCIncrement)
		C.pp_int(b.pp, C.SPEEX_PREPROCESS_SET_AGC_DECREMENT, speexAGCDecrement)
	}
	if b.echo != nil {
		// Residual echo suppression: the preprocessor reads the
		// canceller's estimate of what it failed to remove.
		C.speex_preprocess_ctl(b.pp, C.SPEEX_PREPROCESS_SET_ECHO_STATE, unsafe.Pointer(b.echo))
	}
	return b, nil
}

func (b *speexBackend) process(capture, ref []int16) {
	if b.echo != nil {
		C.speex_echo_cancellation(b.echo,
			(*C.spx_int16_t)(unsafe.Pointer(&capture[0])),
			(*C.spx_int16_t)(unsafe.Pointer(&ref[0])),
			(*C.spx_int16_t)(unsafe.Pointer(&b.out[0])))
		copy(capture, b.out)
	}
	C.speex_preprocess_run(b.pp, (*C.spx_int16_t)(unsafe.Pointer(&capture[0])))
}

func (b *speexBackend) close() {
	if b.pp != nil {
		C.speex_preprocess_state_destroy(b.pp)
		b.pp = nil
	}
	if b.echo != nil {
		C.speex_echo_state_destroy(b.echo)
		b.echo = nil
	}
}
