// A C interface over webrtc::AudioProcessing (libwebrtc-audio-processing
// 0.3), which only has a C++ API, for cgo.
#ifndef CONFAB_WEBRTC_SHIM_H
#define CONFAB_WEBRTC_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wap wap;

typedef struct {
	int rate;            // sample rate in Hz (48000)
	int aec, ns, agc;    // stages on (1) or off (0)
	int delay_ms;        // expected render-to-capture delay
	int agc_target_dbfs; // AGC target peak level, positive dB below full scale
	int agc_gain_db;     // the gain of AGC's digital compressor
} wap_config;

// wap_new makes a processor; on failure it returns NULL and sets *err to
// the failing call's error code.
wap *wap_new(wap_config c, int *err);
// wap_process feeds one 10 ms block of far-end reference (ref may be NULL
// without AEC) and then cleans one 10 ms captured block in place. It
// returns the AudioProcessing error code (0 is success).
int wap_process(wap *w, int16_t *capture, const int16_t *ref);
// wap_free releases the processor.
void wap_free(wap *w);

#ifdef __cplusplus
}
#endif

#endif
