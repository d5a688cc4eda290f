package pulsetest

import (
	"errors"
	"os"
	"testing"
)

// Start starts a private PulseAudio server for the test (see StartProcess),
// points in-process clients such as malgo at it by setting PULSE_SERVER and
// PULSE_CLIENTCONFIG with t.Setenv, and stops it and everything it started
// when the test ends. Because of t.Setenv it cannot be used in parallel
// tests; use StartProcess and Env there. Without PulseAudio installed it
// skips the test, or fails it when the CI environment variable is set, so
// CI never passes by skipping the audio tests.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := StartProcess(t.TempDir())
	if errors.Is(err, ErrNotInstalled) {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v (CI is set: audio tests must run)", err)
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	s.tb = t
	// Registered after t.TempDir, so it runs before the directory is
	// removed: the daemon must be gone first.
	t.Cleanup(s.Close)
	t.Setenv("PULSE_SERVER", "unix:"+s.socket)
	t.Setenv("PULSE_CLIENTCONFIG", s.clientConf)
	return s
}
