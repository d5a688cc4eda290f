package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/confab-rtc/confab/signal"
)

// TestRunAndClose: Run serves on a free port that Addr reports, /healthz
// answers, a call works, and cancelling Run ends every session with close
// code 1001; Close stays idempotent and a closed server does not restart.
func TestRunAndClose(t *testing.T) {
	guard(t)
	srv, err := New(Config{Listen: "127.0.0.1:0", AppID: testAppID, AppKey: testAppKey}, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	if srv.Addr() != nil {
		t.Fatal("Addr before listening is not nil")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx) }()
	eventually(t, "the server to listen", func() bool { return srv.Addr() != nil })
	addr := srv.Addr().String()
	if strings.HasSuffix(addr, ":0") {
		t.Fatalf("Addr = %s, want the port picked", addr)
	}

	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Fatalf("healthz: %d %q", resp.StatusCode, body)
	}

	url := "ws://" + addr + "/v1/ws"
	a := dial(t, url, clientOpts{})
	b := dial(t, url, clientOpts{})
	a.join("r", "a", signal.RoleJoiner)
	b.join("r", "b", signal.RoleJoiner)
	a.publish("a", "mic", 20)
	b.flowing("a", 5)

	if err := srv.Run(ctx); !errors.Is(err, ErrRunning) {
		t.Fatalf("second Run: %v, want ErrRunning", err)
	}
	cancel()
	select {
	case err := <-ran:
		if err != nil {
			t.Fatalf("Run after cancel: %v", err)
		}
	case <-time.After(waitLong):
		t.Fatal("Run did not return after its context ended")
	}
	for _, c := range []*client{a, b} {
		if code := c.closeCode(); code != websocket.CloseGoingAway {
			t.Errorf("close code %d, want %d (going away)", code, websocket.CloseGoingAway)
		}
	}
	if len(srv.Rooms()) != 0 {
		t.Fatalf("rooms after Close: %+v", srv.Rooms())
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := srv.Run(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Run after Close: %v, want ErrClosed", err)
	}
	if _, err := hc.Get("http://" + addr + "/healthz"); err == nil {
		t.Fatal("healthz still answers after Close")
	}
}

// TestRunListenError: Run reports an address it cannot bind.
func TestRunListenError(t *testing.T) {
	guard(t)
	first, err := New(Config{Listen: "127.0.0.1:0", AppID: "a", AppKey: "k"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Listen(); err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := New(Config{Listen: first.Addr().String(), AppID: "a", AppKey: "k"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if err := second.Run(context.Background()); err == nil {
		t.Fatal("Run on a taken address returned nil")
	}
}

// TestConfig: New fills in defaults and refuses what cannot work.
func TestConfig(t *testing.T) {
	ok := Config{AppID: "a", AppKey: "k"}
	cases := []struct {
		name string
		edit func(c *Config)
		ok   bool
	}{
		{"defaults", func(*Config) {}, true},
		{"no app id", func(c *Config) { c.AppID = "" }, false},
		{"no app key", func(c *Config) { c.AppKey = "" }, false},
		{"listen without port", func(c *Config) { c.Listen = "localhost" }, false},
		{"timeout not above ping", func(c *Config) { c.PingInterval, c.PeerTimeout = time.Second, time.Second }, false},
		{"tiny frames", func(c *Config) { c.MaxMessageBytes = 100 }, false},
		{"inverted port range", func(c *Config) { c.ICE.PortMin, c.ICE.PortMax = 5000, 4000 }, false},
		{"port range", func(c *Config) { c.ICE.PortMin, c.ICE.PortMax = 40000, 40100 }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.edit(&cfg)
			got, err := cfg.withDefaults()
			if tc.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if err != nil {
				if !errors.Is(err, ErrConfig) {
					t.Fatalf("error %v does not wrap ErrConfig", err)
				}
				return
			}
			if got.Listen != DefaultListen || got.PingInterval != DefaultPingInterval || got.PeerTimeout != DefaultPeerTimeout ||
				got.MaxMessageBytes != signal.MaxMessageBytes || got.SendQueue != DefaultSendQueue {
				t.Fatalf("defaults not applied: %+v", got)
			}
		})
	}
}
