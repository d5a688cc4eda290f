package call

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pion/transport/v4/test"

	"github.com/confab-rtc/confab/audio"
	"github.com/confab-rtc/confab/internal/tone"
	"github.com/confab-rtc/confab/server"
	"github.com/confab-rtc/confab/signal"
)

// startTLSServer runs a room server on wss:// with a self-signed
// certificate, as `confab serve --tls-self-signed` does, and returns its
// URL and the certificate's fingerprint.
func startTLSServer(t *testing.T) (url, fingerprint string) {
	t.Helper()
	cert, key, fp, err := server.SelfSignedCert(t.TempDir(), nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, url = startServer(t, server.Config{TLSCertFile: cert, TLSKeyFile: key})
	if !strings.HasPrefix(url, "wss://") {
		t.Fatalf("a TLS server's URL is %s", url)
	}
	return url, fp
}

// TestEngineCallOverTLS: a call through a wss:// server whose self-signed
// certificate both clients pin: the tone a sends is what b hears.
func TestEngineCallOverTLS(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t)) // registered first: runs after the server stops
	url, fp := startTLSServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	src := toneSource(t, 660, audio.SampleRate)
	rec := &recorder{}
	pinned := func(user string, p Params) *Engine {
		ctime := time.Now().Add(time.Hour).Unix()
		return New(Config{ServerURL: url, TLSPin: fp, Room: "r", UserID: user, UserName: "User " + user, AppID: testAppID,
			CTime: ctime, Signature: signal.Sign(testAppKey, testAppID, "r", user, ctime)}, p)
	}
	a, b := pinned("a", Params{Source: src}), pinned("b", Params{Outputs: []audio.Output{rec}})
	aEv, bEv := collect(a), collect(b)
	aRun, bRun := make(chan error, 1), make(chan error, 1)
	go func() { aRun <- a.Run(ctx) }()
	go func() { bRun <- b.Run(ctx) }()

	bEv.wait(t, "first audio from a", func(e Event) bool { f, ok := e.(FirstAudioFrame); return ok && f.UserID == "a" })
	// The tone must dominate 90 % of a 1.5 s stretch of what b plays.
	// Judged on the latest 1.5 s until the deadline, so that a starved
	// CPU (-race, a loaded machine) delays the verdict instead of failing
	// it; a call that never carries the tone still fails.
	start, best := rec.len()+audio.SampleRate/4, 0.0
	for deadline := time.Now().Add(15 * time.Second); best < 0.9; time.Sleep(250 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("660 Hz dominated at best %.0f%% of 1.5 s of what b heard over wss, want >= 90%%", 100*best)
		}
		if n := rec.len(); n-start >= audio.SampleRate*3/2 {
			heard := rec.since(n - audio.SampleRate*3/2)
			best = max(best, tone.FractionDominant(heard, audio.SampleRate, 100*time.Millisecond, 660, 10, 300))
		}
	}
	a.Leave()
	b.Leave()
	if err := <-aRun; !errors.Is(err, ErrLeft) {
		t.Errorf("a.Run returned %v, want ErrLeft", err)
	}
	<-bRun
	<-aEv.done
	<-bEv.done
	a.Close()
	b.Close()
}

// TestTLSRefusals: a wss:// server that cannot be trusted is refused with
// a code and a sentence saying what to do, by the engine and the lobby
// alike; never by turning verification off.
func TestTLSRefusals(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	url, fp := startTLSServer(t)
	_, plain := startServer(t, server.Config{})
	other := signal.FingerprintPrefix + strings.Repeat("ab", 32)
	cases := []struct {
		name, url, pin string
		code           int
		says           string
	}{
		{"no pin for a self-signed certificate", url, "", signal.CodeTLSUntrusted, "--tls-pin"},
		{"another certificate's pin", url, other, signal.CodeTLSPinMismatch, fp},
		{"a malformed pin", url, "sha256:xyz", signal.CodeBadRequest, "64 hex digits"},
		{"wss to a server without TLS", "wss" + strings.TrimPrefix(plain, "ws"), fp, signal.CodeWebsocketConnect, "ws://"},
		{"a pin for a ws:// URL", plain, fp, signal.CodeBadRequest, "wss://"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctime := time.Now().Add(time.Hour).Unix()
			e := New(Config{ServerURL: c.url, TLSPin: c.pin, Room: "r", UserID: "u", AppID: testAppID, JoinTimeout: 5 * time.Second,
				CTime: ctime, Signature: signal.Sign(testAppKey, testAppID, "r", "u", ctime)}, Params{})
			ev := collect(e)
			err := e.Run(context.Background())
			var se *signal.Error
			if !errors.As(err, &se) || se.Code != c.code || !strings.Contains(se.Message, c.says) {
				t.Fatalf("engine: %v, want code %d saying %q", err, c.code, c.says)
			}
			ev.wait(t, "the error event", func(x Event) bool { e, ok := x.(Error); return ok && e.Code == c.code })
			<-ev.done
			e.Close()

			_, err = DialLobby(context.Background(), LobbyConfig{ServerURL: c.url, TLSPin: c.pin, AppID: testAppID, UserID: "viewer",
				CTime: ctime, Signature: signal.Sign(testAppKey, testAppID, signal.LobbyRoom, "viewer", ctime)})
			if !errors.As(err, &se) || se.Code != c.code || !strings.Contains(se.Message, c.says) {
				t.Fatalf("lobby: %v, want code %d saying %q", err, c.code, c.says)
			}
		})
	}
}

// TestLobbyOverTLS: the room list is read over wss:// and https:// with a
// pinned certificate, and shows a room an engine (pinned too) is in.
func TestLobbyOverTLS(t *testing.T) {
	t.Cleanup(test.CheckRoutines(t))
	url, fp := startTLSServer(t)
	ctime := time.Now().Add(time.Hour).Unix()
	e := New(Config{ServerURL: url, TLSPin: fp, Room: "tlsroom", UserID: "u", AppID: testAppID,
		CTime: ctime, Signature: signal.Sign(testAppKey, testAppID, "tlsroom", "u", ctime)}, Params{})
	ev := collect(e)
	run := make(chan error, 1)
	go func() { run <- e.Run(context.Background()) }()
	ev.wait(t, "connected", func(x Event) bool { c, ok := x.(ConnectionStateChanged); return ok && c.Cur == StateConnected })
	l, err := DialLobby(context.Background(), LobbyConfig{ServerURL: url, TLSPin: fp, AppID: testAppID, UserID: "viewer",
		CTime: ctime, Signature: signal.Sign(testAppKey, testAppID, signal.LobbyRoom, "viewer", ctime)})
	if err != nil {
		t.Fatal(err)
	}
	rooms := l.Rooms()
	l.Close()
	if len(rooms) != 1 || rooms[0].Room != "tlsroom" || rooms[0].Participants != 1 {
		t.Fatalf("rooms over wss = %+v, want tlsroom with 1", rooms)
	}
	auth := BearerToken(testAppID, "viewer", ctime, signal.Sign(testAppKey, testAppID, signal.LobbyRoom, "viewer", ctime))
	if listed, err := ListRooms(context.Background(), url, fp, auth); err != nil || len(listed) != 1 || listed[0].Room != "tlsroom" {
		t.Fatalf("rooms over https = %+v, %v; want tlsroom", listed, err)
	}
	var se *signal.Error
	if _, err := ListRooms(context.Background(), url, "", auth); !errors.As(err, &se) || se.Code != signal.CodeTLSUntrusted {
		t.Fatalf("rooms over https without the pin: %v, want code %d", err, signal.CodeTLSUntrusted)
	}
	e.Leave()
	<-run
	<-ev.done
	e.Close()
}
