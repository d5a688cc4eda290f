package signal

import (
	"strings"
	"testing"
)

// TestParseFingerprint: a pin is read in the form serve prints and in
// openssl's, and anything else is refused.
func TestParseFingerprint(t *testing.T) {
	canon := Fingerprint([]byte("a certificate"))
	hexDigits := strings.TrimPrefix(canon, FingerprintPrefix)
	var pairs []string
	for i := 0; i < len(hexDigits); i += 2 {
		pairs = append(pairs, strings.ToUpper(hexDigits[i:i+2]))
	}
	for _, in := range []string{canon, " " + canon + "\n", FingerprintPrefix + strings.Join(pairs, ":")} {
		if got, err := ParseFingerprint(in); err != nil || got != canon {
			t.Errorf("ParseFingerprint(%q) = %q, %v; want %q", in, got, err, canon)
		}
	}
	for _, in := range []string{"", hexDigits, "sha1:" + hexDigits, canon[:len(canon)-2], canon + "00", FingerprintPrefix + strings.Repeat("zz", 32)} {
		if got, err := ParseFingerprint(in); err == nil {
			t.Errorf("ParseFingerprint(%q) = %q, want an error", in, got)
		}
	}
}
