package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/signal"
)

// allCodes is every error code package signal defines.
var allCodes = []int{
	signal.CodeMalformed, signal.CodeUnknownType, signal.CodeNotJoined, signal.CodeTooLarge,
	signal.CodeInvalidUserID, signal.CodeInvalidRoomID, signal.CodeInvalidUserName, signal.CodeCTimeTooFar,
	signal.CodeUnknownApp, signal.CodeServerLost, signal.CodeTooManyRooms, signal.CodeBadRequest,
	signal.CodeAlreadyJoined, signal.CodeVersion, signal.CodeNegotiation, signal.CodeRoleNoPermission,
	signal.CodeInternal, signal.CodeRequestTooFrequent, signal.CodeWebsocketConnect, signal.CodeNoAudioInput,
	signal.CodeNoAudioOutput, signal.CodeCaptureDeviceNotFound, signal.CodeCaptureDeviceBusy,
	signal.CodeAuthFailed, signal.CodeSignatureExpired, signal.CodeRoomFull, signal.CodeBanned,
}

// TestEveryErrorSaysWhatToDo: an error event of any code, known or not,
// shows on the call screen and in the log with its code and a sentence of
// what to do after the message.
func TestEveryErrorSaysWhatToDo(t *testing.T) {
	for _, code := range append(allCodes, 424242) {
		m, _, _ := newTestModel(200, 60, true)
		m = send(t, m, call.Error{Code: code, Message: "the thing failed"})
		want := fmt.Sprintf("Error %d: The thing failed. ", code)
		text := strings.Join(screen(m), "\n")
		if n := strings.Count(text, want); n != 2 {
			t.Errorf("code %d: %q shown %d times (want notice and log):\n%s", code, want, n, text)
			continue
		}
		hint := errorHint(code)
		if hint == "" || !strings.HasSuffix(hint, ".") || !strings.Contains(text, want+hint) {
			t.Errorf("code %d: no what-to-do sentence after the message (hint %q)", code, hint)
		}
	}
}

// TestDeviceNoticesHaveCodes: a device problem without a code from the
// device layer still shows the seed's code and what to do.
func TestDeviceNoticesHaveCodes(t *testing.T) {
	m, _, _ := newTestModel(200, 60, true)
	m = send(t, m,
		call.MediaDevice{Kind: "recording", Problem: "device gone"},
		call.MediaDevice{Kind: "playback", Problem: "device gone"})
	for _, want := range []string{
		fmt.Sprintf("No microphone (code %d): receive-only. Device gone. %s", signal.CodeNoAudioInput, errorHint(signal.CodeNoAudioInput)),
		fmt.Sprintf("No speaker (code %d): you will not hear the call. Device gone. %s", signal.CodeNoAudioOutput, errorHint(signal.CodeNoAudioOutput)),
	} {
		if !containsLine(screen(m), want) {
			t.Errorf("screen lacks %q:\n%s", want, strings.Join(screen(m), "\n"))
		}
	}
}
