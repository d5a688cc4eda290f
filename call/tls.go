package call

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"

	"github.com/confab-rtc/confab/signal"
)

// tlsConfig is how a wss:// server is trusted. Without a pin: by the
// system's roots, as a browser would. With a pin (signal.ParseFingerprint
// form): by the fingerprint of the certificate alone, whoever signed it, so
// a development server's self-signed certificate (confab serve
// --tls-self-signed) is trusted for what it is rather than by turning
// verification off. A pin for a server reached without TLS is refused:
// the user asked for a verified connection and would get a plain one.
func tlsConfig(server, pin string) (*tls.Config, error) {
	if pin == "" {
		return nil, nil
	}
	if u, err := url.Parse(server); err == nil && (u.Scheme == "ws" || u.Scheme == "http") {
		return nil, signal.Errorf(signal.CodeBadRequest, "a TLS pin was given for %s, which is not TLS: use a wss:// URL", server)
	}
	want, err := signal.ParseFingerprint(pin)
	if err != nil {
		return nil, signal.Errorf(signal.CodeBadRequest, "the TLS pin: %v", err)
	}
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		// The chain and host name are not checked: VerifyConnection
		// checks instead that the certificate is the pinned one, which is
		// stricter than any authority.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			got := "none"
			if len(cs.PeerCertificates) > 0 {
				got = signal.Fingerprint(cs.PeerCertificates[0].Raw)
			}
			if got != want {
				return &pinError{got: got, want: want}
			}
			return nil
		},
	}, nil
}

// pinError is a server certificate that is not the pinned one.
type pinError struct{ got, want string }

func (e *pinError) Error() string {
	return fmt.Sprintf("certificate %s is not the pinned %s", e.got, e.want)
}

// dialError turns a failed dial of server into what the user is told: a
// TLS failure gets its own code and a sentence that says what to do;
// anything else comes back unchanged.
func dialError(server string, err error) error {
	var pe *pinError
	if errors.As(err, &pe) {
		return signal.Errorf(signal.CodeTLSPinMismatch,
			"the server at %s presented the certificate %s, not the pinned %s: it is another server or its certificate changed; pass the fingerprint the server prints with --tls-pin",
			server, pe.got, pe.want)
	}
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	if errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid) {
		return signal.Errorf(signal.CodeTLSUntrusted,
			"the server at %s has a TLS certificate this machine does not trust (%v); for a development server started with --tls-self-signed, pass the fingerprint it prints with --tls-pin",
			server, err)
	}
	var record tls.RecordHeaderError
	if errors.As(err, &record) {
		return signal.Errorf(signal.CodeWebsocketConnect,
			"the server at %s does not speak TLS; use a ws:// URL for it", server)
	}
	return err
}
