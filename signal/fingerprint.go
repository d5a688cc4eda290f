package signal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// FingerprintPrefix starts every certificate fingerprint confab prints and
// reads: the hash, then its hex digits.
const FingerprintPrefix = "sha256:"

// Fingerprint is the SHA-256 fingerprint of a DER certificate, as the
// server prints it for a self-signed certificate and a client pins it:
// "sha256:" and 64 lowercase hex digits.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return FingerprintPrefix + hex.EncodeToString(sum[:])
}

// ParseFingerprint reads a pinned fingerprint: "sha256:" and 64 hex
// digits, either case, optionally in colon-separated pairs as
// `openssl x509 -fingerprint -sha256` prints them. It returns the
// canonical form Fingerprint makes.
func ParseFingerprint(s string) (string, error) {
	digits, ok := strings.CutPrefix(strings.TrimSpace(s), FingerprintPrefix)
	if !ok {
		return "", fmt.Errorf("fingerprint %q must start with %s", s, FingerprintPrefix)
	}
	digits = strings.ReplaceAll(digits, ":", "")
	b, err := hex.DecodeString(digits)
	if err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("fingerprint %q must be %s and the %d hex digits of a SHA-256 hash", s, FingerprintPrefix, 2*sha256.Size)
	}
	return FingerprintPrefix + hex.EncodeToString(b), nil
}
