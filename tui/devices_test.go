package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/confab-rtc/confab/call"
)

// TestDeviceKeysAndEvents: i and o ask the engine for the next microphone
// and speaker; the switches, hot-plugs and a lost microphone that follow
// show up as the user would want to read them.
func TestDeviceKeysAndEvents(t *testing.T) {
	m, f, _ := newTestModel(100, 30, true)
	m = send(t, m, call.StreamAdded{UserID: "alice", Kind: "audio"}, call.MediaDevice{Kind: "recording", DeviceID: "virtual_mic", DeviceName: "Virtual Mic"})
	m, _ = update(t, m, keyPress("i"))
	m, _ = update(t, m, keyPress("o"))
	m, _ = update(t, m, keyPress("i"))
	if want := []string{"mic", "speaker", "mic"}; !slices.Equal(f.cycles, want) {
		t.Errorf("cycles %v, want %v", f.cycles, want)
	}
	m = send(t, m,
		call.DeviceChanged{Kind: "playback", DeviceID: "usb_headset", DeviceName: "USB Headset", Action: "ADD"},
		call.MediaDevice{Kind: "playback", DeviceID: "usb_headset", DeviceName: "USB Headset", Reason: "user"},
		call.DeviceChanged{Kind: "playback", DeviceID: "usb_headset", DeviceName: "USB Headset", Action: "REMOVE"},
		call.MediaDevice{Kind: "playback", DeviceID: "spk_a", DeviceName: "Speaker A", Reason: "fallback"},
		call.MediaDevice{Kind: "recording", DeviceID: "mic2", DeviceName: "Second Mic", Reason: "user"},
	)
	lines := screen(m)
	for _, want := range []string{
		"Speaker plugged in: USB Headset.",
		"Speaker switched to USB Headset.",
		"Speaker unplugged: USB Headset.",
		"Speaker switched to Speaker A, because the one in use is gone.",
		"Microphone switched to Second Mic.",
		"Your audio: sending · Second Mic",
	} {
		if !containsLine(lines, want) {
			t.Errorf("screen lacks %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	// The start devices are not logged as switches.
	if containsLine(lines, "microphone: Virtual Mic") {
		t.Errorf("the start microphone was logged as a switch:\n%s", strings.Join(lines, "\n"))
	}

	m = send(t, m,
		call.TrackEnded{Kind: "audio"},
		call.MediaDevice{Kind: "recording", Code: 90100005, Problem: "No microphone is connected."},
	)
	lines = screen(m)
	for _, want := range []string{"Microphone lost: the call sends silence until a microphone is plugged in.", "No microphone (code 90100005)"} {
		if !containsLine(lines, want) {
			t.Errorf("screen lacks %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	m = send(t, m, call.MediaDevice{Kind: "recording", DeviceID: "mic2", DeviceName: "Second Mic", Reason: "restored"})
	lines = screen(m)
	if containsLine(lines, "! No microphone") || !containsLine(lines, "Microphone Second Mic is back in use.") {
		t.Errorf("a microphone came back, but:\n%s", strings.Join(lines, "\n"))
	}
}
