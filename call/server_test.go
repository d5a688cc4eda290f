package call

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/confab-rtc/confab/server"
)

// The app credentials of the in-process test server.
const testAppID, testAppKey = "app", "0123456789abcdef0123456789abcdef"

// startServer runs an in-process room server with cfg (its listen address
// and credentials are set here) and returns it with its websocket URL. It
// is closed when the test ends.
func startServer(t testing.TB, cfg server.Config) (*server.Server, string) {
	t.Helper()
	cfg.Listen, cfg.AppID, cfg.AppKey = "127.0.0.1:0", testAppID, testAppKey
	srv, err := server.New(cfg, testLog("server"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
	})
	for srv.Addr() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	if srv.TLS() {
		return srv, "wss://" + srv.Addr().String()
	}
	return srv, "ws://" + srv.Addr().String()
}

// toneSource is a paced microphone that loops n samples of a freq Hz
// sine; it is closed when the test ends.
func toneSource(t testing.TB, freq float64, n int) audio.Source {
	t.Helper()
	wav := filepath.Join(t.TempDir(), "tone.wav")
	if err := audio.WriteWAV(wav, tone.Sine(freq, 0.3, n), audio.SampleRate, 1); err != nil {
		t.Fatal(err)
	}
	src, err := audio.NewWAVSource(wav)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}
