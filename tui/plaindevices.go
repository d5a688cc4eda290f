package tui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/confab-rtc/confab/call"
)

// device speaks the device a call uses, a switch, or why there is none.
func (v *plainView) device(ev call.MediaDevice) []string {
	what, key := "Microphone", "i"
	if ev.Kind == "playback" {
		what, key = "Speaker", "o"
	}
	name := sanitize(ev.DeviceName)
	if name == "" {
		name = sanitize(ev.DeviceID)
	}
	if ev.Problem != "" {
		if ev.Code == 0 {
			// Not an error: the user chose no device.
			return say(what + " off: " + sanitize(ev.Problem) + ". Press " + key + " to choose one.")
		}
		return say(errorSentence(ev.Code, ev.Problem))
	}
	if ev.Kind == "playback" {
		v.speakerName = name
	} else {
		v.micName = name
	}
	switch ev.Reason {
	case "":
		return say(what + ": " + name + ".")
	case "fallback":
		return say(what + " switched to " + name + ", because the one in use is gone.")
	case "restored":
		return say(what + " " + name + " is back in use.")
	case "default-changed":
		return say(what + " switched to " + name + ", the new system default.")
	}
	return say(what + " switched to " + name + ".")
}

// deviceChangedSentence speaks a plugged or unplugged device, in the
// event log's words.
func deviceChangedSentence(ev call.DeviceChanged) string {
	return upperFirst(deviceChangedText(ev)) + "."
}

// upperFirst capitalises the first letter, to start a sentence.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst lowers the first letter, to continue a sentence after a
// colon.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// endSentence adds a full stop unless s already ends a sentence (a name
// such as "Ada L." must not get two).
func endSentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}
