package tui

import (
	"fmt"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// maxErrors is how many error lines the view keeps: the newest matter, and
// the participant list needs the room.
const maxErrors = 2

// notices are the lines that tell the user something is wrong: a missing
// device (until it comes back) and the last errors.
type notices struct {
	mic     string
	speaker string
	// ended says why the server ended the session, once it has.
	ended  string
	errors []string
}

// device records a media-device event: a problem sets the notice for that
// kind of device, a device without a problem clears it.
func (n *notices) device(ev call.MediaDevice) {
	var text string
	switch ev.Kind {
	case "recording":
		if ev.Problem != "" {
			code := orCode(ev.Code, signal.CodeNoAudioInput)
			text = "No microphone" + codeSuffix(code) + ": receive-only. " + endSentence(upperFirst(sanitize(ev.Problem))) + " " + errorHint(code)
		}
		n.mic = text
	case "playback":
		if ev.Problem != "" {
			code := orCode(ev.Code, signal.CodeNoAudioOutput)
			text = "No speaker" + codeSuffix(code) + ": you will not hear the call. " + endSentence(upperFirst(sanitize(ev.Problem))) + " " + errorHint(code)
		}
		n.speaker = text
	}
}

// orCode is code, or def when the event carried none: every problem on
// screen has a code.
func orCode(code, def int) int {
	if code == 0 {
		return def
	}
	return code
}

// error records an error event as its sentence with code and what to do,
// keeping the newest maxErrors and dropping a repeat of the newest so a
// retry loop does not fill the screen.
func (n *notices) error(ev call.Error) {
	text := errorSentence(ev.Code, ev.Message)
	if k := len(n.errors); k > 0 && n.errors[k-1] == text {
		return
	}
	n.errors = append(n.errors, text)
	if len(n.errors) > maxErrors {
		n.errors = n.errors[len(n.errors)-maxErrors:]
	}
}

// warnings returns the device notices, which stay until fixed.
func (n *notices) warnings() []string {
	var out []string
	for _, s := range []string{n.ended, n.mic, n.speaker} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// codeSuffix renders " (code N)", or nothing for code 0.
func codeSuffix(code int) string {
	if code == 0 {
		return ""
	}
	return fmt.Sprintf(" (code %d)", code)
}

// deviceChangedText is the log line for a plugged or unplugged device.
func deviceChangedText(ev call.DeviceChanged) string {
	what := "microphone"
	if ev.Kind == "playback" {
		what = "speaker"
	}
	name := sanitize(ev.DeviceName)
	if name == "" {
		name = sanitize(ev.DeviceID)
	}
	if ev.Action == "REMOVE" {
		return what + " unplugged: " + name
	}
	return what + " plugged in: " + name
}
