package signal

import (
	"regexp"
	"unicode/utf8"
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// MaxUserNameBytes is the longest userName accepted, in bytes.
const MaxUserNameBytes = 256

// ValidID reports whether s is a valid roomId or userId.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// CheckIdentity validates a join's room, user id and user name and returns
// the protocol error for the first that is wrong.
func CheckIdentity(room, userID, userName string) *Error {
	if !ValidID(room) {
		return Errorf(CodeInvalidRoomID, "room id %q must be 1-64 characters of A-Z, a-z, 0-9, _ or -", clip(room))
	}
	if !ValidID(userID) {
		return Errorf(CodeInvalidUserID, "user id %q must be 1-64 characters of A-Z, a-z, 0-9, _ or -", clip(userID))
	}
	if !utf8.ValidString(userName) || len(userName) > MaxUserNameBytes {
		return Errorf(CodeInvalidUserName, "user name must be UTF-8 of at most %d bytes", MaxUserNameBytes)
	}
	return nil
}

// clip shortens s for an error message so a huge value is not echoed back.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
