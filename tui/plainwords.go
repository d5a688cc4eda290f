package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// The sentences of plain mode that do not depend on the call's state: each
// is complete, starts with the words that matter most, and avoids symbols
// a screen reader would spell out.

// leaveReasonSentence says why a participant left, to follow "Ada left: ".
// The wording avoids gendered pronouns.
func leaveReasonSentence(reason int) string {
	switch reason {
	case signal.ReasonServerException:
		return "the server had a problem"
	case signal.ReasonSFUFault:
		return "the media server failed"
	case signal.ReasonServiceUnavailable:
		return "the service became unavailable"
	case signal.ReasonInternalError:
		return "an internal error ended their session"
	case signal.ReasonBanned:
		return "they were banned, or joined again from another device"
	case signal.ReasonSignatureExpired:
		return "their access signature expired"
	case signal.ReasonReconnectTimeout:
		return "the connection timed out"
	case signal.ReasonNetworkCheck:
		return "their connection stopped responding"
	case signal.ReasonRemoved:
		return "an administrator removed them"
	case signal.ReasonRoomDismissed:
		return "the room was dismissed"
	}
	return fmt.Sprintf("for an unknown reason, number %d", reason)
}

// qualityBand groups the 0-6 network quality scale into what a listener
// notices: 0 unknown (never announced), 1 fine (excellent or good), 2 poor
// (poor or bad), 3 very poor, 4 down. Plain mode speaks only a change of
// band, so a score moving between excellent and good stays silent.
func qualityBand(score int) int {
	switch score {
	case signal.QualityExcellent, signal.QualityGood:
		return 1
	case signal.QualityPoor, signal.QualityBad:
		return 2
	case signal.QualityVeryBad:
		return 3
	case signal.QualityDown:
		return 4
	}
	return 0
}

// bandWords is a band as the end of "network is ...".
func bandWords(band int) string {
	switch band {
	case 1:
		return "good"
	case 2:
		return "poor"
	case 3:
		return "very poor"
	case 4:
		return "down"
	}
	return "not measured yet"
}

// spokenDuration says a duration the way a person would: "3 minutes and 12
// seconds", "1 hour and 5 minutes", "40 seconds".
func spokenDuration(d time.Duration) string {
	s := int(d / time.Second)
	h, m, sec := s/3600, s/60%60, s%60
	var parts []string
	if h > 0 {
		parts = append(parts, plural(h, "hour"))
	}
	if m > 0 {
		parts = append(parts, plural(m, "minute"))
	}
	if h == 0 && (sec > 0 || m == 0) {
		parts = append(parts, plural(sec, "second"))
	}
	return strings.Join(parts, " and ")
}

// plural renders "1 minute" or "3 minutes".
func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// errorHint is what to do about an error, by code: every error the user
// sees says what to do next. The keys named work in both interfaces.
func errorHint(code int) string {
	switch code {
	case signal.CodeNoAudioInput, signal.CodeCaptureDeviceNotFound, signal.CodeCaptureDeviceBusy:
		return "Plug in a microphone, or press i to try the next one."
	case signal.CodeNoAudioOutput:
		return "Plug in a speaker or headphones, or press o to try the next one."
	case signal.CodeWebsocketConnect, signal.CodeServerLost:
		return "Check the server address and your network, then join again."
	case signal.CodeAuthFailed, signal.CodeUnknownApp:
		return "Ask whoever runs the server for fresh credentials."
	case signal.CodeSignatureExpired, signal.CodeCTimeTooFar:
		return "Ask for a fresh signature with confab token and join again."
	case signal.CodeRoomFull:
		return "Try again later or join another room."
	case signal.CodeBadRequest:
		return "Press h or ? for the keys." // h in plain mode, ? in the call view
	case signal.CodeRequestTooFrequent:
		return "Wait a few seconds before trying again."
	case signal.CodeRoleNoPermission:
		return "Join as a joiner (--role joiner) to speak."
	case signal.CodeInvalidUserName:
		return "Choose a shorter name: at most 256 bytes."
	case signal.CodeInvalidUserID, signal.CodeInvalidRoomID:
		return "Use 1 to 64 letters, digits, - or _ and join again."
	case signal.CodeTooManyRooms:
		return "Join one of the existing rooms, or ask whoever runs the server to allow more."
	case signal.CodeBanned:
		return "Ask an administrator of the room to lift the ban."
	case signal.CodeNotJoined, signal.CodeAlreadyJoined, signal.CodeNegotiation:
		return "Leave with q and join again."
	case signal.CodeMalformed, signal.CodeUnknownType, signal.CodeTooLarge, signal.CodeVersion:
		return "Use the same confab version as the server."
	case signal.CodeInternal:
		return "Join again; if it keeps happening, report it with the log file."
	}
	return "Leave with q and join again; if it keeps happening, report it with the log file."
}

// errorSentence renders an error as plain mode speaks it: the code first,
// then the message, then what to do when the message does not say it.
func errorSentence(code int, message string) string {
	msg := strings.TrimSpace(sanitize(message))
	if msg != "" {
		msg = endSentence(upperFirst(msg))
	}
	text := fmt.Sprintf("Error %d: %s", code, msg)
	// A message of more than one sentence already says what to do.
	if hint := errorHint(code); hint != "" && !strings.Contains(strings.TrimSuffix(msg, "."), ". ") {
		text += " " + hint
	}
	return strings.TrimSpace(text)
}
