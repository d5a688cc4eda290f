package signal

import "fmt"

// Error codes. Where a seed SDK has a code for the condition, confab reuses
// its number (DESIGN.md §2); confab's own codes live in 9100xxxx.
const (
	// CodeMalformed: the frame is not a JSON object of the protocol.
	CodeMalformed = 91000001
	// CodeUnknownType: the message type is not one this server knows.
	CodeUnknownType = 91000002
	// CodeBadRequest: a field is missing or has a wrong value.
	CodeBadRequest = 91000003
	// CodeNotJoined: the request needs a joined session.
	CodeNotJoined = 91000004
	// CodeAlreadyJoined: a second join on the same connection.
	CodeAlreadyJoined = 91000005
	// CodeVersion: the client speaks another protocol version.
	CodeVersion = 91000006
	// CodeTooLarge: the frame exceeds the server's message size limit.
	CodeTooLarge = 91000007
	// CodeInvalidUserID: the userId does not match [A-Za-z0-9_-]{1,64}.
	CodeInvalidUserID = 91000008
	// CodeInvalidRoomID: the roomId does not match [A-Za-z0-9_-]{1,64}.
	CodeInvalidRoomID = 91000009
	// CodeInvalidUserName: the userName is not UTF-8 or longer than 256 bytes.
	CodeInvalidUserName = 91000010
	// CodeNegotiation: an offer or answer could not be applied.
	CodeNegotiation = 91000011
	// CodeInternal: the server failed in a way the client cannot fix.
	CodeInternal = 91000012

	// CodeAuthFailed: the signature does not match (SparkRTC 90100004-like
	// authentication failure).
	CodeAuthFailed = 90100004
	// CodeSignatureExpired: ctime is in the past (SparkRTC signature expired).
	CodeSignatureExpired = 90100005
	// CodeCTimeTooFar: ctime is more than 12 h ahead.
	CodeCTimeTooFar = 90100006
	// CodeUnknownApp: the appId is not configured on this server.
	CodeUnknownApp = 90100007
	// CodeRequestTooFrequent: the connection sends requests too fast.
	CodeRequestTooFrequent = 90100108
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
