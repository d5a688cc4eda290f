// The C++ side of webrtc.go: one AudioProcessing instance and two
// preallocated AudioFrames, so a block costs two copies and no allocation.
#include <string.h>

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

#include "webrtc_shim.h"

struct wap {
	webrtc::AudioProcessing *apm;
	webrtc::AudioFrame capture;
	webrtc::AudioFrame reverse;
	int aec;
	int delay_ms;
};

static void setup_frame(webrtc::AudioFrame *f, int rate) {
	f->sample_rate_hz_ = rate;
	f->num_channels_ = 1;
	f->samples_per_channel_ = rate / 100;
	memset(f->data_, 0, sizeof(f->data_));
}

extern "C" wap *wap_new(wap_config c, int *err) {
	*err = 0;
	webrtc::Config config;
	// The extended filter covers long, changing delays (desktop audio
	// stacks), and delay-agnostic mode finds the delay itself rather
	// than trusting a reported one.
	config.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(true));
	config.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(true));
	// The experimental AGC drives an analog mic volume we do not control.
	config.Set<webrtc::ExperimentalAgc>(new webrtc::ExperimentalAgc(false));
	webrtc::AudioProcessing *apm = webrtc::AudioProcessing::Create(config);
	if (apm == NULL) {
		*err = -1;
		return NULL;
	}
	// The int16 interface refuses a reverse stream whose rate differs
	// from the capture stream's, which is 16 kHz until told otherwise.
	int e = apm->Initialize(c.rate, c.rate, c.rate, webrtc::AudioProcessing::kMono,
	                        webrtc::AudioProcessing::kMono, webrtc::AudioProcessing::kMono);
	if (c.aec) {
		if (!e) e = apm->echo_cancellation()->enable_drift_compensation(false);
		if (!e) e = apm->echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kModerateSuppression);
		if (!e) e = apm->echo_cancellation()->Enable(true);
	}
	if (c.ns) {
		if (!e) e = apm->high_pass_filter()->Enable(true);
		if (!e) e = apm->noise_suppression()->set_level(webrtc::NoiseSuppression::kHigh);
		if (!e) e = apm->noise_suppression()->Enable(true);
	}
	if (c.agc) {
		if (!e) e = apm->gain_control()->set_mode(webrtc::GainControl::kAdaptiveDigital);
		if (!e) e = apm->gain_control()->set_target_level_dbfs(c.agc_target_dbfs);
		if (!e) e = apm->gain_control()->set_compression_gain_db(c.agc_gain_db);
		if (!e) e = apm->gain_control()->enable_limiter(true);
		if (!e) e = apm->gain_control()->Enable(true);
	}
	if (e) {
		delete apm;
		*err = e;
		return NULL;
	}
	wap *w = new wap;
	w->apm = apm;
	w->aec = c.aec;
	w->delay_ms = c.delay_ms;
	setup_frame(&w->capture, c.rate);
	setup_frame(&w->reverse, c.rate);
	return w;
}

extern "C" int wap_process(wap *w, int16_t *capture, const int16_t *ref) {
	size_t n = w->capture.samples_per_channel_;
	if (w->aec && ref != NULL) {
		memcpy(w->reverse.data_, ref, n * sizeof(int16_t));
		int e = w->apm->ProcessReverseStream(&w->reverse);
		if (e) return e;
	}
	memcpy(w->capture.data_, capture, n * sizeof(int16_t));
	if (w->aec) w->apm->set_stream_delay_ms(w->delay_ms);
	int e = w->apm->ProcessStream(&w->capture);
	memcpy(capture, w->capture.data_, n * sizeof(int16_t));
	return e;
}

extern "C" void wap_free(wap *w) {
	if (w == NULL) return;
	delete w->apm;
	delete w;
}
