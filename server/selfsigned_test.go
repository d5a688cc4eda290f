package server

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/confab-rtc/confab/signal"
)

// TestSelfSignedCert: the development certificate is made once (key mode
// 0600) and reused, so the fingerprint clients pinned survives a restart;
// an expired one is replaced; New serves with it and refuses half a pair
// or files that are not a certificate.
func TestSelfSignedCert(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	cert, key, fp, err := SelfSignedCert(dir, []string{"0.0.0.0", "confab.test"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signal.ParseFingerprint(fp); err != nil {
		t.Fatalf("fingerprint %q: %v", fp, err)
	}
	if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, st.Mode().Perm())
	}
	_, _, again, err := SelfSignedCert(dir, nil, now.Add(time.Hour))
	if err != nil || again != fp {
		t.Fatalf("second run: fingerprint %s (%v), want the same %s", again, err, fp)
	}
	_, _, renewed, err := SelfSignedCert(dir, nil, now.Add(selfSignedLifetime+time.Hour))
	if err != nil || renewed == fp {
		t.Fatalf("after expiry: fingerprint %s (%v), want a new one", renewed, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("files in the data dir: %v, want the certificate and the key", entries)
	}

	srv, err := New(Config{AppID: testAppID, AppKey: testAppKey, TLSCertFile: cert, TLSKeyFile: key}, nil)
	if err != nil || !srv.TLS() {
		t.Fatalf("New with the pair: %v, TLS %v", err, srv != nil && srv.TLS())
	}
	srv.Close()
	notPEM := filepath.Join(dir, "x.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []Config{{TLSCertFile: cert}, {TLSCertFile: notPEM, TLSKeyFile: key}} {
		c.AppID, c.AppKey = testAppID, testAppKey
		if _, err := New(c, nil); !errors.Is(err, ErrConfig) {
			t.Errorf("New(%s, %s): %v, want ErrConfig", c.TLSCertFile, c.TLSKeyFile, err)
		}
	}
}
