package devices

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/signal"
)

// Statuses of a device check, in the Verdict's Status field. Scripts read
// them from `confab devices test --json`.
const (
	// StatusOK: the device works.
	StatusOK = "ok"
	// StatusSkipped: the device was not tested (--mic none, --speaker none).
	StatusSkipped = "skipped"
	// StatusNoAudioSystem: no audio backend could be reached at all.
	StatusNoAudioSystem = "no-audio-system"
	// StatusNotFound: no device has the requested id.
	StatusNotFound = "not-found"
	// StatusOpenFailed: the device exists but could not be opened or started.
	StatusOpenFailed = "open-failed"
	// StatusStalled: the device opened but delivered no callbacks for
	// CheckConfig.StallAfter, which is how a gone or wedged device looks
	// with PulseAudio (DESIGN §5).
	StatusStalled = "stalled"
	// StatusSilent: the microphone delivered audio, but nothing above the
	// silence threshold.
	StatusSilent = "silent"
	// StatusClipping: the microphone is so loud that samples hit full scale.
	StatusClipping = "clipping"
	// StatusUnderruns: the speaker ran out of audio to play during the tone.
	StatusUnderruns = "underruns"
)

// CheckConfig holds the thresholds a device check judges by. The zero
// value is not useful; start from DefaultCheckConfig.
type CheckConfig struct {
	// Duration is how long the microphone is listened to and the test tone
	// played.
	Duration time.Duration
	// StallAfter is how long a started device may go without a callback
	// before it counts as stalled (issue 4: a second).
	StallAfter time.Duration
	// SilentLevel is the peak 0-100 level (audio.Level100) below which a
	// microphone counts as silent: 10 is -54 dBov, under the noise of an
	// open microphone in a quiet room, far under speech (40-80).
	SilentLevel int
	// ClipFraction is the fraction of samples at full scale above which a
	// microphone counts as clipping: a clean voice has none, a single
	// overloaded syllable already some hundred.
	ClipFraction float64
	// UnderrunFraction is the fraction of the tone the speaker may miss
	// before its playback counts as broken: a few periods while the
	// device starts are normal.
	UnderrunFraction float64
}

// DefaultCheckConfig is what `confab devices test` uses.
func DefaultCheckConfig() CheckConfig {
	return CheckConfig{
		Duration:         5 * time.Second,
		StallAfter:       time.Second,
		SilentLevel:      10,
		ClipFraction:     0.001,
		UnderrunFraction: 0.02,
	}
}

// MicResult is what a microphone check measured.
type MicResult struct {
	// DeviceID is the requested id ("" for the system default).
	DeviceID string
	// DeviceName is the opened device's name ("" when it did not open).
	DeviceName string
	// OpenErr is why the device could not be opened or started; it wraps
	// ErrNoAudioSystem or audio.ErrDeviceNotFound when those are the cause.
	OpenErr error
	// Callbacks is how many times the device delivered audio.
	Callbacks uint64
	// LongestGap is the longest time without a callback while the check
	// ran, counted from Start.
	LongestGap time.Duration
	// Levels is what the audio looked like.
	Levels MicStats
}

// SpeakerResult is what a speaker check measured.
type SpeakerResult struct {
	// DeviceID is the requested id ("" for the system default).
	DeviceID string
	// DeviceName is the opened device's name ("" when it did not open).
	DeviceName string
	// OpenErr is why the device could not be opened or started.
	OpenErr error
	// Callbacks is how many times the device asked for audio.
	Callbacks uint64
	// LongestGap is the longest time without a callback while the tone
	// played, counted from Start.
	LongestGap time.Duration
	// Played is the number of tone samples handed to the device.
	Played int
	// Underruns is the number of samples the device played as silence
	// because the tone was not there in time.
	Underruns int
}

// Verdict is the outcome of checking one device, for a person (Problem,
// Advice) and for scripts (Status, Code and the measurements).
type Verdict struct {
	// Kind is KindRecording or KindPlayback.
	Kind string `json:"kind"`
	// DeviceID is the requested id, "" for the system default.
	DeviceID string `json:"deviceId"`
	// DeviceName is the device's name when it opened.
	DeviceName string `json:"deviceName,omitempty"`
	// Status is one of the Status constants.
	Status string `json:"status"`
	// Code is the signal error code of a device that could not be used
	// (the seed SDKs' 9010xxxx device codes); 0 when none applies.
	Code int `json:"code,omitempty"`
	// Problem says what is wrong, Advice what to do about it; both are
	// empty when the device is fine.
	Problem string `json:"problem,omitempty"`
	Advice  string `json:"advice,omitempty"`
	// Callbacks is how many callbacks the device made.
	Callbacks uint64 `json:"callbacks"`
	// Mic holds the microphone's levels, Speaker the tone's playback;
	// each is set only for its kind of device once it opened.
	Mic     *MicStats     `json:"mic,omitempty"`
	Speaker *SpeakerStats `json:"speaker,omitempty"`
}

// SpeakerStats is the measured part of a speaker's Verdict.
type SpeakerStats struct {
	// PlayedMs is how much of the test tone was handed to the device.
	PlayedMs int `json:"playedMs"`
	// UnderrunMs is how much silence the device played for lack of tone.
	UnderrunMs int `json:"underrunMs"`
}

// Failed reports whether the device is unusable or needs attention; a
// skipped device has not failed.
func (v Verdict) Failed() bool { return v.Status != StatusOK && v.Status != StatusSkipped }

// Skipped is the verdict for a device the user chose not to test.
func Skipped(kind string) Verdict {
	return Verdict{Kind: kind, DeviceID: "none", Status: StatusSkipped}
}

// MicVerdict judges a microphone check. The order matters: a device that
// did not open says nothing about levels, one that stalled says nothing
// reliable about silence, and clipping is only worth a word once sound
// arrives.
func MicVerdict(cfg CheckConfig, r MicResult) Verdict {
	v := Verdict{Kind: KindRecording, DeviceID: r.DeviceID, DeviceName: r.DeviceName, Status: StatusOK, Callbacks: r.Callbacks}
	who := describe("microphone", r.DeviceID, r.DeviceName)
	if r.OpenErr != nil {
		return openFailure(v, who, r.OpenErr, "--mic")
	}
	levels := r.Levels
	v.Mic = &levels
	switch {
	case r.Callbacks == 0 || r.LongestGap >= cfg.StallAfter:
		v.Status, v.Code = StatusStalled, signal.CodeCaptureDeviceBusy
		v.Problem = stallProblem(who, "delivered audio", "delivering audio", r.Callbacks, r.LongestGap)
		v.Advice = "Unplug and re-plug it, check that no other program holds it, or choose another with --mic (see 'confab devices')."
	case levels.PeakLevel < cfg.SilentLevel:
		v.Status = StatusSilent
		v.Problem = fmt.Sprintf("No sound reached the %s (peak level %d of 100): is it muted or the wrong one?", who, levels.PeakLevel)
		v.Advice = "Speak during the test; unmute it (e.g. pavucontrol, alsamixer, a switch on the headset) or choose another with --mic (see 'confab devices')."
	case levels.Samples > 0 && float64(levels.Clipped) > cfg.ClipFraction*float64(levels.Samples):
		v.Status = StatusClipping
		v.Problem = fmt.Sprintf("The %s is too loud: %.1f%% of the samples hit full scale, which sounds distorted to others.", who, 100*float64(levels.Clipped)/float64(levels.Samples))
		v.Advice = "Lower its input volume (e.g. pavucontrol, alsamixer) or move it further from your mouth."
	}
	return v
}

// SpeakerVerdict judges a speaker check. A speaker cannot tell whether
// anyone heard it: OK means the device took the whole tone in time.
func SpeakerVerdict(cfg CheckConfig, r SpeakerResult) Verdict {
	v := Verdict{Kind: KindPlayback, DeviceID: r.DeviceID, DeviceName: r.DeviceName, Status: StatusOK, Callbacks: r.Callbacks}
	who := describe("speaker", r.DeviceID, r.DeviceName)
	if r.OpenErr != nil {
		v = openFailure(v, who, r.OpenErr, "--speaker")
		v.Code = signal.CodeNoAudioOutput // the seeds have one code for every output failure
		return v
	}
	v.Speaker = &SpeakerStats{PlayedMs: samplesToMs(r.Played), UnderrunMs: samplesToMs(r.Underruns)}
	switch {
	case r.Callbacks == 0 || r.LongestGap >= cfg.StallAfter:
		v.Status, v.Code = StatusStalled, signal.CodeNoAudioOutput
		v.Problem = stallProblem(who, "started playing", "playing", r.Callbacks, r.LongestGap)
		v.Advice = "Unplug and re-plug it, or choose another with --speaker (see 'confab devices')."
	case r.Played > 0 && float64(r.Underruns) > cfg.UnderrunFraction*float64(r.Played):
		v.Status = StatusUnderruns
		v.Problem = fmt.Sprintf("The %s ran dry for %d ms of the %d ms test tone although 100 ms were queued: calls would sound choppy.", who, v.Speaker.UnderrunMs, v.Speaker.PlayedMs)
		v.Advice = "Close programs that load the machine, or try another output with --speaker."
	}
	return v
}

// openFailure fills in the verdict of a device that could not be opened,
// with the seed SDKs' code for the cause.
func openFailure(v Verdict, who string, err error, flag string) Verdict {
	switch {
	case errors.Is(err, ErrNoAudioSystem):
		v.Status, v.Code = StatusNoAudioSystem, signal.CodeNoAudioInput
		v.Problem = fmt.Sprintf("There is no audio system to open the %s with (%v).", who, err)
		v.Advice = "Check that PulseAudio or PipeWire runs (pactl info)."
	case errors.Is(err, ErrNoneConnected):
		v.Status, v.Code = StatusNotFound, signal.CodeNoAudioInput
		v.Problem = fmt.Sprintf("The system lists no %s.", strings.TrimPrefix(who, "default "))
		v.Advice = "Plug one in, and check that PulseAudio or PipeWire sees it (pactl list short sources, sinks)."
	case errors.Is(err, audio.ErrDeviceNotFound):
		v.Status, v.Code = StatusNotFound, signal.CodeCaptureDeviceNotFound
		v.Problem = fmt.Sprintf("There is no %s.", who)
		v.Advice = fmt.Sprintf("Check that it is plugged in, or choose one from 'confab devices' with %s.", flag)
	default:
		v.Status, v.Code = StatusOpenFailed, signal.CodeCaptureDeviceBusy
		v.Problem = fmt.Sprintf("Could not open the %s (%v).", who, err)
		v.Advice = fmt.Sprintf("Check that no other program holds it exclusively, or choose another with %s (see 'confab devices').", flag)
	}
	return v
}

// stallProblem says how a device stalled: it never started (never
// "delivered audio") or stopped (stopped "delivering audio") for gap.
func stallProblem(who, never, stopped string, callbacks uint64, gap time.Duration) string {
	if callbacks == 0 {
		return fmt.Sprintf("The %s opened but never %s.", who, never)
	}
	return fmt.Sprintf("The %s stopped %s for %.1f s.", who, stopped, gap.Seconds())
}

// describe names a device in a sentence: `microphone "Virtual_Mic"`, or
// by id when it did not open, or "default microphone".
func describe(what, id, name string) string {
	switch {
	case name != "":
		return fmt.Sprintf("%s %q", what, name)
	case id != "":
		return fmt.Sprintf("%s %q", what, id)
	}
	return "default " + what
}

func samplesToMs(n int) int { return n * 1000 / audio.SampleRate }
