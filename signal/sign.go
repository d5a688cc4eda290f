package signal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// MaxSignatureTTL is how far ahead of now a signature's ctime may lie.
const MaxSignatureTTL = 12 * time.Hour

// Sign computes the access signature of DESIGN.md §2:
// hex(HMAC-SHA256(appKey, appID+"+"+room+"+"+userID+"+"+ctime)), where ctime
// is the signature's expiry in Unix seconds.
func Sign(appKey, appID, room, userID string, ctime int64) string {
	mac := hmac.New(sha256.New, []byte(appKey))
	mac.Write([]byte(appID + "+" + room + "+" + userID + "+" + strconv.FormatInt(ctime, 10)))
	return hex.EncodeToString(mac.Sum(nil))
}

// VerifyAt checks a signature against the app key at time now: it must match
// in constant time, ctime must not have passed and must be at most
// MaxSignatureTTL ahead.
func VerifyAt(now time.Time, appKey, appID, room, userID string, ctime int64, signature string) *Error {
	want := Sign(appKey, appID, room, userID, ctime)
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return Errorf(CodeAuthFailed, "the access signature does not match: ask for a fresh one")
	}
	if ctime <= now.Unix() {
		return Errorf(CodeSignatureExpired, "the access signature expired at %s: ask for a fresh one", time.Unix(ctime, 0).UTC().Format(time.RFC3339))
	}
	if time.Unix(ctime, 0).Sub(now) > MaxSignatureTTL {
		return Errorf(CodeCTimeTooFar, "the access signature's ctime is more than %s ahead", MaxSignatureTTL)
	}
	return nil
}
