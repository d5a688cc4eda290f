package dsp

/*
#cgo pkg-config: webrtc-audio-processing
#cgo CXXFLAGS: -std=c++11
#include "webrtc_shim.h"
*/
import "C"

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"github.com/confab-rtc/confab/audio"
)

// webrtcCompressionGainDB is the digital compressor's gain of WebRTC's
// AGC, its own default (see Config.MaxGainDB).
const webrtcCompressionGainDB = 9

// webrtcBackend is the WebRTC audio processing module 0.3: the AEC with
// its extended filter and delay-agnostic mode, the "high" noise
// suppressor with the high-pass filter, and the adaptive digital AGC.
type webrtcBackend struct {
	w      *C.wap
	errors atomic.Uint64 // blocks the module refused (left unprocessed)
}

func newWebRTC(cfg Config) (*webrtcBackend, error) {
	target := -cfg.GainTargetDBFS
	if target == 0 {
		target = 3
	}
	c := C.wap_config{
		rate:            C.int(audio.SampleRate),
		aec:             cbool(cfg.EchoCancel),
		ns:              cbool(cfg.NoiseSuppress),
		agc:             cbool(cfg.GainControl),
		delay_ms:        C.int(cfg.StreamDelay.Milliseconds()),
		agc_target_dbfs: C.int(target),
		agc_gain_db:     webrtcCompressionGainDB,
	}
	var code C.int
	w := C.wap_new(c, &code)
	if w == nil {
		return nil, fmt.Errorf("%w: webrtc::AudioProcessing error %d", ErrInit, int(code))
	}
	return &webrtcBackend{w: w}, nil
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func (b *webrtcBackend) process(capture, ref []int16) {
	var r *C.int16_t
	if ref != nil {
		r = (*C.int16_t)(unsafe.Pointer(&ref[0]))
	}
	if C.wap_process(b.w, (*C.int16_t)(unsafe.Pointer(&capture[0])), r) != 0 {
		b.errors.Add(1)
	}
}

func (b *webrtcBackend) close() {
	C.wap_free(b.w)
	b.w = nil
}
