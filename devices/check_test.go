package devices

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/signal"
)

func TestMicVerdict(t *testing.T) {
	cfg := DefaultCheckConfig()
	speech := MicStats{Samples: 5 * audio.SampleRate, PeakLevel: 72, PeakDBFS: -6}
	tests := []struct {
		name       string
		r          MicResult
		status     string
		code       int
		problemHas string
	}{
		{"speech is ok", MicResult{DeviceName: "Virtual_Mic", Callbacks: 500, LongestGap: 30 * time.Millisecond, Levels: speech},
			StatusOK, 0, ""},
		{"no audio system", MicResult{OpenErr: fmt.Errorf("%w: no backend", ErrNoAudioSystem)},
			StatusNoAudioSystem, signal.CodeNoAudioInput, "no audio system"},
		{"no microphone at all", MicResult{OpenErr: fmt.Errorf("%w: no capture device", ErrNoneConnected)},
			StatusNotFound, signal.CodeNoAudioInput, "The system lists no microphone."},
		{"unknown id", MicResult{DeviceID: "bogus", OpenErr: fmt.Errorf("open: %w", audio.ErrDeviceNotFound)},
			StatusNotFound, signal.CodeCaptureDeviceNotFound, `microphone "bogus"`},
		{"open fails", MicResult{DeviceID: "hw1", OpenErr: errors.New("device busy")},
			StatusOpenFailed, signal.CodeCaptureDeviceBusy, "device busy"},
		{"never called back", MicResult{DeviceName: "USB", Callbacks: 0, LongestGap: time.Second},
			StatusStalled, signal.CodeCaptureDeviceBusy, "never delivered audio"},
		{"stopped mid-test", MicResult{DeviceName: "USB", Callbacks: 90, LongestGap: 1200 * time.Millisecond, Levels: speech},
			StatusStalled, signal.CodeCaptureDeviceBusy, "stopped delivering audio for 1.2 s"},
		{"a gap under the stall limit is fine", MicResult{DeviceName: "USB", Callbacks: 400, LongestGap: 900 * time.Millisecond, Levels: speech},
			StatusOK, 0, ""},
		{"digital silence", MicResult{DeviceName: "Virtual_Mic", Callbacks: 500, Levels: MicStats{Samples: 240000, PeakDBFS: silentDBFS}},
			StatusSilent, 0, "is it muted or the wrong one?"},
		{"noise floor only", MicResult{DeviceName: "Virtual_Mic", Callbacks: 500, Levels: MicStats{Samples: 240000, PeakLevel: 9}},
			StatusSilent, 0, "peak level 9 of 100"},
		{"quiet speech passes", MicResult{Callbacks: 500, Levels: MicStats{Samples: 240000, PeakLevel: 10}},
			StatusOK, 0, ""},
		{"clipping", MicResult{DeviceName: "Virtual_Mic", Callbacks: 500, Levels: MicStats{Samples: 240000, PeakLevel: 100, Clipped: 2400}},
			StatusClipping, 0, "1.0% of the samples hit full scale"},
		{"a few clipped samples pass", MicResult{Callbacks: 500, Levels: MicStats{Samples: 240000, PeakLevel: 95, Clipped: 240}},
			StatusOK, 0, ""},
		{"silence wins over clipping", MicResult{Callbacks: 500, Levels: MicStats{Samples: 240000, PeakLevel: 0, Clipped: 0}},
			StatusSilent, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := MicVerdict(cfg, tt.r)
			if v.Status != tt.status || v.Code != tt.code || v.Kind != KindRecording {
				t.Fatalf("verdict %+v: want status %s code %d", v, tt.status, tt.code)
			}
			if v.Failed() != (tt.status != StatusOK) {
				t.Errorf("Failed() = %v for %s", v.Failed(), v.Status)
			}
			if !strings.Contains(v.Problem, tt.problemHas) {
				t.Errorf("problem %q lacks %q", v.Problem, tt.problemHas)
			}
			if v.Failed() && (v.Problem == "" || v.Advice == "") {
				t.Errorf("a failed verdict must say what is wrong and what to do: %+v", v)
			}
			if !v.Failed() && (v.Problem != "" || v.Advice != "") {
				t.Errorf("an OK verdict with a problem: %+v", v)
			}
			if (tt.r.OpenErr == nil) != (v.Mic != nil) {
				t.Errorf("levels %v: want them exactly when the device opened", v.Mic)
			}
		})
	}
}

func TestSpeakerVerdict(t *testing.T) {
	cfg := DefaultCheckConfig()
	const fiveSeconds = 5 * audio.SampleRate
	tests := []struct {
		name       string
		r          SpeakerResult
		status     string
		code       int
		problemHas string
	}{
		{"played", SpeakerResult{DeviceName: "Virtual_Speaker_A", Callbacks: 500, Played: fiveSeconds, Underruns: 960}, StatusOK, 0, ""},
		{"no audio system", SpeakerResult{OpenErr: fmt.Errorf("%w: x", ErrNoAudioSystem)}, StatusNoAudioSystem, signal.CodeNoAudioOutput, "default speaker"},
		{"no speaker at all", SpeakerResult{OpenErr: fmt.Errorf("%w", ErrNoneConnected)}, StatusNotFound, signal.CodeNoAudioOutput, "The system lists no speaker."},
		{"unknown id", SpeakerResult{DeviceID: "hdmi", OpenErr: fmt.Errorf("%w", audio.ErrDeviceNotFound)}, StatusNotFound, signal.CodeNoAudioOutput, `speaker "hdmi"`},
		{"open fails", SpeakerResult{OpenErr: errors.New("busy")}, StatusOpenFailed, signal.CodeNoAudioOutput, "busy"},
		{"stalled", SpeakerResult{DeviceName: "USB", Callbacks: 0, Played: 1920, LongestGap: time.Second}, StatusStalled, signal.CodeNoAudioOutput, "never started playing"},
		{"underruns", SpeakerResult{DeviceName: "USB", Callbacks: 500, Played: fiveSeconds, Underruns: 24000}, StatusUnderruns, 0, "ran dry for 500 ms of the 5000 ms test tone although 100 ms were queued"},
		{"2 % of underruns pass", SpeakerResult{Callbacks: 500, Played: fiveSeconds, Underruns: 4800}, StatusOK, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := SpeakerVerdict(cfg, tt.r)
			if v.Status != tt.status || v.Code != tt.code || v.Kind != KindPlayback {
				t.Fatalf("verdict %+v: want status %s code %d", v, tt.status, tt.code)
			}
			if !strings.Contains(v.Problem, tt.problemHas) {
				t.Errorf("problem %q lacks %q", v.Problem, tt.problemHas)
			}
			if v.Failed() != (tt.status != StatusOK) || v.Failed() && v.Advice == "" {
				t.Errorf("verdict %+v: Failed %v", v, v.Failed())
			}
		})
	}
}

func TestCheckReport(t *testing.T) {
	cfg := DefaultCheckConfig()
	ok := MicVerdict(cfg, MicResult{DeviceName: "Virtual_Mic", Callbacks: 100, Levels: MicStats{Samples: 48000, PeakLevel: 78, PeakDBFS: -10.5}})
	silent := MicVerdict(cfg, MicResult{DeviceName: "Virtual_Mic", Callbacks: 100, Levels: MicStats{Samples: 48000}})
	spk := SpeakerVerdict(cfg, SpeakerResult{DeviceName: "Virtual_Speaker_A", Callbacks: 100, Played: 5 * 48000})
	bogus := MicVerdict(cfg, MicResult{DeviceID: "bogus", OpenErr: audio.ErrDeviceNotFound})
	tests := []struct {
		name     string
		mic, spk Verdict
		ok       bool
		text     string
	}{
		{"both ok", ok, spk, true, "" +
			"Microphone  \"Virtual_Mic\": OK (peak level 78 of 100, -10.5 dBFS)\n" +
			"Speaker     \"Virtual_Speaker_A\": OK (played 5.0 s of 440 Hz beeps; did you hear them?)\n"},
		{"nothing tested is ok", Skipped(KindRecording), Skipped(KindPlayback), true, "" +
			"Microphone  not tested\n" +
			"Speaker     not tested\n"},
		{"silent", silent, Skipped(KindPlayback), false, "" +
			"Microphone  \"Virtual_Mic\": FAILED, silent\n" +
			"            No sound reached the microphone \"Virtual_Mic\" (peak level 0 of 100): is it muted or the wrong one?\n" +
			"            What to do: " + silent.Advice + "\n" +
			"Speaker     not tested\n"},
		{"not found", bogus, spk, false, "" +
			"Microphone  \"bogus\": FAILED, not-found (code 90100019)\n" +
			"            There is no microphone \"bogus\".\n" +
			"            What to do: Check that it is plugged in, or choose one from 'confab devices' with --mic.\n" +
			"Speaker     \"Virtual_Speaker_A\": OK (played 5.0 s of 440 Hz beeps; did you hear them?)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewCheckReport(tt.mic, tt.spk)
			if r.OK != tt.ok {
				t.Errorf("OK = %v, want %v", r.OK, tt.ok)
			}
			var b strings.Builder
			if err := r.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.text {
				t.Errorf("text:\n%s\nwant:\n%s", b.String(), tt.text)
			}
		})
	}
	var b strings.Builder
	if err := NewCheckReport(bogus, Skipped(KindPlayback)).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"ok": false`, `"status": "not-found"`, `"code": 90100019`, `"deviceId": "bogus"`, `"status": "skipped"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b.String())
		}
	}
}
