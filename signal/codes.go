package signal

import "fmt"

// Error codes. Where a seed SDK has a code for the condition, confab reuses
// its number and meaning (DESIGN.md §2): SparkRTC's client codes (9010xxxx),
// SparkRTC's server codes (RTC.31000004 as 31000004), anyRTC's token codes
// (10005). confab's own codes, for conditions no seed names, are 9100xxxx.
const (
	// CodeMalformed: the frame is not a JSON object of the protocol.
	CodeMalformed = 91000001
	// CodeUnknownType: the message type is not one this server knows.
	CodeUnknownType = 91000002
	// CodeNotJoined: the request needs a joined session.
	CodeNotJoined = 91000004
	// CodeTooLarge: the frame exceeds the server's message size limit.
	CodeTooLarge = 91000007
	// CodeInvalidUserID: the userId does not match [A-Za-z0-9_-]{1,64}.
	CodeInvalidUserID = 91000008
	// CodeInvalidRoomID: the roomId does not match [A-Za-z0-9_-]{1,64}.
	CodeInvalidRoomID = 91000009
	// CodeInvalidUserName: the userName is not UTF-8 or longer than 256 bytes.
	CodeInvalidUserName = 91000010
	// CodeCTimeTooFar: ctime is more than MaxSignatureTTL ahead.
	CodeCTimeTooFar = 91000013
	// CodeUnknownApp: the appId is not configured on this server.
	CodeUnknownApp = 91000014
	// CodeServerLost: the server stopped answering (client side).
	CodeServerLost = 91000015
	// CodeTooManyRooms: the server holds its maximum number of rooms and
	// the join would create another (no seed names this; SparkRTC's
	// 90100217 is about users in a room).
	CodeTooManyRooms = 91000020
	// CodeTLSUntrusted: the server's TLS certificate is not trusted (an
	// unknown authority, a wrong host name, expired), client side.
	CodeTLSUntrusted = 91000030
	// CodeTLSPinMismatch: the server's TLS certificate is not the one
	// whose fingerprint the client pinned, client side.
	CodeTLSPinMismatch = 91000031

	// CodeBadRequest: a field is missing or has a wrong value (SparkRTC
	// RTC_ERR_CODE_INVALID_CTRL_PARAMETER).
	CodeBadRequest = 90100201
	// CodeAlreadyJoined: a second join on the same connection (SparkRTC
	// RTC_ERR_CODE_ALREADY_JOINED).
	CodeAlreadyJoined = 90100204
	// CodeVersion: the client speaks another protocol version (SparkRTC
	// RTC_ERR_CODE_VERSION_NOT_COMPATIBLE).
	CodeVersion = 90100240
	// CodeNegotiation: an offer or answer could not be applied (SparkRTC
	// RTC_ERR_CODE_ANSWER_SDP_INVALID).
	CodeNegotiation = 90100023
	// CodeRoleNoPermission: the user's role may not do this, e.g. a player
	// publishing (SparkRTC RTC_ERR_CODE_ROLE_NO_PERMISSION).
	CodeRoleNoPermission = 90100022
	// CodeInternal: the server failed in a way the client cannot fix
	// (SparkRTC RTC_ERR_CODE_INTERNAL_ERROR).
	CodeInternal = 90100199
	// CodeRequestTooFrequent: the connection sends requests too fast
	// (SparkRTC RTC_ERR_CODE_REQUEST_FREQUENTLY).
	CodeRequestTooFrequent = 90100108
	// CodeWebsocketConnect: the client could not connect to the server
	// (SparkRTC RTC_ERR_CODE_WEBSOCKET_CONNECT_ERROR).
	CodeWebsocketConnect = 90100016
	// CodeNoAudioInput: no microphone is available (SparkRTC
	// RTC_ERR_CODE_NO_AVAILABLE_AUDIO_INPUT_DEVICES).
	CodeNoAudioInput = 90100005
	// CodeNoAudioOutput: no speaker is available (SparkRTC
	// RTC_ERR_CODE_NO_AVAILABLE_AUDIO_OUTPUT_DEVICES).
	CodeNoAudioOutput = 90100006
	// CodeCaptureDeviceNotFound: the requested capture device does not
	// exist (SparkRTC RTC_ERR_CODE_CAPTURE_DEVICE_NOT_FOUND).
	CodeCaptureDeviceNotFound = 90100019
	// CodeCaptureDeviceBusy: the capture device could not be opened
	// (SparkRTC RTC_ERR_CODE_CAPTURE_DEVICE_NOT_READABLE).
	CodeCaptureDeviceBusy = 90100020

	// CodeAuthFailed: the signature does not match (SparkRTC server code
	// RTC.31000004, authentication failed).
	CodeAuthFailed = 31000004
	// CodeSignatureExpired: ctime has passed (anyRTC 10005, token expired).
	CodeSignatureExpired = 10005
	// CodeRoomFull: the room has reached its participant limit.
	CodeRoomFull = 34000001
)

// Error is a protocol error: a code and a sentence for a person. It is what
// a TypeError message carries and what the client returns for one.
type Error struct {
	Code    int
	Message string
}

// Error formats the error with its code, as shown to users and in logs.
func (e *Error) Error() string { return fmt.Sprintf("%s (code %d)", e.Message, e.Code) }

// Errorf makes an Error with a formatted message.
func Errorf(code int, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorMessage makes the TypeError reply to the request with the given ID.
func ErrorMessage(id string, e *Error) Message {
	return Message{Type: TypeError, ID: id, Code: e.Code, Message: e.Message}
}
