package server

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/confab-rtc/confab/internal/atomicfile"
	"github.com/confab-rtc/confab/signal"
)

// Self-signed certificate files, under the directory SelfSignedCert is
// given.
const (
	SelfSignedCertName = "selfsigned-cert.pem"
	SelfSignedKeyName  = "selfsigned-key.pem"
)

// selfSignedLifetime is how long a self-signed certificate is made for. It
// is reused until it expires, so that the fingerprint clients pinned stays
// valid across restarts.
const selfSignedLifetime = 365 * 24 * time.Hour

// SelfSignedCert returns a development certificate and key in dir and the
// certificate's fingerprint (signal.Fingerprint), which clients pin
// instead of turning verification off. The pair is made on first use
// (ECDSA P-256, valid a year from now, for localhost, the loopback
// addresses, this host's name and hosts) and reused while it is valid, so
// the fingerprint stays the same across restarts. The key is written with
// mode 0600; both files are written atomically.
func SelfSignedCert(dir string, hosts []string, now time.Time) (certFile, keyFile, fingerprint string, err error) {
	certFile, keyFile = filepath.Join(dir, SelfSignedCertName), filepath.Join(dir, SelfSignedKeyName)
	if pair, err := tls.LoadX509KeyPair(certFile, keyFile); err == nil && pair.Leaf != nil &&
		now.After(pair.Leaf.NotBefore) && now.Before(pair.Leaf.NotAfter) {
		return certFile, keyFile, signal.Fingerprint(pair.Leaf.Raw), nil
	}
	certPEM, keyPEM, der, err := makeSelfSigned(hosts, now)
	if err != nil {
		return "", "", "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", "", err
	}
	if err := atomicfile.Write(keyFile, keyPEM, 0o600); err != nil {
		return "", "", "", fmt.Errorf("server: writing %s: %w", keyFile, err)
	}
	if err := atomicfile.Write(certFile, certPEM, 0o644); err != nil {
		return "", "", "", fmt.Errorf("server: writing %s: %w", certFile, err)
	}
	return certFile, keyFile, signal.Fingerprint(der), nil
}

// makeSelfSigned makes a certificate for hosts valid from now, in PEM, with
// its key in PEM and the certificate in DER.
func makeSelfSigned(hosts []string, now time.Time) (certPEM, keyPEM, der []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "confab development server", Organization: []string{"confab"}},
		NotBefore:             now.Add(-time.Hour), // a client whose clock is a little behind
		NotAfter:              now.Add(selfSignedLifetime),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		hosts = append(hosts, name)
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			if !ip.IsUnspecified() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			}
		} else if h != "" && h != "localhost" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, nil, err
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
	return certPEM, keyPEM, der, nil
}
