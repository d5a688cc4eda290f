package server

import (
	"crypto/rand"
	"encoding/hex"
)

// newSessionID returns a random id for a participant session: 128 bits, so
// that it can serve as a handle in logs and later admin calls.
func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
