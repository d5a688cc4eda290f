package e2e

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestCallOverTLSSelfSigned: `confab serve --tls-self-signed` prints its
// certificate's fingerprint; a client that pins it joins over wss:// and
// hears the other's tone; a client without the pin is refused with error
// 91000030 and what to do, a wrong pin with 91000031. The certificate is
// kept: a restarted server prints the same fingerprint.
func TestCallOverTLSSelfSigned(t *testing.T) {
	e := newEnv(t)
	e.extra = append(e.extra, "XDG_DATA_HOME="+e.path("data"))
	url, fp := startTLSServer(t, e)
	writeTone(t, e.path("tone.wav"), 440)

	a := e.startClient("alice", "--server", url, "--tls-pin", fp, "--user", "alice", "--send", e.path("tone.wav"), "--speaker", "none", "room1")
	b := e.startClient("bob", "--server", url, "--tls-pin", fp, "--user", "bob", "--mic", "none", "--speaker", "none", "--record", e.path("bob.wav"), "room1")
	a.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))
	bUp := b.waitEvent("CONNECTED", 15*time.Second, isEvent("connection-state-changed", map[string]any{"cur": "CONNECTED"}))
	bHears := b.waitEvent("first audio from alice", 10*time.Second, isEvent("first-audio-frame", map[string]any{"userId": "alice"}))
	time.Sleep(2500 * time.Millisecond)
	end := time.Now()
	b.send("leave")
	if err := b.waitExit(10 * time.Second); err != nil {
		t.Fatalf("bob exited with %v, want 0", err)
	}
	rec := readRecording(t, e.path("bob.wav"), bUp.time())
	assertTone(t, "bob hearing alice over wss", rec.between(t, bHears.time().Add(500*time.Millisecond), end.Add(-200*time.Millisecond)), 440, 1000)

	for _, c := range []struct{ name, pin, want string }{
		{"no pin", "", "error 91000030"},
		{"wrong pin", "sha256:" + strings.Repeat("00", 32), "error 91000031"},
	} {
		cmd := e.command("refused", "join", "--headless", "--server", url, "--user", "carol", "--mic", "none", "--speaker", "none", "room1")
		if c.pin != "" {
			cmd.Args = append(cmd.Args[:len(cmd.Args)-1], "--tls-pin", c.pin, "room1")
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if err == nil || !strings.Contains(stderr.String(), c.want) || !strings.Contains(stderr.String(), "--tls-pin") {
			t.Errorf("%s: exit %v, stderr %q; want a failure with %s naming --tls-pin", c.name, err, stderr.String(), c.want)
		}
	}
	if _, again := startTLSServer(t, e); again != fp {
		t.Errorf("a second server printed the fingerprint %s, want the kept certificate's %s", again, fp)
	}
}

// startTLSServer runs `confab serve --tls-self-signed` and returns its
// wss:// URL and the fingerprint it printed.
func startTLSServer(t *testing.T, e *env) (url, fingerprint string) {
	t.Helper()
	e.serveUntil([]string{"--tls-self-signed"}, "its address and fingerprint", func(l string) bool {
		if _, rest, found := strings.Cut(l, "listening on "); found {
			addr, _, _ := strings.Cut(rest, " ")
			url = "wss://" + addr
		}
		if s := strings.TrimSpace(l); strings.HasPrefix(s, "sha256:") {
			fingerprint = s
		}
		return url != "" && fingerprint != ""
	})
	return url, fingerprint
}
