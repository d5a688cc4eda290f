package tui

import (
	"fmt"

	"github.com/confab-rtc/confab/call"
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
			text = "No microphone" + codeSuffix(ev.Code) + ": receive-only. " + sanitize(ev.Problem)
		}
		n.mic = text
	case "playback":
		if ev.Problem != "" {
			text = "No speaker" + codeSuffix(ev.Code) + ": you will not hear the call. " + sanitize(ev.Problem)
		}
		n.speaker = text
	}
}

// error records an error event, keeping the newest maxErrors and dropping a
// repeat of the newest so a retry loop does not fill the screen.
func (n *notices) error(ev call.Error) {
	text := fmt.Sprintf("error %d: %s", ev.Code, sanitize(ev.Message))
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
